"""Reads for partners, services, referrals and notifications: each takes the viewer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.suppression import suppress
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import (
    ACTIVE_STATES,
    PARTNER_SHARING_STATES,
    TRANSITIONS,
    Notification,
    Partner,
    PartnerMembership,
    PartnerService,
    Referral,
    ReferralEvent,
    ReferralSession,
    SharedField,
    Side,
    Status,
)

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User

AGREEMENT_WARNING_DAYS = 60
# Counts shown to national and regional viewers hide cells under this size (domain.md).


# --- partners and services -------------------------------------------------------------------


def agreement_warning(partner: Partner, today: date | None = None) -> dict[str, Any] | None:
    """{"level": "warn"|"bad", "text": ...} when the agreement ends within 60 days or has ended."""
    if not partner.agreement_end:
        return None
    today = today or timezone.localdate()
    days = (partner.agreement_end - today).days
    if days < 0:
        return {"level": "bad", "days": days, "text": _("Agreement expired")}
    if days <= AGREEMENT_WARNING_DAYS:
        return {"level": "warn", "days": days, "text": _("Agreement ends in %(days)d days") % {"days": days}}
    return None


def partner_list(*, viewer: User, query: str = "") -> QuerySet[Partner]:
    qs = Partner.objects.visible_to(viewer).select_related("office")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(focus_areas__icontains=query))
    return (
        qs.annotate(service_count=Count("services", distinct=True))
        .prefetch_related("regions")
        .order_by("name")
    )


def partner_get_for_viewer(*, viewer: User, pk: int) -> Partner:
    partner = (
        Partner.objects.visible_to(viewer)
        .select_related("office")
        .prefetch_related("regions")
        .filter(pk=pk)
        .first()
    )
    if partner is None:
        raise Http404
    return partner


def service_list(*, viewer: User, partner: Partner | None = None) -> QuerySet[PartnerService]:
    qs = PartnerService.objects.filter(partner__in=Partner.objects.visible_to(viewer)).select_related(
        "partner"
    )
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.annotate(active_referrals=Count("referrals", filter=Q(referrals__status__in=ACTIVE_STATES)))


def service_get_for_viewer(*, viewer: User, pk: int) -> PartnerService:
    service = service_list(viewer=viewer).filter(pk=pk).first()
    if service is None:
        raise Http404
    return service


def membership_list(*, partner: Partner) -> QuerySet[PartnerMembership]:
    return (
        PartnerMembership.objects.filter(partner=partner).select_related("user").order_by("user__full_name")
    )


def membership_candidates(*, partner: Partner) -> QuerySet:
    """Partner-staff and site-supervisor accounts of the partner's office that belong to no partner yet."""

    return User.objects.filter(
        Q(role_partner_staff=True) | Q(role_site_supervisor=True),
        office_id=partner.office_id,
        is_active=True,
        partner_membership__isnull=True,
    ).order_by("full_name")


def partner_of(user: User) -> Partner | None:
    membership = PartnerMembership.objects.filter(user_id=user.pk).select_related("partner").first()
    return membership.partner if membership else None


def public_directory() -> QuerySet[Partner]:
    """Opt-in partners and their open services: never any client data, not even counts."""
    return (
        Partner.objects.filter(public_listing=True, status=Partner.Status.ACTIVE)
        .select_related("office")
        .prefetch_related(
            "regions",
            Prefetch("services", queryset=PartnerService.objects.filter(active=True).order_by("name")),
        )
        .order_by("name")
    )


# --- referrals --------------------------------------------------------------------------------


def referral_base(*, viewer: User) -> QuerySet[Referral]:
    return Referral.objects.visible_to(viewer)


def referral_list(*, viewer: User, status: str = "", client_id: int | None = None) -> QuerySet[Referral]:
    qs = referral_base(viewer=viewer).select_related("client", "service", "partner", "referred_by")
    if status:
        qs = qs.filter(status=status)
    if client_id:
        qs = qs.filter(client_id=client_id)
    return qs.order_by("-updated_at", "-pk")


