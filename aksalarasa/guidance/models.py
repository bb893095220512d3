"""Guidance sessions (pendampingan, pembimbingan, pengawasan, wajib lapor) and report-in schedules.

Attendance is recorded per client: a group session is a GuidanceGroup with one GuidanceSession
row per client. Partner sessions (a referred client's attendance recorded by partner staff) use the
same outcomes and engagement scale, so they appear on the same timeline and caseload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import ALL, MINE, OFFICE, SECTION, reach_filter, reaches
from aksalarasa.clients.models import through_client
from aksalarasa.core.visibility import VisibleThroughQuerySet

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class Kind(models.TextChoices):
    REPORT_IN = "report_in", _("Report-in (wajib lapor)")
    PERSONALITY = "personality", _("Personality guidance")
    INDEPENDENCE = "independence", _("Independence guidance")
    HOME_VISIT = "home_visit", _("Home visit")
    SUPERVISION = "supervision", _("Supervision")
    PARTNER = "partner", _("Partner session")


class Place(models.TextChoices):
    OFFICE = "office", _("Office")
    COMMUNITY = "community", _("Community")
    HOME = "home", _("Client's home")
    PARTNER_SITE = "partner_site", _("Partner site")
    ONLINE = "online", _("Online")


class Outcome(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    LATE = "late", _("Attended late")
    EXCUSED = "excused", _("Excused absence")
    UNEXCUSED = "unexcused", _("Unexcused absence")
    NOT_HELD = "not_held", _("Session did not happen")
    RESCHEDULED = "rescheduled", _("Rescheduled")


ATTENDED_OUTCOMES = (Outcome.ATTENDED, Outcome.LATE)
# Outcomes that count in an attendance rate (the client was expected): attended / expected.
EXPECTED_OUTCOMES = (Outcome.ATTENDED, Outcome.LATE, Outcome.EXCUSED, Outcome.UNEXCUSED)


class NotHeldReason(models.TextChoices):
    CLIENT = "client", _("Because of the client")
    OFFICER = "officer", _("Because of the officer")
    LOGISTICS = "logistics", _("Logistics")


class Engagement(models.IntegerChoices):
    AVOIDS = 1, _("1 · Avoids")
    PASSIVE = 2, _("2 · Present but passive")
    TAKES_PART = 3, _("3 · Takes part")
    LEADS = 4, _("4 · Leads")


class GuidanceGroupQuerySet(models.QuerySet["GuidanceGroup"]):
    def visible_to(self, user: User) -> GuidanceGroupQuerySet:
        """A group is visible to own-office staff who may read guidance sessions ("session: read")
        and who see at least one participant's session, or who lead it; every group to those the
        table gives ALL. Program team and partner staff never see a group."""
        found = reaches(user, "session", "read")
        if ALL in found:
            return self.all()
        if not (user.office_id and found):
            return self.none()
        seen = GuidanceSession.objects.visible_to(user).filter(group_id=OuterRef("pk"))
        return self.filter(office_id=user.office_id).filter(Q(Exists(seen)) | Q(officer_id=user.pk))


class GuidanceGroup(models.Model):
    """A group session; each client's attendance is a GuidanceSession linked here."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=20, choices=Place.choices)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    objects = GuidanceGroupQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]


# What each reach of the role table ("client_sessions: read") means for sessions: the client's
# rule for guidance staff; PARTNER (the sessions a partner's organisation recorded) is filled in
# by the partners app (partners/apps.py); until then it grants nothing.
SESSION_REACH: dict[str, Callable[[User, str], Q | None]] = {
    reach: through_client(reach) for reach in (OFFICE, SECTION, MINE)
}


class GuidanceSessionQuerySet(models.QuerySet["GuidanceSession"]):
    def visible_to(self, user: User) -> GuidanceSessionQuerySet:
        """Guidance sessions follow client visibility (domain.md); program team members see none;
        partner staff see the sessions their organisation recorded."""
        condition = reach_filter(user, "client_sessions", "read", SESSION_REACH)
        return self.all() if condition is None else self.filter(condition)


class GuidanceSession(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="sessions")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("officer"),
    )
    group = models.ForeignKey(
        GuidanceGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    schedule = models.ForeignKey(
        "guidance.ReportInSchedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT_IN)
    place = models.CharField(_("place"), max_length=20, choices=Place.choices, default=Place.OFFICE)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    not_held_reason = models.CharField(
        _("why it did not happen"), max_length=10, choices=NotHeldReason.choices, blank=True
    )
    rescheduled_to = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rescheduled_from",
        verbose_name=_("new appointment"),
    )
    engagement = models.PositiveSmallIntegerField(
        _("engagement"), choices=Engagement.choices, null=True, blank=True
    )
    client_said = models.TextField(_("what the client said"), blank=True)
    response = models.TextField(_("how the client responded"), blank=True)
    concern = models.BooleanField(_("concern"), default=False)
    concern_text = models.TextField(_("concern details"), blank=True)
    concern_resolved_at = models.DateTimeField(_("concern resolved at"), null=True, blank=True)
    concern_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concern resolved by"),
    )
    concern_resolution = models.TextField(_("how the concern was resolved"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = GuidanceSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(engagement__isnull=True) | Q(engagement__gte=1, engagement__lte=4),
                name="session_engagement_1_to_4",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-scheduled_at"], name="session_client_time"),
            models.Index(fields=["office", "scheduled_at"], name="session_office_time"),
            models.Index(fields=["officer", "scheduled_at"], name="session_officer_time"),
            models.Index(
                fields=["office", "client"],
                condition=Q(concern=True, concern_resolved_at__isnull=True),
                name="session_open_concern",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def is_recorded(self) -> bool:
        return bool(self.outcome)

    @property
    def has_open_concern(self) -> bool:
        return self.concern and self.concern_resolved_at is None


class ReportInSchedule(models.Model):
    """A recurring report-in (wajib lapor) appointment for one client."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="report_in_schedules")
    every_days = models.PositiveSmallIntegerField(_("every (days)"), default=30)
    first_at = models.DateTimeField(_("first appointment"))
    until = models.DateField(_("until"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=20, choices=Place.choices, default=Place.OFFICE)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    visible_through = "client"  # visible when its client is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("report-in schedule")
        verbose_name_plural = _("report-in schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=180), name="schedule_every_days_range"
            ),
        ]


class ClientGuidanceSummary(models.Model):
    """What the section and office roll-ups need of a client's sessions, kept current by every
    session writer (`guidance.summaries.client_summaries_refresh`), so a roll-up of thousands of clients
    reads one row per client instead of scanning every session of the office.

    Only facts that do not depend on the time of reading are stored; the flags that do ("no contact
    for 30 days", "supervision ends within 30 days") are compared with the clock in the query.
    `manage.py guidance_rebuild_summaries` rebuilds every row (the safety net after a bulk load).
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, primary_key=True, related_name="guidance_summary"
    )
    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    last_attended_at = models.DateTimeField(null=True, blank=True)
    open_concerns = models.PositiveIntegerField(default=0)
    # The two newest sessions where the client was expected were both unexcused absences.
    unexcused_twice = models.BooleanField(default=False)
    # The three newest engagement levels are all 1-2 (and there are at least three).
    low_engagement = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField()

    visible_through = "client"  # visible when its client is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("client guidance summary")
        verbose_name_plural = _("client guidance summaries")
        indexes = [models.Index(fields=["office"], name="guidance_summary_office")]
