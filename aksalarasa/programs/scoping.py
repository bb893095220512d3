"""Extensions of the one program-scoping rule (models.program_scope) and who sees the nav entry.

Partner staff read the programs their organisation takes part in (ProgramPartner.partner), and
nothing else of programs (domain.md, roles matrix).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.partners.models import PartnerMembership
from aksalarasa.programs.models import PROGRAM_SCOPE_EXTENSIONS, ProgramPartner

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User

STAFF_ROLES = ("office_head", "section_head", "officer", "admin", "program_team")


def partner_program_scope(user: User, prefix: str) -> Q | None:
    if not (user.is_authenticated and user.is_active and user.role_partner_staff):
        return None

    partner_ids = PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")
    program_ids = ProgramPartner.objects.filter(partner_id__in=partner_ids).values("program_id")
    return Q(**{f"{prefix}pk__in": program_ids})


def register() -> None:
    if partner_program_scope not in PROGRAM_SCOPE_EXTENSIONS:
        PROGRAM_SCOPE_EXTENSIONS.append(partner_program_scope)


def can_browse_programs(user: User) -> bool:
    """Office staff and program team, national/regional readers; partner staff only when taking part."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role_national or user.role_regional:
        return True
    if user.office_id and user.has_role(*STAFF_ROLES):
        return True
    if user.role_partner_staff:
        return ProgramPartner.objects.filter(
            partner_id__in=PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")
        ).exists()
    return False
