"""Child protection: the one place that decides whether a viewer sees a client's identity.

A child client's name and photo never leave their office unmasked. Full identity (name, NIK,
photo, address, phone) is for the client's own office staff with the office head, section head or
officer role, and for superusers; for a child, only the office head, the child section (BKA: its
head and officers) and the child's own officer. Everyone else who may see the client at all (program team,
partner staff of a referral, other offices through a referral) gets initials for a child and the
name for an adult; partner staff get an adult's name only when the referral shares it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.accounts.permissions import ALL, MINE, OFFICE, SECTION, reaches

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client

# Rules (viewer, client) -> bool that say whether partner staff may see a client's name; the
# partners app registers its rule (the referral shares the name and consent still holds). With no
# rule, partner staff never see a name.
PARTNER_NAME_RULES: list = []


def can_see_identity(viewer: User, client: Client) -> bool:
    """Full identity: own-office staff with a guidance role, or a superuser."""
    # The guidance reaches of "client: read" (not a partner's reach through a referral).
    found = reaches(viewer, "client", "read")
    if ALL in found:
        return True
    if not (found & {OFFICE, SECTION, MINE} and viewer.office_id and viewer.office_id == client.office_id):
        return False
    if not client.is_child or viewer.role_office_head:
        return True
    # A child's identity stays within the child section (BKA) and the child's own officer: the adult
    # section's head and officers of the same office see initials.
    return viewer.section == "child" or client.officer_id == viewer.pk


def identity_condition(viewer: User, prefix: str = "") -> Q:
    """`can_see_identity` as a filter on clients (`prefix` for a relation, e.g. "client__").

    Look-ups by what identifies a person (register number, NIK, name) match only these clients: a
    key the viewer may not see answers like one that exists nowhere (tests/test_lookups.py)."""
    found = reaches(viewer, "client", "read")
    if ALL in found:
        return Q()
    if not (viewer.office_id and found & {OFFICE, SECTION, MINE}):
        return Q(pk__in=[])
    own = Q(**{f"{prefix}office_id": viewer.office_id})
    if viewer.role_office_head or viewer.section == "child":
        return own
    return own & (~Q(**{f"{prefix}category": "child"}) | Q(**{f"{prefix}officer_id": viewer.pk}))


def client_label(client: Client, viewer: User, *, name_shared: bool = True) -> str:
    """The name to show `viewer`: the full name, or initials where the identity is protected.

    `name_shared=False` is for callers (e.g. a partner referral) whose data-sharing terms do not
    include the name: such a viewer gets initials even for an adult.
    """
    if can_see_identity(viewer, client):
        return client.full_name
    if name_shared and viewer.is_authenticated and viewer.is_partner_side:
        name_shared = any(rule(viewer, client) for rule in PARTNER_NAME_RULES)
    if client.is_child or not name_shared:
        return client.initials
    return client.full_name


def client_photo_visible(client: Client, viewer: User) -> bool:
    """Whether `viewer` may see the client's photo (served only by the clients:photo view).

    Own-office guidance staff (full identity) see it. Anyone else who may see the client sees it
    only for an adult who consented to photos and whose name this viewer sees unmasked: a child's
    photo never leaves the office, and a masked name never comes with a face.
    """
    if not client.photo or client.anonymised_at:
        return False
    if can_see_identity(viewer, client):
        return True
    if client.is_child or not client.consent_photos:
        return False
    return client_label(client, viewer) == client.full_name
