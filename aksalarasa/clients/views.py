"""Pages of the clients app. Each view: access check, form, one service call, response."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.models import User
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record, access_record_many
from aksalarasa.clients import selectors, services
from aksalarasa.clients.downloads import litmas_document_response
from aksalarasa.clients.exporting import EXPORTERS, client_export
from aksalarasa.clients.forms import (
    BreachReportForm,
    ClientFilterForm,
    ClientForm,
    ClientPhotoForm,
    LitmasForm,
    LitmasSubmitForm,
    NoContactForm,
    ReassignForm,
    SupervisionForm,
)
from aksalarasa.clients.importing import IMPORTERS, importers_for
from aksalarasa.clients.masking import can_see_identity, client_label, client_photo_visible
from aksalarasa.clients.models import BreachReport, Client, NoContact, Supervision
from aksalarasa.clients.registry import CLIENT_DETAIL_PANELS
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.core.lookups import rate_limited
from aksalarasa.core.suppression import SMALL_CELL

PAGE_SIZE = 25


def _filters(request: AuthedRequest) -> tuple[ClientFilterForm, dict]:
    form = ClientFilterForm(request.GET or None, officers=selectors.officer_choices_for(viewer=request.user))
    return form, (form.filters() if request.GET else {})


@login_required
@rate_limited("clients:client_list")
def client_list(request: AuthedRequest) -> HttpResponse:
    if selectors.can_see_counts(request.user) and not request.user.is_superuser:
        return redirect("clients:counts")
    form, filters = _filters(request)
    page = Paginator(selectors.client_list(viewer=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    programs, statuses = dict(Supervision.ProgramType.choices), dict(Supervision.Status.choices)
    rows = [
        {
            "client": c,
            "label": client_label(c, request.user),
            "program": programs.get(getattr(c, "current_program", ""), ""),  # annotated by client_list
            "status": statuses.get(getattr(c, "current_status", ""), ""),
        }
        for c in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_create": selectors.can_create_client(request.user),
        "can_import": bool(importers_for(request.user)),
        "can_breaches": bool(request.user.role_office_head and request.user.office_id),
        "nav_current": "clients",
    }
    if request.htmx and request.htmx.target == "client-results":
        return render(request, "clients/_client_results.html", context)
    return render(request, "clients/client_list.html", context)


@login_required
def client_list_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORTERS or selectors.can_see_counts(request.user) and not request.user.is_superuser:
        raise Http404
    _form, filters = _filters(request)
    data, content_type, listed = client_export(
        viewer=request.user, clients=selectors.client_list(viewer=request.user, filters=filters), fmt=fmt
    )
    access_record_many(
        user=request.user,
        objs=listed,
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.EXPORT,
        request=request,
    )
    response = HttpResponse(data, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="clients-{stamp}.{fmt}"'
    return response


@login_required
def client_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    access_record(
        user=viewer, obj=client, office_id=client.office_id, label=client.register_number, request=request
    )
    return render(request, "clients/client_detail.html", _detail_context(request, client))


def _detail_context(request: AuthedRequest, client: Client, **extra) -> dict:
    viewer = request.user
    identity = can_see_identity(viewer, client)
    can_edit = selectors.can_edit_client(viewer, client)
    context: dict[str, Any] = {
        "client": client,
        "label": client_label(client, viewer),
        "identity": identity,
        "can_edit": can_edit,
        "can_reassign": selectors.can_reassign(viewer, client) and client.anonymised_at is None,
        "can_subject_export": selectors.can_subject_export(viewer, client),
        "photo_visible": client_photo_visible(client, viewer),
        "nav_current": "clients",
        "panels": [],
    }
    if identity:
        context.update(selectors.client_detail_related(viewer=viewer, client=client))
        context["history"] = history_for(client)
        context["no_contact_form"] = NoContactForm()
    if can_edit:
        context["photo_form"] = ClientPhotoForm(initial={"version": client.version}, auto_id="id_photo_%s")
    for panel in CLIENT_DETAIL_PANELS:
        panel_context = panel.context(request, client)
        if panel_context is not None:
            context["panels"].append({"template": panel.template, "context": panel_context})
    context.update(extra)
    return context


@login_required
def client_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    """The photo, for viewers the masking rules allow; 404 for everyone else (never a public URL)."""
    from aksalarasa.clients.photos import photo_content_type

    client = selectors.client_get_for_viewer(viewer=request.user, pk=pk)
    if not client_photo_visible(client, request.user):
        raise Http404
    try:
        handle = client.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    with handle:
        body = handle.read()
    response = HttpResponse(body, content_type=photo_content_type(client.photo.name or ""))
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="client-{client.pk}-photo"'
    return response


@login_required
@require_POST
def client_photo_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Upload, replace or remove the photo (a small form on the client's page)."""
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    form = ClientPhotoForm(request.POST, request.FILES, auto_id="id_photo_%s")
    if form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            if form.cleaned_data.get("remove"):
                services.client_photo_remove(actor=viewer, client=client, expected_version=version)
                note = _("Photo removed.")
            else:
                services.client_photo_set(
                    actor=viewer,
                    client=client,
                    photo=form.cleaned_data["clean_photo"],
                    expected_version=version,
                )
                note = _("Photo saved.")
        except StaleVersion:
            form.add_error(None, StaleVersion.message)
        else:
            messages.success(request, note)
            return redirect("clients:detail", pk=client.pk)
    client.refresh_from_db()
    context = _detail_context(request, client, photo_form=form)
    return render(request, "clients/client_detail.html", context, status=422)


