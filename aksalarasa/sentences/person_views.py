"""The person's own page (no login: a private link or its QR) and the section head's complaints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.clients.masking import client_label
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.lookups import rate_limited
from aksalarasa.sentences import person, scoping, selectors
from aksalarasa.sentences.person_forms import ComplaintForm, ComplaintHandleForm


@rate_limited("sentences:own_page")
def own_page(request: HttpRequest, token: str) -> HttpResponse:
    link = person.link_lookup(token)
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person.complaint_raise(link=link, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your complaint was sent to the section head (Kasi) of %(office)s. The site does not see it."
                )
                % {"office": link.order.office.name},
            )
            return redirect("sentences:own_page", token=token)
    context = {"view": person.own_view(link=link), "form": form}
    return render(request, "sentences/own_page.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def link_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=pk)
    if not order.is_community_service or not scoping.can_edit_plan(request.user, order.client):
        raise Http404
    token = person.link_issue(actor=request.user, order=order)
    url = request.build_absolute_uri(f"/sentences/me/{token}/")
    context = {"order": order, "name": client_label(order.client, request.user), "url": url}
    return render(request, "sentences/own_link.html", context)


@login_required
def complaint_list(request: AuthedRequest) -> HttpResponse:
    if not scoping.can_see_complaints(request.user):
        raise Http404
    rows = [
        {"complaint": c, "name": client_label(c.order.client, request.user)}
        for c in person.complaints_for(viewer=request.user)
    ]
    return render(request, "sentences/complaint_list.html", {"rows": rows})


@login_required
def complaint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = person.complaint_get_for_viewer(viewer=request.user, pk=pk)
    form = ComplaintHandleForm(request.POST or None, initial={"version": complaint.version})
    if request.method == "POST" and form.is_valid():
        try:
            person.complaint_handle(
                actor=request.user,
                complaint=complaint,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Complaint marked as handled."))
            return redirect("sentences:complaint_list")
    context = {
        "complaint": complaint,
        "name": client_label(complaint.order.client, request.user),
        "form": form,
    }
    return render(request, "sentences/complaint_detail.html", context, status=422 if form.errors else 200)
