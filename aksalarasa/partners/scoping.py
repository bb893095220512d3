"""Who may use the partners pages, and the partners app's share of other apps' reach rules.

Which partners and referrals a person sees is `Partner.objects.visible_to(user)` and
`Referral.objects.visible_to(user)` (partners/models.py), read from the role table
(accounts/permissions.py). Through referrals, partner staff also reach the referred clients (only
the fields the referral shares) and the partner sessions of their organisation: the PARTNER reach
of the clients' and the sessions' rules, filled in here (apps.py) because partners sit above them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.accounts.permissions import can
from aksalarasa.partners.models import PARTNER_SHARING_STATES, Referral, ReferralSession, own_partner_ids

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def can_browse_partners(user: User) -> bool:
    """The "Partners" directory for office staff and the national/regional readers."""
    return can(user, "partner_list", "read")


def can_see_referrals(user: User) -> bool:
    return can(user, "referral", "list")


def can_manage_partners(user: User, office_id: int) -> bool:
    """Office head, section heads, program team and administrators keep the partner directory."""
    return user.is_superuser or (can(user, "partner", "edit") and user.office_id == office_id)


def can_manage_memberships(user: User, office_id: int) -> bool:
    """Office heads and administrators link partner-staff accounts to partners."""
    return user.is_superuser or (can(user, "partner_accounts", "edit") and user.office_id == office_id)


def partner_client_scope(user: User, prefix: str = "") -> Q | None:
    """The PARTNER reach of the clients' rule: the clients referred to the person's organisation.

    Only the client rows themselves (prefix ""): the client rule is also used with "client__" for
    supervision periods, Litmas and guidance sessions, none of which partner staff may read
    (their partner sessions come in through partner_session_scope)."""
    if prefix:
        return None
    referred = Referral.objects.filter(
        partner_id__in=own_partner_ids(user), status__in=PARTNER_SHARING_STATES
    ).values("client_id")
    return Q(pk__in=referred)


def partner_session_scope(user: User, prefix: str = "") -> Q | None:
    """The PARTNER reach of the sessions' rule: the partner sessions of the person's organisation."""
    sessions = ReferralSession.objects.filter(referral__partner_id__in=own_partner_ids(user)).values(
        "session_id"
    )
    return Q(**{f"{prefix}pk__in": sessions})
