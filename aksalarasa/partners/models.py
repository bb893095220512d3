"""Partners (Pokmas Lipas), their services, referrals and partner feedback.

A referral hands a client to one partner service. Its states and the allowed moves between them
live in one table (TRANSITIONS, below); every move is a ReferralEvent (who, when, from, to, why).
Partner sessions are GuidanceSession rows (kind=partner) linked through ReferralSession, so they
appear on the client's guidance timeline and caseload without any change to the guidance app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import (
    MINE,
    OFFICE,
    PARTNER,
    REGION,
    SECTION,
    own_office,
    own_region,
    reach_filter,
)
from aksalarasa.core.visibility import VisibleThroughQuerySet

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def own_partner_ids(user: User) -> models.QuerySet:
    """The organisations a partner-staff account belongs to (a subquery)."""
    return PartnerMembership.objects.filter(user_id=user.pk).values("partner_id")


# What each reach of the role table (accounts/permissions.py, "partner") means for partners.
PARTNER_REACH: dict[str, Callable[[User, str], Q | None]] = {
    REGION: own_region,
    OFFICE: own_office,
    PARTNER: lambda user, prefix: Q(**{f"{prefix}pk__in": own_partner_ids(user)}),
}


class PartnerQuerySet(models.QuerySet["Partner"]):
    def visible_to(self, user: User) -> PartnerQuerySet:
        """National viewers every partner, regional viewers their region's, office staff their
        office's, partner staff their own organisation ("partner: read")."""
        condition = reach_filter(user, "partner", "read", PARTNER_REACH)
        return self.all() if condition is None else self.filter(condition)


