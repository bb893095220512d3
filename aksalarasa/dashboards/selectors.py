"""Dashboards: the office's own figures, and aggregates across offices for regional and national viewers.

Aggregates never carry a name or a row about one person; their counts go through
`core.suppression.suppress_table` (counts under 5 hidden, and a second cell in any row or column
whose printed total would reveal a single hidden one), and rates and means computed from fewer
than 5 observations are hidden too.
Each dashboard is a fixed number of queries, whatever the number of offices or clients.

The figures come from the summaries (models.py) when they have been built: exactly the figures
the raw aggregates gave at the refresh (`Figures.as_of`, said on the page). Until the first
refresh, or for a time zone the summaries were not built for, they come from the raw aggregates
(live, and slower at national scale). Both sources fill the same `Figures`, and one set of
functions turns them into what a page shows, small-cell suppression included.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, Litmas, Supervision
from aksalarasa.core.middleware import DEFAULT_ZONE
from aksalarasa.core.suppression import SMALL_CELL, suppress, suppress_table
from aksalarasa.dashboards.models import MonthSummary, OfficeSummary, SummaryState
from aksalarasa.events.models import CheckIn, Event
from aksalarasa.evidence.models import Response
from aksalarasa.guidance.models import ATTENDED_OUTCOMES, EXPECTED_OUTCOMES, GuidanceSession
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Referral, Status
from aksalarasa.programs.models import Program, Stage

WINDOW_DAYS = 90
MONTHS = 6
OPEN_REFERRAL = [Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS]
SUMS = {
    "expected": Count("pk", filter=Q(outcome__in=EXPECTED_OUTCOMES)),
    "attended": Count("pk", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
    "engagement_sum": Sum("engagement", default=0),
    "rated": Count("engagement"),
}
SUM_FIELDS = tuple(SUMS)


def can_see_office_dashboard(user: User) -> bool:
    return (
        user.is_authenticated
        and bool(user.office_id)
        and user.has_role("office_head", "section_head", "admin")
    )


def can_see_aggregates(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role("national", "regional"))


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent, or None when fewer than SMALL_CELL observations stand behind it."""
    if denominator < SMALL_CELL:
        return None
    return round(100.0 * numerator / denominator, 1)


# --- figures: what both sources (raw aggregates, summaries) fill -----------------------------------


@dataclass
class Sums:
    """Guidance sessions summed: attendance is attended / expected, engagement engagement_sum / rated."""

    expected: int = 0
    attended: int = 0
    engagement_sum: int = 0
    rated: int = 0

    def add(self, other: Sums) -> None:
        for name in SUM_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Sums:
        return cls(**{name: int(row[name] or 0) for name in SUM_FIELDS})


@dataclass
class OfficeFigures:
    children: int = 0
    adults: int = 0
    by_program: dict[str, int] = field(default_factory=dict)  # program type -> active clients
    window: Sums = field(default_factory=Sums)  # guidance sessions of the last WINDOW_DAYS
    referrals: dict[str, int] = field(default_factory=dict)  # status -> referrals
    stages: dict[str, int] = field(default_factory=dict)  # stage -> programs
    events: int = 0
    checked_in: int = 0
    responses: int = 0

    @property
    def open_referrals(self) -> int:
        return sum(self.referrals.get(status, 0) for status in OPEN_REFERRAL)

    @property
    def programs(self) -> int:
        return sum(self.stages.values())


@dataclass
class Figures:
    offices: dict[int, OfficeFigures]
    months: dict[date, Sums]  # the last MONTHS calendar months, summed over the offices
    as_of: datetime | None = None  # None: the raw aggregates, live


