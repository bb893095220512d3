"""Writes of the work plan: keyword-only, typed, atomic; every record names its writer.

A planned session is refused when it breaks a rule of scheduling.py (at most 8 hours a day, the
order's period, the site's days, hours and capacity, national holidays, the person's unavailable
times). The order and the site rows are locked first, so two PKs never take a site's last place
on the same day.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.core.history import delete_versioned, save_many, save_versioned
from aksalarasa.sentences import plan_selectors, scheduling
from aksalarasa.sentences.models import SentenceOrder, ServiceSite
from aksalarasa.sentences.plan_models import PlannedSession, UnavailableTime
from aksalarasa.sentences.services import _raise


def _locked(order: SentenceOrder) -> SentenceOrder:
    order = (
        SentenceOrder.objects.select_for_update(of=("self",))
        .select_related("office", "site")
        .get(pk=order.pk)
    )
    if order.site_id is not None:
        ServiceSite.objects.select_for_update().filter(pk=order.site_id).exists()
    return order


def _plannable(order: SentenceOrder) -> None:
    problems: list[tuple[str, str]] = []
    if not order.is_community_service:
        problems.append(("__all__", _("Only community service has a plan of work sessions.")))
    elif order.status != SentenceOrder.Status.ACTIVE:
        problems.append(("__all__", _("Sessions are planned only for an active order.")))
    elif order.site_id is None:
        problems.append(("__all__", _("Place the person at a site before planning sessions.")))
    _raise(problems)


@transaction.atomic
def plan_propose(*, actor: User, order: SentenceOrder) -> list[PlannedSession]:
    """Replace the order's sessions from today on with a proposed plan of the hours left. Earlier
    sessions stay (the record of what was planned)."""
    order = _locked(order)
    _plannable(order)
    begin = plan_selectors.first_day(order)
    for old in PlannedSession.objects.filter(order_id=order.pk, day__gte=begin):
        delete_versioned(old, actor=actor)
    world = plan_selectors.world_for(order)
    assert world is not None  # _plannable: the order has a site
    remaining = max(0, order.minutes_ordered - plan_selectors.credited_minutes(order))
    plan = scheduling.propose(remaining_minutes=remaining, first_day=begin, world=world)
    assert order.site is not None
    sessions = [
        PlannedSession(
            office_id=order.office_id,
            order=order,
            site=order.site,
            day=s.day,
            starts_at=s.start,
            ends_at=s.end,
            created_by=actor,
        )
        for s in plan.sessions
    ]
    if sessions:
        save_many(sessions, model=PlannedSession, actor=actor, reason="proposed")
    return sessions


def _session_check(*, order: SentenceOrder, data: dict[str, Any], exclude: int | None) -> None:
    _plannable(order)
    world = plan_selectors.world_for(order, with_own_plan=True, exclude_session=exclude)
    assert world is not None
    session = scheduling.Session(data["day"], data["starts_at"], data["ends_at"])
    same_day = PlannedSession.objects.filter(order_id=order.pk, day=session.day)
    if exclude is not None:
        same_day = same_day.exclude(pk=exclude)
    own = [scheduling.Session(s.day, s.starts_at, s.ends_at) for s in same_day]
    problems = scheduling.session_problems(session, world, own_sessions=own)
    if session.day < order.office.today():
        problems.append(("day", _("A session is planned for today or later, not in the past.")))
    _raise(problems)


@transaction.atomic
def session_create(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> PlannedSession:
    order = _locked(order)
    _session_check(order=order, data=data, exclude=None)
    assert order.site is not None
    session = PlannedSession(
        office_id=order.office_id,
        order=order,
        site=order.site,
        day=data["day"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        created_by=actor,
    )
    save_versioned(session, actor=actor)
    return session


@transaction.atomic
def session_update(
    *, actor: User, session: PlannedSession, data: dict[str, Any], expected_version: int
) -> PlannedSession:
    """Move a planned session (version check: a session someone else changed is not overwritten)."""
    order = _locked(session.order)
    _session_check(order=order, data=data, exclude=session.pk)
    assert order.site is not None
    session.day, session.starts_at, session.ends_at = data["day"], data["starts_at"], data["ends_at"]
    session.site = order.site
    save_versioned(
        session,
        actor=actor,
        expected_version=expected_version,
        update_fields=["day", "starts_at", "ends_at", "site"],
    )
    return session


@transaction.atomic
def session_delete(*, actor: User, session: PlannedSession, expected_version: int | None) -> bool:
    return delete_versioned(session, actor=actor, expected_version=expected_version)


@transaction.atomic
def unavailable_create(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> UnavailableTime:
    """Record a weekly time the person cannot work (their job, school, worship)."""
    if data["ends_at"] <= data["starts_at"]:
        raise ValidationError({"ends_at": [_("The end comes after the start.")]})
    item = UnavailableTime(
        office_id=order.office_id,
        order=order,
        weekday=str(data["weekday"]),
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        reason=data["reason"],
        note=data.get("note") or "",
    )
    save_versioned(item, actor=actor)
    return item


@transaction.atomic
def unavailable_delete(*, actor: User, item: UnavailableTime) -> bool:
    return delete_versioned(item, actor=actor)
