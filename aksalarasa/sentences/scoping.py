"""Who may do what with community sentences (the views and the API ask these; the rows a person
sees at all come from each model's `visible_to`, in models.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aksalarasa.accounts.permissions import can, can_in_office

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.clients.models import Client
    from aksalarasa.sentences.models import ServiceSite


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_see_orders(user: User) -> bool:
    return can(user, "order_list", "read")


def can_create_orders(user: User) -> bool:
    """An order is entered in the entering person's office (a superuser has none)."""
    return bool(user.office_id) and can(user, "sentence_order", "create")


def _guidance_staff(user: User, client: Client, resource: str) -> bool:
    """Whether the user is the client's guidance staff with `resource: edit`: the office head, the
    client's section head, the client's PK."""
    if not can_in_office(user, resource, "edit", client.office_id):
        return False
    if user.is_superuser or user.role_office_head:
        return True
    return bool(
        (user.role_section_head and user.section == client.category)
        or (user.role_officer and client.officer_id == user.pk)
    )


def can_manage_order(user: User, client: Client) -> bool:
    """The client's guidance staff ("sentence_order: edit")."""
    return _guidance_staff(user, client, "sentence_order")


def can_browse_sites(user: User) -> bool:
    return can(user, "site_list", "read")


def can_see_roster(user: User, site: ServiceSite, supervisor_ids: set[int]) -> bool:
    """Who sees the names of the people placed at a site: its supervisors (what the site needs to
    know who is there) and the site office's guidance staff; not the national and regional readers,
    the program team or other partner staff, who see the site only."""
    if not _active(user):
        return False
    if user.is_superuser or user.pk in supervisor_ids:
        return True
    return can_in_office(user, "sentence_order", "read", site.office_id)


def can_manage_sites(user: User, office_id: int | None) -> bool:
    return can_in_office(user, "site", "edit", office_id)


def can_edit_plan(user: User, client: Client) -> bool:
    """The client's guidance staff plan the sessions ("work_plan: edit")."""
    return _guidance_staff(user, client, "work_plan")


def can_see_complaints(user: User) -> bool:
    """The office head and the section heads (Kasi) read complaints about placements."""
    return bool(_active(user) and (user.is_superuser or user.office_id)) and can(
        user, "placement_complaint", "read"
    )
