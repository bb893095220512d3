"""Who may do what with community sentences (the views and the API ask these; the rows a person
sees at all come from each model's `visible_to`, in models.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client
    from aksalarasa.sentences.models import ServiceSite

GUIDANCE_ROLES = ("office_head", "section_head", "officer")
SITE_MANAGERS = ("office_head", "section_head", "admin")


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_see_orders(user: User) -> bool:
    return _active(user) and (user.is_superuser or bool(user.office_id and user.has_role(*GUIDANCE_ROLES)))


def can_create_orders(user: User) -> bool:
    """An order is entered in the entering person's office (a superuser has none)."""
    return _active(user) and bool(user.office_id and user.has_role(*GUIDANCE_ROLES))


def can_manage_order(user: User, client: Client) -> bool:
    """The client's guidance staff: office head, the client's section head, the client's PK."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.office_id != client.office_id:
        return False
    return bool(
        user.role_office_head
        or (user.role_section_head and user.section == client.category)
        or (user.role_officer and client.officer_id == user.pk)
    )


def can_browse_sites(user: User) -> bool:
    return _active(user) and bool(
        user.is_superuser
        or user.role_national
        or user.role_regional
        or user.role_partner_staff
        or (
            user.office_id
            and user.has_role("office_head", "section_head", "officer", "program_team", "admin")
        )
    )


def can_see_roster(user: User, site: ServiceSite, supervisor_ids: set[int]) -> bool:
    """Who sees the names of the people placed at a site: its supervisors (what the site needs to
    know who is there) and the site office's guidance staff; not the national and regional readers,
    the program team or other partner staff, who see the site only."""
    if not _active(user):
        return False
    if user.is_superuser or user.pk in supervisor_ids:
        return True
    return bool(user.office_id == site.office_id and user.has_role(*GUIDANCE_ROLES))


def can_manage_sites(user: User, office_id: int | None) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return bool(office_id and user.office_id == office_id and user.has_role(*SITE_MANAGERS))