def _client_form(
    request: AuthedRequest, *, office_id: int, client: Client | None = None, **kwargs
) -> ClientForm:
    candidate = request.POST.get("register_number", "").strip() if request.method == "POST" else ""
    taken = selectors.register_numbers_taken(
        office_id=office_id, candidate=candidate, exclude_pk=client.pk if client else None
    )
    work_area = selectors.office_work_area(office_id=office_id)
    return ClientForm(request.POST or None, register_taken=taken, work_area=work_area, **kwargs)


@login_required
@rate_limited("clients:client_create")
def client_create(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    office = viewer.office
    if office is None or not selectors.can_create_client(viewer):
        raise PermissionDenied
    form = _client_form(request, office_id=office.pk, officers=selectors.officer_choices_for(viewer=viewer))
    if not (viewer.role_office_head or viewer.role_section_head):
        form.fields["officer"].required = True  # an officer registers their own client
        form.initial["officer"] = viewer.pk
    if request.method == "POST" and form.is_valid():
        section_problem = selectors.section_mismatch(
            viewer=viewer, birth_date=form.cleaned_data["birth_date"]
        )
        if section_problem:
            form.add_error("birth_date", section_problem)
        else:
            try:
                client = services.client_create(actor=viewer, office=office, data=form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                for warning in form.warnings:
                    messages.warning(request, warning)
                messages.success(request, _("Client registered."))
                return redirect("clients:detail", pk=client.pk)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "title": _("Register a client"), "nav_current": "clients"},
    )


