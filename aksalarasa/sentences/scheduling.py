"""The planner of community-service sessions: pure functions, no database.

`propose` lays out the hours left of an order over the days left of its period; `session_problems`
answers what is wrong with one session (the PK's edit); both obey the same rules:

- UU 1/2023 Art. 85(5): community service is worked "paling lama 8 (delapan) jam dalam 1 (satu)
  hari" (at most 8 hours in one day; the ruled hours a day when the decision says fewer), and
  within the period of at most 6 months it may be spread over (the order's period).
- Only on the site's opening days and within its opening hours, and never on a national holiday
  or a cuti bersama day: the working days as lokal-id gives them (`lokal.is_working_day`, with the
  site's closed days as its weekend). A year whose holiday decree lokal-id does not have yet is
  never planned (lokal raises rather than assume no holidays; so do we).
- At most the site's capacity of people a day: other people's planned sessions at the site count.
- Never during a time the person declared unavailable (work, school, worship).

The planner is greedy and earliest-first: each usable day gets one session in the day's longest
free window, as long as the daily limit allows. A window shorter than MIN_SESSION_MINUTES is not
used unless it finishes the hours. The warning of the order page (`fits`) is this same plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.utils.translation import gettext as _

from aksalarasa.sentences import rules

# Art. 85(5): at most 8 hours of community service in one day.
MAX_MINUTES_PER_DAY = rules.MAX_HOURS_PER_DAY * 60
MIN_SESSION_MINUTES = 60


@dataclass(frozen=True)
class SiteHours:
    opening_days: frozenset[int]  # ISO weekdays, 1 = Monday ... 7 = Sunday
    opens: time
    closes: time
    capacity: int


@dataclass(frozen=True)
class Busy:
    """A weekly time the person cannot work."""

    weekday: int  # ISO weekday
    start: time
    end: time
    reason: str = ""


@dataclass(frozen=True)
class Session:
    day: date
    start: time
    end: time

    @property
    def minutes(self) -> int:
        return _m(self.end) - _m(self.start)


@dataclass(frozen=True)
class World:
    """What the planner knows about an order's world."""

    site: SiteHours
    period_start: date
    period_end: date
    daily_limit_minutes: int = MAX_MINUTES_PER_DAY  # min(8 h, the ruled hours a day)
    unavailable: Sequence[Busy] = ()
    others_at_site: Mapping[date, int] = field(default_factory=dict)  # other people planned that day
    own_minutes: Mapping[date, int] = field(default_factory=dict)  # already credited or planned that day


@dataclass(frozen=True)
class Plan:
    sessions: list[Session]
    wanted_minutes: int
    unknown_years: frozenset[int]

    @property
    def planned_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def shortfall_minutes(self) -> int:
        return max(0, self.wanted_minutes - self.planned_minutes)

    @property
    def fits(self) -> bool:
        return self.shortfall_minutes == 0


def daily_limit(hours_per_day: int | None) -> int:
    """Art. 85(5): 8 hours a day, or the fewer hours a day the decision rules."""
    if hours_per_day and 0 < hours_per_day < rules.MAX_HOURS_PER_DAY:
        return hours_per_day * 60
    return MAX_MINUTES_PER_DAY


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


