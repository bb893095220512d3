"""Dates that agree across the program cycle: one check, read by the program page, each stage page,
the API and the report.

Saving stays allowed (offices record history as it happened); the check only warns, naming the
record and its dates. Dates are compared as calendar days in the office's time zone.

The events and the questionnaires live in higher apps (events, evidence): each registers a
provider of its dated records here (`cycle_dates_register`, from its AppConfig.ready), so this
module imports neither (docs/architecture.md).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from aksalarasa.programs.models import Contact, Program, Stage


@dataclass(frozen=True)
class CycleWarning:
    code: str  # a stable key for machines: "workshop_after_event", "event_outside_period", ...
    stage: str  # the stage the contradicting record belongs to (Stage value)
    message: str  # translated, names the record and the dates

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class DatedEvent:
    name: str
    start: datetime.date
    end: datetime.date


@dataclass
class DatedTest:
    """Answers to one questionnaire administration: its point (before, after, follow-up) and the
    first and last day an answer came in; `event` when the administration names its event."""

    title: str
    point: str
    first: datetime.date
    last: datetime.date
    event: DatedEvent | None = None


@dataclass
class CycleDates:
    events: list[DatedEvent] = field(default_factory=list)
    tests: list[DatedTest] = field(default_factory=list)


_PROVIDERS: dict[str, Callable[[Program, zoneinfo.ZoneInfo], CycleDates]] = {}


def cycle_dates_register(name: str, provider: Callable[[Program, zoneinfo.ZoneInfo], CycleDates]) -> None:
    _PROVIDERS[name] = provider


def local_date(value: datetime.datetime, zone: zoneinfo.ZoneInfo) -> datetime.date:
    return value.astimezone(zone).date()


def _d(value: datetime.date) -> str:
    return value.strftime("%d-%m-%Y")


def cycle_warnings(*, program: Program) -> list[CycleWarning]:
    """Every date contradiction of the program, in the order of the cycle."""
    zone = zoneinfo.ZoneInfo(program.office.time_zone)
    gathered = CycleDates()
    for provider in _PROVIDERS.values():
        part = provider(program, zone)
        gathered.events += part.events
        gathered.tests += part.tests
    events = sorted(gathered.events, key=lambda e: e.start)
    out: list[CycleWarning] = []

    def warn(code: str, stage: str, message: str) -> None:
        out.append(CycleWarning(code=code, stage=stage, message=message))

    period = {"start": _d(program.start), "end": _d(program.end)}

    def outside(code: str, stage: str, what: str, day: datetime.date) -> None:
        if day < program.start or day > program.end:
            warn(
                code,
                stage,
                _("%(what)s is dated %(date)s, outside the program period %(start)s – %(end)s.")
                % {"what": what, "date": _d(day), **period},
            )

    contacts = list(program.contacts.all())
    assessments = list(program.assessments.all())
    workshops = list(program.workshops.all())
    closings = list(program.closing_activities.all())
    actions = list(program.action_plan.actions.all()) if hasattr(program, "action_plan") else []
    handover = getattr(program, "handover", None)
    referrals = [
        link.referral
        for link in program.client_referrals.select_related("referral", "referral__service").all()
    ]
    first_event = events[0] if events else None
    last_event = events[-1] if events else None

    # Stage 1: contacts inside the period and before the event they prepared.
    for contact in contacts:
        what = _("Contact with %(people)s (%(institution)s)") % {
            "people": contact.people,
            "institution": contact.institution,
        }
        outside("contact_outside_period", Stage.INITIATION, what, contact.date)
        if contact.kind == Contact.Kind.CONTACT and last_event and contact.date > last_event.start:
            warn(
                "contact_after_event",
                Stage.INITIATION,
                _("%(what)s is dated %(date)s, after the event %(event)s (%(event_date)s) it prepared.")
                % {
                    "what": what,
                    "date": _d(contact.date),
                    "event": last_event.name,
                    "event_date": _d(last_event.start),
                },
            )

    # Stage 3: assessments inside the period, not before the first contact (stage order).
    first_contact = min((c.date for c in contacts), default=None)
    for assessment in assessments:
        what = _("Assessment session %(title)s") % {"title": assessment.title}
        outside("assessment_outside_period", Stage.ASSESSMENT, what, assessment.date)
        if first_contact and assessment.date < first_contact:
            warn(
                "stage_order",
                Stage.ASSESSMENT,
                _("%(what)s (%(date)s) comes before the first contact of social initiation (%(first)s).")
                % {"what": what, "date": _d(assessment.date), "first": _d(first_contact)},
            )
        if first_event and assessment.date > first_event.start:
            warn(
                "assessment_after_event",
                Stage.ASSESSMENT,
                _("%(what)s (%(date)s) is after the event %(event)s (%(event_date)s).")
                % {
                    "what": what,
                    "date": _d(assessment.date),
                    "event": first_event.name,
                    "event_date": _d(first_event.start),
                },
            )

    # Stage 4: planning workshops inside the period, after the assessment, before the event.
    first_assessment = min((a.date for a in assessments), default=None)
    for workshop in workshops:
        what = _("Planning workshop %(question)s") % {"question": workshop.focus_question}
        outside("workshop_outside_period", Stage.PLANNING, what, workshop.date)
        if first_assessment and workshop.date < first_assessment:
            warn(
                "stage_order",
                Stage.PLANNING,
                _("%(what)s (%(date)s) comes before the first assessment session (%(first)s).")
                % {"what": what, "date": _d(workshop.date), "first": _d(first_assessment)},
            )
        if last_event and workshop.date > last_event.start:
            warn(
                "workshop_after_event",
                Stage.PLANNING,
                _("%(what)s (%(date)s) is after the event %(event)s (%(event_date)s) it planned.")
                % {
                    "what": what,
                    "date": _d(workshop.date),
                    "event": last_event.name,
                    "event_date": _d(last_event.start),
                },
            )
    for action in actions:
        outside(
            "action_outside_period",
            Stage.PLANNING,
            _("Action %(title)s") % {"title": action.title},
            action.due,
        )

    # Stage 5: events inside the period, not ending before they start.
    for event in events:
        what = _("Event %(name)s") % {"name": event.name}
        if event.start < program.start or event.end > program.end:
            warn(
                "event_outside_period",
                Stage.INTERVENTION,
                _("%(what)s (%(start)s – %(end)s) is outside the program period %(pstart)s – %(pend)s.")
                % {
                    "what": what,
                    "start": _d(event.start),
                    "end": _d(event.end),
                    "pstart": period["start"],
                    "pend": period["end"],
                },
            )

    # Stage 6: pre-tests before and post-tests after their event.
    for test in gathered.tests:
        of = test.event or (first_event if test.point == "before" else last_event)
        what = _("Questionnaire %(title)s") % {"title": test.title}
        if of is None:
            continue
        if test.point == "before" and test.last > of.start:
            warn(
                "pretest_after_event",
                Stage.EVALUATION,
                _(
                    "%(what)s (before) has answers up to %(date)s, after the event %(event)s began (%(event_date)s)."
                )
                % {"what": what, "date": _d(test.last), "event": of.name, "event_date": _d(of.start)},
            )
        if test.point in ("after", "follow_up") and test.first < of.end:
            warn(
                "posttest_before_event",
                Stage.EVALUATION,
                _(
                    "%(what)s (after) has answers from %(date)s, before the event %(event)s ended (%(event_date)s)."
                )
                % {"what": what, "date": _d(test.first), "event": of.name, "event_date": _d(of.end)},
            )

    # Stage 7: closing inside the period, not before the start nor the event; referrals after the event.
    for closing in closings:
        what = _("Closing activity %(what)s") % {"what": closing.description}
        outside("closing_outside_period", Stage.TERMINATION, what, closing.date)
        if last_event and closing.date < last_event.end:
            warn(
                "closing_before_event",
                Stage.TERMINATION,
                _("%(what)s (%(date)s) is before the event %(event)s ended (%(event_date)s).")
                % {
                    "what": what,
                    "date": _d(closing.date),
                    "event": last_event.name,
                    "event_date": _d(last_event.end),
                },
            )
    if handover is not None and handover.report_date:
        if handover.report_date < program.start:
            warn(
                "handover_before_start",
                Stage.TERMINATION,
                _("The report was handed over on %(date)s, before the program started (%(start)s).")
                % {"date": _d(handover.report_date), "start": period["start"]},
            )
        if handover.follow_up_date and handover.follow_up_date < handover.report_date:
            warn(
                "follow_up_before_handover",
                Stage.TERMINATION,
                _("The follow-up date %(follow)s is before the report was handed over (%(date)s).")
                % {"follow": _d(handover.follow_up_date), "date": _d(handover.report_date)},
            )
    for referral in referrals:
        day = local_date(referral.sent_at or referral.created_at, zone)
        if first_event and day < first_event.start:
            warn(
                "referral_before_event",
                Stage.TERMINATION,
                _(
                    "Referral %(number)s to %(service)s (%(date)s) is before the event %(event)s (%(event_date)s) that led to it."
                )
                % {
                    "number": referral.pk,
                    "service": referral.service.name,
                    "date": _d(day),
                    "event": first_event.name,
                    "event_date": _d(first_event.start),
                },
            )
    return out


def warnings_by_stage(warnings: list[CycleWarning]) -> dict[str, list[CycleWarning]]:
    by_stage: dict[str, list[CycleWarning]] = {s.value: [] for s in Stage}
    for w in warnings:
        by_stage[w.stage].append(w)
    return by_stage


def warnings_out(warnings: list[CycleWarning]) -> list[dict[str, Any]]:
    return [w.as_dict() for w in warnings]
