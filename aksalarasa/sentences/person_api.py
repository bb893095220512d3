"""The person's own view over the API: the private link's token instead of a login.

The same reads and writes as the page (person.py): own balance from the ledger, the next planned
sessions, the site's address and hours, and a complaint that reaches the section head (Kasi), never
the site. The token is the credential (no account, `auth=None`); each call is a look-up by a key,
counted in the same budget as the page (core/lookups.py), so walking tokens through the API is no
faster than through the page. A wrong, revoked or unknown token, and one of an order that is over,
answer the same 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from aksalarasa.core.api_types import LocalTime
from aksalarasa.core.forms import json_form_data, valid_data
from aksalarasa.core.lookups import enforce_limit
from aksalarasa.sentences import person
from aksalarasa.sentences.api import ErrorOut
from aksalarasa.sentences.person_forms import ComplaintForm

router = Router(tags=["community sentences: the person's own view"])

# The page's group: one budget for the page and the API.
LOOKUP_GROUP = "sentences:own_page"


class OwnSiteOut(Schema):
    name: str
    address: str
    regency: str
    latitude: float | None
    longitude: float | None
    opening_days: list[int]
    opens_at: LocalTime
    closes_at: LocalTime


class OwnSessionOut(Schema):
    day: date
    starts_at: LocalTime
    ends_at: LocalTime
    minutes: int


class OwnViewOut(Schema):
    name: str = Field(..., description="a child's name as initials")
    office: str
    status: str
    start_date: date
    end_date: date
    minutes_ordered: int
    credited_minutes: int
    remaining_minutes: int
    site: OwnSiteOut | None
    next_sessions: list[OwnSessionOut]


class ComplaintIn(Schema):
    kind: Literal["safety", "dignity", "commercial", "other"]
    text: str = Field(..., description="what happened (at most 2,000 characters)")


class ComplaintOut(Schema):
    kind: str
    status: str
    created_at: datetime
    detail: str


@router.get(
    "/public/sentences/me/{token}",
    response={200: OwnViewOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="The person's own view by their private link: balance, next sessions, the site's address",
)
def own_view(request: HttpRequest, token: str) -> OwnViewOut:
    enforce_limit(request, LOOKUP_GROUP)
    link = person.link_lookup(token)
    view = person.own_view(link=link)
    site = view.site
    return OwnViewOut(
        name=view.name,
        office=view.office_name,
        status=link.order.status,
        start_date=view.start,
        end_date=view.end,
        minutes_ordered=view.minutes_ordered,
        credited_minutes=view.credited_minutes,
        remaining_minutes=view.remaining_minutes,
        site=None
        if site is None
        else OwnSiteOut(
            name=site.name,
            address=site.address,
            regency=site.regency_id,
            latitude=float(site.latitude) if site.latitude is not None else None,
            longitude=float(site.longitude) if site.longitude is not None else None,
            opening_days=[int(d) for d in site.opening_days],
            opens_at=site.opens_at,
            closes_at=site.closes_at,
        ),
        next_sessions=[
            OwnSessionOut(day=s.day, starts_at=s.starts_at, ends_at=s.ends_at, minutes=s.minutes)
            for s in view.next_sessions
        ],
    )


@router.post(
    "/public/sentences/me/{token}/complaints",
    response={201: ComplaintOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Raise a complaint about the placement (safety, dignity, commercial use); it reaches the "
    "section head (Kasi), not the site",
)
def own_complaint(request: HttpRequest, token: str, payload: ComplaintIn) -> tuple[int, ComplaintOut]:
    enforce_limit(request, LOOKUP_GROUP)
    link = person.link_lookup(token)
    data = valid_data(ComplaintForm(json_form_data(payload.dict())))
    complaint = person.complaint_raise(link=link, data=data)
    message = _(
        "Your complaint was sent to the section head (Kasi) of %(office)s. The site does not see it."
    ) % {"office": link.order.office.name}
    return 201, ComplaintOut(
        kind=complaint.kind, status=complaint.status, created_at=complaint.created_at, detail=message
    )
