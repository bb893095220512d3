"""Thin views: access check, form, one service call, response."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.permissions import OFFICE, reaches
from aksalarasa.audit.services import access_record_many
from aksalarasa.clients.masking import client_label
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.lookups import rate_limited
from aksalarasa.core.scoping import unscoped
from aksalarasa.evidence import analysis, charts, selectors, services, stats
from aksalarasa.evidence.forms import AdministrationForm, ItemForm, NewItemForm, ResponseForm
from aksalarasa.evidence.models import Administration, Answer, Item, Response
from aksalarasa.programs.selectors import program_get_for_viewer, program_list

PUBLIC_SESSION_KEY = "evidence_own_responses"


def _require_evidence(request: AuthedRequest) -> None:
    if not selectors.can_see_evidence(request.user):
        raise Http404


def _program_for(request: AuthedRequest, pk: int):

    _require_evidence(request)
    return program_get_for_viewer(viewer=request.user, pk=pk)


# --- overview and instruments --------------------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    from django.db.models import Count

    _require_evidence(request)
    programs = program_list(viewer=request.user).annotate(administration_count=Count("administrations"))
    return render(request, "evidence/home.html", {"programs": programs, "nav_current": "evidence"})


@login_required
def instrument_list(request: AuthedRequest) -> HttpResponse:
    _require_evidence(request)
    instruments = list(selectors.instrument_list(viewer=request.user).prefetch_related("versions"))
    return render(
        request,
        "evidence/instrument_list.html",
        {
            "instruments": instruments,
            "can_edit": services.can_edit_instruments(request.user),
            "language": get_language(),
            "nav_current": "evidence",
        },
    )


@login_required
def instrument_version_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    version = selectors.instrument_version_get(viewer=request.user, pk=pk)
    can_edit = services.can_edit_instruments(request.user) and not version.is_published
    new_item_form = NewItemForm(version=version) if can_edit else None
    return render(
        request,
        "evidence/instrument_version.html",
        {
            "version": version,
            "language": get_language(),
            "can_edit": can_edit,
            "can_new_version": services.can_edit_instruments(request.user),
            "new_item_form": new_item_form,
            "nav_current": "evidence",
        },
    )


@login_required
@require_POST
def instrument_new_version(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    instrument = selectors.instrument_get(viewer=request.user, pk=pk)
    try:
        draft = services.instrument_version_create_draft(instrument=instrument, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Draft version %(n)s: edit it, then publish it.") % {"n": draft.number})
    return redirect("evidence:version", pk=draft.pk)


@login_required
def item_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    item = (
        Item.objects.visible_to(request.user)
        .select_related("instrument_version__instrument")
        .filter(pk=pk)
        .first()
    )
    if item is None or not services.can_edit_instruments(request.user):
        raise Http404
    form = ItemForm(request.POST or None, instance=Item.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item,
                actor=request.user,
                text_id=form.cleaned_data["text_id"],
                text_en=form.cleaned_data["text_en"],
                reverse=form.cleaned_data["reverse"],
                intent=form.cleaned_data["intent"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Statement saved."))
            return redirect("evidence:version", pk=item.instrument_version_id)
    return render(request, "evidence/item_form.html", {"form": form, "item": item, "nav_current": "evidence"})


@login_required
@require_POST
def item_add(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    version = selectors.instrument_version_get(viewer=request.user, pk=pk)
    if not services.can_edit_instruments(request.user):
        raise Http404
    form = NewItemForm(request.POST, version=version)
    if form.is_valid():
        try:
            services.item_add(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Statement added."))
            return redirect("evidence:version", pk=version.pk)
    return render(
        request,
        "evidence/instrument_version.html",
        {
            "version": version,
            "language": get_language(),
            "can_edit": not version.is_published,
            "new_item_form": form,
            "nav_current": "evidence",
        },
        status=422,
    )


@login_required
@require_POST
def version_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    version = selectors.instrument_version_get(viewer=request.user, pk=pk)
    if not services.can_edit_instruments(request.user):
        raise Http404
    try:
        expected = int(request.POST.get("version", "0"))
    except ValueError:
        expected = 0
    try:
        services.instrument_version_publish(version=version, actor=request.user, expected_version=expected)
    except (ValidationError, StaleVersion) as exc:
        messages.error(
            request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc.message)
        )
    else:
        messages.success(request, _("Published. This version can no longer change."))
    return redirect("evidence:version", pk=version.pk)


# --- administrations ---------------------------------------------------------------------------


@login_required
def program_surveys(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _program_for(request, pk)
    can_manage = services.can_manage_program_evidence(request.user, program)
    form = AdministrationForm(request.POST or None, program=program) if can_manage else None
    if request.method == "POST":
        if not can_manage or form is None:
            raise Http404
        if form.is_valid():
            try:
                administration = services.administration_create(
                    actor=request.user, program=program, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Questionnaire ready: share the link or enter paper answers."))
                return redirect("evidence:administration", pk=administration.pk)
    return render(
        request,
        "evidence/program_surveys.html",
        {
            "program": program,
            "administrations": selectors.program_administrations(viewer=request.user, program=program),
            "form": form,
            "nav_current": "evidence",
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def administration_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    administration = selectors.administration_get_for_viewer(viewer=request.user, pk=pk)
    responses = list(selectors.response_list(viewer=request.user, administration=administration))
    with_clients = [r.client for r in responses if r.client is not None]
    if with_clients:
        access_record_many(
            user=request.user,
            objs=with_clients,
            office_of=lambda c: c.office_id,
            action="view",
            request=request,
        )

    rows = [
        {
            "response": r,
            "label": client_label(r.client, request.user) if r.client is not None else _("code (hidden)"),
        }
        for r in responses
    ]
    public_url = request.build_absolute_uri(reverse("evidence:public", args=[administration.public_token]))
    return render(
        request,
        "evidence/administration_detail.html",
        {
            "administration": administration,
            "program": administration.program,
            "rows": rows,
            "counts": selectors.response_counts(administration=administration),
            "total": administration.responses.count(),
            "public_url": public_url if administration.group != "client" else "",
            "can_manage": services.can_manage_program_evidence(request.user, administration.program),
            "language": get_language(),
            "nav_current": "evidence",
        },
    )


@login_required
@require_POST
def administration_toggle(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    administration = selectors.administration_get_for_viewer(viewer=request.user, pk=pk)
    try:
        expected = int(request.POST.get("version", "0"))
    except ValueError:
        expected = 0
    try:
        services.administration_set_open(
            administration=administration,
            actor=request.user,
            open=request.POST.get("open") == "1",
            expected_version=expected,
        )
    except PermissionDenied:
        raise Http404 from None
    except StaleVersion as exc:
        messages.error(request, str(exc.message))
    return redirect("evidence:administration", pk=administration.pk)


@login_required
@rate_limited("evidence:administration_qr")
def administration_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_evidence(request)
    administration = selectors.administration_get_for_viewer(viewer=request.user, pk=pk)
    if administration.group == "client":
        raise Http404  # clients are linked by identity: staff enter their answers
    url = request.build_absolute_uri(reverse("evidence:public", args=[administration.public_token]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, border=2, title=_("Questionnaire link"))
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _items(administration: Administration) -> list[Item]:
    return list(administration.instrument_version.items.select_related("subscale"))


@login_required
def administration_enter(request: AuthedRequest, pk: int) -> HttpResponse:
    """Staff enter one respondent's answers from paper."""
    _require_evidence(request)
    administration = selectors.administration_get_for_viewer(viewer=request.user, pk=pk)
    if not services.can_manage_program_evidence(request.user, administration.program):
        raise Http404
    items = _items(administration)
    form = ResponseForm(request.POST or None, administration=administration, items=items, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                administration=administration,
                answers=form.answers(),
                channel=Response.Channel.PAPER,
                actor=request.user,
                client=form.cleaned_data.get("client"),
                code=form.cleaned_data.get("code", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Answers saved. Enter the next sheet."))
            return redirect("evidence:enter", pk=administration.pk)
    return render(
        request,
        "evidence/response_form.html",
        {
            "administration": administration,
            "version": administration.instrument_version,
            "form": form,
            "language": get_language(),
            "public": False,
            "nav_current": "evidence",
        },
        status=422 if form.errors else 200,
    )


@rate_limited("evidence:public_form")
@unscoped(reason="public questionnaire link, read by its token")
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    """Residents (and officers) answer on their phones through the link or QR code, no account."""
    administration = selectors.administration_get_public(token=token)
    if administration.group == "client":
        raise Http404
    if not administration.open:
        return render(request, "evidence/public_closed.html", {"administration": administration}, status=410)
    items = _items(administration)
    form = ResponseForm(request.POST or None, administration=administration, items=items, viewer=None)
    if request.method == "POST" and form.is_valid():
        try:
            response = services.response_submit(
                administration=administration,
                answers=form.answers(),
                channel=Response.Channel.ONLINE,
                code=form.cleaned_data.get("code", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            own = request.session.get(PUBLIC_SESSION_KEY, [])
            request.session[PUBLIC_SESSION_KEY] = [*own, response.pk][-20:]
            return redirect("evidence:public_thanks", token=token, pk=response.pk)
    return render(
        request,
        "evidence/response_form.html",
        {
            "administration": administration,
            "version": administration.instrument_version,
            "form": form,
            "language": get_language(),
            "public": True,
        },
        status=422 if form.errors else 200,
    )


@rate_limited("evidence:public_thanks")
@unscoped(reason="public questionnaire link: the answer just submitted")
def public_thanks(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The respondent's own submission, and nothing else: only responses this browser sent."""
    administration = selectors.administration_get_public(token=token)
    if pk not in request.session.get(PUBLIC_SESSION_KEY, []):
        raise Http404
    response = Response.objects.filter(pk=pk, administration=administration).first()
    if response is None:
        raise Http404
    answers = list(Answer.objects.filter(response=response).select_related("item").order_by("item__position"))
    return render(
        request,
        "evidence/public_thanks.html",
        {"administration": administration, "answers": answers, "language": get_language()},
    )


# --- analysis -----------------------------------------------------------------------------------


@login_required
def program_analysis(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _program_for(request, pk)
    try:
        event_id = int(request.GET.get("event", "") or 0) or None
    except ValueError:
        event_id = None
    result = analysis.program_analysis(viewer=request.user, program=program, event_id=event_id)
    language = get_language() or "id"
    chart_map = charts.program_charts(result, language=language)
    return render(
        request,
        "evidence/analysis.html",
        {
            "program": program,
            "result": result,
            "charts": chart_map,
            "survey_blocks": [
                {"survey": s, "chart": c} for s, c in zip(result.surveys, chart_map["surveys"], strict=True)
            ],
            "language": language,
            "zero_rule": stats.ZERO_RULE_EN if language.startswith("en") else stats.ZERO_RULE_ID,
            "nav_current": "evidence",
        },
    )


@login_required
@rate_limited("evidence:program_report")
def program_report(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The program report as PDF or DOCX (aggregates only; national and regional viewers get
    small cells hidden, as on the page)."""
    from aksalarasa.evidence import report

    program = _program_for(request, pk)
    data = report.report_data(viewer=request.user, program=program)
    name = f"laporan-{(program.acronym or 'program').lower()}-{program.pk}"
    if fmt == "pdf":
        response = HttpResponse(report.report_pdf(data), content_type="application/pdf")
    else:
        response = HttpResponse(
            report.report_docx(data),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@rate_limited("evidence:program_export")
def program_export(request: AuthedRequest, pk: int) -> HttpResponse:
    """XLSX of the evaluation tables; per-response scores (pseudonymised) only for those who see the
    office's individual responses."""
    from aksalarasa.evidence import report

    program = _program_for(request, pk)
    data = report.report_data(viewer=request.user, program=program)
    include = request.user.is_superuser or (
        request.user.office_id == program.office_id and OFFICE in reaches(request.user, "response", "read")
    )
    response = HttpResponse(
        report.export_xlsx(data, include_responses=include),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluasi-{program.pk}.xlsx"'
    return response