def _month_start(months: int, now: datetime, zone: tzinfo) -> datetime:
    local = timezone.localtime(now, zone)
    year, month = local.year, local.month - (months - 1)
    while month <= 0:
        month += 12
        year -= 1
    return local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def office_figures_raw(
    ids: list[int], *, now: datetime | None, by_program: bool = True
) -> dict[int, OfficeFigures]:
    """Each office's figures from the raw rows, at `now` (one grouped query per figure; active
    clients by program type only with `by_program`, as the aggregates do not show them; the
    sessions of the last WINDOW_DAYS only with `now`)."""
    result = {pk: OfficeFigures() for pk in ids}
    active = Client.objects.filter(
        office_id__in=ids, anonymised_at__isnull=True, supervisions__status=Supervision.Status.ACTIVE
    )
    for office_id, category, n in active.values_list("office_id", "category").annotate(
        n=Count("pk", distinct=True)
    ):
        if category == Client.Category.CHILD:
            result[office_id].children = n
        else:
            result[office_id].adults = n
    if by_program:
        for office_id, program_type, n in (
            Supervision.objects.filter(office_id__in=ids, status=Supervision.Status.ACTIVE)
            .values_list("office_id", "program_type")
            .annotate(n=Count("client_id", distinct=True))
        ):
            result[office_id].by_program[program_type] = n
    if now is not None:
        window = GuidanceSession.objects.filter(
            office_id__in=ids, scheduled_at__gte=now - timedelta(days=WINDOW_DAYS), scheduled_at__lte=now
        )
        for row in window.values("office_id").annotate(**SUMS):
            result[row["office_id"]].window = Sums.of(row)
    for name, qs, key in (
        ("referrals", Referral.objects.filter(office_id__in=ids), "status"),
        ("stages", Program.objects.filter(office_id__in=ids), "stage"),
    ):
        for office_id, value, n in qs.values_list("office_id", key).annotate(n=Count("pk")):
            getattr(result[office_id], name)[value] = n
    counted: tuple[tuple[str, QuerySet[Any], str], ...] = (
        ("events", Event.objects.filter(office_id__in=ids), "office_id"),
        ("checked_in", CheckIn.objects.filter(event__office_id__in=ids), "event__office_id"),
        ("responses", Response.objects.filter(office_id__in=ids), "office_id"),
    )
    for name, qs, key in counted:
        for office_id, n in qs.values_list(key).annotate(n=Count("pk")):
            setattr(result[office_id], name, n)
    return result


def month_figures_raw(ids: list[int], *, now: datetime, zone: tzinfo) -> dict[tuple[int, date], Sums]:
    """Each office's guidance sessions by calendar month in `zone`, the last MONTHS months up to `now`."""
    rows = (
        GuidanceSession.objects.filter(
            office_id__in=ids, scheduled_at__gte=_month_start(MONTHS, now, zone), scheduled_at__lte=now
        )
        .annotate(month=TruncMonth("scheduled_at", tzinfo=zone))
        .values("office_id", "month")
        .annotate(**SUMS)
    )
    return {(row["office_id"], timezone.localtime(row["month"], zone).date()): Sums.of(row) for row in rows}


def figures_raw(ids: list[int], *, now: datetime, zone: tzinfo, by_program: bool = True) -> Figures:
    months: dict[date, Sums] = defaultdict(Sums)
    for (_office_id, month), sums in month_figures_raw(ids, now=now, zone=zone).items():
        months[month].add(sums)
    return Figures(offices=office_figures_raw(ids, now=now, by_program=by_program), months=dict(months))


def figures_from_summaries(
    ids: list[int], *, viewer: User, zone_name: str, breakdowns: bool = True
) -> Figures | None:
    """The figures as of the last refresh, or None when there is none for this time zone. Without
    `breakdowns`, active clients by program type are left out."""
    state = SummaryState.objects.filter(pk=1).first()
    if state is None or zone_name not in state.zones:
        return None
    offices = {pk: OfficeFigures() for pk in ids}
    columns = ["office_id", "children", "adults", "events", "checked_in", "responses", *SUM_FIELDS]
    # Referrals by status and programs by stage are drawn on every dashboard; active clients by
    # program type only on the office's own.
    columns += ["referrals", "stages", *(["by_program"] if breakdowns else [])]
    for row in OfficeSummary.objects.visible_to(viewer).filter(office_id__in=ids).values(*columns):
        f = offices[row["office_id"]] = OfficeFigures(
            children=row["children"],
            adults=row["adults"],
            window=Sums.of(row),
            events=row["events"],
            checked_in=row["checked_in"],
            responses=row["responses"],
        )
        f.referrals, f.stages = row["referrals"], row["stages"]
        if breakdowns:
            f.by_program = row["by_program"]
    months = {
        row["month"]: Sums.of(row)
        for row in MonthSummary.objects.visible_to(viewer)
        .filter(zone=zone_name, office_id__in=ids)
        .values("month")
        .annotate(**{name: Sum(name) for name in SUM_FIELDS})
    }
    return Figures(offices=offices, months=months, as_of=state.as_of)


def figures(ids: list[int], *, viewer: User, by_program: bool = True) -> Figures:
    """The summaries when they exist for the active time zone, the raw aggregates otherwise."""
    zone = timezone.get_current_timezone()
    found = figures_from_summaries(
        ids, viewer=viewer, zone_name=timezone.get_current_timezone_name(), breakdowns=by_program
    )
    return found or figures_raw(ids, now=timezone.now(), zone=zone, by_program=by_program)


