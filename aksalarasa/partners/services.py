"""Writes for partners, services, memberships, referrals and partner feedback."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.core.history import delete_versioned, save_versioned
from aksalarasa.guidance.models import Engagement, GuidanceSession, Kind, Outcome, Place
from aksalarasa.guidance.summaries import client_summaries_refresh
from aksalarasa.partners.models import (
    SESSION_STATES,
    Notification,
    Partner,
    PartnerMembership,
    PartnerService,
    Referral,
    ReferralEvent,
    ReferralSession,
    ServiceReport,
    ServiceReportOutcome,
    Side,
    Status,
    transition_find,
)
from aksalarasa.partners.selectors import referral_side, sharing_allowed

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client
    from aksalarasa.offices.models import Office

PARTNER_FIELDS = [
    "name",
    "legal_form",
    "focus_areas",
    "address",
    "contact_person",
    "contact_phone",
    "contact_email",
    "agreement_number",
    "agreement_start",
    "agreement_end",
    "status",
    "public_listing",
    "public_description",
]
SERVICE_FIELDS = [
    "name",
    "kind",
    "for_children",
    "for_adults",
    "capacity",
    "schedule",
    "place",
    "description",
    "active",
]


class TransitionRefused(Exception):
    """A move the transition table does not allow (or not for this person)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- partners, services, memberships ----------------------------------------------------------


@transaction.atomic
def partner_create(*, office: Office, actor: User, data: dict[str, Any]) -> Partner:
    partner = Partner(office=office, **{name: data[name] for name in PARTNER_FIELDS if name in data})
    partner.full_clean(exclude=["regions"])
    save_versioned(partner, actor=actor)
    if "regions" in data:
        partner.regions.set(data["regions"])
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, actor: User, data: dict[str, Any], expected_version: int) -> Partner:
    for name in PARTNER_FIELDS:
        if name in data:
            setattr(partner, name, data[name])
    save_versioned(partner, actor=actor, expected_version=expected_version, update_fields=PARTNER_FIELDS)
    if "regions" in data:
        partner.regions.set(data["regions"])
    return partner


@transaction.atomic
def service_create(*, partner: Partner, actor: User, data: dict[str, Any]) -> PartnerService:
    service = PartnerService(partner=partner, **{name: data[name] for name in SERVICE_FIELDS if name in data})
    save_versioned(service, actor=actor)
    return service


@transaction.atomic
def service_update(
    *, service: PartnerService, actor: User, data: dict[str, Any], expected_version: int
) -> PartnerService:
    for name in SERVICE_FIELDS:
        if name in data:
            setattr(service, name, data[name])
    save_versioned(service, actor=actor, expected_version=expected_version, update_fields=SERVICE_FIELDS)
    return service


@transaction.atomic
def membership_link(*, partner: Partner, user: User, actor: User) -> PartnerMembership:
    if not user.is_partner_side or user.office_id != partner.office_id:
        raise ValidationError(_("Only partner-staff accounts of the partner's office can be linked."))
    if PartnerMembership.objects.filter(user=user).exists():
        raise ValidationError(_("This account already belongs to a partner."))
    membership = PartnerMembership(partner=partner, user=user, created_by=actor)
    save_versioned(membership, actor=actor)
    return membership


@transaction.atomic
def membership_unlink(*, membership: PartnerMembership, actor: User) -> None:
    delete_versioned(membership, actor=actor)


# --- referrals --------------------------------------------------------------------------------


def referral_can_create(*, user: User, client: Client) -> bool:
    """The client's own officer refers (the office and section heads may too)."""
    if user.is_superuser:
        return True
    if user.office_id != client.office_id:
        return False
    return bool(
        (user.role_officer and client.officer_id == user.pk)
        or user.role_office_head
        or (user.role_section_head and user.section == client.category)
    )


def _event(referral: Referral, *, source: str, target: str, actor: User, reason: str, at: datetime) -> None:
    ReferralEvent.objects.create(
        referral=referral, source=source, target=target, actor=actor, reason=reason, at=at
    )


def _notify(referral: Referral, *, kind: str, detail: str = "") -> None:
    """Tell the client's officer (and the referring officer, if someone else) at once."""
    recipients = {pid for pid in (referral.client.officer_id, referral.referred_by_id) if pid}
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=pid, referral=referral, kind=kind, detail=detail[:300])
            for pid in recipients
        ]
    )


@transaction.atomic
def referral_create(
    *,
    client: Client,
    service: PartnerService,
    actor: User,
    reason: str,
    need_kind: str = "",
    goals: str = "",
    shared_fields: list[str] | None = None,
    send: bool = False,
) -> Referral:
    if not referral_can_create(user=actor, client=client):
        raise PermissionDenied(_("Only the client's officer or a head may refer this client."))
    if service.partner.office_id != client.office_id:
        raise ValidationError({"service": [_("Choose a service of a partner of the client's office.")]})
    if not service.active or service.partner.status != Partner.Status.ACTIVE:
        raise ValidationError({"service": [_("This service is not open for referrals.")]})
    if not service.eligible_for(client.category):
        raise ValidationError({"service": [_("This service does not take clients of this category.")]})
    shared = sorted(set(shared_fields or []))
    if shared and not sharing_allowed(client):
        raise ValidationError({"shared_fields": [_sharing_refusal(client)]})
    now = timezone.now()
    referral = Referral(
        office_id=client.office_id,
        client=client,
        service=service,
        partner_id=service.partner_id,
        referred_by=actor,
        reason=reason,
        need_kind=need_kind,
        goals=goals,
        shared_fields=shared,
        created_at=now,
        updated_at=now,
    )
    save_versioned(referral, actor=actor)
    _event(referral, source="", target=Status.DRAFT, actor=actor, reason="", at=now)
    if send:
        referral_transition(
            referral=referral, actor=actor, target=Status.SENT, expected_version=referral.version
        )
    return referral


