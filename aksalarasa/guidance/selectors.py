"""Reads for guidance: sessions, the caseload with its flags, and the section/office roll-ups.

Every function takes the viewer and scopes through `GuidanceSession.objects.visible_to` or
`Client.objects.visible_to`. The caseload is computed with a fixed number of queries whatever the
number of clients: one query for the clients (flags from correlated subqueries), one aggregate over
their sessions, and (for the officer's list only) one window query for the engagement sparklines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, cast

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Lower, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.clients.masking import can_see_identity, client_label
from aksalarasa.clients.models import Client, Litmas, Supervision
from aksalarasa.guidance.models import (
    ATTENDED_OUTCOMES,
    EXPECTED_OUTCOMES,
    GuidanceSession,
    Outcome,
    ReportInSchedule,
)

ATTENDANCE_WINDOW_DAYS = 90
NO_CONTACT_DAYS = 30
ENDING_SOON_DAYS = 30
SPARKLINE_POINTS = 10

# Flag codes, in the order they are shown; labels are what the officer reads.
FLAG_UNEXCUSED = "unexcused_twice"
FLAG_LOW_ENGAGEMENT = "low_engagement"
FLAG_ENDING = "ending_soon"
FLAG_NO_CONTACT = "no_contact"
FLAG_CONCERN = "open_concern"
FLAGS: dict[str, Any] = {
    FLAG_CONCERN: _("Open concern"),
    FLAG_UNEXCUSED: _("Two unexcused absences in a row"),
    FLAG_LOW_ENGAGEMENT: _("Engagement 1-2 in the last three sessions"),
    FLAG_NO_CONTACT: _("No contact for 30 days"),
    FLAG_ENDING: _("Supervision ends within 30 days"),
}
SORTS: dict[str, Any] = {
    "flags": _("Flagged first"),
    "name": _("Name"),
    "attendance": _("Attendance (lowest first)"),
    "last_contact": _("Last contact (oldest first)"),
    "next_contact": _("Next appointment (soonest first)"),
}


# --- sessions -----------------------------------------------------------------------------------


def session_get_for_viewer(*, viewer: User, pk: int) -> GuidanceSession:
    """The one access helper for sessions: 404 for a session outside the viewer's scope."""
    session = (
        GuidanceSession.objects.visible_to(viewer)
        .select_related("client", "officer", "office", "rescheduled_to", "recorded_by", "concern_resolved_by")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def client_get_for_viewer(*, viewer: User, pk: int) -> Client:
    """A client in the viewer's scope (404 otherwise), for the guidance pages."""
    client = Client.objects.visible_to(viewer).select_related("office", "officer").filter(pk=pk).first()
    if client is None:
        raise Http404
    return client


def session_list(
    *,
    viewer: User,
    client: Client | None = None,
    kind: str = "",
    outcome: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[GuidanceSession]:
    qs = GuidanceSession.objects.visible_to(viewer).select_related("client", "officer", "rescheduled_to")
    if client is not None:
        qs = qs.filter(client=client)
    if kind:
        qs = qs.filter(kind=kind)
    if outcome == "pending":
        qs = qs.filter(outcome="")
    elif outcome:
        qs = qs.filter(outcome=outcome)
    if date_from:
        qs = qs.filter(scheduled_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(scheduled_at__date__lte=date_to)
    return qs.order_by("-scheduled_at", "-pk")


def session_pending_for_client(
    *, viewer: User, client: Client, now: datetime | None = None
) -> GuidanceSession | None:
    """The appointment to record now: the latest unrecorded one scheduled before the end of today."""
    now = now or timezone.now()
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    return (
        GuidanceSession.objects.visible_to(viewer)
        .filter(client=client, outcome="", scheduled_at__lte=end_of_today)
        .order_by("-scheduled_at")
        .first()
    )


def sessions_upcoming(
    *, viewer: User, client: Client, now: datetime | None = None
) -> QuerySet[GuidanceSession]:
    now = now or timezone.now()
    return (
        GuidanceSession.objects.visible_to(viewer)
        .filter(client=client, outcome="", scheduled_at__gte=now)
        .select_related("officer", "office")
        .order_by("scheduled_at")
    )


def schedule_for_client(*, client: Client) -> ReportInSchedule | None:
    return client.report_in_schedules.order_by("-active", "-pk").first()


def concerns_open(*, viewer: User, section: str = "") -> QuerySet[GuidanceSession]:
    qs = (
        GuidanceSession.objects.visible_to(viewer)
        .filter(concern=True, concern_resolved_at__isnull=True)
        .select_related("client", "officer")
        # What the concern list shows: building 150 full rows of three wide models cost 27 ms a page.
        .only(
            "pk",
            "version",
            "scheduled_at",
            "concern_text",
            "office_id",
            "client__full_name",
            "client__register_number",
            "client__office_id",
            "client__category",
            "client__birth_date",
            "officer__full_name",
        )
    )
    if viewer.office_id:  # the section and office views are of one office; serves session_open_concern
        qs = qs.filter(office_id=viewer.office_id)
    if section:
        qs = qs.filter(client__category=section)
    return qs.order_by("-scheduled_at")


# --- the caseload ---------------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    client_id: int
    full_name: str
    register_number: str
    category: str
    office_id: int
    officer_id: int | None
    officer_name: str
    phone: str
    supervision_end: date | None
    attended: int = 0
    expected: int = 0
    last_contact: datetime | None = None
    next_contact: datetime | None = None
    open_concerns: int = 0
    engagement_trend: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    viewer: User | None = field(default=None, repr=False)

    @cached_property
    def name(self) -> str:
        """The name this viewer may see (initials for a protected child), computed only when shown."""
        stub = Client(
            pk=self.client_id, full_name=self.full_name, category=self.category, office_id=self.office_id
        )
        return client_label(stub, self.viewer) if self.viewer is not None else stub.initials

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.expected if self.expected else None

    @property
    def attendance_percent(self) -> int | None:
        rate = self.attendance_rate
        return None if rate is None else round(rate * 100)

    @property
    def flag_labels(self) -> list[tuple[str, str]]:
        return [(code, str(FLAGS[code])) for code in self.flags]


def caseload_clients(*, viewer: User, officer: User | None = None, section: str = "") -> QuerySet[Client]:
    """The clients a caseload or roll-up covers: in the viewer's scope, not anonymised."""
    qs = Client.objects.visible_to(viewer).filter(anonymised_at__isnull=True)
    if officer is not None:
        qs = qs.filter(officer=officer)
    if section:
        qs = qs.filter(category=section)
    return qs


def _ranked(sessions: QuerySet, depth: int) -> QuerySet:
    """Each client's newest `depth` sessions of `sessions` (newest first: time, then id)."""
    return sessions.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("client_id")],
            order_by=[F("scheduled_at").desc(), F("pk").desc()],
        )
    ).filter(rank__lte=depth)


