"""Reads of the work plan: each takes the viewer (or an order already read through `visible_to`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from aksalarasa.sentences import scheduling
from aksalarasa.sentences.models import HoursEntry, SentenceOrder
from aksalarasa.sentences.plan_models import PlannedSession, UnavailableTime

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def first_day(order: SentenceOrder) -> date:
    """The first day a plan may use: today in the office's zone, or the order's start."""
    return max(order.office.today(), order.start_date)


def site_hours(order: SentenceOrder) -> scheduling.SiteHours | None:
    site = order.site
    if site is None:
        return None
    return scheduling.SiteHours(
        opening_days=frozenset(int(d) for d in site.opening_days),
        opens=site.opens_at,
        closes=site.closes_at,
        capacity=site.capacity_per_day,
    )


def world_for(
    order: SentenceOrder, *, with_own_plan: bool = False, exclude_session: int | None = None
) -> scheduling.World | None:
    """What the planner needs about `order` (None without a site): four queries."""
    hours = site_hours(order)
    if hours is None:
        return None
    start, end = order.start_date, order.end_date
    others = dict(
        PlannedSession.objects.filter(site_id=order.site_id, day__range=(start, end))
        .exclude(order_id=order.pk)
        .values_list("day")
        .annotate(n=Count("order_id", distinct=True))
        .values_list("day", "n")
    )
    own: dict[date, int] = defaultdict(int)
    credited = (
        HoursEntry.objects.filter(order_id=order.pk)
        .values_list("work_date")
        .annotate(total=Sum("credited_minutes"))
        .values_list("work_date", "total")
    )
    for day, total in credited:
        own[day] += total or 0
    if with_own_plan:
        own_plan = PlannedSession.objects.filter(order_id=order.pk)
        if exclude_session is not None:
            own_plan = own_plan.exclude(pk=exclude_session)
        for session in own_plan:
            own[session.day] += session.minutes
    unavailable = [
        scheduling.Busy(int(u.weekday), u.starts_at, u.ends_at, str(u.get_reason_display()))
        for u in UnavailableTime.objects.filter(order_id=order.pk)
    ]
    return scheduling.World(
        site=hours,
        period_start=start,
        period_end=end,
        daily_limit_minutes=scheduling.daily_limit(order.hours_per_day),
        unavailable=unavailable,
        others_at_site=others,
        own_minutes=dict(own),
    )


def credited_minutes(order: SentenceOrder) -> int:
    return HoursEntry.objects.filter(order_id=order.pk).aggregate(t=Sum("credited_minutes"))["t"] or 0


@dataclass(frozen=True)
class PlanSummary:
    sessions: list[PlannedSession]
    unavailable: list[UnavailableTime]
    remaining_minutes: int
    planned_minutes: int  # planned from the first plannable day on
    possible_minutes: int  # the most the days left can hold
    has_site: bool
    unknown_years: list[int]

    @property
    def fits(self) -> bool:
        return self.remaining_minutes <= self.possible_minutes

    @property
    def warning(self) -> str:
        """Non-empty as soon as the hours left no longer fit the days left of the period."""
        if self.remaining_minutes == 0:
            return ""
        if not self.has_site:
            return _("No site yet: place the person at a site to plan the hours left.")
        if self.fits:
            return ""
        message = _(
            "The %(left)s hours left no longer fit the days left in the period: at most %(can)s hours "
            "can still be planned (at most 8 a day, the site's days, hours and capacity, no national "
            "holidays, the person's unavailable times)."
        ) % {"left": f"{self.remaining_minutes / 60:g}", "can": f"{self.possible_minutes / 60:g}"}
        if self.unknown_years:
            message += " " + _(
                "The national holidays of %(years)s are not known yet; those days are not counted."
            ) % {"years": ", ".join(str(y) for y in self.unknown_years)}
        return message


def plan_summary(*, order: SentenceOrder) -> PlanSummary:
    """The order's plan and whether the hours left still fit (the caller read `order` through
    `visible_to`)."""
    sessions = list(PlannedSession.objects.filter(order_id=order.pk).order_by("day", "starts_at"))
    unavailable = list(UnavailableTime.objects.filter(order_id=order.pk).order_by("weekday", "starts_at"))
    remaining = max(0, order.minutes_ordered - credited_minutes(order))
    if order.status != SentenceOrder.Status.ACTIVE or not order.is_community_service:
        remaining = 0
    world = world_for(order)
    begin = first_day(order)
    possible, unknown = 0, frozenset[int]()
    if world is not None and remaining:
        capacity = scheduling.capacity_minutes(first_day=begin, world=world)
        possible, unknown = capacity.planned_minutes, capacity.unknown_years
    return PlanSummary(
        sessions=sessions,
        unavailable=unavailable,
        remaining_minutes=remaining,
        planned_minutes=sum(s.minutes for s in sessions if s.day >= begin),
        possible_minutes=possible,
        has_site=world is not None,
        unknown_years=sorted(unknown),
    )


def session_get_for_viewer(*, viewer: User, pk: int) -> PlannedSession:
    session = (
        PlannedSession.objects.visible_to(viewer)
        .select_related("order", "order__client", "order__office", "order__site")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


def unavailable_get_for_viewer(*, viewer: User, pk: int) -> UnavailableTime:
    item = (
        UnavailableTime.objects.visible_to(viewer)
        .select_related("order", "order__client", "order__office")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item