def _t(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def holiday_names(day: date) -> list[str] | None:
    """The national holidays and cuti bersama on `day` (lokal-id); None when lokal-id has no
    decree for that year yet."""
    import lokal

    try:
        return [h.name for h in lokal.holidays_on(day)]
    except ValueError:
        return None


def is_plannable_day(day: date, site: SiteHours) -> bool | None:
    """A working day as lokal-id gives it, with the site's closed days as the weekend; None when
    the year's holidays are unknown."""
    import lokal

    closed = [d % 7 for d in range(1, 8) if d not in site.opening_days]  # lokal: 0 = Sunday
    try:
        return lokal.is_working_day(day, cuti_bersama=True, weekend=closed)
    except ValueError:
        return None


def free_windows(day: date, world: World) -> list[tuple[int, int]]:
    """The site's opening hours on `day` less the person's unavailable times (minutes of the day)."""
    windows = [(_m(world.site.opens), _m(world.site.closes))]
    for busy in world.unavailable:
        if busy.weekday != day.isoweekday():
            continue
        b0, b1 = _m(busy.start), _m(busy.end)
        cut = []
        for w0, w1 in windows:
            if b1 <= w0 or b0 >= w1:
                cut.append((w0, w1))
                continue
            if w0 < b0:
                cut.append((w0, b0))
            if b1 < w1:
                cut.append((b1, w1))
        windows = cut
    return windows


def _offers(first_day: date, world: World, unknown: set[int]) -> Iterator[tuple[date, int, int]]:
    """Each usable day from `first_day` to the end of the period, in order: (day, the start of its
    longest free window, the minutes a session may take there). Years without a known holiday
    decree go into `unknown` as they are reached."""
    day = max(first_day, world.period_start)
    while day <= world.period_end:
        plannable = is_plannable_day(day, world.site)
        if plannable is None:
            unknown.add(day.year)
        if (
            plannable
            and world.others_at_site.get(day, 0) < world.site.capacity
            and (windows := free_windows(day, world))
        ):
            start, end = max(windows, key=lambda w: (w[1] - w[0], -w[0]))
            allowed = min(end - start, world.daily_limit_minutes - world.own_minutes.get(day, 0))
            if allowed > 0:
                yield day, start, allowed
        day += timedelta(days=1)


def propose(*, remaining_minutes: int, first_day: date, world: World) -> Plan:
    """Sessions from `first_day` to the end of the period that work `remaining_minutes`, earliest
    first; a shortfall when the days left cannot hold them."""
    sessions: list[Session] = []
    unknown: set[int] = set()
    left = max(0, remaining_minutes)
    if left:
        for day, start, allowed in _offers(first_day, world, unknown):
            minutes = min(allowed, left)
            if minutes >= MIN_SESSION_MINUTES or minutes == left:
                sessions.append(Session(day, _t(start), _t(start + minutes)))
                left -= minutes
                if not left:
                    break
    return Plan(sessions=sessions, wanted_minutes=max(0, remaining_minutes), unknown_years=frozenset(unknown))


def capacity_minutes(*, first_day: date, world: World) -> Plan:
    """The most minutes `propose` can plan and finish: every day that holds a session of at least
    MIN_SESSION_MINUTES, or, when that is more, the hours that end in a shorter window (the one
    short session `propose` allows, the last) with the long sessions before it. So the order
    page's warning agrees with the plan: the hours left fit exactly when `propose` finishes them.
    One walk of the days."""
    unknown: set[int] = set()
    long_sessions: list[Session] = []
    long_minutes = 0
    short_end: tuple[int, int, Session | None] = (0, 0, None)  # (minutes, long sessions before, window)
    for day, start, allowed in _offers(first_day, world, unknown):
        session = Session(day, _t(start), _t(start + allowed))
        if allowed >= MIN_SESSION_MINUTES:
            long_sessions.append(session)
            long_minutes += allowed
        elif long_minutes + allowed > short_end[0]:
            short_end = (long_minutes + allowed, len(long_sessions), session)
    most, before, short = short_end
    sessions = long_sessions[:before] + [short] if short and most > long_minutes else long_sessions
    return Plan(sessions=sessions, wanted_minutes=max(most, long_minutes), unknown_years=frozenset(unknown))


def session_problems(
    session: Session, world: World, *, own_sessions: Sequence[Session] = ()
) -> list[tuple[str, str]]:
    """What is wrong with one planned session, as (field, message) pairs. `world.own_minutes` holds
    the minutes already credited or planned for the order that day besides this session;
    `own_sessions` the order's other planned sessions that day (they may not overlap)."""
    problems: list[tuple[str, str]] = []
    day, start, end = session.day, _m(session.start), _m(session.end)
    if end <= start:
        return [("ends_at", _("The session ends after it starts."))]
    if not world.period_start <= day <= world.period_end:
        problems.append(
            (
                "day",
                _(
                    "The session must fall within the order's period, %(start)s to %(end)s (UU 1/2023 Art. 85(5))."
                )
                % {"start": world.period_start.isoformat(), "end": world.period_end.isoformat()},
            )
        )
    if day.isoweekday() not in world.site.opening_days:
        problems.append(("day", _("The site is closed on that day of the week.")))
    names = holiday_names(day)
    if names is None:
        problems.append(
            (
                "day",
                _(
                    "The national holidays of %(year)s are not known yet, so no session is planned in that year."
                )
                % {"year": day.year},
            )
        )
    elif names:
        problems.append(
            (
                "day",
                _("%(day)s is a national holiday or cuti bersama: %(name)s.")
                % {"day": day.isoformat(), "name": names[0]},
            )
        )
    if start < _m(world.site.opens) or end > _m(world.site.closes):
        problems.append(
            (
                "starts_at",
                _("The site is open from %(opens)s to %(closes)s.")
                % {
                    "opens": world.site.opens.strftime("%H:%M"),
                    "closes": world.site.closes.strftime("%H:%M"),
                },
            )
        )
    total = session.minutes + world.own_minutes.get(day, 0)
    if total > MAX_MINUTES_PER_DAY:
        problems.append(
            (
                "ends_at",
                _(
                    "Community service is at most 8 hours a day (UU 1/2023 Art. 85(5)): this day would "
                    "count %(hours)s hours."
                )
                % {"hours": f"{total / 60:g}"},
            )
        )
    elif total > world.daily_limit_minutes:
        problems.append(
            (
                "ends_at",
                _("The decision rules %(limit)s hours a day: this day would count %(hours)s hours.")
                % {"limit": world.daily_limit_minutes // 60, "hours": f"{total / 60:g}"},
            )
        )
    if world.others_at_site.get(day, 0) >= world.site.capacity:
        problems.append(
            (
                "day",
                _("The site takes %(n)s people a day and is already full that day.")
                % {"n": world.site.capacity},
            )
        )
    for busy in world.unavailable:
        if busy.weekday == day.isoweekday() and _m(busy.start) < end and start < _m(busy.end):
            problems.append(
                (
                    "starts_at",
                    _("The person is not available from %(start)s to %(end)s (%(reason)s).")
                    % {
                        "start": busy.start.strftime("%H:%M"),
                        "end": busy.end.strftime("%H:%M"),
                        "reason": busy.reason,
                    },
                )
            )
    for other in own_sessions:
        if other.day == day and _m(other.start) < end and start < _m(other.end):
            problems.append(("starts_at", _("Another session of this order is planned at that time.")))
            break
    return problems