def latest_per_client(sessions: QuerySet, column: str, depth: int) -> dict[int, list]:
    """The newest `depth` values of `column` per client, newest first, in ONE window query."""
    ranked = _ranked(sessions, depth).values_list("client_id", "rank", column).order_by()
    latest: dict[int, list] = defaultdict(list)
    for client_id, _rank, value in sorted(ranked, key=lambda r: (r[0], r[1])):
        latest[client_id].append(value)
    return latest


def _flag_aggregates(now: datetime, prefix: str = "") -> dict[str, Any]:
    """Per-client counts for the flags that one GROUP BY can give (the "last N sessions" flags come
    from window queries)."""
    p = prefix  # "" when grouping sessions by client, "sessions__" when grouping clients
    since = now - timedelta(days=NO_CONTACT_DAYS)
    return {
        "open_concerns": Count(
            p + "pk", filter=Q(**{p + "concern": True, p + "concern_resolved_at__isnull": True})
        ),
        "recent_contacts": Count(
            p + "pk", filter=Q(**{p + "outcome__in": ATTENDED_OUTCOMES, p + "scheduled_at__gte": since})
        ),
    }


def _flags_for(
    stats: Mapping[str, Any], supervision_end: date | None, today: date, *, unexcused: bool, low: bool
) -> list[str]:
    """The flag codes of one client, in display order."""
    flags = []
    if stats.get("open_concerns"):
        flags.append(FLAG_CONCERN)
    if unexcused:
        flags.append(FLAG_UNEXCUSED)
    if low:
        flags.append(FLAG_LOW_ENGAGEMENT)
    if not stats.get("recent_contacts"):
        flags.append(FLAG_NO_CONTACT)
    if supervision_end is not None and today <= supervision_end <= today + timedelta(days=ENDING_SOON_DAYS):
        flags.append(FLAG_ENDING)
    return flags