def summary_zones() -> list[str]:
    """The time zones a viewer can have: every office's, the default for people without an
    office, and the server's (commands, tests)."""
    from django.conf import settings

    zones = {settings.TIME_ZONE, DEFAULT_ZONE, *Office.Zone.values}
    return sorted(str(zoneinfo.ZoneInfo(z)) for z in zones)


# --- what the pages show ---------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: date  # the month's first day; shown in words (core's month_label)
    expected: int | None
    attendance: float | None
    engagement: float | None


@dataclass
class OfficeRow:
    office: Office
    clients: int | None = None
    children: int | None = None
    adults: int | None = None
    expected: int | None = None
    attendance: float | None = None
    engagement: float | None = None
    open_referrals: int | None = None
    programs: int | None = None
    events: int | None = None
    checked_in: int | None = None
    responses: int | None = None


@dataclass
class OfficeDashboard:
    office: Office
    active_clients: int
    by_category: dict[str, int] = field(default_factory=dict)
    by_program: dict[str, int] = field(default_factory=dict)
    expected: int = 0
    attendance: float | None = None
    engagement: float | None = None
    open_concerns: int = 0
    overdue_litmas: int = 0
    referrals: dict[str, int] = field(default_factory=dict)
    programs: dict[str, int] = field(default_factory=dict)
    events: int = 0
    checked_in: int = 0
    responses: int = 0
    months: list[MonthRow] = field(default_factory=list)
    as_of: datetime | None = None  # the summaries' refresh; None: live figures


@dataclass
class Aggregates:
    rows: list[OfficeRow]
    months: list[MonthRow]
    total: OfficeRow
    as_of: datetime | None = None
    funnel: dict[str, int | None] = field(default_factory=dict)  # FUNNEL step -> referrals
    stages: dict[str, int | None] = field(default_factory=dict)  # stage -> programs, over the offices


def _mean(sums: Sums, minimum: int = 1) -> float | None:
    """The mean engagement, or None when fewer than `minimum` (and at least one) sessions were rated."""
    if sums.rated < max(minimum, 1):
        return None
    return round(sums.engagement_sum / sums.rated, 2)


def _month_rows(months: dict[date, Sums], *, small_cells: bool) -> list[MonthRow]:
    result = []
    for month, s in sorted(months.items()):
        if small_cells:
            row = MonthRow(
                month,
                suppress(s.expected),
                rate(s.attended, s.expected),
                _mean(s, SMALL_CELL),
            )
        else:
            attendance = round(100.0 * s.attended / s.expected, 1) if s.expected else None
            row = MonthRow(month, s.expected, attendance, _mean(s))
        result.append(row)
    return result


COUNT_COLUMNS = (
    "clients",
    "children",
    "adults",
    "expected",
    "open_referrals",
    "programs",
    "events",
    "checked_in",
    "responses",
)


def _counts(f: OfficeFigures) -> dict[str, int]:
    return {
        "clients": f.children + f.adults,
        "children": f.children,
        "adults": f.adults,
        "expected": f.window.expected,
        "open_referrals": f.open_referrals,
        "programs": f.programs,
        "events": f.events,
        "checked_in": f.checked_in,
        "responses": f.responses,
    }


# --- the referral funnel ------------------------------------------------------------------------------
# How far referrals got, as steps each containing the next: sent to the partner, accepted by it,
# completed. Drafts are not sent yet; a cancelled referral is left out, as it may have been cancelled
# before or after it was sent. The steps are drawn from three parts that do not overlap.
FUNNEL = ("sent", "accepted", "completed")
FUNNEL_PARTS = {
    "stopped_at_sent": (Status.SENT, Status.DECLINED),
    "stopped_at_accepted": (Status.ACCEPTED, Status.IN_PROGRESS, Status.DROPPED_OUT),
    "completed": (Status.COMPLETED,),
}


def funnel_parts(referrals: Mapping[str, int]) -> dict[str, int]:
    return {part: sum(referrals.get(s, 0) for s in statuses) for part, statuses in FUNNEL_PARTS.items()}


def funnel_steps(parts: Mapping[str, int | None], sent: int | None) -> dict[str, int | None]:
    """The steps from the parts: a step is shown only when every part it adds up is, so that no
    hidden part is the difference of two shown steps ("accepted" minus "completed")."""
    completed = parts["completed"]
    accepted_only = parts["stopped_at_accepted"]
    return {
        "sent": sent,
        "accepted": None if completed is None or accepted_only is None else accepted_only + completed,
        "completed": completed,
    }


