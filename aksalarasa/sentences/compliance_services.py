"""Writes of non-compliance, supervision checks, letters and completion: keyword-only, typed, atomic;
every record through core.history.save_versioned, naming its writer. The rules are in compliance.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.photos import PhotoError, photo_clean
from aksalarasa.core.history import save_versioned
from aksalarasa.sentences import compliance
from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter, SentenceOrder
from aksalarasa.sentences.supervisor.models import SiteVisit

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


def _locked(order: SentenceOrder) -> SentenceOrder:
    """The order with its row locked (not its office's or client's rows)."""
    return (
        SentenceOrder.objects.select_for_update(of=("self",))
        .select_related("office", "client")
        .get(pk=order.pk)
    )


def _credited(order: SentenceOrder) -> int:
    return order.hours.aggregate(total=Sum("credited_minutes"))["total"] or 0


def unexcused_count(order: SentenceOrder) -> int:
    """Events without a valid reason; one still awaiting the PK's decision is not counted yet."""
    return ComplianceEvent.objects.filter(order=order, valid_reason=False, reason_pending=False).count()


def evidence_clean(upload: UploadedFile) -> ContentFile:
    """A PDF as sent (at most 5 MB, must start like a PDF), or a photo re-encoded without its
    metadata (clients.photos: GPS position, camera and time are dropped). Stored privately."""
    name = (upload.name or "").lower()
    if name.endswith(".pdf"):
        if (upload.size or 0) > EVIDENCE_MAX_BYTES:
            raise ValidationError({"evidence_file": [_("The evidence file may be at most 5 MB.")]})
        upload.seek(0)
        data = upload.read(EVIDENCE_MAX_BYTES + 1)
        if len(data) > EVIDENCE_MAX_BYTES:
            raise ValidationError({"evidence_file": [_("The evidence file may be at most 5 MB.")]})
        if not data.startswith(b"%PDF-"):
            raise ValidationError({"evidence_file": [_("This file is not a PDF.")]})
        return ContentFile(data, name="evidence.pdf")
    try:
        clean = photo_clean(upload)
    except PhotoError as exc:
        raise ValidationError(
            {"evidence_file": [_("Evidence is a PDF or a photo (JPEG, PNG or WebP): %(why)s") % {"why": exc}]}
        ) from exc
    return ContentFile(clean.content, name=f"evidence.{clean.extension}")


@transaction.atomic
def compliance_event_record(
    *,
    actor: User,
    order: SentenceOrder,
    data: dict[str, Any],
    evidence: UploadedFile | None = None,
    visit: SiteVisit | None = None,
) -> ComplianceEvent:
    """Record an absence, lateness or refusal against a community-service order, with whether the
    reason is valid (UU 1/2023 Art. 85(7), "alasan yang sah") and its evidence (a file or a note)."""
    order = _locked(order)
    day: date | None = data.get("occurred_on")
    kind = data.get("kind") or ""
    note = (data.get("evidence_note") or "").strip()
    problems: list[tuple[str, str]] = []
    if not order.is_community_service:
        problems.append(("__all__", _("Absence, lateness and refusal are recorded for community service.")))
    if order.status not in (SentenceOrder.Status.ACTIVE, SentenceOrder.Status.BREACH):
        problems.append(("__all__", _("Events are recorded while the order runs.")))
    if kind not in ComplianceEvent.Kind.values:
        problems.append(("kind", _("Choose absence, lateness or refusal.")))
    if day is None:
        problems.append(("occurred_on", _("Give the date.")))
    elif day < order.start_date or day > order.end_date:
        problems.append(
            (
                "occurred_on",
                _("The date falls within the order's period, %(start)s to %(end)s.")
                % {"start": order.start_date.isoformat(), "end": order.end_date.isoformat()},
            )
        )
    elif day > order.office.today():
        problems.append(("occurred_on", _("An event is recorded after it happened, not before.")))
    late = data.get("minutes_late")
    if kind == ComplianceEvent.Kind.LATENESS and not late:
        problems.append(("minutes_late", _("Say how many minutes late.")))
    if kind != ComplianceEvent.Kind.LATENESS:
        late = None
    if not note and evidence is None:
        problems.append(("evidence_note", _("Give the evidence: upload a file or write a note.")))
    if data.get("valid_reason") and not (data.get("reason") or "").strip():
        problems.append(("reason", _("A valid reason is stated: write what it is.")))
    _raise(problems)
    assert day is not None  # refused above otherwise
    event = ComplianceEvent(
        office_id=order.office_id,
        order=order,
        kind=kind,
        occurred_on=day,
        minutes_late=late,
        valid_reason=bool(data.get("valid_reason")),
        reason=(data.get("reason") or "").strip(),
        evidence_note=note,
        reason_pending=bool(data.get("reason_pending")) and not data.get("valid_reason"),
        visit=visit,
        recorded_by=actor,
    )
    if evidence is not None:
        content = evidence_clean(evidence)
        event.evidence_file.save(content.name or "evidence", content, save=False)
    save_versioned(event, actor=actor)
    return event