def _supervision_end() -> Subquery:
    return Subquery(
        Supervision.objects.filter(client=OuterRef("pk"), status=Supervision.Status.ACTIVE)
        .order_by("end")
        .values("end")[:1]
    )


def _attendance(now: datetime, prefix: str = "") -> dict[str, Any]:
    p = prefix
    since = now - timedelta(days=ATTENDANCE_WINDOW_DAYS)
    window = Q(**{p + "scheduled_at__gte": since, p + "scheduled_at__lte": now})
    return {
        "attended": Count(p + "pk", filter=window & Q(**{p + "outcome__in": ATTENDED_OUTCOMES})),
        "expected": Count(p + "pk", filter=window & Q(**{p + "outcome__in": EXPECTED_OUTCOMES})),
    }


def caseload_rows(
    *,
    viewer: User,
    clients: QuerySet[Client],
    with_trend: bool = True,
    now: datetime | None = None,
) -> list[CaseloadRow]:
    """One row per client with attendance, trend, last/next contact and flags.

    Three queries whatever the number of clients: the clients (with the supervision end as a
    subquery), one aggregate over their sessions (attendance, contacts, and the flag counts of
    `_flag_aggregates`), and one window query for the sparkline (the last ten engagement levels).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    client_values = list(
        clients.annotate(supervision_end=_supervision_end())
        .values(
            "pk",
            "full_name",
            "register_number",
            "category",
            "office_id",
            "officer_id",
            "officer__full_name",
            "phone",
            "supervision_end",
        )
        .order_by()
    )
    if not client_values:
        return []
    # The clients' query itself as a subquery: no list of ids travels from Python to the database.
    sessions = GuidanceSession.objects.filter(client_id__in=clients.values("pk"))
    aggregates = {**_attendance(now), **_flag_aggregates(now)}
    if with_trend:  # the officer's own list shows the dates; roll-ups only need the flags
        aggregates["last_contact"] = Max("scheduled_at", filter=Q(outcome__in=ATTENDED_OUTCOMES))
        aggregates["next_contact"] = Min("scheduled_at", filter=Q(outcome="", scheduled_at__gte=now))
    stats = {s["client_id"]: s for s in sessions.values("client_id").annotate(**aggregates).order_by()}
    last_outcomes = latest_per_client(sessions.filter(outcome__in=EXPECTED_OUTCOMES), "outcome", 2)
    last_levels = latest_per_client(
        sessions.filter(engagement__isnull=False), "engagement", SPARKLINE_POINTS if with_trend else 3
    )
    # Whether the viewer sees full identities is decided per office by the masking module; ask it
    # once per office instead of building a Client per row (the other rows keep the lazy label).
    sees_identity: dict[int, bool] = {}
    rows = []
    for c in client_values:
        s: Mapping[str, Any] = stats.get(c["pk"], {})
        levels = last_levels.get(c["pk"], [])
        row = CaseloadRow(
            client_id=c["pk"],
            full_name=c["full_name"],
            register_number=c["register_number"],
            category=c["category"],
            office_id=c["office_id"],
            officer_id=c["officer_id"],
            officer_name=c["officer__full_name"] or "",
            phone=c["phone"],
            supervision_end=c["supervision_end"],
            attended=s.get("attended", 0),
            expected=s.get("expected", 0),
            last_contact=s.get("last_contact"),
            next_contact=s.get("next_contact"),
            open_concerns=s.get("open_concerns", 0),
            engagement_trend=list(reversed(levels)) if with_trend else [],
            flags=_flags_for(
                s,
                c["supervision_end"],
                today,
                unexcused=last_outcomes.get(c["pk"]) == [Outcome.UNEXCUSED, Outcome.UNEXCUSED],
                low=len(levels) >= 3 and all(value <= 2 for value in levels[:3]),
            ),
            viewer=viewer,
        )
        _name_if_identity_shown(row, viewer, sees_identity)
        rows.append(row)
    return rows


def _name_if_identity_shown(row: CaseloadRow, viewer: User, sees_identity: dict[int, bool]) -> None:
    """Fill the row's cached `name` with the full name where the viewer sees identities, asking
    the masking module once per office (other rows keep the lazy, masked label)."""
    office_id = row.office_id
    if office_id not in sees_identity:
        sees_identity[office_id] = can_see_identity(viewer, Client(pk=row.client_id, office_id=office_id))
    if sees_identity[office_id]:
        row.__dict__["name"] = row.full_name  # no stub, no masking call


def caseload_sort_filter(
    rows: list[CaseloadRow], *, sort: str = "flags", flag: str = ""
) -> list[CaseloadRow]:
    """Filter by one flag, then sort (flagged clients first unless another order is asked for)."""
    if flag in FLAGS:
        rows = [r for r in rows if flag in r.flags]
    earliest = datetime.min.replace(tzinfo=timezone.get_fixed_timezone(0))

    def key(r: CaseloadRow) -> tuple:
        # Sorting by the stored name is safe: these lists are for office staff who see names.
        name = (r.full_name.lower(), r.client_id)
        if sort == "name":
            return (r.name.lower(), r.client_id)
        if sort == "attendance":
            return (r.attendance_rate is None, r.attendance_rate or 0.0, *name)
        if sort == "last_contact":
            return (r.last_contact is not None, r.last_contact or earliest, *name)
        if sort == "next_contact":
            return (r.next_contact is None, r.next_contact or earliest, *name)
        return (-len(r.flags), *name)

    return sorted(rows, key=key)


def caseload_for_officer(
    *, viewer: User, officer: User, sort: str = "flags", flag: str = "", now: datetime | None = None
) -> list[CaseloadRow]:
    rows = caseload_rows(viewer=viewer, clients=caseload_clients(viewer=viewer, officer=officer), now=now)
    return caseload_sort_filter(rows, sort=sort, flag=flag)


def caseload_row(*, viewer: User, client: Client, now: datetime | None = None) -> CaseloadRow | None:
    rows = caseload_rows(viewer=viewer, clients=caseload_clients(viewer=viewer).filter(pk=client.pk), now=now)
    return rows[0] if rows else None


def officer_for_caseload(*, viewer: User, officer_id: int | None) -> User:
    """Whose caseload to show: the viewer's own, or (for heads) an officer they may see. 404 else."""
    if not officer_id or officer_id == viewer.pk:
        return viewer
    if not can(viewer, "client", "manage"):
        raise Http404
    officer = User.objects.visible_to(viewer).filter(pk=officer_id, role_officer=True).first()
    if officer is None:
        raise Http404
    return officer


