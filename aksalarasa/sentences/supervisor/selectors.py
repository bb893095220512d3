"""Reads of the site supervisor's phone app: each takes the viewer.

The day list shows a supervisor only what the site needs: per site they supervise, the people
placed there with an active community-service order, their name (initials for a child:
clients.masking), the hours ordered, credited and left, and the day's entries. Never the offence,
the case or the client record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from aksalarasa.accounts.permissions import MINE, OFFICE, SECTION, SUPERVISES, reaches
from aksalarasa.clients.masking import client_label
from aksalarasa.sentences import rules
from aksalarasa.sentences.models import SentenceOrder, ServiceSite
from aksalarasa.sentences.plan_models import PlannedSession
from aksalarasa.sentences.supervisor.models import SiteVisit, supervised_site_ids

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client


def is_site_supervisor(viewer: User) -> bool:
    return SUPERVISES in reaches(viewer, "site_visit", "read")


def supervised_orders(*, viewer: User) -> QuerySet[SentenceOrder]:
    """Community-service orders placed at a site the viewer supervises (any status: an order closed
    while an entry waited offline still receives it, as a conflict)."""
    if not is_site_supervisor(viewer):
        return SentenceOrder.objects.none()
    return SentenceOrder.objects.filter(
        site_id__in=supervised_site_ids(viewer), sentence_type=rules.COMMUNITY_SERVICE
    )


@dataclass
class DayPerson:
    order_id: int
    name: str
    hours_ordered: int
    credited_minutes: int
    end_date: date
    entries: list[dict] = field(default_factory=list)
    planned_start: str = ""  # "HH:MM" of today's planned session (office time), "" when none
    planned_end: str = ""

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.hours_ordered * 60 - self.credited_minutes)


@dataclass
class DaySite:
    id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    opens_at: str
    closes_at: str
    people: list[DayPerson]  # planned today, in planned-start order
    unplanned: list[DayPerson] = field(default_factory=list)  # active here, nothing planned today


def _supervised_name(client: Client, viewer: User) -> str:
    """client_label's answer for a person placed at a site the viewer supervises, without its query
    per person: a partner-side supervisor of the site sees an adult's name (sentences.selectors.
    supervises_client, true here by construction of the list) and a child's initials."""
    if viewer.is_authenticated and viewer.is_partner_side:
        return client.initials if client.is_child else client.full_name
    return client_label(client, viewer, name_shared=True)


def day_list(*, viewer: User, day: date) -> list[DaySite]:
    """The supervisor's sites and, at each, today's planned sessions in planned-start order (the
    PlannedSession rows of the day), then the people with an active order at the site and no session
    planned today (so an unplanned arrival can still be recorded). Four queries, however many."""
    if not is_site_supervisor(viewer):
        return []
    sites = list(ServiceSite.objects.filter(pk__in=supervised_site_ids(viewer)).order_by("name"))
    orders = (
        supervised_orders(viewer=viewer)
        .filter(status=SentenceOrder.Status.ACTIVE, start_date__lte=day)
        .select_related("client")
        .annotate(credited=Coalesce(Sum("hours__credited_minutes"), Value(0)))
        .order_by("client__full_name", "pk")
    )
    visits: dict[int, list[dict]] = {}
    for visit in SiteVisit.objects.filter(site__in=sites, work_date=day, supervisor=viewer).order_by("pk"):
        visits.setdefault(visit.order_id, []).append(
            {"id": str(visit.client_uuid), "attendance": visit.attendance, "state": visit.state}
        )
    planned: dict[int, tuple[str, str]] = {}
    for session in PlannedSession.objects.filter(site__in=sites, day=day).order_by("starts_at", "pk"):
        start, end = session.starts_at.strftime("%H:%M"), session.ends_at.strftime("%H:%M")
        first = planned.get(session.order_id)
        # two sessions on a day (a break between): one line, from the first start to the last end
        planned[session.order_id] = (first[0], max(first[1], end)) if first else (start, end)
    people: dict[int, list[DayPerson]] = {}
    unplanned: dict[int, list[DayPerson]] = {}
    for order in orders:
        if order.end_date < day:
            continue
        times = planned.get(order.pk)
        target = people if times else unplanned
        target.setdefault(order.site_id or 0, []).append(
            DayPerson(
                order_id=order.pk,
                name=_supervised_name(order.client, viewer),
                hours_ordered=order.hours_ordered or 0,
                credited_minutes=order.credited,  # annotated above
                end_date=order.end_date,
                entries=visits.get(order.pk, []),
                planned_start=times[0] if times else "",
                planned_end=times[1] if times else "",
            )
        )
    for group in people.values():
        group.sort(key=lambda p: p.planned_start)  # stable: same start keeps the name order
    return [
        DaySite(
            id=site.pk,
            name=site.name,
            address=site.address,
            latitude=float(site.latitude) if site.latitude is not None else None,
            longitude=float(site.longitude) if site.longitude is not None else None,
            opens_at=site.opens_at.strftime("%H:%M"),
            closes_at=site.closes_at.strftime("%H:%M"),
            people=people.get(site.pk, []),
            unplanned=unplanned.get(site.pk, []),
        )
        for site in sites
    ]


def visit_get_for_viewer(*, viewer: User, pk: int) -> SiteVisit:
    visit = (
        SiteVisit.objects.visible_to(viewer)
        .select_related("order", "order__client", "office")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visit_of_supervisor(*, viewer: User, key: str) -> SiteVisit:
    """A visit this supervisor sent, by the id their phone made; 404 otherwise."""
    try:
        client_uuid = uuid.UUID(str(key))
    except ValueError:
        raise Http404 from None
    visit = (
        SiteVisit.objects.filter(
            client_uuid=client_uuid, supervisor=viewer, site_id__in=supervised_site_ids(viewer)
        ).first()
        if is_site_supervisor(viewer)
        else None
    )
    if visit is None:
        raise Http404
    return visit


def order_visits(*, order: SentenceOrder) -> list[SiteVisit]:
    """The entries supervisors sent for an order, conflicts first, then the latest."""
    visits = list(
        SiteVisit.objects.filter(order=order)
        .select_related("supervisor", "decided_by", "entry")
        .order_by("-work_date", "-pk")[:100]
    )
    visits.sort(key=lambda v: v.state != SiteVisit.State.CONFLICT)
    return visits


def can_see_photo(viewer: User, visit: SiteVisit) -> bool:
    """ "visit_photo: read": the supervisors of the visit's site and the order's guidance staff (as far
    as their reach goes: the order must be visible to them)."""
    found = reaches(viewer, "visit_photo", "read")
    if not found:
        return False
    if viewer.is_superuser:
        return True
    if SUPERVISES in found and visit.site.supervisors.filter(pk=viewer.pk).exists():
        return True
    return bool(found & {OFFICE, SECTION, MINE}) and (
        SentenceOrder.objects.visible_to(viewer).filter(pk=visit.order_id).exists()
    )
