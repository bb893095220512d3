"""Community programs run through the seven stages of the social-work cycle (domain.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import MEMBER, OFFICE, REGION, own_office, own_region, reach_filter
from aksalarasa.core.visibility import VisibleThroughQuerySet

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


def _member(user: User, prefix: str) -> Q | None:
    if not user.office_id:
        return None
    return Q(**{f"{prefix}office_id": user.office_id, f"{prefix}members__user_id": user.pk})


# What each reach of the role table (accounts/permissions.py, "program") means for programs.
# TAKES_PART (the programs a partner's organisation takes part in) is filled in by
# programs/scoping.py, which reads the partners app; until then it grants nothing.
PROGRAM_REACH: dict[str, Callable[[User, str], Q | None]] = {
    REGION: own_region,
    OFFICE: own_office,
    MEMBER: _member,
}


def program_scope(user: User, prefix: str = "") -> Q | None:
    """The one program-scoping rule (domain.md: programs, events), read from the role table
    ("program: read"): national viewers every program (None), regional viewers their region's,
    office staff their office's, program team members their own programs, partner staff the
    programs their organisation takes part in."""
    return reach_filter(user, "program", "read", PROGRAM_REACH, prefix)


def editing_member(program_id: int, user: User) -> bool:
    """Is `user` on the program's team with the right to edit (the MEMBER reach of an edit)?"""
    return ProgramMember.objects.filter(program_id=program_id, user_id=user.pk, can_edit=True).exists()


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
    # The program report's cover letter and closing section (edited on the report page).
    report_letter_number = models.CharField(_("letter number (nomor surat)"), max_length=100, blank=True)
    report_place = models.CharField(
        _("place of signing"),
        max_length=100,
        blank=True,
        help_text=_("The city written above the signature."),
    )
    conclusions = models.TextField(_("conclusions"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
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

    visible_through = "program"  # visible when its program is
    objects = VisibleThroughQuerySet.as_manager()

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

    visible_through = "program"  # visible when its program is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["at"]


# --- Child records of the stages. Each is scoped through its program (program_scope(user, "program__")).

SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud from a projector


class ProgramChildQuerySet(models.QuerySet):
    """Child rows of a program, visible when the program is (the one program-scoping rule)."""

    def visible_to(self, user: User) -> models.QuerySet:
        condition = program_scope(user, "program__")
        return self.all() if condition is None else self.filter(condition).distinct()


class Contact(models.Model):
    """Stage 1: a contact with a stakeholder, or a relation-building activity."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Initial contact")
        RELATION = "relation", _("Relation-building activity")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONTACT)
    date = models.DateField(_("date"))
    people = models.CharField(_("people met"), max_length=300)
    institution = models.CharField(_("institution"), max_length=200)
    stakeholder_role = models.CharField(_("their role"), max_length=150, blank=True)
    purpose = models.TextField(_("purpose"))
    agreement = models.TextField(_("agreement reached"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]


class ProgramPartner(models.Model):
    """Stage 2: an organisation taking part (linked to a partner of the office when there is one)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="program_partners")
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="program_links",
        verbose_name=_("partner of the office"),
    )
    name = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("For an organisation not in the partner list."),
    )
    role = models.CharField(_("role in the program"), max_length=200)

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    @property
    def display_name(self) -> str:
        return self.partner.name if self.partner else self.name


class ProgramReferral(models.Model):
    """Stage 7: a client referral to a partner made as part of the program's termination."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="client_referrals")
    referral = models.ForeignKey("partners.Referral", on_delete=models.CASCADE, related_name="program_links")
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "referral"], name="program_referral_unique"),
        ]


class StakeholderGroup(models.Model):
    """Stage 2: interest groups (concerned by the problem) and target groups (receive the solution)."""

    class Kind(models.TextChoices):
        INTEREST = "interest", _("Interest group")
        TARGET = "target", _("Target group")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]


class ParticipantGroup(models.TextChoices):
    OFFICER = "officer", _("Officer")
    CLIENT = "client", _("Client")
    RESIDENT = "resident", _("Resident")
    PARTNER = "partner", _("Partner")
    OFFICIAL = "official", _("Official")


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    # A real answer, counted apart in the results: never folded into either sex.
    NOT_SAID = "X", _("Prefer not to say")


class Assessment(models.Model):
    """Stage 3: one participatory assessment (MPA) session with its vote."""

    class Method(models.TextChoices):
        POCKET = "pocket", _("Pocket voting (at most one vote per item)")
        DOT = "dot", _("Dot voting (several dots on one item allowed)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="assessments")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=150)
    method = models.CharField(_("voting method"), max_length=10, choices=Method.choices, default=Method.DOT)
    votes_per_person = models.PositiveSmallIntegerField(_("votes per person"), default=3)
    code = models.CharField(_("voting code"), max_length=8, unique=True, editable=False)
    voting_open = models.BooleanField(_("voting open"), default=False)
    priorities_chosen_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_per_person__gte=1, votes_per_person__lte=20), name="assessment_votes_1_20"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssessmentParticipant(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=150)
    group = models.CharField(_("group"), max_length=10, choices=ParticipantGroup.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ballot_token = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    visible_through = "assessment"  # visible when its assessment is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["group", "name", "pk"]


class AssessmentItem(models.Model):
    """A problem (with causes and effects) or a potential/resource found in the session."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        POTENTIAL = "potential", _("Potential or resource")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROBLEM)
    title = models.CharField(_("title"), max_length=250)
    causes = models.TextField(_("causes"), blank=True)
    effects = models.TextField(_("effects"), blank=True)
    is_priority = models.BooleanField(_("chosen as a priority"), default=False)
    rank = models.PositiveSmallIntegerField(_("rank when priorities were chosen"), null=True, blank=True)
    votes_at_choice = models.PositiveIntegerField(null=True, blank=True)

    visible_through = "assessment"  # visible when its assessment is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    """A participant's votes (dots) on one problem; their sum never exceeds votes_per_person."""

    participant = models.ForeignKey(AssessmentParticipant, on_delete=models.CASCADE, related_name="votes")
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="votes")
    count = models.PositiveSmallIntegerField(default=1)

    visible_through = "participant"  # visible when its participant is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "item"], name="vote_one_row_per_item"),
            models.CheckConstraint(condition=Q(count__gte=1), name="vote_count_positive"),
        ]