@transaction.atomic
def compliance_event_reason(
    *,
    actor: User,
    event: ComplianceEvent,
    valid_reason: bool,
    reason: str,
    expected_version: int,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ComplianceEvent:
    """Decide (or change) whether an event's reason is valid (a doctor's letter arrives later), with
    an optional note and evidence file added to the event; the history keeps the earlier answer and
    who changed it. A decision ends the wait of an event recorded as awaiting it."""
    reason = reason.strip()
    if valid_reason and not reason:
        raise ValidationError({"reason": [_("A valid reason is stated: write what it is.")]})
    fields = ["valid_reason", "reason", "reason_pending"]
    event.valid_reason, event.reason, event.reason_pending = valid_reason, reason[:300], False
    note = (note or "").strip()
    if note:
        stamp = timezone.localdate().isoformat()
        event.evidence_note = f"{event.evidence_note}\n{stamp}: {note}".strip()
        fields.append("evidence_note")
    if evidence is not None:
        content = evidence_clean(evidence)
        event.evidence_file.save(content.name or "evidence", content, save=False)
        fields.append("evidence_file")
    save_versioned(event, actor=actor, expected_version=expected_version, update_fields=fields)
    return event


def _letter(order: SentenceOrder, actor: User, kind: str, **values: Any) -> SentenceLetter:
    letter = SentenceLetter(
        office_id=order.office_id,
        order=order,
        kind=kind,
        minutes_ordered=order.minutes_ordered,
        minutes_credited=_credited(order),
        unexcused_events=unexcused_count(order),
        drafted_by=actor,
        drafted_on=order.office.today(),
        **values,
    )
    save_versioned(letter, actor=actor)
    return letter


@transaction.atomic
def warning_letter_create(
    *, actor: User, order: SentenceOrder, event: ComplianceEvent | None, number: str = ""
) -> SentenceLetter:
    """A warning letter to the person about one event without a valid reason."""
    order = _locked(order)
    if event is not None and event.order_id != order.pk:
        event = None
    if event is not None and event.reason_pending:
        raise ValidationError(
            {
                "event": [
                    _("Decide first whether this event's reason is valid: it still awaits your decision.")
                ]
            }
        )
    compliance_problems = compliance.warning_problems(
        is_community_service=order.is_community_service,
        status=order.status,
        event_valid=None if event is None else event.valid_reason,
    )
    _raise(compliance_problems)
    return _letter(order, actor, SentenceLetter.Kind.WARNING, event=event, number=number.strip())


@transaction.atomic
def breach_report_create(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> SentenceLetter:
    """The PK's breach report to the prosecutor (UU 1/2023 Art. 85(7)): past the threshold, with the
    arithmetic of the part left, the three options and the recommendation. The order is marked in
    breach (history names the PK)."""
    order = _locked(order)
    credited = _credited(order)
    part = compliance.PartLeft(
        order.minutes_ordered, credited, order.replaced_prison_days, order.replaced_fine
    )
    option = data.get("option") or ""
    recommendation = (data.get("recommendation") or "").strip()
    _raise(
        compliance.breach_problems(
            is_community_service=order.is_community_service,
            status=order.status,
            unexcused=unexcused_count(order),
            minutes_missing=part.minutes_missing,
            period_ended=order.office.today() > order.end_date,
            option=option,
            has_prison=bool(order.replaced_prison_days),
            has_fine=bool(order.replaced_fine),
            recommendation=recommendation,
        )
    )
    letter = _letter(
        order,
        actor,
        SentenceLetter.Kind.BREACH_REPORT,
        option=option,
        recommendation=recommendation,
        number=(data.get("number") or "").strip(),
    )
    if order.status != SentenceOrder.Status.BREACH:
        order.status = SentenceOrder.Status.BREACH
        save_versioned(order, actor=actor, update_fields=["status"], reason=_("Breach report drafted"))
    return letter


@transaction.atomic
def order_complete(*, actor: User, order: SentenceOrder, number: str = "") -> SentenceLetter:
    """Close an order as completed and draft the completion letter to the prosecutor and the court:
    community service when the ledger holds every hour ordered, supervision after its period."""
    order = _locked(order)
    today = order.office.today()
    _raise(
        compliance.completion_problems(
            is_community_service=order.is_community_service,
            status=order.status,
            minutes_ordered=order.minutes_ordered,
            minutes_credited=_credited(order),
            end=order.end_date,
            today=today,
        )
    )
    letter = _letter(order, actor, SentenceLetter.Kind.COMPLETION, number=number.strip())
    order.status, order.closed_on = SentenceOrder.Status.COMPLETED, today
    save_versioned(order, actor=actor, update_fields=["status", "closed_on"], reason=_("Order completed"))
    return letter


@transaction.atomic
def condition_check_record(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> ConditionCheck:
    """A check of one condition of a supervision order on a date, with its result."""
    order = _locked(order)
    day: date | None = data.get("checked_on")
    condition = data.get("condition") or ""
    result = data.get("result") or ""
    problems: list[tuple[str, str]] = []
    if order.is_community_service:
        problems.append(("__all__", _("Conditions are checked for a supervision order.")))
    if order.status not in (SentenceOrder.Status.ACTIVE, SentenceOrder.Status.BREACH):
        problems.append(("__all__", _("Conditions are checked while the supervision runs.")))
    if condition not in ConditionCheck.Condition.values:
        problems.append(("condition", _("Choose the general or a special condition.")))
    elif condition == ConditionCheck.Condition.SPECIAL and not order.special_conditions.strip():
        problems.append(("condition", _("This decision states no special condition (UU 1/2023 Art. 76(3)).")))
    if result not in ConditionCheck.Result.values:
        problems.append(("result", _("Choose met or violated.")))
    if day is None:
        problems.append(("checked_on", _("Give the date.")))
    elif day < order.start_date or day > order.office.today():
        problems.append(("checked_on", _("A check is dated from the start of the supervision until today.")))
    text = (data.get("condition_text") or "").strip()
    if condition == ConditionCheck.Condition.GENERAL and not text:
        text = order.general_conditions.strip().splitlines()[0] if order.general_conditions.strip() else ""
    if not text:
        problems.append(("condition_text", _("Say which condition was checked.")))
    if result == ConditionCheck.Result.VIOLATED and not (data.get("note") or "").strip():
        problems.append(("note", _("Describe the violation.")))
    _raise(problems)
    assert day is not None  # refused above otherwise
    check = ConditionCheck(
        office_id=order.office_id,
        order=order,
        condition=condition,
        condition_text=text[:300],
        checked_on=day,
        result=result,
        valid_reason=bool(data.get("valid_reason")) and result == ConditionCheck.Result.VIOLATED,
        note=(data.get("note") or "").strip(),
        recorded_by=actor,
    )
    save_versioned(check, actor=actor)
    return check


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return max(0, months - (1 if end.day < start.day else 0))


@transaction.atomic
def supervision_advice_create(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> SentenceLetter:
    """The PK's advice to the prosecutor to extend (Art. 76(5)) or shorten (Art. 76(6)) a supervision;
    the judge decides, so the order's period is changed only when the ruling is entered."""
    order = _locked(order)
    violations = ConditionCheck.objects.filter(
        order=order, result=ConditionCheck.Result.VIOLATED, valid_reason=False
    )
    advice = data.get("advice") or ""
    months = data.get("advice_months")
    recommendation = (data.get("recommendation") or "").strip()
    problems = compliance.advice_problems(
        is_supervision=not order.is_community_service,
        status=order.status,
        advice=advice,
        months=months,
        period_months=order.period_months,
        unexcused_special=violations.filter(condition=ConditionCheck.Condition.SPECIAL).count(),
        unexcused_any=violations.count(),
        months_served=_months_between(order.start_date, order.office.today()),
    )
    if not recommendation:
        problems.append(("recommendation", _("Write the PK's consideration.")))
    _raise(problems)
    return _letter(
        order,
        actor,
        SentenceLetter.Kind.SUPERVISION_ADVICE,
        advice=advice,
        advice_months=months,
        recommendation=recommendation,
        number=(data.get("number") or "").strip(),
    )
