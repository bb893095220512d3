"""Rebuilding the dashboards' summaries (the only writer of models.py's tables)."""

from __future__ import annotations

import time
import zoneinfo
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from aksalarasa.core.scoping import unscoped
from aksalarasa.dashboards.models import MonthSummary, OfficeSummary, SummaryState
from aksalarasa.dashboards.selectors import (
    MONTHS,
    SUM_FIELDS,
    SUMS,
    WINDOW_DAYS,
    Sums,
    _month_start,
    office_figures_raw,
    summary_zones,
)
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.offices.models import Office

# pg_try_advisory_xact_lock key: one refresh at a time ("aks-dash" in ASCII).
LOCK_KEY = 0x616B732D64617368


def _slot_edges(zones: list[str], now: datetime) -> list[int]:
    """The UTC hours at which a day starts in one of `zones`: cut there, a slot of sessions lies
    inside one calendar day of every zone. Zones must have a fixed whole-hour offset (Indonesia's do)."""
    edges = {0}
    for name in zones:
        offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)
        seconds = int(offset.total_seconds())
        if seconds % 3600:
            raise ValueError(f"time zone {name} is not a whole number of hours from UTC")
        edges.add((-seconds // 3600) % 24)
    return sorted(edges)


def _session_slots(ids: list[int], *, since: datetime, now: datetime, edges: list[int]):
    """Guidance sessions from `since` to `now` summed by office and slot (start instant), one scan."""
    hour = ExtractHour("scheduled_at", tzinfo=UTC)
    slot = Case(
        *(When(hour__gte=edge, then=Value(edge)) for edge in reversed(edges[1:])),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = (
        GuidanceSession.objects.filter(office_id__in=ids, scheduled_at__gte=since, scheduled_at__lte=now)
        .annotate(day=TruncDate("scheduled_at", tzinfo=UTC), hour=hour, slot=slot)
        .values("office_id", "day", "slot")
        .annotate(**SUMS)
    )
    for row in rows:
        yield row["office_id"], datetime.combine(row["day"], clock(row["slot"]), UTC), Sums.of(row)


def _sessions_by_zone_month_and_window(ids: list[int], *, now: datetime, zones: list[str]):
    """What `month_figures_raw` gives for each zone and the last WINDOW_DAYS of each office, from
    one scan of the sessions (by slot) and one small query for the slot the window starts in."""
    edges = _slot_edges(zones, now)
    starts = {name: _month_start(MONTHS, now, zoneinfo.ZoneInfo(name)) for name in zones}
    window_start = now - timedelta(days=WINDOW_DAYS)
    day = datetime.combine(window_start.astimezone(UTC).date(), clock(0), UTC)
    cuts = [day + timedelta(hours=h) for h in edges] + [day + timedelta(days=1)]
    window_cut = min(cut for cut in cuts if cut >= window_start)  # the first slot wholly inside
    months: dict[str, dict[tuple[int, date], Sums]] = {name: defaultdict(Sums) for name in zones}
    window: dict[int, Sums] = defaultdict(Sums)
    since = min([*starts.values(), window_start])
    for office_id, slot_start, sums in _session_slots(ids, since=since, now=now, edges=edges):
        for name in zones:
            if slot_start >= starts[name]:
                local = slot_start.astimezone(zoneinfo.ZoneInfo(name))
                months[name][(office_id, date(local.year, local.month, 1))].add(sums)
        if slot_start >= window_cut:
            window[office_id].add(sums)
    if window_cut > window_start:
        edge = GuidanceSession.objects.filter(
            office_id__in=ids,
            scheduled_at__gte=window_start,
            scheduled_at__lt=window_cut,
            scheduled_at__lte=now,
        )
        for row in edge.values("office_id").annotate(**SUMS):
            window[row["office_id"]].add(Sums.of(row))
    return months, window


# Figures may lag a write by at most this long: a dashboard read rebuilds older summaries when a
# counted write has committed since (services.summaries_refresh_if_stale).
FRESH_FOR = timedelta(seconds=60)
# The models whose rows the dashboards count: a committed save or delete of one marks the summaries
# out of date (apps.py connects the hooks; bulk writes that skip signals do not, see the README).
COUNTED_MODELS = (
    "clients.Client",
    "clients.Supervision",
    "guidance.GuidanceSession",
    "partners.Referral",
    "programs.Program",
    "events.Event",
    "events.CheckIn",
    "evidence.Response",
)


def summaries_mark_changed() -> None:
    """Say that a counted write has committed (one UPDATE of one row, only when summaries exist)."""
    SummaryState.objects.filter(pk=1).update(changed_at=timezone.now())


class _PendingMark:
    """The on-commit callback of one transaction (knows whether it has run, so that a transaction
    writing a thousand rows queues one mark, not a thousand)."""

    def __init__(self) -> None:
        self.done = False
        self.__qualname__ = "summaries_mark_changed"  # what Django's log of a failed robust hook names

    def __call__(self) -> None:
        self.done = True
        summaries_mark_changed()


def on_counted_write(**_kwargs: object) -> None:
    """post_save/post_delete hook: mark the summaries out of date once the transaction commits,
    once per transaction however many rows it writes (nothing is done before the commit, so a write
    is not slowed by a refresh; a rolled-back write marks nothing).

    The mark runs after the write has committed, so a failure of its own (a lock, a lost
    connection) must not make the write answer an error that a client would retry: Django logs it
    (robust) and the figures then wait for the next counted write's mark."""
    if connection.in_atomic_block and any(
        isinstance(entry[1], _PendingMark) and not entry[1].done for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_PendingMark(), robust=True)


def summaries_refresh_if_stale() -> SummaryState | None:
    """Before a dashboard read: rebuild the summaries when a counted write committed after the last
    refresh and that refresh is FRESH_FOR old or more; otherwise do nothing (None). Figures thus lag
    writes by at most a minute under `make run`, with no cron job and no extra process."""
    state = SummaryState.objects.filter(pk=1).first()
    if state is None or state.changed_at is None or state.changed_at <= state.as_of:
        return None
    if timezone.now() - state.as_of < FRESH_FOR:
        return None
    return summaries_refresh()


@unscoped(reason="summaries: the figures of every office, whoever triggers the refresh")
def summaries_refresh() -> SummaryState | None:
    """Rebuild every office's summaries from the raw rows, as of now, in one transaction.

    On PostgreSQL the rebuild reads one consistent snapshot (REPEATABLE READ) and takes an advisory
    lock; a refresh that finds another one running returns None and changes nothing. Readers keep
    seeing the previous summaries until the new ones are committed. Safe to run at any time.
    """
    started = time.perf_counter()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
                if not cursor.fetchone()[0]:
                    return None
        now = timezone.now()
        ids = list(Office.objects.values_list("pk", flat=True))
        zones = summary_zones()
        offices = office_figures_raw(ids, now=None)
        months, window = _sessions_by_zone_month_and_window(ids, now=now, zones=zones)
        OfficeSummary.objects.all().delete()
        MonthSummary.objects.all().delete()
        OfficeSummary.objects.bulk_create(
            [
                OfficeSummary(
                    office_id=office_id,
                    children=f.children,
                    adults=f.adults,
                    by_program=f.by_program,
                    referrals=f.referrals,
                    open_referrals=f.open_referrals,
                    stages=f.stages,
                    programs=f.programs,
                    events=f.events,
                    checked_in=f.checked_in,
                    responses=f.responses,
                    **{name: getattr(window.get(office_id, Sums()), name) for name in SUM_FIELDS},
                )
                for office_id, f in offices.items()
            ],
            batch_size=500,
        )
        MonthSummary.objects.bulk_create(
            [
                MonthSummary(
                    office_id=office_id,
                    zone=name,
                    month=month,
                    **{field: getattr(sums, field) for field in SUM_FIELDS},
                )
                for name, by_key in months.items()
                for (office_id, month), sums in by_key.items()
            ],
            batch_size=1000,
        )
        state, _created = SummaryState.objects.update_or_create(
            pk=1, defaults={"as_of": now, "zones": zones, "seconds": round(time.perf_counter() - started, 3)}
        )
    return state
