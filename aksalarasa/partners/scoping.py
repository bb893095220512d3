"""Who sees which partner, referral, client and session: the one place for the partners app's rules.

Roles combine by union (domain.md, roles matrix):
  - office head: the office's referrals; section head: the own section's; officer: own clients';
  - partner staff: the referrals sent to their own organisation, and through them the referred
    clients (only the fields the referral shares) and the partner sessions of that organisation;
  - national and regional viewers: counts only (see selectors.referral_counts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.partners.models import (
    PARTNER_SHARING_STATES,
    PartnerMembership,
    Referral,
    ReferralSession,
)

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User

OFFICE_STAFF_ROLES = ("office_head", "section_head", "officer", "program_team", "admin")


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _own_partner_ids(user: User):
    return PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")


def can_browse_partners(user: User) -> bool:
    """The "Partners" directory for office staff and the national/regional readers."""
    if not _active(user):
        return False
    return bool(
        user.is_superuser
        or user.role_national
        or user.role_regional
        or (user.office_id and user.has_role(*OFFICE_STAFF_ROLES))
    )


def can_see_referrals(user: User) -> bool:
    if not _active(user):
        return False
    return bool(
        user.is_superuser
        or (user.office_id and user.has_role("office_head", "section_head", "officer", "partner_staff"))
    )


def can_manage_partners(user: User, office_id: int) -> bool:
    """Office head, section heads, program team and administrators keep the partner directory."""
    if user.is_superuser:
        return True
    return bool(
        _active(user)
        and user.office_id == office_id
        and user.has_role("office_head", "section_head", "program_team", "admin")
    )


def can_manage_memberships(user: User, office_id: int) -> bool:
    """Office heads and administrators link partner-staff accounts to partners."""
    if user.is_superuser:
        return True
    return bool(_active(user) and user.office_id == office_id and user.has_role("office_head", "admin"))


def partner_scope(user: User) -> Q | None:
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser or user.role_national:
        return None
    condition = Q(pk__in=[])
    if user.role_regional and user.regional_office_id:
        condition |= Q(office__regional_office_id=user.regional_office_id)
    if user.office_id and user.has_role(*OFFICE_STAFF_ROLES):
        condition |= Q(office_id=user.office_id)
    if user.role_partner_staff:
        condition |= Q(pk__in=_own_partner_ids(user))
    return condition


def referral_scope(user: User) -> Q | None:
    """The one referral-scoping rule (identities: never for national/regional viewers)."""
    if not _active(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    condition = Q(pk__in=[])
    if user.office_id:
        if user.role_office_head:
            condition |= Q(office_id=user.office_id)
        if user.role_section_head and user.section:
            condition |= Q(office_id=user.office_id, client__category=user.section)
        if user.role_officer:
            condition |= Q(office_id=user.office_id, client__officer_id=user.pk)
    if user.role_partner_staff:
        condition |= Q(partner_id__in=_own_partner_ids(user), sent_at__isnull=False)
    return condition


def partner_client_scope(user: User, prefix: str = "") -> Q | None:
    """clients.SCOPE_EXTENSIONS: partner staff see the clients referred to their organisation.

    Only the client rows themselves (prefix ""): client_scope is also used with "client__" for
    supervision periods, Litmas and guidance sessions, none of which partner staff may read
    (their partner sessions come in through partner_session_scope)."""
    if prefix or not _active(user) or not user.role_partner_staff:
        return None
    referred = Referral.objects.filter(
        partner_id__in=_own_partner_ids(user), status__in=PARTNER_SHARING_STATES
    ).values("client_id")
    return Q(**{f"{prefix}pk__in": referred})


def partner_session_scope(user: User) -> Q | None:
    """guidance.SESSION_SCOPE_EXTENSIONS: partner staff see their organisation's partner sessions."""
    if not _active(user) or not user.role_partner_staff:
        return None
    sessions = ReferralSession.objects.filter(referral__partner_id__in=_own_partner_ids(user)).values(
        "session_id"
    )
    return Q(pk__in=sessions)
