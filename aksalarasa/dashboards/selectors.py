"""Dashboards: the office's own figures, and aggregates across offices for regional and national viewers.

Aggregates never carry a name or a row about one person, and every count under SMALL_CELL (5) is
suppressed (shown as "<5"), as are rates and means computed from fewer than 5 observations.
Each dashboard is a fixed number of aggregate queries, whatever the number of offices or clients.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, SocialInquiry, Supervision
from aksalarasa.events.models import CheckIn, Event
from aksalarasa.evidence.models import Response
from aksalarasa.guidance.models import ATTENDED_OUTCOMES, EXPECTED_OUTCOMES, GuidanceSession
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Referral, Status
from aksalarasa.programs.models import Program, Stage

SMALL_CELL = 5
WINDOW_DAYS = 90
MONTHS = 6
OPEN_REFERRAL = [Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS]


def can_see_office_dashboard(user: User) -> bool:
    return (
        user.is_authenticated
        and bool(user.office_id)
        and user.has_role("office_head", "section_head", "admin")
    )


def can_see_aggregates(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role("national", "regional"))


def suppress(n: int | None) -> int | None:
    """A count, or None when it is a small cell (1-4 people)."""
    if n is None:
        return None
    return None if 0 < n < SMALL_CELL else n


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent, or None when fewer than SMALL_CELL observations stand behind it."""
    if denominator < SMALL_CELL:
        return None
    return round(100.0 * numerator / denominator, 1)


@dataclass
class MonthRow:
    month: str
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


def _since() -> timezone.datetime:
    return timezone.now() - timedelta(days=WINDOW_DAYS)


