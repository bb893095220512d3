"""Extensions of the one program-scoping rule (models.program_scope) and who sees the nav entry.

Partner staff read the programs their organisation takes part in (ProgramPartner.partner), and
nothing else of programs (domain.md, roles matrix).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.accounts.permissions import TAKES_PART, can
from aksalarasa.partners.models import PartnerMembership
from aksalarasa.programs.models import PROGRAM_REACH, ProgramPartner

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def partner_program_scope(user: User, prefix: str) -> Q | None:
    partner_ids = PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")
    program_ids = ProgramPartner.objects.filter(partner_id__in=partner_ids).values("program_id")
    return Q(**{f"{prefix}pk__in": program_ids})


def register() -> None:
    PROGRAM_REACH[TAKES_PART] = partner_program_scope


def can_browse_programs(user: User) -> bool:
    """The programs entry: whoever the role table lets read programs; partner staff only when their
    organisation takes part in one."""
    if not can(user, "program", "read"):
        return False
    if user.is_partner_only and not user.is_superuser:
        return ProgramPartner.objects.filter(
            partner_id__in=PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")
        ).exists()
    return True
