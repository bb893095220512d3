"""The site supervisor's phone app over the API (the app's JavaScript is its client).

GET the day list; POST queued entries to /sync (idempotent on the ids the phone made; an entry
naming a person not placed at a site the caller supervises makes the whole batch 404 and stores
nothing); POST a work photo for a synced entry.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.permissions import can
from aksalarasa.clients.photos import PhotoError, photo_clean
from aksalarasa.sentences.supervisor import selectors, services
from aksalarasa.sentences.supervisor.models import SiteVisit

router = Router(tags=["site supervisor app"])
MAX_BATCH = 200


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class EntryStateOut(Schema):
    id: str
    attendance: str
    state: str


class PersonOut(Schema):
    order_id: int
    name: str
    hours_ordered: int
    credited_minutes: int
    remaining_minutes: int
    end_date: date
    entries: list[EntryStateOut]
    planned_start: str = Field(
        "", description="today's planned start (HH:MM, office time); empty when unplanned"
    )
    planned_end: str = ""


class SiteDayOut(Schema):
    id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    opens_at: str
    closes_at: str
    people: list[PersonOut] = Field(..., description="planned today, in planned-start order")
    unplanned: list[PersonOut] = Field(
        ..., description="placed here with an active order, nothing planned today"
    )


class DayOut(Schema):
    date: date
    time_zone: str = Field(
        ..., description="the office's zone (IANA); the phone dates its entries in it, not in its own"
    )
    radius_m: int
    sites: list[SiteDayOut]


class VisitIn(Schema):
    id: uuid.UUID = Field(..., description="made by the phone; a replay with the same id stores nothing new")
    order_id: int
    site_id: int
    work_date: date
    attendance: SiteVisit.Attendance
    absence_reason: str = Field("", max_length=300)
    start: time | None = None
    end: time | None = None
    break_minutes: int = Field(0, ge=0, le=600)
    work_done: str = Field("", max_length=300)
    pin: str = Field("", max_length=12, description="the person's placement PIN (their confirmation)")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    made_at: datetime | None = None


class SyncIn(Schema):
    entries: list[VisitIn] = Field(..., max_length=MAX_BATCH)


class ResultOut(Schema):
    id: uuid.UUID
    state: str = Field(..., description="credited, recorded, conflict (the PK decides), invalid or refused")
    replay: bool
    conflict: str
    errors: list[str]
    credited_minutes: int


class SyncOut(Schema):
    results: list[ResultOut]


class PhotoOut(Schema):
    id: uuid.UUID
    photo: bool


def _person(p: selectors.DayPerson) -> PersonOut:
    return PersonOut(
        order_id=p.order_id,
        name=p.name,
        hours_ordered=p.hours_ordered,
        credited_minutes=p.credited_minutes,
        remaining_minutes=p.remaining_minutes,
        end_date=p.end_date,
        entries=[EntryStateOut(**e) for e in p.entries],
        planned_start=p.planned_start,
        planned_end=p.planned_end,
    )


@router.get(
    "/sentences/supervisor/day",
    response=DayOut,
    summary="The site supervisor's day list: the people placed at their sites (empty for anyone else)",
)
def day(request: AuthedRequest, on: date | None = None) -> DayOut:
    zone = timezone.get_current_timezone_name()  # the viewer's office's, activated by core.middleware
    today = on or timezone.localdate()
    sites = selectors.day_list(viewer=request.user, day=today)
    return DayOut(
        date=today,
        time_zone=zone,
        radius_m=services.site_radius_m(),
        sites=[
            SiteDayOut(
                id=s.id,
                name=s.name,
                address=s.address,
                latitude=s.latitude,
                longitude=s.longitude,
                opens_at=s.opens_at,
                closes_at=s.closes_at,
                people=[_person(p) for p in s.people],
                unplanned=[_person(p) for p in s.unplanned],
            )
            for s in sites
        ],
    )


@router.post(
    "/sentences/supervisor/sync",
    response={200: SyncOut, 404: ErrorOut, 422: ErrorOut},
    summary="Deliver entries queued on the phone (idempotent on each entry's id)",
)
def sync(request: AuthedRequest, payload: SyncIn) -> SyncOut:
    viewer = request.user
    if not can(viewer, "site_visit", "create"):
        raise Http404
    items = [entry.dict() for entry in payload.entries]
    try:
        results = services.visits_sync(actor=viewer, items=items)
    except services.OutOfScope:
        raise Http404 from None
    return SyncOut(results=[ResultOut(**r.__dict__) for r in results])


@router.post(
    "/sentences/supervisor/visits/{visit_id}/photo",
    response={200: PhotoOut, 404: ErrorOut, 422: ErrorOut},
    summary="Attach a photo of the work to a synced entry (multipart field 'photo'; metadata is removed)",
)
def photo(request: AuthedRequest, visit_id: str) -> tuple[int, object]:
    visit = selectors.visit_of_supervisor(viewer=request.user, key=visit_id)
    upload = request.FILES.get("photo")
    if upload is None:
        return 422, ErrorOut(detail=_("Choose a photo."))
    try:
        clean = photo_clean(upload)
    except PhotoError as error:
        return 422, ErrorOut(detail=str(error))
    visit = services.visit_photo_set(actor=request.user, visit=visit, photo=clean)
    return 200, PhotoOut(id=visit.client_uuid, photo=bool(visit.photo))
