"""Non-compliance, condition checks, letters and completion over the API, scoped like the pages.

Writes validate with the pages' forms and the same services (422 with the reasons, e.g. an
extension past 36 months names Art. 76(1)); an order the caller may not see answers 404.
Evidence files are uploaded on the page (multipart); the API records the note.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.core.forms import json_form_data, valid_data
from aksalarasa.sentences import compliance_selectors, compliance_services, selectors
from aksalarasa.sentences.api import ErrorOut, managed_order
from aksalarasa.sentences.compliance_forms import (
    AdviceForm,
    BreachReportForm,
    CompletionForm,
    ComplianceEventForm,
    ConditionCheckForm,
    WarningForm,
)
from aksalarasa.sentences.compliance_views import CONTENT_TYPES, _filename
from aksalarasa.sentences.letters import arithmetic_lines, letter_docx, letter_pdf
from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter

router = Router(tags=["community sentences"])


class ComplianceEventOut(Schema):
    id: int
    kind: str
    occurred_on: date
    minutes_late: int | None
    valid_reason: bool
    reason_pending: bool = Field(..., description="the PK has still to decide whether the reason is valid")
    visit_id: int | None = Field(..., description="the site supervisor's entry it came from, if any")
    reason: str
    evidence_note: str
    has_evidence_file: bool
    version: int


class ConditionCheckOut(Schema):
    id: int
    condition: str
    condition_text: str
    checked_on: date
    result: str
    valid_reason: bool
    note: str


class SentenceLetterOut(Schema):
    id: int
    kind: str
    number: str
    drafted_on: date
    event_id: int | None
    minutes_ordered: int
    minutes_credited: int
    unexcused_events: int
    option: str
    advice: str
    advice_months: int | None
    recommendation: str
    docx_url: str
    pdf_url: str


class CompliancePartLeftOut(Schema):
    minutes_ordered: int
    minutes_credited: int
    minutes_missing: int
    percent_missing: str = Field(..., description="two decimals, rounded half up")
    replaced_prison_days: int | None
    prison_days_left: str | None = Field(None, description="two decimals, rounded half up")
    replaced_fine: int | None
    fine_left: int | None = Field(None, description="whole rupiah, rounded half up")
    arithmetic: list[str]


class ComplianceOut(Schema):
    order_id: int
    status: str
    closed_on: date | None
    unexcused_events: int
    breach_threshold: int
    breach_report_allowed: bool
    completion_allowed: bool
    part_left: CompliancePartLeftOut
    events: list[ComplianceEventOut]
    condition_checks: list[ConditionCheckOut]
    letters: list[SentenceLetterOut]


class ComplianceEventIn(Schema):
    kind: Literal["absence", "lateness", "refusal"]
    occurred_on: date
    minutes_late: int | None = None
    valid_reason: bool
    reason: str = ""
    evidence_note: str = Field(..., description="the evidence (a file can be added on the page)")


class ConditionCheckIn(Schema):
    condition: Literal["general", "special"]
    condition_text: str = ""
    checked_on: date
    result: Literal["met", "violated"]
    valid_reason: bool = False
    note: str = ""


class SentenceLetterIn(Schema):
    kind: Literal["warning", "breach_report", "supervision_advice"]
    number: str = ""
    event_id: int | None = Field(None, description="warning: the event without a valid reason")
    option: Literal["repeat", "prison", "fine"] | None = Field(
        None, description="breach report: UU 1/2023 Art. 85(7) a-c"
    )
    recommendation: str = ""
    advice: Literal["extend", "shorten"] | None = None
    advice_months: int | None = None


class OrderCompletionIn(Schema):
    number: str = ""


def _event_out(e: ComplianceEvent) -> ComplianceEventOut:
    return ComplianceEventOut(
        id=e.pk,
        kind=e.kind,
        occurred_on=e.occurred_on,
        minutes_late=e.minutes_late,
        valid_reason=e.valid_reason,
        reason_pending=e.reason_pending,
        visit_id=e.visit_id,
        reason=e.reason,
        evidence_note=e.evidence_note,
        has_evidence_file=bool(e.evidence_file),
        version=e.version,
    )


def _check_out(c: ConditionCheck) -> ConditionCheckOut:
    return ConditionCheckOut.from_orm(c)


def _letter_out(letter: SentenceLetter) -> SentenceLetterOut:
    base = f"/api/v1/sentences/letters/{letter.pk}/document"
    return SentenceLetterOut(
        id=letter.pk,
        kind=letter.kind,
        number=letter.number,
        drafted_on=letter.drafted_on,
        event_id=letter.event_id,
        minutes_ordered=letter.minutes_ordered,
        minutes_credited=letter.minutes_credited,
        unexcused_events=letter.unexcused_events,
        option=letter.option,
        advice=letter.advice,
        advice_months=letter.advice_months,
        recommendation=letter.recommendation,
        docx_url=f"{base}?fmt=docx",
        pdf_url=f"{base}?fmt=pdf",
    )


@router.get(
    "/sentences/orders/{order_id}/compliance",
    response={200: ComplianceOut, 404: ErrorOut},
    summary="An order's non-compliance, condition checks, letters and the arithmetic of the part left",
)
def compliance_detail(request: AuthedRequest, order_id: int) -> ComplianceOut:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=order_id)
    panel = compliance_selectors.compliance_panel(
        order=order, credited=compliance_selectors.order_credited(order=order)
    )
    part = panel.part
    return ComplianceOut(
        order_id=order.pk,
        status=order.status,
        closed_on=order.closed_on,
        unexcused_events=panel.unexcused,
        breach_threshold=panel.threshold,
        breach_report_allowed=panel.breach_allowed,
        completion_allowed=panel.complete_allowed,
        part_left=CompliancePartLeftOut(
            minutes_ordered=part.minutes_ordered,
            minutes_credited=part.minutes_credited,
            minutes_missing=part.minutes_missing,
            percent_missing=str(part.percent),
            replaced_prison_days=part.replaced_prison_days,
            prison_days_left=None if part.prison_days is None else str(part.prison_days),
            replaced_fine=part.replaced_fine,
            fine_left=None if part.fine is None else int(part.fine),
            arithmetic=arithmetic_lines(part) if order.is_community_service else [],
        ),
        events=[_event_out(e) for e in panel.events],
        condition_checks=[_check_out(c) for c in panel.checks],
        letters=[_letter_out(letter) for letter in panel.letters],
    )


@router.post(
    "/sentences/orders/{order_id}/compliance-events",
    response={201: ComplianceEventOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record an absence, lateness or refusal, with whether the reason is valid (UU 1/2023 Art. 85(7))",
)
def compliance_event_create(
    request: AuthedRequest, order_id: int, payload: ComplianceEventIn
) -> tuple[int, ComplianceEventOut]:
    order = managed_order(request, order_id)
    values: dict[str, Any] = payload.dict()
    values["valid_reason"] = "yes" if values["valid_reason"] else "no"
    data = valid_data(ComplianceEventForm(json_form_data(values)))
    event = compliance_services.compliance_event_record(actor=request.user, order=order, data=data)
    return 201, _event_out(event)


@router.post(
    "/sentences/orders/{order_id}/condition-checks",
    response={201: ConditionCheckOut, 404: ErrorOut, 422: ErrorOut},
    summary="Check a condition of a supervision order on a date (UU 1/2023 Art. 76(2)-(3))",
)
def condition_check_create(
    request: AuthedRequest, order_id: int, payload: ConditionCheckIn
) -> tuple[int, ConditionCheckOut]:
    order = managed_order(request, order_id)
    values: dict[str, Any] = payload.dict()
    values["valid_reason"] = "on" if values["valid_reason"] else None
    data = valid_data(ConditionCheckForm(json_form_data(values)))
    check = compliance_services.condition_check_record(actor=request.user, order=order, data=data)
    return 201, _check_out(check)


@router.post(
    "/sentences/orders/{order_id}/letters",
    response={201: SentenceLetterOut, 404: ErrorOut, 422: ErrorOut},
    summary="Draft a warning letter, the breach report to the prosecutor, or the advice to extend or shorten",
)
def letter_create(
    request: AuthedRequest, order_id: int, payload: SentenceLetterIn
) -> tuple[int, SentenceLetterOut]:
    order = managed_order(request, order_id)
    user = request.user
    values = payload.dict()
    letter: SentenceLetter
    if payload.kind == "warning":
        data = valid_data(
            WarningForm(
                json_form_data({"event": values["event_id"], "number": values["number"]}), order=order
            )
        )
        letter = compliance_services.warning_letter_create(
            actor=user,
            order=order,
            event=data["event"],
            number=data["number"],
        )
    elif payload.kind == "breach_report":
        data = valid_data(BreachReportForm(json_form_data(values)))
        letter = compliance_services.breach_report_create(actor=user, order=order, data=data)
    else:
        data = valid_data(AdviceForm(json_form_data(values)))
        letter = compliance_services.supervision_advice_create(actor=user, order=order, data=data)
    return 201, _letter_out(letter)


@router.post(
    "/sentences/orders/{order_id}/completion",
    response={201: SentenceLetterOut, 404: ErrorOut, 422: ErrorOut},
    summary="Close the order as completed (every hour in the ledger, or the supervision's period over) "
    "and draft the completion letter to the prosecutor and the court",
)
def order_completion(
    request: AuthedRequest, order_id: int, payload: OrderCompletionIn
) -> tuple[int, SentenceLetterOut]:
    order = managed_order(request, order_id)
    data = valid_data(CompletionForm(json_form_data(payload.dict())))
    letter = compliance_services.order_complete(actor=request.user, order=order, number=data["number"])
    return 201, _letter_out(letter)


@router.get("/sentences/letters/{letter_id}/document", summary="A letter as DOCX or PDF (the order's staff)")
def letter_document(
    request: AuthedRequest, letter_id: int, fmt: Literal["docx", "pdf"] = "docx"
) -> HttpResponse:
    letter = compliance_selectors.letter_get_for_viewer(viewer=request.user, pk=letter_id)
    content = compliance_selectors.letter_document(letter=letter)
    body = letter_docx(content) if fmt == "docx" else letter_pdf(content)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(letter)}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


class ComplianceEventReasonIn(Schema):
    valid_reason: bool
    reason: str = ""
    version: int = Field(..., description="the version read; a changed event answers 409")


@router.patch(
    "/sentences/compliance-events/{compliance_event_id}",
    response={200: ComplianceEventOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change whether an event's reason is valid (a doctor's letter arrives later); history keeps the earlier answer",
)
def compliance_event_reason(
    request: AuthedRequest, compliance_event_id: int, payload: ComplianceEventReasonIn
) -> ComplianceEventOut:
    event = compliance_selectors.event_get_for_viewer(viewer=request.user, pk=compliance_event_id)
    managed_order(request, event.order_id)
    event = compliance_services.compliance_event_reason(
        actor=request.user,
        event=event,
        valid_reason=payload.valid_reason,
        reason=payload.reason[:300],
        expected_version=payload.version,
    )
    return _event_out(event)
