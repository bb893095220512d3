"""The work plan of a community-service order: planned sessions and the person's unavailable times.

Imported by models.py (so Django registers them in the sentences app). Both are office-owned and
read through `visible_to(user)`, which reaches them through their order, like the hours ledger:
the role table's "work_plan" rule with the order's reaches (office head the office, section head
the section, the PK the own clients). The rules a plan obeys live in scheduling.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import reach_filter
from aksalarasa.sentences.choices import Weekday

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def plan_scope(user: User, prefix: str = "") -> Q | None:
    """Who sees an order's work plan ("work_plan: read"): the order's guidance staff."""
    from aksalarasa.sentences.models import ORDER_REACH

    return reach_filter(user, "work_plan", "read", ORDER_REACH, f"{prefix}order__")


class PlannedSessionQuerySet(models.QuerySet["PlannedSession"]):
    def visible_to(self, user: User) -> PlannedSessionQuerySet:
        condition = plan_scope(user)
        return self.all() if condition is None else self.filter(condition)


class PlannedSession(models.Model):
    """A session of community service planned for a day at the order's site. Times are the office's
    wall-clock times, like the site's opening hours."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "sentences.SentenceOrder", on_delete=models.CASCADE, related_name="planned_sessions"
    )
    site = models.ForeignKey(
        "sentences.ServiceSite",
        on_delete=models.PROTECT,
        related_name="planned_sessions",
        verbose_name=_("site"),
    )
    day = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = PlannedSessionQuerySet.as_manager()

    class Meta:
        ordering = ["day", "starts_at"]
        verbose_name = _("planned session")
        verbose_name_plural = _("planned sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="planned_starts_before_ends"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "day"], name="planned_site_day"),
            models.Index(fields=["order", "day"], name="planned_order_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


class UnavailableQuerySet(models.QuerySet["UnavailableTime"]):
    def visible_to(self, user: User) -> UnavailableQuerySet:
        condition = plan_scope(user)
        return self.all() if condition is None else self.filter(condition)


class UnavailableTime(models.Model):
    """A weekly time the person declared they cannot work (their job, school, worship)."""

    class Reason(models.TextChoices):
        WORK = "work", _("Work")
        SCHOOL = "school", _("School")
        WORSHIP = "worship", _("Worship")
        OTHER = "other", _("Other")

    Weekday = Weekday

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "sentences.SentenceOrder", on_delete=models.CASCADE, related_name="unavailable_times"
    )
    weekday = models.CharField(_("day of the week"), max_length=1, choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = UnavailableQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("unavailable time")
        verbose_name_plural = _("unavailable times")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="unavailable_starts_before_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"
