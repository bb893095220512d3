"""Community programs run through the seven stages of the social-work cycle (domain.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class Stage(models.TextChoices):
    INITIATION = "initiation", _("1. Social initiation")
    ORGANISING = "organising", _("2. Social organising")
    ASSESSMENT = "assessment", _("3. Social assessment (MPA)")
    PLANNING = "planning", _("4. Social planning (TOP)")
    INTERVENTION = "intervention", _("5. Intervention")
    EVALUATION = "evaluation", _("6. Evaluation")
    TERMINATION = "termination", _("7. Termination and referral")


STAGE_ORDER = [s.value for s in Stage]


def program_scope(user: User, prefix: str = "") -> Q | None:
    """The one program-scoping rule (domain.md: programs, events).

    None means every program (superuser and national viewers: read). Regional viewers read their
    region's programs; office head, section head, officer and admin read the office's programs;
    program team members see (and edit) their own programs; partner staff read the programs their
    organisation takes part in (extended by the partners/programs link through PROGRAM_SCOPE_EXTENSIONS).
    """
    if user.is_superuser or (user.is_authenticated and user.is_active and user.role_national):
        return None
    condition = Q(**{f"{prefix}pk__in": []})
    if not user.is_authenticated or not user.is_active:
        return condition
    if user.role_regional and user.regional_office_id:
        condition |= Q(**{f"{prefix}office__regional_office_id": user.regional_office_id})
    if user.office_id and user.has_role("office_head", "section_head", "officer", "admin"):
        condition |= Q(**{f"{prefix}office_id": user.office_id})
    if user.office_id and user.role_program_team:
        condition |= Q(**{f"{prefix}office_id": user.office_id, f"{prefix}members__user_id": user.pk})
    for extension in PROGRAM_SCOPE_EXTENSIONS:
        extra = extension(user, prefix)
        if extra is not None:
            condition |= extra
    return condition


PROGRAM_SCOPE_EXTENSIONS: list = []


class ProgramQuerySet(models.QuerySet["Program"]):
    def visible_to(self, user: User) -> ProgramQuerySet:
        condition = program_scope(user)
        return self.all() if condition is None else self.filter(condition).distinct()


class Program(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="programs")
    title = models.CharField(_("title"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    theme = models.CharField(_("theme"), max_length=250, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    benefits = models.TextField(_("expected benefits"), blank=True)
    problems_addressed = models.TextField(_("problems addressed"), blank=True)
    intervention_type = models.CharField(_("intervention type"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=200, blank=True)
    technique = models.CharField(_("technique"), max_length=200, blank=True)
    resource_systems = models.TextField(_("resource systems"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    stage = models.CharField(
        _("current stage"), max_length=20, choices=Stage.choices, default=Stage.INITIATION
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="program_start_not_after_end"
            ),
        ]

    def __str__(self) -> str:
        return self.acronym or self.title


class ProgramMember(models.Model):
    """A member of the program team (staff) with a role such as coordinator or facilitator."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="program_memberships"
    )
    role = models.CharField(_("role in the team"), max_length=100)
    can_edit = models.BooleanField(_("can edit"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="program_member_unique")]


class StageChange(models.Model):
    """Every move between stages: who, when, from, to, why (a move back needs a reason)."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]
