"""The person's own view: the private link given at placement, what the page shows, and the
complaints it sends to the section head (Kasi). Reads and writes of this one feature, kept together.

The token is 32 random bytes (`secrets.token_urlsafe`); only its SHA-256 is stored, so the link is
shown once, when the PK gives it (with its QR code), and giving a new one revokes the old. The
look-up is rate-limited (core/lookups.py) and a wrong, revoked or unknown token answers the same
404 as a token that never existed. The page is read without login, inside a named unscoped block
that reads the one order the token names.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.masking import client_label
from aksalarasa.core.history import save_versioned
from aksalarasa.core.scoping import unscoped
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite
from aksalarasa.sentences.person_models import PersonLink, PlacementComplaint
from aksalarasa.sentences.plan_models import PlannedSession

MAX_TOKEN_LENGTH = 100
SHOWN_STATUSES = (SentenceOrder.Status.ACTIVE, SentenceOrder.Status.COMPLETED)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def link_issue(*, actor: User, order: SentenceOrder) -> str:
    """Give the person a new private link (the old one stops working); returns the token, which is
    stored nowhere but in the link."""
    if not order.is_community_service:
        raise ValidationError(_("Only community service has the person's own page."))
    now = timezone.now()
    PersonLink.objects.filter(order_id=order.pk, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    PersonLink.objects.create(
        office_id=order.office_id, order=order, token_hash=token_hash(token), created_by=actor, created_at=now
    )
    return token


@transaction.atomic
def complaint_raise(*, link: PersonLink, data: dict[str, Any]) -> PlacementComplaint:
    """The person's complaint about the placement (safety, dignity, commercial use): it reaches the
    office head and the client's section head (Kasi), never the site or its partner."""
    text = (data.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": [_("Say what happened.")]})
    order = link.order
    complaint = PlacementComplaint(
        office_id=order.office_id, order=order, site_id=order.site_id, kind=data["kind"], text=text
    )
    save_versioned(complaint, actor=None, reason="raised from the person's own page")
    return complaint


@transaction.atomic
def complaint_handle(
    *, actor: User, complaint: PlacementComplaint, data: dict[str, Any], expected_version: int
) -> PlacementComplaint:
    response = (data.get("response") or "").strip()
    if not response:
        raise ValidationError({"response": [_("Say what the office did.")]})
    complaint.status = PlacementComplaint.Status.HANDLED
    complaint.response, complaint.handled_by, complaint.handled_at = response, actor, timezone.now()
    save_versioned(
        complaint,
        actor=actor,
        expected_version=expected_version,
        update_fields=["status", "response", "handled_by", "handled_at"],
    )
    return complaint


# --- reads ------------------------------------------------------------------------------------


def link_lookup(token: str) -> PersonLink:
    """The link a token names, else 404: a wrong, revoked or unknown token and one of an order
    that is over answer alike."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Http404
    with unscoped(reason="the person's own page: the one order its private link names"):
        link = (
            PersonLink.objects.filter(
                token_hash=token_hash(token), revoked_at__isnull=True, order__status__in=SHOWN_STATUSES
            )
            .select_related("order", "order__client", "order__site", "order__office")
            .first()
        )
    if link is None:
        raise Http404
    return link


@dataclass(frozen=True)
class OwnView:
    name: str
    office_name: str
    minutes_ordered: int
    credited_minutes: int
    start: date
    end: date
    status: str
    site: ServiceSite | None
    next_sessions: list[PlannedSession]

    @property
    def remaining_minutes(self) -> int:
        return max(0, self.minutes_ordered - self.credited_minutes)


def own_view(*, link: PersonLink) -> OwnView:
    """What the person sees: their name (a child's as initials: the page is outside the office),
    their balance from the ledger, the next planned sessions and the site."""
    order = link.order
    with unscoped(reason="the person's own page: the one order its private link names"):
        credited = HoursEntry.objects.filter(order_id=order.pk).aggregate(t=Sum("credited_minutes"))["t"] or 0
        today = order.office.today()
        upcoming = list(
            PlannedSession.objects.filter(order_id=order.pk, day__gte=today).order_by("day", "starts_at")[:5]
        )
    return OwnView(
        name=client_label(order.client, AnonymousUser()),  # type: ignore[arg-type]
        office_name=order.office.name,
        minutes_ordered=order.minutes_ordered,
        credited_minutes=credited,
        start=order.start_date,
        end=order.end_date,
        status=order.get_status_display(),
        site=order.site,
        next_sessions=upcoming,
    )


def complaints_for(*, viewer: User) -> list[PlacementComplaint]:
    return list(
        PlacementComplaint.objects.visible_to(viewer)
        .select_related("order", "order__client", "site")
        .order_by("-status", "-created_at")[:200]
    )


def complaint_get_for_viewer(*, viewer: User, pk: int) -> PlacementComplaint:
    complaint = (
        PlacementComplaint.objects.visible_to(viewer)
        .select_related("order", "order__client", "site")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def open_complaints_count(*, viewer: User) -> int:
    return PlacementComplaint.objects.visible_to(viewer).filter(status=PlacementComplaint.Status.OPEN).count()