# --- roll-ups -------------------------------------------------------------------------------------


@dataclass
class OfficerSummary:
    officer_id: int | None
    name: str
    section: str = ""
    clients: int = 0
    flagged: int = 0
    open_concerns: int = 0
    overdue_litmas: int = 0
    flag_counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Rollup:
    officers: list[OfficerSummary]
    totals: OfficerSummary
    flagged_rows: list[CaseloadRow]
    by_section: dict[str, OfficerSummary]
    flagged_count: int = 0  # flagged clients matching the flag filter (all pages)
    page: int = 1
    pages: int = 1


ROLLUP_PAGE_SIZE = 50


def _rollup_flag_conditions(now: datetime) -> dict[str, Q]:
    """Each flag as a condition on a client, read from the per-client summary
    (`ClientGuidanceSummary`, joined by `_with_summaries`) and, for "ending soon", from the active
    supervisions; a client with no summary row has no sessions, so only "no contact" (and "ending
    soon") can hold for it. Same rules as `_flags_for`."""
    today = timezone.localdate(now)
    since = now - timedelta(days=NO_CONTACT_DAYS)
    s = "summary__"  # the relation `_with_summaries` adds
    return {
        FLAG_CONCERN: Q(**{s + "open_concerns__gt": 0}),
        FLAG_UNEXCUSED: Q(**{s + "unexcused_twice": True}),
        FLAG_LOW_ENGAGEMENT: Q(**{s + "low_engagement": True}),
        FLAG_NO_CONTACT: Q(**{s + "last_attended_at__isnull": True})
        | Q(**{s + "last_attended_at__lt": since}),
        FLAG_ENDING: Q(pk__in=_ending_soon_client_ids(today)),
    }


