"""Reads of community sentences: each takes the viewer and reads through `visible_to`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client, Litmas
from aksalarasa.clients.selectors import litmas_get_for_viewer
from aksalarasa.sentences import ledger
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite, Suitability
from aksalarasa.sentences.scoping import can_manage_order

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def order_list(*, viewer: User, filters: dict | None = None) -> QuerySet[SentenceOrder]:
    """The orders the viewer may see, each with its credited minutes (one query)."""
    filters = filters or {}
    qs = (
        SentenceOrder.objects.visible_to(viewer)
        .select_related("client", "site", "office")
        .annotate(credited=Coalesce(Sum("hours__credited_minutes"), Value(0)))
    )
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if sentence_type := filters.get("sentence_type"):
        qs = qs.filter(sentence_type=sentence_type)
    if client_id := filters.get("client"):
        qs = qs.filter(client_id=client_id)
    return qs.order_by("-decision_date", "-pk")


def order_get_for_viewer(*, viewer: User, pk: int) -> SentenceOrder:
    order = (
        SentenceOrder.objects.visible_to(viewer)
        .select_related("client", "client__officer", "site", "office")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404
    return order


def order_balance(*, order: SentenceOrder) -> int:
    """Credited minutes: always the sum of the ledger."""
    return order.hours.aggregate(total=Sum("credited_minutes"))["total"] or 0


def ledger_entries(*, order: SentenceOrder) -> list[HoursEntry]:
    return list(order.hours.select_related("recorded_by", "site").order_by("sequence"))


def ledger_check(*, order: SentenceOrder) -> list[ledger.Break]:
    return ledger.verify(order.hours.order_by("sequence"))


def site_list(*, viewer: User) -> QuerySet[ServiceSite]:
    return (
        ServiceSite.objects.visible_to(viewer)
        .select_related("partner", "regency")
        .prefetch_related("supervisors")
        .order_by("name")
    )


def site_get_for_viewer(*, viewer: User, pk: int) -> ServiceSite:
    site = (
        ServiceSite.objects.visible_to(viewer)
        .select_related("partner", "regency", "office")
        .filter(pk=pk)
        .first()
    )
    if site is None:
        raise Http404
    return site


@dataclass(frozen=True)
class RosterRow:
    """What a site needs to know about a person placed there: the name (masked where the rules say),
    hours ordered and credited; never the offence or the case."""

    name: str
    hours_ordered: int
    credited_minutes: int
    end_date: object

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.hours_ordered * 60 - self.credited_minutes)


def site_roster(*, viewer: User, site: ServiceSite) -> list[RosterRow]:
    """The people placed at a site with an active community-service order (the caller has already
    read the site through `visible_to`)."""
    orders = (
        SentenceOrder.objects.filter(site=site, status=SentenceOrder.Status.ACTIVE)
        .select_related("client")
        .annotate(credited=Coalesce(Sum("hours__credited_minutes"), Value(0)))
        .order_by("client__full_name")
    )
    return [
        RosterRow(
            name=client_label(order.client, viewer, name_shared=True),
            hours_ordered=order.hours_ordered or 0,
            credited_minutes=order.credited,  # annotated above
            end_date=order.end_date,
        )
        for order in orders
    ]


def supervises_client(viewer: User, client: Client) -> bool:
    """clients.masking.PARTNER_NAME_RULES: a site supervisor sees the name of an adult placed at a
    site they supervise (what the site needs to know who is there)."""
    return SentenceOrder.objects.filter(
        client=client, status=SentenceOrder.Status.ACTIVE, site__supervisors=viewer
    ).exists()


def suitability_litmas_get(*, viewer: User, pk: int) -> Litmas:
    """A community-sentence Litmas the viewer may work on, else 404."""
    litmas = litmas_get_for_viewer(viewer=viewer, pk=pk)
    if litmas.purpose != Litmas.Purpose.COMMUNITY_SENTENCE:
        raise Http404
    return litmas


def suitability_for(*, litmas: Litmas) -> Suitability | None:
    return Suitability.objects.filter(litmas=litmas).select_related("consent_explained_by").first()


def order_client_choices(*, viewer: User) -> QuerySet[Client]:
    """Clients an order may be entered for: the viewer's guidance clients (not partner referrals)."""
    qs = Client.objects.visible_to(viewer).filter(anonymised_at__isnull=True)
    if not viewer.is_superuser:
        condition = Q(pk__in=[])
        if viewer.role_office_head:
            condition |= Q(office_id=viewer.office_id)
        if viewer.role_section_head and viewer.section:
            condition |= Q(office_id=viewer.office_id, category=viewer.section)
        if viewer.role_officer:
            condition |= Q(office_id=viewer.office_id, officer_id=viewer.pk)
        qs = qs.filter(condition)
    return qs.order_by("full_name")


def client_panel(request: Any, client: Client) -> dict | None:
    """clients.registry panel: the client's orders and community-sentence Litmas, for the client's
    guidance staff (None for anyone else: the panel is left out)."""
    viewer = request.user
    if not can_manage_order(viewer, client):
        return None
    orders = list(order_list(viewer=viewer, filters={"client": client.pk}))
    litmas = list(
        Litmas.objects.visible_to(viewer)
        .filter(client=client, purpose=Litmas.Purpose.COMMUNITY_SENTENCE)
        .select_related("suitability")
        .order_by("-requested_on")
    )
    return {
        "orders": orders,
        "litmas": litmas,
        "client_pk": client.pk,
        "can_create": viewer.office_id == client.office_id,
    }
