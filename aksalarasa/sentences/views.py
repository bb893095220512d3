"""Thin views: access check, form, one service call, response."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record
from aksalarasa.clients.forms import ClientForm
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.selectors import office_work_area, officer_choices_for, register_numbers_taken
from aksalarasa.core.concurrency import StaleVersion, save_versioned_form
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.sentences import compliance_selectors, scoping, selectors, services
from aksalarasa.sentences.compliance_forms import WarningForm
from aksalarasa.sentences.forms import (
    CorrectionForm,
    HoursForm,
    OrderForm,
    OrderStatusForm,
    SiteForm,
    SuitabilityForm,
)
from aksalarasa.sentences.models import SentenceOrder

# --- orders -------------------------------------------------------------------------------------


@login_required
def order_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    if not scoping.can_see_orders(viewer):
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in SentenceOrder.Status.values else ""
    orders = list(selectors.order_list(viewer=viewer, filters={"status": status}))
    rows = [{"order": o, "name": client_label(o.client, viewer)} for o in orders]
    context = {
        "rows": rows,
        "status": status,
        "statuses": SentenceOrder.Status.choices,
        "can_create": scoping.can_create_orders(viewer),
    }
    return render(request, "sentences/order_list.html", context)


def _new_client_form(request: AuthedRequest, office_id: int) -> ClientForm:
    data = request.POST if request.method == "POST" and request.POST.get("new_client") else None
    candidate = request.POST.get("new-register_number", "").strip() if data is not None else ""
    form = ClientForm(
        data,
        prefix="new",
        register_taken=register_numbers_taken(office_id=office_id, candidate=candidate),
        work_area=office_work_area(office_id=office_id),
        officers=officer_choices_for(viewer=request.user),
    )
    if not (request.user.role_office_head or request.user.role_section_head):
        form.fields["officer"].required = True
        form.initial["officer"] = request.user.pk
    # A new client has no version to check; the order form above carries the page's one version
    # field, so a bad value is reported once.
    form.fields.pop("version", None)
    return form


@login_required
def order_create(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    office = viewer.office
    if office is None or not scoping.can_create_orders(viewer):
        raise Http404
    clients = selectors.order_client_choices(viewer=viewer)
    new_client = request.method == "POST" and bool(request.POST.get("new_client"))
    form = OrderForm(
        request.POST or None,
        clients=clients,
        sites=selectors.site_list(viewer=viewer).filter(office=office, active=True),
        viewer=viewer,
        initial={"client": request.GET.get("client") or None},
    )
    client_form = _new_client_form(request, office.pk)
    if request.method == "POST" and form.is_valid() and (not new_client or client_form.is_valid()):
        data = form.cleaned_data
        try:
            if new_client:
                order = services.order_create_with_client(
                    actor=viewer, office=office, client_data=client_form.cleaned_data, data=data
                )
            elif data.get("client") is None:
                raise ValidationError({"client": [_("Choose the client, or register a new one.")]})
            else:
                order = services.order_create(actor=viewer, client=data["client"], data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Court decision entered."))
            return redirect("sentences:order_detail", pk=order.pk)
    context = {"form": form, "client_form": client_form, "new_client": new_client, "order": None}
    return render(request, "sentences/order_form.html", context, status=422 if form.errors else 200)


@login_required
def order_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    order = selectors.order_get_for_viewer(viewer=viewer, pk=pk)
    access_record(user=viewer, obj=order.client, office_id=order.office_id, request=request)
    can_manage = scoping.can_manage_order(viewer, order.client)
    return render(request, "sentences/order_detail.html", _detail_context(request, order, can_manage))


def _detail_context(request: AuthedRequest, order: SentenceOrder, can_manage: bool, **extra) -> dict:
    entries = selectors.ledger_entries(order=order)
    credited = sum(e.credited_minutes for e in entries)
    return {
        "order": order,
        "name": client_label(order.client, request.user),
        "entries": entries,
        "credited": credited,
        "remaining": max(0, order.minutes_ordered - credited),
        "breaks": selectors.ledger_check(order=order),
        "can_manage": can_manage,
        "hours_form": extra.get("hours_form") or HoursForm(),
        "correction_form": extra.get("correction_form") or CorrectionForm(order=order),
        "history": history_for(order) if can_manage else None,
        # Non-compliance, condition checks, letters (compliance_views.py, _compliance.html).
        "panel": compliance_selectors.compliance_panel(order=order, credited=credited),
        "warning_form": WarningForm(order=order, prefix="warning") if can_manage else None,
    }


@login_required
def order_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    order = selectors.order_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, order.client):
        raise Http404
    form = OrderStatusForm(
        request.POST or None,
        instance=order,
        sites=selectors.site_list(viewer=viewer).filter(office_id=order.office_id),
        initial={"version": order.version, "status": order.status},
    )
    save = partial(services.order_update, order=order, actor=viewer)
    if request.method == "POST":
        try:
            if save_versioned_form(request, form, save, success=_("Order saved.")):
                return redirect("sentences:order_detail", pk=order.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    context = {"form": form, "order": order, "name": client_label(order.client, viewer)}
    return render(request, "sentences/order_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def hours_add(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    order = selectors.order_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, order.client):
        raise Http404
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services.hours_work_add(actor=viewer, order=order, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Hours credited."))
            return redirect("sentences:order_detail", pk=order.pk)
    context = _detail_context(request, order, True, hours_form=form)
    return render(request, "sentences/order_detail.html", context, status=422)


@login_required
@require_POST
def hours_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    order = selectors.order_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, order.client):
        raise Http404
    form = CorrectionForm(request.POST, order=order)
    if form.is_valid():
        try:
            services.hours_correction_add(actor=viewer, order=order, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Correction added."))
            return redirect("sentences:order_detail", pk=order.pk)
    context = _detail_context(request, order, True, correction_form=form)
    return render(request, "sentences/order_detail.html", context, status=422)


# --- suitability --------------------------------------------------------------------------------


@login_required
def suitability_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    litmas = selectors.suitability_litmas_get(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, litmas.client):
        raise Http404
    suitability = selectors.suitability_for(litmas=litmas)
    form = SuitabilityForm(
        request.POST or None,
        instance=suitability,
        office_id=litmas.office_id,
        initial={"version": suitability.version if suitability else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.suitability_save(
                actor=viewer,
                litmas=litmas,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Suitability saved."))
            return redirect("clients:detail", pk=litmas.client_id)
    context = {
        "form": form,
        "litmas": litmas,
        "name": client_label(litmas.client, viewer),
        "history": history_for(suitability) if suitability else None,
    }
    return render(request, "sentences/suitability_form.html", context, status=422 if form.errors else 200)


# --- sites --------------------------------------------------------------------------------------


@login_required
def site_list(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    if not scoping.can_browse_sites(viewer):
        raise Http404
    context = {
        "sites": list(selectors.site_list(viewer=viewer)),
        "can_create": scoping.can_manage_sites(viewer, viewer.office_id),
    }
    return render(request, "sentences/site_list.html", context)


@login_required
def site_create(request: AuthedRequest) -> HttpResponse:
    viewer = request.user
    office = viewer.office
    if office is None or not scoping.can_manage_sites(viewer, office.pk):
        raise Http404
    form = SiteForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(actor=viewer, office=office, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Site saved."))
            return redirect("sentences:site_detail", pk=site.pk)
    return render(
        request, "sentences/site_form.html", {"form": form, "site": None}, status=422 if form.errors else 200
    )


@login_required
def site_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    site = selectors.site_get_for_viewer(viewer=viewer, pk=pk)
    can_manage = scoping.can_manage_sites(viewer, site.office_id)
    supervisors = list(site.supervisors.all())
    roster_visible = scoping.can_see_roster(viewer, site, {u.pk for u in supervisors})
    context = {
        "site": site,
        "supervisors": supervisors,
        "roster_visible": roster_visible,
        "roster": selectors.site_roster(viewer=viewer, site=site) if roster_visible else [],
        "can_manage": can_manage,
        "history": history_for(site) if can_manage else None,
    }
    return render(request, "sentences/site_detail.html", context)


@login_required
def site_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    viewer = request.user
    site = selectors.site_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_sites(viewer, site.office_id):
        raise Http404
    form = SiteForm(
        request.POST or None,
        instance=site,
        office=site.office,
        initial={"version": site.version, "supervisors": list(site.supervisors.all())},
    )
    save = partial(services.site_update, site=site, actor=viewer)
    if request.method == "POST":
        try:
            if save_versioned_form(request, form, save, success=_("Site saved.")):
                return redirect("sentences:site_detail", pk=site.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request, "sentences/site_form.html", {"form": form, "site": site}, status=422 if form.errors else 200
    )