def _ending_soon_client_ids(today: date) -> QuerySet[Any, Any]:
    """The clients whose earliest active supervision ends within ENDING_SOON_DAYS (the same rule as
    `supervision_end` in `_flags_for`), as one uncorrelated subquery: PostgreSQL reads the office's
    active supervisions once and hashes them. A condition on the correlated `supervision_end`
    subquery ran it twice per client of the office (BETWEEN is two comparisons): 17 of the 24 ms
    of the office overview's heaviest statement on the national preset."""
    return (
        Supervision.objects.filter(status=Supervision.Status.ACTIVE)
        .values("client_id")
        .annotate(first_end=Min("end"))
        .filter(first_end__range=(today, today + timedelta(days=ENDING_SOON_DAYS)))
        .values("client_id")
    )


def _officer_names(officer_ids: Iterable[int | None], *, known: Mapping[Any, Any]) -> dict[int, str]:
    """The names of the officers among `officer_ids` that `known` lacks, in one statement (none when
    it lacks none): read by id, never by a join, which made PostgreSQL hash every user of the
    country for one office's page."""
    missing = {pk for pk in officer_ids if pk and pk not in known}
    return dict(User.objects.filter(pk__in=missing).values_list("pk", "full_name")) if missing else {}


def _with_summaries(clients: QuerySet[Client], viewer: User) -> QuerySet[Client]:
    """The clients with their summary row (`summary__...`) and earliest active supervision end.

    The summary is joined with the office in the join condition: PostgreSQL then reads the one
    office's summaries by index instead of hashing the whole country's (300,000 rows: 54 of the
    77 ms of a national section roll-up's flagged page). A client without a summary row (no
    sessions yet) still comes back, with NULLs: the join stays a LEFT JOIN. A viewer placed at an
    office rolls up that office's clients only (the section and office views are of one office).
    """
    if viewer.office_id:
        clients = clients.filter(office_id=viewer.office_id)
        same_office = Q(guidance_summary__office_id=viewer.office_id)
    else:
        same_office = Q(guidance_summary__client_id__isnull=False)
    return clients.annotate(
        summary=FilteredRelation("guidance_summary", condition=same_office),
        supervision_end=_supervision_end(),
    )


def _any_flag(conditions: dict[str, Q]) -> Q:
    any_flag = Q()
    for condition in conditions.values():
        any_flag |= condition
    return any_flag


def caseload_glance(*, viewer: User, officer: User, limit: int = 5, now: datetime | None = None) -> dict:
    """An officer's caseload at a glance for the home page, from the per-client summaries: how many
    clients, how many flagged, and the first `limit` flagged (same order as the roll-ups)."""
    now = now or timezone.now()
    conditions = _rollup_flag_conditions(now)
    any_flag = _any_flag(conditions)
    clients = _with_summaries(caseload_clients(viewer=viewer, officer=officer), viewer)
    counts = clients.aggregate(n=Count("pk"), flagged=Count("pk", filter=any_flag))
    flagged = (
        _rollup_flagged_page(
            viewer=viewer,
            clients=clients.filter(any_flag),
            conditions=conditions,
            offset=0,
            now=now,
            limit=limit,
            officer_names={officer.pk: officer.full_name},
        )
        if counts["flagged"]
        else []
    )
    return {"clients": counts["n"], "flagged": flagged, "flagged_count": counts["flagged"]}