class Partner(models.Model):
    """A partner organisation of one office (Pokmas Lipas, foundation, cooperative...)."""

    class LegalForm(models.TextChoices):
        FOUNDATION = "yayasan", _("Foundation (yayasan)")
        ASSOCIATION = "perkumpulan", _("Association (perkumpulan)")
        COOPERATIVE = "koperasi", _("Cooperative (koperasi)")
        COMPANY = "company", _("Company (PT/CV)")
        RELIGIOUS = "religious", _("Religious institution")
        COMMUNITY = "community", _("Community group")
        GOVERNMENT = "government", _("Government body")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Partnership ended")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm.choices)
    focus_areas = models.CharField(
        _("focus areas"),
        max_length=300,
        blank=True,
        help_text=_("Separate with commas, e.g. child protection, vocational training"),
    )
    regions = models.ManyToManyField(
        "offices.Region",
        related_name="+",
        blank=True,
        verbose_name=_("regencies/cities served"),
        limit_choices_to={"level": 2},
    )
    address = models.TextField(_("address"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    agreement_number = models.CharField(_("partnership agreement number"), max_length=100, blank=True)
    agreement_start = models.DateField(_("agreement start"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    public_listing = models.BooleanField(
        _("show in the public directory"),
        default=False,
        help_text=_("Only the organisation and its services are shown; never any client data."),
    )
    public_description = models.TextField(_("public description"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[regions])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="partner_name_unique_per_office"),
            models.CheckConstraint(
                condition=Q(agreement_start__isnull=True)
                | Q(agreement_end__isnull=True)
                | Q(agreement_start__lt=F("agreement_end")),
                name="partner_agreement_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def focus_list(self) -> list[str]:
        return [part.strip() for part in self.focus_areas.split(",") if part.strip()]


class PartnerService(models.Model):
    class Kind(models.TextChoices):
        VOCATIONAL = "vocational", _("Vocational training")
        RELIGIOUS = "religious", _("Religious guidance")
        COUNSELLING = "counselling", _("Counselling")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        EMPLOYMENT = "employment", _("Employment")
        OTHER = "other", _("Other")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    for_children = models.BooleanField(_("for child clients"), default=False)
    for_adults = models.BooleanField(_("for adult clients"), default=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (clients at a time)"), default=10)
    schedule = models.CharField(_("schedule"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("open for referrals"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    visible_through = "partner"  # visible when its partner is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name", "name"]
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="service_name_unique_per_partner"),
            models.CheckConstraint(
                condition=Q(for_children=True) | Q(for_adults=True), name="service_has_eligible_category"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner.name})"

    def eligible_for(self, category: str) -> bool:
        return self.for_children if category == "child" else self.for_adults


class PartnerMembership(models.Model):
    """Links a partner-staff account to the one partner it works for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_membership"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    visible_through = "partner"  # visible when its partner is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner staff membership")
        verbose_name_plural = _("partner staff memberships")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    CANCELLED = "cancelled", _("Cancelled")


class Side(models.TextChoices):
    OFFICE = "office", _("the client's officer")
    PARTNER = "partner", _("the partner")


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    side: str  # who may make the move: Side.OFFICE or Side.PARTNER
    needs_reason: bool = False
    # Moves made by a service as part of another action, never offered as a bare button.
    implicit: bool = False


# THE transition table: every allowed move, who makes it, and whether a reason is required.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.DRAFT, Status.SENT, Side.OFFICE),
    Transition(Status.DRAFT, Status.CANCELLED, Side.OFFICE, needs_reason=True),
    Transition(Status.SENT, Status.ACCEPTED, Side.PARTNER),
    Transition(Status.SENT, Status.DECLINED, Side.PARTNER, needs_reason=True),
    Transition(Status.SENT, Status.CANCELLED, Side.OFFICE, needs_reason=True),
    Transition(Status.ACCEPTED, Status.IN_PROGRESS, Side.PARTNER),
    Transition(Status.ACCEPTED, Status.CANCELLED, Side.OFFICE, needs_reason=True),
    Transition(Status.ACCEPTED, Status.DROPPED_OUT, Side.PARTNER, needs_reason=True),
    Transition(Status.ACCEPTED, Status.DROPPED_OUT, Side.OFFICE, needs_reason=True),
    Transition(Status.IN_PROGRESS, Status.DROPPED_OUT, Side.PARTNER, needs_reason=True),
    Transition(Status.IN_PROGRESS, Status.DROPPED_OUT, Side.OFFICE, needs_reason=True),
    # Completed only with the end-of-service report (services.service_report_submit).
    Transition(Status.IN_PROGRESS, Status.COMPLETED, Side.PARTNER, implicit=True),
)
TERMINAL = frozenset({Status.DECLINED, Status.COMPLETED, Status.DROPPED_OUT, Status.CANCELLED})
# Referrals that hold (or claim) a place in a service: capacity minus these is the free capacity.
ACTIVE_STATES = (Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
# While a referral is in one of these, the partner may see the client fields it shares.
PARTNER_SHARING_STATES = (
    Status.SENT,
    Status.ACCEPTED,
    Status.IN_PROGRESS,
    Status.COMPLETED,
    Status.DROPPED_OUT,
)
# Partner sessions can be recorded while the client takes part.
SESSION_STATES = (Status.ACCEPTED, Status.IN_PROGRESS)


def transition_find(source: str, target: str, side: str) -> Transition | None:
    for move in TRANSITIONS:
        if move.source == source and move.target == target and move.side == side:
            return move
    return None


class SharedField(models.TextChoices):
    """Client fields a referral may share with the partner (beyond the initials, always shown)."""

    NAME = "name", _("Full name")
    CATEGORY = "category", _("Category (child/adult)")
    SEX = "sex", _("Sex")
    BIRTH_DATE = "birth_date", _("Date of birth")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Address")
    EMERGENCY_CONTACT = "emergency_contact", _("Emergency contact")


def _referral_section(user: User, prefix: str) -> Q | None:
    if not (user.office_id and user.section):
        return None
    return Q(**{f"{prefix}office_id": user.office_id, f"{prefix}client__category": user.section})


def _referral_caseload(user: User, prefix: str) -> Q | None:
    if not user.office_id:
        return None
    return Q(**{f"{prefix}office_id": user.office_id, f"{prefix}client__officer_id": user.pk})


# What each reach of the role table ("referral: read") means for referrals: the office, the
# section's clients, the officer's own clients, and for partner staff the referrals sent to their
# organisation (never a draft).
REFERRAL_REACH: dict[str, Callable[[User, str], Q | None]] = {
    OFFICE: own_office,
    SECTION: _referral_section,
    MINE: _referral_caseload,
    PARTNER: lambda user, prefix: Q(
        **{f"{prefix}partner_id__in": own_partner_ids(user), f"{prefix}sent_at__isnull": False}
    ),
}


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> ReferralQuerySet:
        """Identities of referrals: never for national and regional viewers (counts only)."""
        condition = reach_filter(user, "referral", "read", REFERRAL_REACH)
        return self.all() if condition is None else self.filter(condition)


class Referral(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(PartnerService, on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", editable=False
    )  # the service's partner, kept here for scoping in one join
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    reason = models.TextField(_("reason for the referral"))
    need_kind = models.CharField(
        _("kind of need"), max_length=20, choices=PartnerService.Kind.choices, blank=True
    )
    goals = models.TextField(
        _("outcomes aimed at"), blank=True, help_text=_("One per line; the partner rates each at the end.")
    )
    shared_fields = models.JSONField(_("fields shared with the partner"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("reason for the last change"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["office", "status"], name="referral_office_status"),
            models.Index(fields=["partner", "status"], name="referral_partner_status"),
            models.Index(fields=["service", "status"], name="referral_service_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service.name}"

    @property
    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL


class ReferralEvent(models.Model):
    """One move of a referral: who, when, from what, to what, why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    target = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    visible_through = "referral"  # visible when its referral is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]


class ReferralSession(models.Model):
    """A partner session: the GuidanceSession row, linked to the referral it belongs to."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="session_links")
    session = models.OneToOneField(
        "guidance.GuidanceSession", on_delete=models.CASCADE, related_name="referral_link"
    )

    visible_through = "referral"  # visible when its referral is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["-session__scheduled_at"]


class ServiceReport(models.Model):
    """The partner's end-of-service report."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="report")
    recommendation = models.TextField(_("recommendation"))
    certificate = models.FileField(_("certificate"), upload_to="partners/certificates/", blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()
    visible_through = "referral"  # visible when its referral is
    objects = VisibleThroughQuerySet.as_manager()


class GoalRating(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class ServiceReportOutcome(models.Model):
    report = models.ForeignKey(ServiceReport, on_delete=models.CASCADE, related_name="outcomes")
    goal = models.CharField(_("outcome aimed at"), max_length=300)
    rating = models.CharField(_("rating"), max_length=12, choices=GoalRating.choices)
    evidence = models.TextField(_("evidence"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    visible_through = "report"  # visible when its report is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["position"]


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: User) -> NotificationQuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notice to an officer (a concern raised by a partner, a partner's decision).

    The text is rendered from `kind` at read time, so it shows in the reader's language."""

    class Kind(models.TextChoices):
        CONCERN = "concern", _("Concern raised")
        ACCEPTED = "accepted", _("Referral accepted")
        DECLINED = "declined", _("Referral declined")
        DROPPED_OUT = "dropped_out", _("Client dropped out")
        COMPLETED = "completed", _("End-of-service report")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_recipient_read")]