def referral_get_for_viewer(*, viewer: User, pk: int) -> Referral:
    """The referral, or 404 for one the viewer may not see (never 403: that would reveal it)."""
    referral = (
        referral_base(viewer=viewer)
        .select_related("client", "client__officer", "service", "partner", "referred_by", "office")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referral_side(*, viewer: User, referral: Referral) -> str | None:
    """Which side of the transition table the viewer acts for on this referral, if any."""
    if (
        viewer.role_partner_staff
        and PartnerMembership.objects.filter(user_id=viewer.pk, partner_id=referral.partner_id).exists()
    ):
        return Side.PARTNER
    if viewer.is_superuser:
        return Side.OFFICE
    client = referral.client
    if viewer.office_id == referral.office_id and (
        (viewer.role_officer and client.officer_id == viewer.pk)
        or viewer.role_office_head
        or (viewer.role_section_head and viewer.section == client.category)
    ):
        return Side.OFFICE
    return None


def referral_moves(*, viewer: User, referral: Referral) -> list[dict[str, Any]]:
    """The buttons this viewer may press now (from the one transition table)."""
    side = referral_side(viewer=viewer, referral=referral)
    if side is None:
        return []
    return [
        {"target": move.target, "label": Status(move.target).label, "needs_reason": move.needs_reason}
        for move in TRANSITIONS
        if move.source == referral.status and move.side == side and not move.implicit
    ]


def referral_events(*, referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("actor").order_by("at", "pk")


def referral_sessions(*, referral: Referral) -> list:
    links = (
        ReferralSession.objects.filter(referral=referral)
        .select_related("session", "session__recorded_by")
        .order_by("session__scheduled_at")
    )
    return [link.session for link in links]


def sharing_allowed(client: Client) -> bool:
    """Beyond initials only with the client's consent, and for a child the guardian's too."""
    return bool(client.consent_share_partners and (not client.is_child or client.guardian_consent))


def referral_client_view(*, viewer: User, referral: Referral) -> dict[str, Any]:
    """What this viewer sees of the referred client: office staff everything they may see,
    partner staff initials plus the fields the referral shares (while the consent holds)."""
    client = referral.client
    side = referral_side(viewer=viewer, referral=referral)
    if side != Side.PARTNER:
        return {
            "label": client_label(client, viewer),
            "fields": [],
            "partner_view": False,
        }
    shared = set(referral.shared_fields) if sharing_allowed(client) else set()
    if referral.status not in PARTNER_SHARING_STATES:
        shared = set()
    fields: list[tuple[str, Any]] = []
    if SharedField.CATEGORY in shared:
        fields.append((str(SharedField.CATEGORY.label), client.get_category_display()))
    if SharedField.SEX in shared:
        fields.append((str(SharedField.SEX.label), client.get_sex_display()))
    if SharedField.BIRTH_DATE in shared:
        fields.append((str(SharedField.BIRTH_DATE.label), client.birth_date))
    if SharedField.PHONE in shared:
        fields.append((str(SharedField.PHONE.label), client.phone or "—"))
    if SharedField.ADDRESS in shared:
        fields.append((str(SharedField.ADDRESS.label), client.address or "—"))
    if SharedField.EMERGENCY_CONTACT in shared:
        contact = " · ".join(
            p
            for p in (
                client.emergency_contact_name,
                client.emergency_contact_relation,
                client.emergency_contact_phone,
            )
            if p
        )
        fields.append((str(SharedField.EMERGENCY_CONTACT.label), contact or "—"))
    name_shared = SharedField.NAME in shared
    label = client.full_name if name_shared else client.initials
    return {"label": label, "fields": fields, "partner_view": True}


def referral_label(*, viewer: User, referral: Referral) -> str:
    """The client's name for a list row, by the same rule as referral_client_view."""
    client = referral.client
    if viewer.role_partner_staff and not can(viewer, "referral", "create"):
        shared = (
            sharing_allowed(client)
            and referral.status in PARTNER_SHARING_STATES
            and SharedField.NAME in referral.shared_fields
        )
        return client.full_name if shared else client.initials
    return client_label(client, viewer)


def referral_counts(*, viewer: User) -> list[dict[str, Any]]:
    """Counts by office and status for national/regional viewers (and heads): cells under 5 hidden
    (core.suppression; no total is printed beside them, so no second cell is needed)."""

    if not (viewer.is_superuser or viewer.role_national or viewer.role_regional or viewer.role_office_head):
        return []
    offices = Office.objects.visible_to(viewer)
    rows = (
        Referral.objects.filter(office__in=offices)
        .values("office_id", "office__name", "status")
        .annotate(n=Count("pk"))
        .order_by("office__name", "status")
    )
    table: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = table.setdefault(
            row["office_id"], {"office_id": row["office_id"], "office": row["office__name"], "counts": {}}
        )
        entry["counts"][row["status"]] = suppress(row["n"])
    return list(table.values())


# --- suggestions ------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words that say nothing about a need (English and Indonesian).
_STOP = {
    "and",
    "the",
    "for",
    "with",
    "that",
    "this",
    "from",
    "have",
    "needs",
    "need",
    "wants",
    "client",
    "klien",
    "yang",
    "dan",
    "dengan",
    "untuk",
    "ingin",
    "perlu",
    "mau",
    "butuh",
    "belajar",
    "bisa",
    "agar",
}
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "pe", "ber", "ter", "di", "ke")
_SUFFIXES = ("nya", "kan", "an")


def _stem(word: str) -> str:
    """A crude Indonesian stem, enough to match "membuat" with "pembuatan" (both "buat")."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word


def _stems(text: str) -> dict[str, str]:
    """stem -> the first word that produced it."""
    out: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        if word not in _STOP:
            out.setdefault(_stem(word), word)
    return out


@dataclass
class Suggestion:
    service: PartnerService
    score: int
    free: int
    reasons: list[str] = field(default_factory=list)


def service_suggestions(
    *, viewer: User, client: Client, need_kind: str = "", need_text: str = "", limit: int = 10
) -> list[Suggestion]:
    """Rank the open services of the client's office for this client, with the reasons why.

    Eligibility (the client's category) is a filter; then points for serving the client's
    regency/city (+3), free capacity (+2, full -3), the need's kind (+3) and words of the need
    found in the service or the partner's focus areas (+1 each, at most 3).
    """
    today = timezone.localdate()
    eligible = Q(for_children=True) if client.is_child else Q(for_adults=True)
    services = (
        service_list(viewer=viewer)
        .filter(
            eligible, active=True, partner__office_id=client.office_id, partner__status=Partner.Status.ACTIVE
        )
        .exclude(partner__agreement_end__lt=today)
        .prefetch_related("partner__regions")
    )
    need_stems = _stems(need_text or "")
    kind_labels = dict(PartnerService.Kind.choices)
    results = []
    for service in services:
        score = 0
        reasons = [
            _("Open to child clients") if client.is_child else _("Open to adult clients"),
        ]
        region_ids = {r.pk for r in service.partner.regions.all()}
        if client.regency_id and client.regency_id in region_ids:
            score += 3
            reasons.append(
                _("Serves the client's regency/city (%(name)s)")
                % {"name": client.regency.name if client.regency else ""}
            )
        elif client.regency_id:
            reasons.append(_("Does not list the client's regency/city"))
        free = max(service.capacity - getattr(service, "active_referrals", 0), 0)  # annotated by service_list
        if free > 0:
            score += 2
            reasons.append(
                _("%(free)d of %(capacity)d places free") % {"free": free, "capacity": service.capacity}
            )
        else:
            score -= 3
            reasons.append(_("Full: no free places"))
        if need_kind and need_kind == service.kind:
            score += 3
            reasons.append(_("Matches the stated need: %(kind)s") % {"kind": kind_labels[service.kind]})
        haystack = _stems(
            " ".join(
                [
                    service.name,
                    service.description,
                    service.partner.focus_areas,
                    str(kind_labels[service.kind]),
                ]
            )
        )
        matched = sorted(word for stem, word in need_stems.items() if stem in haystack)[:3]
        if matched:
            score += len(matched)
            reasons.append(_("The need mentions: %(words)s") % {"words": ", ".join(matched)})
        results.append(Suggestion(service=service, score=score, free=free, reasons=reasons))
    results.sort(key=lambda s: (-s.score, -s.free, s.service.partner.name, s.service.name))
    return results[:limit]


# --- notifications ----------------------------------------------------------------------------


def notification_list(*, viewer: User) -> QuerySet[Notification]:
    return Notification.objects.visible_to(viewer).select_related(
        "referral", "referral__client", "referral__service"
    )


def notification_unread_count(*, viewer: User) -> int:
    return Notification.objects.visible_to(viewer).unread().count()


def home_referral_summary(viewer: User) -> dict[str, Any]:
    """The home block: what waits for this person (partner staff: answers; officers: news)."""
    base = referral_base(viewer=viewer)
    partner = partner_of(viewer) if viewer.role_partner_staff else None
    waiting_state = Status.SENT if partner else Status.DRAFT
    counts = base.aggregate(
        waiting=Count("pk", filter=Q(status=waiting_state)),
        active=Count("pk", filter=Q(status__in=(Status.ACCEPTED, Status.IN_PROGRESS))),
    )
    return {"partner": partner, "unread": notification_unread_count(viewer=viewer), **counts}


def partner_name_shared(viewer: User, client: Client) -> bool:
    """For client pages outside this app: may partner staff `viewer` see this client's name?

    Only when a referral to their organisation, in a state that shares data, lists the name and
    the consent (and a child's guardian's) still holds. Pass it as `name_shared` to
    clients.masking.client_label for partner staff.
    """
    if not viewer.role_partner_staff or not sharing_allowed(client):
        return False
    referrals = Referral.objects.filter(
        client_id=client.pk,
        partner_id__in=PartnerMembership.objects.filter(user_id=viewer.pk).values("partner_id"),
        status__in=PARTNER_SHARING_STATES,
    ).only("shared_fields")
    return any(SharedField.NAME in r.shared_fields for r in referrals)


REFERABLE_LIMIT = 500


def referable_clients(*, viewer: User) -> list[Client]:
    """The clients this person may refer (own clients; heads: their office or section)."""
    if not viewer.office_id or not can(viewer, "referral", "create"):
        return []
    condition = Q(pk__in=[])
    if viewer.role_office_head:
        condition |= Q(office_id=viewer.office_id)
    if viewer.role_section_head and viewer.section:
        condition |= Q(office_id=viewer.office_id, category=viewer.section)
    if viewer.role_officer:
        condition |= Q(office_id=viewer.office_id, officer_id=viewer.pk)
    qs = Client.objects.visible_to(viewer).filter(condition, anonymised_at__isnull=True)
    return list(qs.only("pk", "full_name", "register_number").order_by("full_name")[:REFERABLE_LIMIT])
