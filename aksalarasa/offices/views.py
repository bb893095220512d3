from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.core.concurrency import save_versioned_form
from aksalarasa.core.history import history_for
from aksalarasa.offices import regions, selectors, services
from aksalarasa.offices.forms import OfficeSettingsForm


@login_required
def office_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "offices/list.html", {"offices": selectors.office_list(viewer=request.user)})


@login_required
def office_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    office = selectors.office_get_for_viewer(viewer=request.user, pk=pk)
    context = {
        "office": office,
        "village": selectors.village_describe(office.village_code),
        "can_edit": services.office_can_edit(office=office, user=request.user),
        "history": history_for(office),
    }
    return render(request, "offices/detail.html", context)


@login_required
def office_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    office = selectors.office_get_for_viewer(viewer=request.user, pk=pk)
    if not services.office_can_edit(office=office, user=request.user):
        raise Http404
    form = OfficeSettingsForm(request.POST or None, instance=office, initial={"version": office.version})
    save = partial(services.office_update_settings, office=office, actor=request.user)
    saved = request.method == "POST" and save_versioned_form(
        request, form, save, success=_("Office settings saved.")
    )
    if saved:
        return redirect("offices:detail", pk=office.pk)
    return render(request, "offices/edit.html", {"office": office, "form": form})


@login_required
def region_children(request: AuthedRequest) -> HttpResponse:
    """HTMX: the options below a region (province -> regency -> district -> village)."""
    code = request.GET.get("code", "").strip()[:13]
    return render(request, "offices/_region_options.html", {"children": selectors.region_children(code)})


@require_GET
@cache_control(max_age=3600, public=True)
def region_search(request: HttpRequest) -> JsonResponse:
    """The region picker's options: places whose name matches `q` (public reference data, so the
    residents' registration form may ask too). `level` is village or regency; `near` lists the
    region codes to rank first; `within` (a province code) keeps only the places inside it."""
    level = request.GET.get("level", "village")
    if level not in regions.LEVELS:
        return JsonResponse({"detail": _("Unknown level.")}, status=422)
    near = [c for c in request.GET.get("near", "").split(",") if c][:20]
    within = request.GET.get("within", "")[:13]
    places = regions.region_search(request.GET.get("q", ""), level=level, near=near, within=within)  # type: ignore[arg-type]
    return JsonResponse({"results": [{"code": p.code, "name": p.name, "label": p.label} for p in places]})
