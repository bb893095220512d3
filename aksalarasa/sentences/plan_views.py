"""Thin views of the work plan: access check, form, one service call, response."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.clients.masking import client_label
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.sentences import plan_selectors, plan_services, scoping, selectors
from aksalarasa.sentences.models import SentenceOrder
from aksalarasa.sentences.plan_forms import SessionForm, UnavailableForm


def _order(request: AuthedRequest, pk: int, *, edit: bool) -> SentenceOrder:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=pk)
    if not order.is_community_service or (edit and not scoping.can_edit_plan(request.user, order.client)):
        raise Http404
    return order


def _page(request: AuthedRequest, order: SentenceOrder, status: int = 200, **forms) -> HttpResponse:
    summary = plan_selectors.plan_summary(order=order)
    context = {
        "order": order,
        "name": client_label(order.client, request.user),
        "plan": summary,
        "can_edit": scoping.can_edit_plan(request.user, order.client),
        "session_form": forms.get("session_form") or SessionForm(),
        "unavailable_form": forms.get("unavailable_form") or UnavailableForm(),
        "propose_errors": forms.get("propose_errors") or [],
    }
    return render(request, "sentences/plan.html", context, status=status)


@login_required
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    return _page(request, _order(request, pk, edit=False))


@login_required
@require_POST
def plan_propose(request: AuthedRequest, pk: int) -> HttpResponse:
    order = _order(request, pk, edit=True)
    try:
        sessions = plan_services.plan_propose(actor=request.user, order=order)
    except ValidationError as exc:
        return _page(request, order, 422, propose_errors=exc.messages)
    messages.success(request, _("Plan proposed: %(n)s sessions.") % {"n": len(sessions)})
    return redirect("sentences:plan", pk=order.pk)


def _add(
    request: AuthedRequest, pk: int, form: Form, create: Callable[..., object], success: str, name: str
) -> HttpResponse:
    """Add one row to the plan from the page's form: saved and back to the plan, or the plan page
    again with the form's errors (its context name `name`)."""
    order = _order(request, pk, edit=True)
    if form.is_valid():
        try:
            create(actor=request.user, order=order, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("sentences:plan", pk=order.pk)
    return _page(request, order, 422, **{name: form})


@login_required
@require_POST
def session_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = SessionForm(request.POST)
    return _add(request, pk, form, plan_services.session_create, _("Session planned."), "session_form")


@login_required
def session_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    session = plan_selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    order = session.order
    if not scoping.can_edit_plan(request.user, order.client):
        raise Http404
    initial = {
        "version": session.version,
        "day": session.day,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan_services.session_update(
                actor=request.user,
                session=session,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Session saved."))
            return redirect("sentences:plan", pk=order.pk)
    context = {
        "form": form,
        "session": session,
        "order": order,
        "name": client_label(order.client, request.user),
        "history": history_for(session),
    }
    return render(request, "sentences/plan_session_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def session_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    session = plan_selectors.session_get_for_viewer(viewer=request.user, pk=pk)
    order = session.order
    if not scoping.can_edit_plan(request.user, order.client):
        raise Http404
    try:
        version = int(request.POST.get("version") or 0)
    except ValueError:
        version = 0
    try:
        plan_services.session_delete(actor=request.user, session=session, expected_version=version)
    except StaleVersion as exc:
        messages.error(request, str(exc.message))
        return redirect("sentences:plan", pk=order.pk)
    messages.success(request, _("Session removed from the plan."))
    return redirect("sentences:plan", pk=order.pk)


@login_required
@require_POST
def unavailable_add(request: AuthedRequest, pk: int) -> HttpResponse:
    form = UnavailableForm(request.POST)
    return _add(
        request,
        pk,
        form,
        plan_services.unavailable_create,
        _("Unavailable time recorded."),
        "unavailable_form",
    )


@login_required
@require_POST
def unavailable_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    item = plan_selectors.unavailable_get_for_viewer(viewer=request.user, pk=pk)
    order = item.order
    if not scoping.can_edit_plan(request.user, order.client):
        raise Http404
    plan_services.unavailable_delete(actor=request.user, item=item)
    messages.success(request, _("Unavailable time removed."))
    return redirect("sentences:plan", pk=order.pk)