def _sharing_refusal(client: Client) -> str:
    if client.is_child and client.consent_share_partners and not client.guardian_consent:
        return _("The guardian has not consented: a partner sees only the child's initials.")
    return _("The client has not consented to sharing data with partners: a partner sees only initials.")


@transaction.atomic
def referral_transition(
    *,
    referral: Referral,
    actor: User,
    target: str,
    expected_version: int,
    reason: str = "",
    implicit: bool = False,
) -> Referral:
    """Move a referral by the transition table, with a version check (StaleVersion -> 409)."""
    side = referral_side(viewer=actor, referral=referral)
    if side is None:
        raise TransitionRefused(_("You cannot act on this referral."))
    move = transition_find(referral.status, target, side)
    if move is None or (move.implicit and not implicit):
        raise TransitionRefused(
            _("A referral that is “%(source)s” cannot become “%(target)s” by %(side)s.")
            % {
                "source": Status(referral.status).label,
                "target": Status(target).label if target in Status.values else target,
                "side": Side(side).label,
            }
        )
    reason = (reason or "").strip()
    if move.needs_reason and not reason:
        raise ValidationError({"reason": [_("Give a reason for this change.")]})
    now = timezone.now()
    source = referral.status
    referral.status = target
    referral.status_reason = reason
    referral.updated_at = now
    fields = ["status", "status_reason", "updated_at"]
    if target == Status.SENT and referral.sent_at is None:
        referral.sent_at = now
        fields.append("sent_at")
    save_versioned(
        referral, actor=actor, expected_version=expected_version, update_fields=fields, reason=reason[:100]
    )
    _event(referral, source=source, target=target, actor=actor, reason=reason, at=now)
    if side == Side.PARTNER and target in (Status.ACCEPTED, Status.DECLINED, Status.DROPPED_OUT):
        _notify(referral, kind=target, detail=reason)
    return referral


# --- partner feedback -------------------------------------------------------------------------


def _require_partner(actor: User, referral: Referral) -> None:
    if referral_side(viewer=actor, referral=referral) != Side.PARTNER:
        raise TransitionRefused(_("Only the partner's staff record partner sessions and reports."))


@transaction.atomic
def partner_session_record(
    *,
    referral: Referral,
    actor: User,
    scheduled_at: datetime,
    outcome: str,
    engagement: int | None,
    response: str = "",
    concern: bool = False,
    concern_text: str = "",
    notes: str = "",
    expected_version: int,
) -> GuidanceSession:
    """A partner session for the referred client: a GuidanceSession (kind=partner) and its link.

    The first session moves an accepted referral to "in progress"; a concern notifies the
    client's officer at once."""
    _require_partner(actor, referral)
    if referral.status not in SESSION_STATES:
        raise TransitionRefused(
            _(
                "Sessions can be recorded only while the referral is accepted or in progress (now: %(status)s)."
            )
            % {"status": Status(referral.status).label}
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    if engagement is not None and engagement not in Engagement.values:
        raise ValidationError({"engagement": [_("Engagement is 1 to 4.")]})
    # The referral's version guards against a concurrent state change (e.g. the officer cancels).
    referral.updated_at = timezone.now()
    save_versioned(referral, actor=actor, expected_version=expected_version, update_fields=["updated_at"])
    client = referral.client
    session = GuidanceSession(
        office_id=client.office_id,
        client=client,
        officer_id=client.officer_id,
        kind=Kind.PARTNER,
        place=Place.PARTNER_SITE,
        scheduled_at=scheduled_at,
        outcome=outcome,
        engagement=engagement,
        response=response,
        concern=concern,
        concern_text=concern_text if concern else "",
        notes=notes,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    save_versioned(session, actor=actor)
    client_summaries_refresh(clients=[client.pk])
    ReferralSession.objects.create(referral=referral, session=session)
    if referral.status == Status.ACCEPTED:
        referral_transition(
            referral=referral,
            actor=actor,
            target=Status.IN_PROGRESS,
            expected_version=referral.version,
            reason=_("First partner session recorded"),
        )
    if concern:
        _notify(referral, kind=Notification.Kind.CONCERN, detail=concern_text)
    return session


@transaction.atomic
def service_report_submit(
    *,
    referral: Referral,
    actor: User,
    recommendation: str,
    ratings: list[dict[str, str]],
    certificate: UploadedFile | None = None,
    expected_version: int,
) -> ServiceReport:
    """The end-of-service report: one rating per outcome aimed at; completes the referral."""
    _require_partner(actor, referral)
    goals = referral.goal_list
    if len(ratings) != len(goals):
        raise ValidationError({"__all__": [_("Rate every outcome the referral aimed at.")]})
    referral_transition(
        referral=referral,
        actor=actor,
        target=Status.COMPLETED,
        expected_version=expected_version,
        reason=_("End-of-service report submitted"),
        implicit=True,
    )
    report = ServiceReport(referral=referral, recommendation=recommendation, submitted_by=actor)
    if certificate is not None:
        report.certificate = certificate
    save_versioned(report, actor=actor)
    ServiceReportOutcome.objects.bulk_create(
        [
            ServiceReportOutcome(
                report=report,
                goal=goal[:300],
                rating=item["rating"],
                evidence=item.get("evidence", ""),
                position=i,
            )
            for i, (goal, item) in enumerate(zip(goals, ratings, strict=True))
        ]
    )
    _notify(referral, kind=Notification.Kind.COMPLETED, detail=recommendation)
    return report


@transaction.atomic
def notification_mark_read(*, viewer: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.visible_to(viewer).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
