from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit import selectors


@require_safe
@login_required
def access_log(request: AuthedRequest) -> HttpResponse:
    """Who read which client record: for office heads, read-only."""
    if not (request.user.role_office_head or request.user.is_superuser):
        raise Http404
    entries = selectors.access_log_list(viewer=request.user, object_type=request.GET.get("type", "")[:40])
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/access_log.html", {"page": page})
