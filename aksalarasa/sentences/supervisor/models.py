"""What a site supervisor's phone sends (SiteVisit) and the person's placement PIN (PlacementPin).

A SiteVisit is one person's day at a site as the supervisor recorded it, offline maybe, under an id
the phone made (`client_uuid`, unique: a replay of the same entry, even two at once, stores one
row). It is not the ledger: an arrival with confirmed hours and no conflict writes one HoursEntry
(ledger.py) and points at it; a conflict waits for the order's PK, whose decision is a versioned
change of the visit (and, when accepted, a ledger entry). Imported at the end of sentences/models.py
(so that Django registers the models with the sentences app).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import SUPERVISES, reach_filter
from aksalarasa.core.visibility import VisibleThroughQuerySet
from aksalarasa.sentences.models import ServiceSite, order_scope

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def supervised_site_ids(user: User) -> models.QuerySet:
    """The sites the person supervises (ServiceSite.supervisors), as a subquery."""
    return ServiceSite.supervisors.through.objects.filter(user_id=user.pk).values("servicesite_id")


def _supervises(user: User, prefix: str) -> Q:
    return Q(**{f"{prefix}site_id__in": supervised_site_ids(user)})


def visit_scope(user: User) -> Q | None:
    """Who sees a visit: the order's guidance staff ("sentence_order: read") and the supervisors of
    its site ("site_visit: read", SUPERVISES)."""
    by_order = order_scope(user, "order__")
    by_site = reach_filter(user, "site_visit", "read", {SUPERVISES: _supervises})
    if by_order is None or by_site is None:
        return None
    return by_order | by_site


def visit_photo_path(instance: Any, filename: str) -> str:
    """A random name under the private folder (no public /media/ URL; served by a scoped view)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"private/sentences/visits/{instance.office_id}/{uuid.uuid4().hex}.{extension}"


class SiteVisitQuerySet(models.QuerySet["SiteVisit"]):
    def visible_to(self, user: User) -> SiteVisitQuerySet:
        condition = visit_scope(user)
        return self.all() if condition is None else self.filter(condition)


class SiteVisit(models.Model):
    """One person's day at a site, as the site supervisor recorded it on the phone."""

    class Attendance(models.TextChoices):
        ARRIVED = "arrived", _("Arrived")
        ABSENT = "absent", _("Absent")

    class State(models.TextChoices):
        CREDITED = "credited", _("Credited to the ledger")
        RECORDED = "recorded", _("Absence recorded")
        CONFLICT = "conflict", _("Waiting for the PK")
        ACCEPTED = "accepted", _("Accepted by the PK")
        REJECTED = "rejected", _("Rejected by the PK")

    # Why the PK must decide: codes, one a line, shown in the reader's language (a refusal by the
    # ledger's legal checks is kept as its message, after RULE_PREFIX).
    CONFLICTS = {
        "order_closed": _("The order is no longer active."),
        "no_pin": _("The person did not confirm the hours with their PIN."),
        "away": _("Recorded away from the site's map point (see the distance)."),
        "overlap": _("The time overlaps hours already in the ledger."),
    }
    RULE_PREFIX = "rule:"

    client_uuid = models.UUIDField(_("id made by the phone"), editable=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("sentences.SentenceOrder", on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey("sentences.ServiceSite", on_delete=models.PROTECT, related_name="visits")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    work_date = models.DateField(_("date"))
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices)
    absence_reason = models.CharField(_("reason for the absence"), max_length=300, blank=True)
    start_at = models.DateTimeField(_("start"), null=True, blank=True)
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"), default=0)
    work_done = models.CharField(_("work done"), max_length=300, blank=True)
    photo = models.ImageField(_("photo of the work"), upload_to=visit_photo_path, max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the site (m)"), null=True, blank=True)
    location_ok = models.BooleanField(_("within the site's radius"), null=True, blank=True)
    pin_confirmed = models.BooleanField(_("confirmed by the person's PIN"), default=False)
    made_at = models.DateTimeField(_("made on the phone at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    conflict = models.TextField(_("why the PK must decide"), blank=True)
    entry = models.OneToOneField(
        "sentences.HoursEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="visit"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["photo"])

    objects = SiteVisitQuerySet.as_manager()

    class Meta:
        ordering = ["-work_date", "-pk"]
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        constraints = [
            # A replay of an entry, even two at once, stores it once.
            models.UniqueConstraint(fields=["client_uuid"], name="visit_client_uuid_unique"),
            models.CheckConstraint(
                condition=Q(attendance="absent") | Q(start_at__lt=models.F("end_at")),
                name="visit_arrival_has_times",
            ),
            models.CheckConstraint(
                condition=Q(attendance="arrived") | ~Q(absence_reason=""), name="visit_absence_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["order", "state"], name="visit_order_state"),
            models.Index(fields=["site", "work_date"], name="visit_site_day"),
        ]

    def __str__(self) -> str:
        return str(self.client_uuid)

    @property
    def conflict_reasons(self) -> list[str]:
        reasons = []
        for line in filter(None, self.conflict.splitlines()):
            if line.startswith(self.RULE_PREFIX):
                reasons.append(line.removeprefix(self.RULE_PREFIX))
            else:
                reasons.append(str(self.CONFLICTS.get(line, line)))
        return reasons


class PlacementPin(models.Model):
    """The person's PIN for confirming their hours on the supervisor's phone, given at placement.
    Only its hash is kept (Django's password hasher); the PK sees the digits once, when issued."""

    order = models.OneToOneField("sentences.SentenceOrder", on_delete=models.CASCADE, related_name="pin")
    visible_through = "order"  # the order's guidance staff (core/visibility.py)
    pin_hash = models.CharField(max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement PIN")
        verbose_name_plural = _("placement PINs")