def rollup(
    *, viewer: User, section: str = "", flag: str = "", page: int = 1, now: datetime | None = None
) -> Rollup:
    """Per-officer figures for a section (section head) or the whole office (office head), and one
    page of the flagged clients (flagged first, then by name; filtered by one flag if asked).

    Read from the per-client summaries, so the cost does not grow with the office's sessions: one
    GROUP BY over the clients (per officer and category), the officers' names, the overdue Litmas,
    the page of flagged clients and its attendance: a fixed number of queries.
    """
    now = now or timezone.now()
    conditions = _rollup_flag_conditions(now)
    any_flag = _any_flag(conditions)
    clients = _with_summaries(caseload_clients(viewer=viewer, section=section), viewer)
    counts = {code: Count("pk", filter=condition) for code, condition in conditions.items()}
    groups = (
        clients.values("officer_id", "category")
        .annotate(
            n_clients=Count("pk"),
            n_flagged=Count("pk", filter=any_flag),
            n_concerns=Coalesce(Sum("summary__open_concerns"), 0),
            **{f"n_{code}": count for code, count in counts.items()},
        )
        .order_by()
    )
    litmas = Litmas.objects.visible_to(viewer).overdue(timezone.localdate(now))
    if viewer.office_id:  # redundant with the scope, but lets the (office, submitted, due) index serve
        litmas = litmas.filter(office_id=viewer.office_id)
    if section:
        litmas = litmas.filter(client__category=section)
    overdue = dict(
        litmas.values("officer_id").annotate(n=Count("pk")).values_list("officer_id", "n").order_by()
    )
    staff = User.objects.visible_to(viewer).filter(role_officer=True, is_active=True)
    if viewer.office_id:
        staff = staff.filter(office_id=viewer.office_id)
    if section:
        staff = staff.filter(section=section)
    summaries: dict[int | None, OfficerSummary] = {
        u.pk: OfficerSummary(officer_id=u.pk, name=u.full_name, section=u.section)
        for u in staff.only("pk", "full_name", "section")
    }
    totals = OfficerSummary(officer_id=None, name=str(_("Total")))
    by_section: dict[str, OfficerSummary] = {}
    group_rows = list(cast(Iterable[dict[str, Any]], groups))  # .values() rows with the f"n_{code}" counts
    # An officer of these clients who is not among the listed staff (moved, deactivated) is named too.
    other_names = _officer_names({g["officer_id"] for g in group_rows}, known=summaries)
    for g in group_rows:
        summary = summaries.get(g["officer_id"])
        if summary is None:
            summary = summaries[g["officer_id"]] = OfficerSummary(
                officer_id=g["officer_id"],
                name=other_names.get(g["officer_id"]) or str(_("No officer assigned")),
            )
        section_summary = by_section.setdefault(
            g["category"], OfficerSummary(officer_id=None, name=g["category"])
        )
        for target in (summary, totals, section_summary):
            target.clients += g["n_clients"]
            target.open_concerns += g["n_concerns"]
            target.flagged += g["n_flagged"]
            for code in conditions:
                if g[f"n_{code}"]:
                    target.flag_counts[code] = target.flag_counts.get(code, 0) + g[f"n_{code}"]
    for officer_id, n in overdue.items():
        summary = summaries.get(officer_id)
        if summary is not None:
            summary.overdue_litmas = n
        totals.overdue_litmas += n
    officers = sorted(summaries.values(), key=lambda s: (-s.flagged, s.name.lower()))
    flagged = clients.filter(conditions[flag] if flag in conditions else any_flag)
    flagged_count = totals.flag_counts.get(flag, 0) if flag in conditions else totals.flagged
    pages = max(1, -(-flagged_count // ROLLUP_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = _rollup_flagged_page(
        viewer=viewer,
        clients=flagged,
        conditions=conditions,
        offset=(page - 1) * ROLLUP_PAGE_SIZE,
        now=now,
        officer_names={pk: summary.name for pk, summary in summaries.items() if pk is not None},
    )
    return Rollup(
        officers=officers,
        totals=totals,
        flagged_rows=rows,
        by_section=by_section,
        flagged_count=flagged_count,
        page=page,
        pages=pages,
    )


def _rollup_flagged_page(
    *,
    viewer: User,
    clients: QuerySet[Client],
    conditions: dict[str, Q],
    offset: int,
    now: datetime,
    limit: int = ROLLUP_PAGE_SIZE,
    officer_names: Mapping[int, str] | None = None,
) -> list[CaseloadRow]:
    """One page of flagged clients, most flags first, then by name; their flags come from the same
    conditions as the counts, their attendance from one aggregate over that page's sessions.

    The officers' names come from `officer_names` (the caller has read them), and only a name not
    in it from the users' table: joined, PostgreSQL hashed every user of the country for each page
    (about 2 ms of the overviews' heaviest statement on the national preset)."""
    flag_columns = {
        f"is_{code}": Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
        for code, condition in conditions.items()
    }
    values = list(
        clients.annotate(**flag_columns)
        .annotate(n_flags=sum((F(name) for name in flag_columns), Value(0)), name_key=Lower("full_name"))
        .order_by("-n_flags", "name_key", "pk")
        .values(
            "pk",
            "full_name",
            "register_number",
            "category",
            "office_id",
            "officer_id",
            "phone",
            "supervision_end",
            "summary__open_concerns",
            *flag_columns,
        )[offset : offset + limit]
    )
    if not values:
        return []
    known = officer_names or {}
    names = {**known, **_officer_names({v["officer_id"] for v in values}, known=known)}
    stats = {
        s["client_id"]: s
        for s in GuidanceSession.objects.filter(client_id__in=[v["pk"] for v in values])
        .values("client_id")
        .annotate(**_attendance(now))
        .order_by()
    }
    sees_identity: dict[int, bool] = {}
    rows = []
    for v in values:
        s: Mapping[str, Any] = stats.get(v["pk"], {})
        row = CaseloadRow(
            client_id=v["pk"],
            full_name=v["full_name"],
            register_number=v["register_number"],
            category=v["category"],
            office_id=v["office_id"],
            officer_id=v["officer_id"],
            officer_name=names.get(v["officer_id"], ""),
            phone=v["phone"],
            supervision_end=v["supervision_end"],
            attended=s.get("attended", 0),
            expected=s.get("expected", 0),
            open_concerns=v["summary__open_concerns"] or 0,
            flags=[code for code in FLAGS if v[f"is_{code}"]],
            viewer=viewer,
        )
        _name_if_identity_shown(row, viewer, sees_identity)
        rows.append(row)
    return rows


# --- the home page of heads ------------------------------------------------------------------------

HOME_ROWS = 5


def home_head_attention(viewer: User) -> dict:
    """What a head (Kabapas, Kasi) acts on first: overdue Litmas and open concerns of their office
    (a section head: of their section), the oldest Litmas and the newest concerns first."""
    section = viewer.section if viewer.role_section_head and not viewer.role_office_head else ""
    today = timezone.localdate()
    litmas = Litmas.objects.visible_to(viewer).overdue(today)
    if viewer.office_id:  # lets the (office, submitted, due) index serve, as litmas_list does
        litmas = litmas.filter(office_id=viewer.office_id)
    if section:
        litmas = litmas.filter(client__category=section)
    concerns = concerns_open(viewer=viewer, section=section)
    return {
        "section": section,
        "overdue_count": litmas.count(),
        "overdue": list(litmas.select_related("client", "officer").order_by("due_date", "pk")[:HOME_ROWS]),
        "concern_count": concerns.count(),
        "concerns": list(concerns[:HOME_ROWS]),
        "today": today,
    }
