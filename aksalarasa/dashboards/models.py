"""Summaries behind the dashboards: each office's figures as of the last refresh.

They are derived data, rebuilt whole by `services.summaries_refresh` (the `refresh_summaries`
command, run on a schedule): nothing else writes them, and they keep no history. A dashboard
read from them shows exactly what the raw aggregates showed at `SummaryState.as_of`, and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from aksalarasa.offices.models import Office

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class OfficeScopedQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> models.QuerySet:
        """The offices the viewer may see figures of (the offices' own scoping rule)."""

        return self.filter(office__in=Office.objects.visible_to(user).values("pk"))


class SessionSumsFields(models.Model):
    """Guidance sessions, summed: an attendance rate is attended / expected, the mean engagement
    engagement_sum / rated."""

    expected = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    engagement_sum = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class OfficeSummary(SessionSumsFields):
    """An office's figures as of the refresh; the session sums cover the 90 days before it."""

    office = models.OneToOneField("offices.Office", on_delete=models.CASCADE, related_name="+")
    children = models.PositiveIntegerField(default=0)
    adults = models.PositiveIntegerField(default=0)
    by_program = models.JSONField(default=dict)  # program type -> active clients
    referrals = models.JSONField(default=dict)  # status -> referrals
    open_referrals = models.PositiveIntegerField(default=0)
    stages = models.JSONField(default=dict)  # stage -> programs
    programs = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    checked_in = models.PositiveIntegerField(default=0)
    responses = models.PositiveIntegerField(default=0)

    objects = OfficeScopedQuerySet.as_manager()


class MonthSummary(SessionSumsFields):
    """An office's guidance sessions of one calendar month in one time zone (the months a viewer
    in that zone sees), up to the refresh."""

    office = models.ForeignKey("offices.Office", on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=40)
    month = models.DateField()

    objects = OfficeScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone", "office", "month"], name="month_summary_unique"),
        ]


class SummaryState(models.Model):
    """One row: when the summaries were last rebuilt, for which zones, and how long it took; and
    when a write the figures count last committed (`changed_at`, set on commit by apps.py's hooks):
    a dashboard read finding it after `as_of` and `as_of` a minute old rebuilds them first."""

    as_of = models.DateTimeField()
    changed_at = models.DateTimeField(null=True, blank=True)
    zones = models.JSONField(default=list)
    seconds = models.FloatField(default=0)