def _fill_aggregate_rows(
    figures: list[tuple[OfficeRow, OfficeFigures]], stages: Mapping[str, int], funnel: Mapping[str, int]
) -> dict[tuple[Any, str], int | None]:
    """Fill each row (the total row last) with its counts through one suppression over the whole
    table: each row's active clients are children + adults, and the total row sums each column.
    The same suppression covers the charts' counts: programs by stage add up to the total row's
    programs, and the funnel's parts to the referrals sent. Returns those, keyed ("stage", stage)
    and ("funnel", part or "sent")."""
    cells: dict[tuple[Any, str], int] = {}
    for i, (_row, f) in enumerate(figures):
        for name, n in _counts(f).items():
            cells[(i, name)] = n
    last = len(figures) - 1
    lines: list[tuple[tuple[Any, str], list[tuple[Any, str]]]] = [
        ((i, "clients"), [(i, "children"), (i, "adults")]) for i in range(len(figures))
    ]
    lines += [((last, name), [(i, name) for i in range(last)]) for name in COUNT_COLUMNS]
    for stage in stage_labels():
        cells[("stage", stage)] = stages.get(stage, 0)
    lines.append(((last, "programs"), [("stage", stage) for stage in stage_labels()]))
    for part, n in funnel.items():
        cells[("funnel", part)] = n
    cells[("funnel", "sent")] = sum(funnel.values())
    lines.append((("funnel", "sent"), [("funnel", part) for part in funnel]))
    shown = suppress_table(cells, lines)
    for i, (row, f) in enumerate(figures):
        for name in COUNT_COLUMNS:
            setattr(row, name, shown[(i, name)])
        row.attendance = rate(f.window.attended, f.window.expected)
        row.engagement = _mean(f.window, SMALL_CELL)
    return {key: n for key, n in shown.items() if key[0] in ("stage", "funnel")}


def office_dashboard(*, viewer: User) -> OfficeDashboard:
    """The viewer's own office: the office's staff read the office's figures (no suppression)."""
    if viewer.office_id is None:
        raise Http404
    office = Office.objects.visible_to(viewer).select_related("regional_office").get(pk=viewer.office_id)
    found = figures([office.pk], viewer=viewer)
    f = found.offices[office.pk]
    by_category = {
        k: n for k, n in ((Client.Category.ADULT, f.adults), (Client.Category.CHILD, f.children)) if n
    }
    window = f.window
    return OfficeDashboard(
        office=office,
        active_clients=f.children + f.adults,
        by_category={str(k): n for k, n in by_category.items()},
        by_program=f.by_program,
        expected=window.expected,
        attendance=round(100.0 * window.attended / window.expected, 1) if window.expected else None,
        engagement=_mean(window),
        # What an office acts on today stays live: two small indexed counts.
        open_concerns=GuidanceSession.objects.filter(
            office=office, concern=True, concern_resolved_at__isnull=True
        ).count(),
        overdue_litmas=Litmas.objects.filter(office=office).overdue().count(),
        referrals=f.referrals,
        programs=f.stages,
        events=f.events,
        checked_in=f.checked_in,
        responses=f.responses,
        months=_month_rows(found.months, small_cells=False),
        as_of=found.as_of,
    )


def aggregate_dashboard(*, viewer: User) -> Aggregates:
    """Per office, over time and in total: counts only, small cells suppressed."""
    offices = list(Office.objects.visible_to(viewer).select_related("regional_office").order_by("name"))
    found = figures([o.pk for o in offices], viewer=viewer, by_program=False)
    rows = []
    pairs: list[tuple[OfficeRow, OfficeFigures]] = []
    total_figures = OfficeFigures()
    for office in offices:
        f = found.offices[office.pk]
        row = OfficeRow(office=office)
        rows.append(row)
        pairs.append((row, f))
        total_figures.children += f.children
        total_figures.adults += f.adults
        total_figures.window.add(f.window)
        for name in ("events", "checked_in", "responses"):
            setattr(total_figures, name, getattr(total_figures, name) + getattr(f, name))
        for status, n in f.referrals.items():
            total_figures.referrals[status] = total_figures.referrals.get(status, 0) + n
        for stage, n in f.stages.items():
            total_figures.stages[stage] = total_figures.stages.get(stage, 0) + n
    total = OfficeRow(office=Office(name=""))
    charted = _fill_aggregate_rows(
        [*pairs, (total, total_figures)], total_figures.stages, funnel_parts(total_figures.referrals)
    )
    return Aggregates(
        rows=rows,
        months=_month_rows(found.months, small_cells=True),
        total=total,
        as_of=found.as_of,
        funnel=funnel_steps(
            {part: charted[("funnel", part)] for part in FUNNEL_PARTS}, charted[("funnel", "sent")]
        ),
        stages={stage: charted[("stage", stage)] for stage in stage_labels()},
    )


def stage_labels() -> dict[str, str]:
    return {s.value: str(s.label) for s in Stage}