@login_required
def client_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    form = _client_form(request, office_id=client.office_id, client=client)
    del form.fields["officer"]  # officer changes go through reassignment, which keeps the history
    if request.method != "POST":
        form.initial = {**selectors.client_initial(client=client), "version": client.version}
    elif form.is_valid():
        try:
            services.client_update(
                actor=viewer,
                client=client,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleVersion:
            form.add_error(None, StaleVersion.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("Changes saved."))
            return redirect("clients:detail", pk=client.pk)
    context = {"form": form, "client": client, "title": _("Edit client"), "nav_current": "clients"}
    return render(request, "clients/client_form.html", context)


@login_required
def supervision_form(request: AuthedRequest, pk: int, supervision_pk: int | None = None) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    supervision = (
        selectors.supervision_get_for_viewer(viewer=viewer, client=client, pk=supervision_pk)
        if supervision_pk
        else None
    )
    form = SupervisionForm(request.POST or None, birth_date=client.birth_date)
    if request.method != "POST" and supervision:
        form.initial = {
            "program_type": supervision.program_type,
            "start": supervision.start,
            "end": supervision.end,
            "status": supervision.status,
            "notes": supervision.notes,
            "version": supervision.version,
        }
    elif request.method == "POST" and form.is_valid():
        try:
            if supervision:
                services.supervision_update(
                    actor=viewer,
                    supervision=supervision,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data.get("version") or 0,
                )
            else:
                services.supervision_create(actor=viewer, client=client, data=form.cleaned_data)
        except StaleVersion:
            form.add_error(None, StaleVersion.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Supervision period saved."))
            return redirect("clients:detail", pk=client.pk)
    title = _("Edit supervision period") if supervision else _("Add a supervision period")
    context = {"form": form, "client": client, "title": title, "nav_current": "clients"}
    return render(request, "clients/client_subform.html", context)


@login_required
def client_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_reassign(viewer, client) or client.anonymised_at:
        raise PermissionDenied
    targets = selectors.reassign_targets(viewer=viewer, client=client)
    form = ReassignForm(request.POST or None, officers=targets, current=client.officer_id)
    if request.method == "POST" and form.is_valid():
        officer = User.objects.get(pk=form.cleaned_data["officer"])
        try:
            services.client_reassign(
                actor=viewer, client=client, officer=officer, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Client reassigned."))
            return redirect("clients:detail", pk=client.pk)
    context = {"form": form, "client": client, "title": _("Reassign officer"), "nav_current": "clients"}
    return render(request, "clients/client_subform.html", context)


@login_required
def litmas_create(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    form = LitmasForm(request.POST or None, officers=selectors.office_officers(office_id=client.office_id))
    if request.method != "POST":
        form.initial = {"requested_on": timezone.localdate(), "officer": client.officer_id}
    elif form.is_valid():
        try:
            services.litmas_request(actor=viewer, client=client, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Litmas request recorded."))
            return redirect("clients:detail", pk=client.pk)
    context = {"form": form, "client": client, "title": _("Request a Litmas"), "nav_current": "litmas"}
    return render(request, "clients/client_subform.html", context)


@login_required
def litmas_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    litmas = selectors.litmas_get_for_viewer(viewer=viewer, pk=pk)
    client = litmas.client
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    form = LitmasSubmitForm(request.POST or None, request.FILES or None, requested_on=litmas.requested_on)
    if request.method != "POST":
        form.initial = {
            "submitted_on": litmas.submitted_on or timezone.localdate(),
            "recommendation": litmas.recommendation,
            "version": litmas.version,
        }
    elif form.is_valid():
        try:
            services.litmas_submit(
                actor=viewer,
                litmas=litmas,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleVersion:
            form.add_error(None, StaleVersion.message)
        else:
            messages.success(request, _("Litmas submitted."))
            return redirect("clients:detail", pk=client.pk)
    context = {
        "form": form,
        "client": client,
        "title": _("Submit the Litmas"),
        "multipart": True,
        "nav_current": "litmas",
    }
    return render(request, "clients/client_subform.html", context)


@login_required
@rate_limited("clients:litmas_document")
def litmas_document(request: AuthedRequest, pk: int) -> FileResponse:
    """The Litmas document, for the client's office guidance staff only; every download is logged."""
    return litmas_document_response(request, pk, action=AccessLog.Action.EXPORT)


@login_required
def litmas_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    filters = {
        "section": request.GET.get("section", "")
        if request.GET.get("section") in Client.Category.values
        else "",
        "officer": int(request.GET["officer"]) if request.GET.get("officer", "").isdigit() else None,
        "open": request.GET.get("open") == "1",
    }
    page = Paginator(selectors.litmas_list(viewer=viewer, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    rows = [{"litmas": i, "label": client_label(i.client, viewer)} for i in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "officers": selectors.officer_choices_for(viewer=viewer),
        "sections": Client.Category.choices,
        "nav_current": "litmas",
    }
    return render(request, "clients/litmas_list.html", context)


@login_required
@require_POST
@rate_limited("clients:no_contact_add")
def no_contact_add(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    form = NoContactForm(request.POST)
    if form.is_valid():
        other = None
        number = form.cleaned_data["other_register_number"].strip()
        if number:
            other = selectors.no_contact_candidate(viewer=viewer, client=client, register_number=number)
            if other is None:
                form.add_error(
                    "other_register_number", _("No client of this office has this register number.")
                )
        if not form.errors:
            try:
                services.no_contact_add(
                    actor=viewer,
                    client=client,
                    other_client=other,
                    person_name=form.cleaned_data["person_name"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
    if form.errors:
        if request.htmx:
            context = {
                "client": client,
                "can_edit": True,
                "no_contact_form": form,
                **selectors.client_detail_related(viewer=viewer, client=client),
            }
            return render(request, "clients/_no_contacts.html", context)  # htmx swaps 2xx answers only
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    elif request.htmx:
        context = {
            "client": client,
            "can_edit": True,
            "no_contact_form": NoContactForm(),
            **selectors.client_detail_related(viewer=viewer, client=client),
        }
        return render(request, "clients/_no_contacts.html", context)
    else:
        messages.success(request, _("No-contact entry added."))
    return redirect("clients:detail", pk=client.pk)


@login_required
@require_POST
def no_contact_remove(request: AuthedRequest, pk: int, entry_pk: int) -> HttpResponse:
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_edit_client(viewer, client):
        raise PermissionDenied
    entry = NoContact.objects.filter(client=client, pk=entry_pk).first()
    if entry is None:
        raise Http404
    services.no_contact_remove(actor=viewer, entry=entry)
    messages.success(request, _("No-contact entry removed."))
    return redirect("clients:detail", pk=client.pk)


@login_required
def client_counts(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_see_counts(request.user):
        raise Http404
    context = {
        "rows": selectors.client_counts(viewer=request.user),
        "categories": Client.Category.choices,
        "programs": Supervision.ProgramType.choices,
        "small_cell": SMALL_CELL,
        "nav_current": "client_counts",
    }
    return render(request, "clients/client_counts.html", context)


# --- import -----------------------------------------------------------------------------------


@login_required
def client_import(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    available = importers_for(viewer)
    if not available:
        raise PermissionDenied
    kind = request.POST.get("kind") or request.GET.get("kind") or available[0].key
    importer_class = next((imp for imp in available if imp.key == kind), None)
    if importer_class is None:
        raise Http404
    context: dict = {
        "importers": available,
        "kind": kind,
        "token": uuid.uuid4().hex,
        "nav_current": "clients",
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if request.POST.get("confirm"):
            outcome = services.import_confirm(
                actor=viewer, importers=available, token=request.POST["confirm"][:40]
            )
        elif upload is None:
            outcome = services.ImportOutcome(file_error=_("Choose a file to upload."))
        else:
            outcome = services.import_run(
                actor=viewer,
                importer_class=importer_class,
                token=request.POST.get("token", "")[:40] or uuid.uuid4().hex,
                filename=upload.name or "",
                content=upload.read(),
            )
        context["file_error"] = outcome.file_error
        context["preview"] = outcome.preview
        context["confirm_token"] = outcome.token
        if outcome.result is not None:
            context["result"] = outcome.result
            context["columns"] = {c.name: c.label for c in importer_class.columns}
        context["token"] = uuid.uuid4().hex  # a fresh token for the next upload from the same page
        context["oob"] = bool(request.htmx)
        template = "clients/_import_result.html" if request.htmx else "clients/client_import.html"
        status_code = 422 if outcome.rejected and not request.htmx else 200  # htmx swaps 2xx answers only
        return render(request, template, context, status=status_code)
    return render(request, "clients/client_import.html", context)


@login_required
@rate_limited("clients:client_import_progress")
def client_import_progress(request: AuthedRequest, token: str) -> HttpResponse:
    run = selectors.import_run_get(viewer=request.user, token=token)
    return render(request, "clients/_import_progress.html", {"run": run})


@login_required
def client_import_template(request: AuthedRequest, kind: str, fmt: str) -> HttpResponse:
    importer_class = IMPORTERS.get(kind)
    if importer_class is None or not importer_class.allowed(request.user) or fmt not in ("csv", "xlsx"):
        raise Http404
    office = request.user.office
    if office is None:
        raise Http404
    importer = importer_class(actor=request.user, office=office)
    if fmt == "csv":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(importer.template_xlsx(), content_type=EXPORTERS["xlsx"].content_type)
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.{fmt}"'
    return response


# --- personal-data duties -------------------------------------------------------------------


@login_required
@rate_limited("clients:client_subject_export")
def client_subject_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    from aksalarasa.clients import pdp

    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=pk)
    if not selectors.can_subject_export(viewer, client) or fmt not in ("json", "pdf"):
        raise Http404
    data = pdp.subject_data(client=client)
    access_record(
        user=viewer,
        obj=client,
        office_id=client.office_id,
        action=AccessLog.Action.EXPORT,
        label=_("data-subject export (%(fmt)s)") % {"fmt": fmt},
        request=request,
    )
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        html = get_template("clients/subject_export.html").render({"data": data, "client": client}, request)
        response = HttpResponse(
            pdp.html_to_pdf(html, base_url=request.build_absolute_uri("/")), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="client-{client.pk}-data.{fmt}"'
    return response


@login_required
def breach_register(request: AuthedRequest) -> HttpResponse:
    """The office's data-breach register: office heads list and record breaches."""
    viewer = request.user
    office = viewer.office
    if not (viewer.role_office_head and office):
        raise Http404
    form = BreachReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.breach_report_create(actor=viewer, office=office, data=form.cleaned_data)
        messages.success(request, _("Breach recorded."))
        return redirect("clients:breaches")
    reports = BreachReport.objects.visible_to(viewer).select_related("reported_by")
    context = {"form": form, "reports": reports, "nav_current": "clients"}
    return render(request, "clients/breach_register.html", context)
