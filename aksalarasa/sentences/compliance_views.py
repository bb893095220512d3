"""Thin views of non-compliance, condition checks, letters and completion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.clients.masking import client_label
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.files import download_name, private_file_response
from aksalarasa.core.forms import apply_errors
from aksalarasa.sentences import compliance_selectors, compliance_services, scoping, selectors
from aksalarasa.sentences.compliance_forms import (
    AdviceForm,
    BreachReportForm,
    CompletionForm,
    ComplianceEventForm,
    ConditionCheckForm,
    EventReasonForm,
    WarningForm,
)
from aksalarasa.sentences.letters import arithmetic_lines, letter_docx, letter_pdf
from aksalarasa.sentences.models import SentenceLetter, SentenceOrder

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _managed(request: AuthedRequest, pk: int) -> SentenceOrder:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=pk)
    if not scoping.can_manage_order(request.user, order.client):
        raise Http404
    return order


def _page(request: AuthedRequest, order: SentenceOrder, template: str, form, **extra) -> HttpResponse:
    credited = compliance_selectors.order_credited(order=order)
    context = {
        "order": order,
        "name": client_label(order.client, request.user),
        "form": form,
        "panel": compliance_selectors.compliance_panel(order=order, credited=credited),
        **extra,
    }
    return render(request, template, context, status=422 if form.errors else 200)


@login_required
def event_create(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    if not order.is_community_service:
        raise Http404
    form = ComplianceEventForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            compliance_services.compliance_event_record(
                actor=request.user,
                order=order,
                data=form.cleaned_data,
                evidence=form.cleaned_data.get("evidence_file"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("sentences:order_detail", pk=order.pk)
    return _page(request, order, "sentences/compliance_event_form.html", form)


@login_required
def event_reason(request: AuthedRequest, pk: int) -> HttpResponse:
    """The PK marks an event's reason valid or not, later (an HTMX partial in the order's compliance
    section; a whole page without JavaScript). Only who manages the order; 404 for anyone else."""
    event = compliance_selectors.event_get_for_viewer(viewer=request.user, pk=pk)
    order = event.order
    if not order.is_community_service or not scoping.can_manage_order(request.user, order.client):
        raise Http404
    initial = {
        "valid_reason": None if event.reason_pending else ("yes" if event.valid_reason else "no"),
        "reason": event.reason,
        "version": event.version,
    }
    form = EventReasonForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                compliance_services.compliance_event_reason(
                    actor=request.user,
                    event=event,
                    valid_reason=form.cleaned_data["valid_reason"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data.get("evidence_file"),
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion:
                form.add_error(None, str(StaleVersion.message))
                status = 409
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Decision on the reason saved."))
                target = f"{reverse('sentences:order_detail', args=[order.pk])}#compliance"
                if request.headers.get("HX-Request"):
                    return HttpResponse(status=204, headers={"HX-Redirect": target})
                return redirect(target)
        status = 409 if status == 409 else 422
    context = {"event": event, "order": order, "form": form, "name": client_label(order.client, request.user)}
    template = (
        "sentences/_event_reason_form.html"
        if request.headers.get("HX-Request")
        else "sentences/event_reason_page.html"
    )
    return render(request, template, context, status=status)


@login_required
def event_evidence(request: AuthedRequest, pk: int) -> FileResponse:
    event = compliance_selectors.event_get_for_viewer(viewer=request.user, pk=pk)
    if not event.evidence_file:
        raise Http404
    return private_file_response(
        event.evidence_file, filename=download_name(event.evidence_file, f"evidence-{pk}")
    )


@login_required
@require_POST
def warning_create(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    form = WarningForm(request.POST, order=order, prefix="warning")
    if form.is_valid():
        try:
            compliance_services.warning_letter_create(
                actor=request.user,
                order=order,
                event=form.cleaned_data["event"],
                number=form.cleaned_data["number"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Warning letter drafted."))
            return redirect("sentences:order_detail", pk=order.pk)
    return _page(request, order, "sentences/compliance_letter_form.html", form, title=_("Warning letter"))


@login_required
def breach_report(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    if not order.is_community_service:
        raise Http404
    form = BreachReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compliance_services.breach_report_create(actor=request.user, order=order, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Breach report drafted."))
            return redirect("sentences:order_detail", pk=order.pk)
    credited = compliance_selectors.order_credited(order=order)
    panel = compliance_selectors.compliance_panel(order=order, credited=credited)
    return _page(
        request,
        order,
        "sentences/compliance_letter_form.html",
        form,
        title=_("Breach report to the prosecutor"),
        arithmetic=arithmetic_lines(panel.part),
    )


@login_required
def order_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    form = CompletionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compliance_services.order_complete(
                actor=request.user, order=order, number=form.cleaned_data["number"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Order closed as completed; the completion letter is drafted."))
            return redirect("sentences:order_detail", pk=order.pk)
    return _page(request, order, "sentences/compliance_letter_form.html", form, title=_("Completion letter"))


def _supervision_form(request, order, form, save, done, template: str, title) -> HttpResponse:
    """A supervision form of the order page: saved by `save(actor, order, data)`, or shown again
    with the service's refusals."""
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, order=order, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("sentences:order_detail", pk=order.pk)
    return _page(request, order, template, form, title=title)


@login_required
def check_create(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    if order.is_community_service:
        raise Http404
    return _supervision_form(
        request, order, ConditionCheckForm(request.POST or None), compliance_services.condition_check_record,
        _("Condition check recorded."), "sentences/compliance_event_form.html", _("Check a condition"),
    )  # fmt: skip


@login_required
def advice_create(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _managed(request, pk)
    if order.is_community_service:
        raise Http404
    return _supervision_form(
        request, order, AdviceForm(request.POST or None), compliance_services.supervision_advice_create,
        _("Advice letter drafted."), "sentences/compliance_letter_form.html", _("Advice to extend or shorten"),
    )  # fmt: skip


@login_required
def letter_download(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    letter = compliance_selectors.letter_get_for_viewer(viewer=request.user, pk=pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    content = compliance_selectors.letter_document(letter=letter)
    body = letter_docx(content) if fmt == "docx" else letter_pdf(content)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{_filename(letter)}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filename(letter: SentenceLetter) -> str:
    return f"{letter.kind.replace('_', '-')}-{letter.pk}"
