"""The roles of domain.md and the permissions that follow from them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL = "national", _("National viewer")
    REGIONAL = "regional", _("Regional viewer")
    OFFICE_HEAD = "office_head", _("Office head (Kabapas)")
    SECTION_HEAD = "section_head", _("Section head (Kasi BKD/BKA)")
    OFFICER = "officer", _("Probation officer (PK)")
    PROGRAM_TEAM = "program_team", _("Program team")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    ADMIN = "admin", _("Office administrator")
    # A partner's person at a community-service site (pengawas lokasi): the phone app only.
    SITE_SUPERVISOR = "site_supervisor", _("Site supervisor (partner)")


# Roles that belong to one office (as opposed to the regional and national viewers).
OFFICE_ROLES = (
    Role.OFFICE_HEAD,
    Role.SECTION_HEAD,
    Role.OFFICER,
    Role.PROGRAM_TEAM,
    Role.PARTNER_STAFF,
    Role.ADMIN,
    Role.SITE_SUPERVISOR,
)
# Roles held by people of a partner organisation, not of the office.
PARTNER_SIDE_ROLES = (Role.PARTNER_STAFF, Role.SITE_SUPERVISOR)
# Roles an office head or administrator may grant; national and regional are granted centrally.
GRANTABLE_BY_OFFICE = OFFICE_ROLES
# Roles for which an office may require two-factor login.
HEAD_ROLES = (Role.OFFICE_HEAD, Role.SECTION_HEAD, Role.ADMIN)


def role_field(role: str) -> str:
    return f"role_{role}"