def _month_start(months: int) -> timezone.datetime:
    now = timezone.localtime()
    year, month = now.year, now.month - (months - 1)
    while month <= 0:
        month += 12
        year -= 1
    return now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def _session_figures(qs) -> tuple[int, int, float | None, int]:
    row = qs.aggregate(
        expected=Count("pk", filter=Q(outcome__in=EXPECTED_OUTCOMES)),
        attended=Count("pk", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
        mean_engagement=Avg("engagement"),
        rated=Count("engagement"),
    )
    return row["expected"], row["attended"], row["mean_engagement"], row["rated"]


def _months(qs, months: int, *, small_cells: bool) -> list[MonthRow]:
    rows = (
        qs.filter(scheduled_at__gte=_month_start(months), scheduled_at__lte=timezone.now())
        .annotate(month=TruncMonth("scheduled_at"))
        .values("month")
        .annotate(
            expected=Count("pk", filter=Q(outcome__in=EXPECTED_OUTCOMES)),
            attended=Count("pk", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
            mean_engagement=Avg("engagement"),
            rated=Count("engagement"),
        )
        .order_by("month")
    )
    result = []
    for row in rows:
        enough = row["rated"] >= SMALL_CELL or not small_cells
        result.append(
            MonthRow(
                month=row["month"].strftime("%Y-%m"),
                expected=suppress(row["expected"]) if small_cells else row["expected"],
                attendance=rate(row["attended"], row["expected"]) if small_cells else _plain_rate(row),
                engagement=round(row["mean_engagement"], 2)
                if row["mean_engagement"] is not None and enough
                else None,
            )
        )
    return result


def _plain_rate(row: dict) -> float | None:
    return round(100.0 * row["attended"] / row["expected"], 1) if row["expected"] else None


def office_dashboard(*, viewer: User) -> OfficeDashboard:
    """The viewer's own office: the office's staff read the office's figures (no suppression)."""
    office = Office.objects.visible_to(viewer).select_related("regional_office").get(pk=viewer.office_id)
    clients = Client.objects.filter(
        office=office, anonymised_at__isnull=True, supervisions__status=Supervision.Status.ACTIVE
    )
    by_category = dict(clients.values_list("category").annotate(n=Count("pk", distinct=True)))
    by_program = dict(
        Supervision.objects.filter(office=office, status=Supervision.Status.ACTIVE)
        .values_list("program_type")
        .annotate(n=Count("client_id", distinct=True))
    )
    sessions = GuidanceSession.objects.filter(office=office)
    expected, attended, engagement, _rated = _session_figures(
        sessions.filter(scheduled_at__gte=_since(), scheduled_at__lte=timezone.now())
    )
    checked_in = CheckIn.objects.filter(event__office=office).count()
    return OfficeDashboard(
        office=office,
        active_clients=sum(by_category.values()),
        by_category=by_category,
        by_program=by_program,
        expected=expected,
        attendance=round(100.0 * attended / expected, 1) if expected else None,
        engagement=round(engagement, 2) if engagement is not None else None,
        open_concerns=sessions.filter(concern=True, concern_resolved_at__isnull=True).count(),
        overdue_litmas=SocialInquiry.objects.filter(office=office).overdue().count(),
        referrals=dict(Referral.objects.filter(office=office).values_list("status").annotate(n=Count("pk"))),
        programs=dict(Program.objects.filter(office=office).values_list("stage").annotate(n=Count("pk"))),
        events=Event.objects.filter(office=office).count(),
        checked_in=checked_in,
        responses=Response.objects.filter(office=office).count(),
        months=_months(sessions, MONTHS, small_cells=False),
    )


def aggregate_dashboard(*, viewer: User) -> tuple[list[OfficeRow], list[MonthRow], OfficeRow]:
    """Per office, over time and in total: counts only, small cells suppressed."""
    offices = list(Office.objects.visible_to(viewer).select_related("regional_office").order_by("name"))
    ids = [o.pk for o in offices]
    rows = {o.pk: OfficeRow(office=o) for o in offices}
    raw: dict[int, dict[str, float | int | None]] = defaultdict(dict)

    for row in (
        Client.objects.filter(
            office_id__in=ids, anonymised_at__isnull=True, supervisions__status=Supervision.Status.ACTIVE
        )
        .values("office_id", "category")
        .annotate(n=Count("pk", distinct=True))
    ):
        raw[row["office_id"]][row["category"]] = row["n"]
    for row in (
        GuidanceSession.objects.filter(
            office_id__in=ids, scheduled_at__gte=_since(), scheduled_at__lte=timezone.now()
        )
        .values("office_id")
        .annotate(
            expected=Count("pk", filter=Q(outcome__in=EXPECTED_OUTCOMES)),
            attended=Count("pk", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
            mean_engagement=Avg("engagement"),
            rated=Count("engagement"),
        )
    ):
        raw[row["office_id"]].update(
            {k: row[k] for k in ("expected", "attended", "mean_engagement", "rated")}
        )
    for name, qs, key in (
        ("open_referrals", Referral.objects.filter(office_id__in=ids, status__in=OPEN_REFERRAL), "office_id"),
        ("programs", Program.objects.filter(office_id__in=ids), "office_id"),
        ("events", Event.objects.filter(office_id__in=ids), "office_id"),
        ("checked_in", CheckIn.objects.filter(event__office_id__in=ids), "event__office_id"),
        ("responses", Response.objects.filter(office_id__in=ids), "office_id"),
    ):
        for row in qs.values(key).annotate(n=Count("pk")):
            raw[row[key]][name] = row["n"]

    totals: dict[str, float] = defaultdict(float)
    for office_id, row in rows.items():
        data = raw[office_id]
        children, adults = int(data.get("child", 0)), int(data.get("adult", 0))
        expected, attended = int(data.get("expected", 0) or 0), int(data.get("attended", 0) or 0)
        rated = int(data.get("rated", 0) or 0)
        row.clients, row.children, row.adults = (
            suppress(children + adults),
            suppress(children),
            suppress(adults),
        )
        if row.children is None and row.adults is not None and children:
            row.adults = None  # complementary: the adults count would reveal the hidden children count
        if row.adults is None and row.children is not None and adults:
            row.children = None
        row.expected = suppress(expected)
        row.attendance = rate(attended, expected)
        row.engagement = (
            round(data["engagement"], 2)
            if data.get("engagement") is not None and rated >= SMALL_CELL
            else None
        )
        for name in ("open_referrals", "programs", "events", "checked_in", "responses"):
            setattr(row, name, suppress(int(data.get(name, 0))))
        for name, value in (
            ("clients", children + adults),
            ("children", children),
            ("adults", adults),
            ("expected", expected),
            ("attended", attended),
            ("rated", rated),
        ):
            totals[name] += value
        totals["engagement_sum"] += (data.get("mean_engagement") or 0) * rated
        for name in ("open_referrals", "programs", "events", "checked_in", "responses"):
            totals[name] += int(data.get(name, 0))

    total = OfficeRow(office=Office(name=""))
    total.clients, total.children, total.adults = (
        suppress(int(totals[k])) for k in ("clients", "children", "adults")
    )
    total.expected = suppress(int(totals["expected"]))
    total.attendance = rate(int(totals["attended"]), int(totals["expected"]))
    total.engagement = (
        round(totals["engagement_sum"] / totals["rated"], 2) if totals["rated"] >= SMALL_CELL else None
    )
    for name in ("open_referrals", "programs", "events", "checked_in", "responses"):
        setattr(total, name, suppress(int(totals[name])))
    months = _months(GuidanceSession.objects.filter(office_id__in=ids), MONTHS, small_cells=True)
    return list(rows.values()), months, total


def stage_labels() -> dict[str, str]:
    return {s.value: str(s.label) for s in Stage}
