"""Reads of the evidence app, always taking the viewer. Access helpers answer 404 to outsiders."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, QuerySet
from django.http import Http404

from aksalarasa.accounts.permissions import can
from aksalarasa.evidence.models import Administration, Instrument, InstrumentVersion, Response
from aksalarasa.programs.consistency import CycleDates, DatedEvent, DatedTest, local_date

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.programs.models import Program


def can_see_evidence(viewer: User) -> bool:
    """Everyone with a staff role except partner-only staff (domain.md: survey responses, partner: no)."""
    return can(viewer, "evidence", "read")


def aggregates_only(viewer: User) -> bool:
    """National and regional viewers see aggregates with cells under 5 suppressed."""
    if viewer.is_superuser:
        return False
    return viewer.has_role("national", "regional") and not (viewer.office_id and viewer.has_office_role)


def instrument_list(*, viewer: User) -> QuerySet[Instrument]:
    return Instrument.objects.visible_to(viewer).annotate(version_count=Count("versions")).order_by("key")


def instrument_get(*, viewer: User, pk: int) -> Instrument:
    instrument = Instrument.objects.visible_to(viewer).filter(pk=pk).first()
    if instrument is None:
        raise Http404
    return instrument


def instrument_version_get(*, viewer: User, pk: int) -> InstrumentVersion:
    version = (
        InstrumentVersion.objects.visible_to(viewer)
        .select_related("instrument")
        .prefetch_related("subscales", "items__subscale")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise Http404
    return version


def program_administrations(*, viewer: User, program: Program) -> QuerySet[Administration]:
    return (
        Administration.objects.visible_to(viewer)
        .filter(program=program)
        .select_related("instrument_version__instrument", "event")
        .annotate(response_count=Count("responses"))
        .order_by("created_at", "pk")
    )


def administration_get_for_viewer(*, viewer: User, pk: int) -> Administration:
    """The administration, or 404 for one the viewer may not see (never 403)."""
    administration = (
        Administration.objects.visible_to(viewer)
        .select_related("program", "event", "instrument_version__instrument", "office")
        .filter(pk=pk)
        .first()
    )
    if administration is None:
        raise Http404
    return administration


def administration_get_public(*, token: str) -> Administration:
    administration = (
        Administration.objects.select_related("program", "event", "instrument_version__instrument", "office")
        .filter(public_token=token)
        .first()
    )
    if administration is None or not token:
        raise Http404
    return administration


def response_list(*, viewer: User, administration: Administration) -> QuerySet[Response]:
    """Individual responses the viewer may see (domain.md, survey responses)."""
    return (
        Response.objects.visible_to(viewer)
        .filter(administration=administration)
        .select_related("client", "entered_by")
        .order_by("submitted_at", "pk")
    )


def response_counts(*, administration: Administration) -> dict[str, int]:
    rows = administration.responses.values("channel").annotate(n=Count("pk"))
    return {row["channel"]: row["n"] for row in rows}


def program_test_dates(program: Program, zone: zoneinfo.ZoneInfo) -> CycleDates:
    """Each of the program's questionnaires with the first and last day an answer came in (in the
    office's zone), for the cycle's date check. One query."""
    rows = (
        Administration.objects.filter(program=program)
        .annotate(first=Min("responses__submitted_at"), last=Max("responses__submitted_at"))
        .filter(first__isnull=False)
        .select_related("event", "instrument_version__instrument")
    )
    tests = []
    for a in rows:
        event = None
        if a.event is not None:
            event = DatedEvent(
                name=a.event.name, start=local_date(a.event.start, zone), end=local_date(a.event.end, zone)
            )
        tests.append(
            DatedTest(
                title=a.title or str(a.instrument_version),
                point=a.point,
                first=local_date(a.first, zone),
                last=local_date(a.last, zone),
                event=event,
            )
        )
    return CycleDates(tests=tests)