class Tally(models.Model):
    """Counts entered by the facilitator (paper pockets or dots), per problem and group."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="tallies")
    group = models.CharField(_("group"), max_length=10, choices=ParticipantGroup.choices)
    count = models.PositiveIntegerField(_("votes"), default=0)

    visible_through = "item"  # visible when its item is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "group"], name="tally_one_per_item_group")]


class PlanningWorkshop(models.Model):
    """Stage 4: a TOP consensus workshop around a focus question."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="workshops")
    date = models.DateField(_("date"))
    focus_question = models.CharField(_("focus question"), max_length=300)
    context = models.TextField(_("context"), blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=150)
    code = models.CharField(_("card code"), max_length=8, unique=True, editable=False)
    cards_open = models.BooleanField(_("accepting cards"), default=True)
    resolution = models.TextField(_("resolution"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.focus_question


class Cluster(models.Model):
    workshop = models.ForeignKey(PlanningWorkshop, on_delete=models.CASCADE, related_name="clusters")
    symbol = models.CharField(max_length=3)
    name = models.CharField(_("name"), max_length=200, blank=True)

    visible_through = "workshop"  # visible when its workshop is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["workshop", "symbol"], name="cluster_symbol_unique")]


class Card(models.Model):
    workshop = models.ForeignKey(PlanningWorkshop, on_delete=models.CASCADE, related_name="cards")
    text = models.CharField(_("idea"), max_length=200)
    author = models.CharField(_("your name (optional)"), max_length=100, blank=True)
    cluster = models.ForeignKey(
        Cluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="cards"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    visible_through = "workshop"  # visible when its workshop is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]


class ActionPlan(models.Model):
    """Stage 4: TOP action planning (one per program)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="action_plan")
    victory = models.TextField(_("victory (what success looks like)"), blank=True)
    current_reality = models.TextField(_("current reality"), blank=True)
    commitment = models.TextField(_("commitment (a measurable accomplishment)"), blank=True)
    commitment_date = models.DateField(_("accomplished by"), null=True, blank=True)
    team = models.TextField(_("team"), blank=True, help_text=_("Who does what; one person per line."))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProgramChildQuerySet.as_manager()


class PlanAction(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=250)
    owner = models.CharField(_("owner"), max_length=150)
    due = models.DateField(_("date"))
    resources = models.CharField(_("resources"), max_length=300, blank=True)
    cost = models.PositiveBigIntegerField(_("cost (rupiah)"), default=0)
    hours = models.DecimalField(_("time (hours)"), max_digits=7, decimal_places=1, default=0)

    visible_through = "plan"  # visible when its plan is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]


class Indicator(models.Model):
    """Stage 6: a success indicator; the weights of a program total 100 %."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        EVENT_CHECKIN = "event_checkin", _("Share of invited clients who checked in (events)")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.CharField(_("criterion"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    target = models.CharField(_("target"), max_length=300, blank=True)
    measurement = models.TextField(_("how it is measured"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    source = models.CharField(
        _("achievement from"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    achievement = models.DecimalField(
        _("achievement (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    history = HistoricalRecords()

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="indicator_weight_1_100"
            ),
            models.CheckConstraint(
                condition=Q(achievement__isnull=True) | Q(achievement__gte=0, achievement__lte=100),
                name="indicator_achievement_0_100",
            ),
        ]


class Evaluation(models.Model):
    """Stage 6: goal and benefit achievement, SWOT (each list one item per line)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="evaluation")
    goal_achievement = models.TextField(_("goal achievement"), blank=True)
    benefit_achievement = models.TextField(_("benefit achievement"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True, help_text=_("One per line."))
    weaknesses = models.TextField(_("weaknesses"), blank=True, help_text=_("One per line."))
    opportunities = models.TextField(_("opportunities"), blank=True, help_text=_("One per line."))
    threats = models.TextField(_("threats"), blank=True, help_text=_("One per line."))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProgramChildQuerySet.as_manager()

    def swot(self) -> dict[str, list[str]]:
        return {
            name: [line.strip() for line in getattr(self, name).splitlines() if line.strip()]
            for name in ("strengths", "weaknesses", "opportunities", "threats")
        }


class ClosingActivity(models.Model):
    """Stage 7: a closing activity (farewell, thanks, token of appreciation...)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="closing_activities")
    date = models.DateField(_("date"))
    description = models.CharField(_("activity"), max_length=300)

    objects = ProgramChildQuerySet.as_manager()

    class Meta:
        ordering = ["date", "pk"]


class ProgramHandover(models.Model):
    """Stage 7: the report handed over and the program's continuation referred to an owner."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="handover")
    report_to = models.CharField(_("report handed to"), max_length=200, blank=True)
    report_date = models.DateField(_("report handed over on"), null=True, blank=True)
    report_document = models.CharField(
        _("report document"), max_length=250, blank=True, help_text=_("Title or archive reference.")
    )
    owner_institution = models.CharField(_("continued by (institution)"), max_length=200, blank=True)
    owner_person = models.CharField(_("contact person / position"), max_length=200, blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProgramChildQuerySet.as_manager()
