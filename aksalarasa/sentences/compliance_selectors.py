"""Reads of non-compliance, condition checks and letters: each reads through `visible_to(viewer)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.http import Http404

from aksalarasa.sentences import compliance
from aksalarasa.sentences.letters import LetterContent, letter_content
from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter, SentenceOrder

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


@dataclass(frozen=True)
class CompliancePanel:
    events: list[ComplianceEvent]
    checks: list[ConditionCheck]
    letters: list[SentenceLetter]
    unexcused: int
    threshold: int
    part: compliance.PartLeft
    breach_allowed: bool
    complete_allowed: bool

    @property
    def violations(self) -> list[ConditionCheck]:
        return [c for c in self.checks if c.result == ConditionCheck.Result.VIOLATED]


def compliance_panel(*, order: SentenceOrder, credited: int) -> CompliancePanel:
    """What the order page shows of compliance (the caller has read the order through visible_to)."""
    events = list(order.compliance_events.select_related("recorded_by").order_by("occurred_on", "pk"))
    checks = list(order.condition_checks.select_related("recorded_by").order_by("checked_on", "pk"))
    letters = list(order.letters.select_related("drafted_by", "event").order_by("drafted_on", "pk"))
    unexcused = sum(1 for e in events if not e.valid_reason and not e.reason_pending)  # = unexcused_count
    part = compliance.PartLeft(
        order.minutes_ordered, credited, order.replaced_prison_days, order.replaced_fine
    )
    today = order.office.today()
    threshold = compliance.breach_threshold()
    breach_allowed = (
        order.is_community_service
        and order.status in (SentenceOrder.Status.ACTIVE, SentenceOrder.Status.BREACH)
        and part.minutes_missing > 0
        and (unexcused >= threshold or today > order.end_date)
    )
    complete_allowed = not compliance.completion_problems(
        is_community_service=order.is_community_service,
        status=order.status,
        minutes_ordered=order.minutes_ordered,
        minutes_credited=credited,
        end=order.end_date,
        today=today,
    )
    return CompliancePanel(
        events, checks, letters, unexcused, threshold, part, breach_allowed, complete_allowed
    )


def event_get_for_viewer(*, viewer: User, pk: int) -> ComplianceEvent:
    event = (
        ComplianceEvent.objects.visible_to(viewer)
        .select_related("order", "order__client")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


def letter_get_for_viewer(*, viewer: User, pk: int) -> SentenceLetter:
    letter = (
        SentenceLetter.objects.visible_to(viewer)
        .select_related("order", "order__client", "order__office", "drafted_by", "event")
        .filter(pk=pk)
        .first()
    )
    if letter is None:
        raise Http404
    return letter


def letter_document(*, letter: SentenceLetter) -> LetterContent:
    """The content of a letter: the events and checks up to the day it was drafted."""
    order = letter.order
    events = list(
        order.compliance_events.filter(occurred_on__lte=letter.drafted_on).order_by("occurred_on", "pk")
    )
    checks = list(
        order.condition_checks.filter(checked_on__lte=letter.drafted_on).order_by("checked_on", "pk")
    )
    ordinal = order.letters.filter(kind=SentenceLetter.Kind.WARNING, pk__lte=letter.pk).count()
    return letter_content(letter, events=events, checks=checks, warning_ordinal=ordinal)


def order_credited(*, order: SentenceOrder) -> int:
    return order.hours.aggregate(total=Sum("credited_minutes"))["total"] or 0
