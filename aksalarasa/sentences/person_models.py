"""The person's own view of their community service: a private link (and QR) given at placement,
and complaints about the placement that reach the section head (Kasi), never the site.

Imported by models.py (so Django registers them in the sentences app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import OFFICE, SECTION, own_office, reach_filter
from aksalarasa.clients.models import through_client
from aksalarasa.core.visibility import VisibleThroughQuerySet

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class PersonLink(models.Model):
    """A private link to the person's own page. Only the SHA-256 of the token is stored: the link is
    shown once, when it is given; giving a new one revokes the old."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "sentences.SentenceOrder", on_delete=models.CASCADE, related_name="person_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    visible_through = "order"  # visible when its order is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("private link")
        verbose_name_plural = _("private links")


def _through_order_client(user: User, prefix: str) -> Q | None:
    return through_client(SECTION)(user, f"{prefix}order__")


# What the role table's "placement_complaint" reaches mean: the office head the office, the section
# head (Kasi) the complaints about clients of their section.
COMPLAINT_REACH = {OFFICE: own_office, SECTION: _through_order_client}


def complaint_scope(user: User, prefix: str = "") -> Q | None:
    """Who reads a complaint about a placement: the office head and the client's section head
    (Kasi); never the PK, the site or the partner."""
    return reach_filter(user, "placement_complaint", "read", COMPLAINT_REACH, prefix)


class ComplaintQuerySet(models.QuerySet["PlacementComplaint"]):
    def visible_to(self, user: User) -> ComplaintQuerySet:
        condition = complaint_scope(user)
        return self.all() if condition is None else self.filter(condition)


class PlacementComplaint(models.Model):
    """A complaint the person raised about their placement, from their own page."""

    class Kind(models.TextChoices):
        SAFETY = "safety", _("My safety at the site")
        DIGNITY = "dignity", _("I am treated without dignity")
        COMMERCIAL = "commercial", _("The work is commercial (someone profits from it)")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("sentences.SentenceOrder", on_delete=models.PROTECT, related_name="complaints")
    site = models.ForeignKey(
        "sentences.ServiceSite", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("site"),
    )  # fmt: skip
    kind = models.CharField(_("what it is about"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("what happened"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("what the office did"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("complaint about a placement")
        verbose_name_plural = _("complaints about placements")
        indexes = [models.Index(fields=["office", "status"], name="complaint_office_status")]
