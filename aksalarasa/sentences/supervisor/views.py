"""Pages of the site supervisor's phone app and the PK's side of it (thin views)."""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.permissions import can
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.photos import photo_content_type
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.sentences import scoping
from aksalarasa.sentences import selectors as order_selectors
from aksalarasa.sentences.supervisor import selectors, services

# What the service worker keeps for offline use (the page itself is added by its URL).
SHELL_STATIC = ("css/app.css", "css/supervisor.css", "js/supervisor-app.js", "img/supervisor-icon.svg")


@login_required
def app(request: AuthedRequest) -> HttpResponse:
    """The installable app's one page; its script reads the day list and queues entries."""
    if not can(request.user, "site_visit", "read"):
        raise Http404
    return render(
        request, "sentences/supervisor/app.html", {"supervises": selectors.is_site_supervisor(request.user)}
    )


@require_GET
def service_worker(request: AuthedRequest) -> HttpResponse:
    """The service worker, served under /sentences/supervisor/ so that it controls the app's page.
    Its cache name follows the static files' (hashed) URLs, so a release replaces the old cache."""
    urls = [reverse("sentences:supervisor_app"), *[static(path) for path in SHELL_STATIC]]
    version = hashlib.sha256("|".join(urls).encode()).hexdigest()[:12]
    body = render_to_string(
        "sentences/supervisor/sw.js",
        {"shell": json.dumps(urls), "version": version, "day_url": "/api/v1/sentences/supervisor/day"},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: AuthedRequest) -> JsonResponse:
    """The web app manifest (public: browsers fetch it without the session)."""
    start = reverse("sentences:supervisor_app")
    return JsonResponse(
        {
            "name": _("Aksalarasa site supervisor"),
            "short_name": _("Site app"),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "icons": [
                {"src": static("img/supervisor-icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                {"src": static("img/supervisor-icon-192.png"), "sizes": "192x192", "type": "image/png"},
            ],
        },
        content_type="application/manifest+json",
    )


# --- the PK's side ------------------------------------------------------------------------------


@login_required
@require_POST
def pin_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    """Give the person placed by the order a new PIN; the digits are shown on this page only."""
    viewer = request.user
    order = order_selectors.order_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, order.client):
        raise Http404
    try:
        pin = services.pin_issue(actor=viewer, order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sentences:order_detail", pk=order.pk)
    response = render(
        request,
        "sentences/supervisor/pin_issued.html",
        {"order": order, "name": client_label(order.client, viewer), "pin": pin},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def visit_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """The order's PK accepts (hours go to the ledger) or rejects an entry in conflict."""
    viewer = request.user
    visit = selectors.visit_get_for_viewer(viewer=viewer, pk=pk)
    if not scoping.can_manage_order(viewer, visit.order.client):
        raise Http404
    decision = request.POST.get("decision", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    if decision not in ("accept", "reject") or version < 0:
        messages.error(request, _("Choose to accept or to reject the entry."))
        return redirect("sentences:order_detail", pk=visit.order_id)
    try:
        services.visit_decide(
            actor=viewer,
            visit=visit,
            accept=decision == "accept",
            note=request.POST.get("note", ""),
            expected_version=version,
        )
    except StaleVersion:
        messages.error(request, str(StaleVersion.message))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Entry accepted: the hours are in the ledger.")
            if decision == "accept"
            else _("Entry rejected."),
        )
    return redirect(reverse("sentences:order_detail", args=[visit.order_id]) + "#field-entries-h")


@login_required
def visit_photo(request: AuthedRequest, pk: int) -> HttpResponse:
    """A work photo, for the order's guidance staff and the site's supervisors; 404 for anyone else."""
    visit = selectors.visit_get_for_viewer(viewer=request.user, pk=pk)
    if not selectors.can_see_photo(request.user, visit) or not visit.photo:
        raise Http404
    try:
        handle = visit.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    with handle:
        body = handle.read()
    response = HttpResponse(body, content_type=photo_content_type(visit.photo.name or ""))
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="work-{visit.pk}"'
    return response
