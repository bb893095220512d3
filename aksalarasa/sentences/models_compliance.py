"""Non-compliance, supervision condition checks and the letters a PK sends about an order.

Office-owned and scoped through the order: `visible_to(user)` is the rows whose order the user may
see (core.visibility.VisibleThroughQuerySet, `visible_through = "order"`). Writes go through
core.history.save_versioned (compliance_services.py); the legal rules live in compliance.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.core.visibility import VisibleThroughQuerySet
from aksalarasa.sentences.models import SentenceOrder


def evidence_path(instance: ComplianceEvent, filename: str) -> str:
    """A random name under the private folder (no person's name in a path; served only by a view)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if not extension.isalnum() or len(extension) > 5:
        extension = "bin"
    return f"private/sentences/evidence/{instance.office_id}/{uuid.uuid4().hex}.{extension}"


class OrderRecord(models.Model):
    """What every record about an order shares: its office, the version an editor read, its history,
    and its scope: whoever may see the order (order_scope) sees these."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(inherit=True)

    visible_through = "order"
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        abstract = True


class RecordedOrderRecord(OrderRecord):
    """A record about an order that someone recorded (who and when)."""

    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class ComplianceEvent(RecordedOrderRecord):
    """One failure to comply with a community-service order: an absence, lateness or a refusal to
    work, with whether the reason is valid ("alasan yang sah", UU 1/2023 Art. 85(7)) and its
    evidence (a privately stored file, or a note)."""

    class Kind(models.TextChoices):
        ABSENCE = "absence", _("Absence")
        LATENESS = "lateness", _("Lateness")
        REFUSAL = "refusal", _("Refusal to work")

    order = models.ForeignKey(SentenceOrder, on_delete=models.PROTECT, related_name="compliance_events")
    kind = models.CharField(_("outcome"), max_length=10, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    minutes_late = models.PositiveSmallIntegerField(_("minutes late"), null=True, blank=True)
    valid_reason = models.BooleanField(_("valid reason"), default=False)
    reason = models.CharField(_("reason given"), max_length=300, blank=True)
    evidence_note = models.TextField(_("evidence (note)"), blank=True)
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=evidence_path, blank=True, max_length=200
    )
    # Awaiting the PK's decision whether the reason is valid (an absence the site supervisor
    # recorded with a reason); compliance_event_reason settles it. Not counted as unexcused until then.
    reason_pending = models.BooleanField(_("awaiting the PK's decision"), default=False)
    # The site supervisor's entry this event came from (one event per entry, even when replayed).
    visit = models.OneToOneField(
        "sentences.SiteVisit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compliance_event",
        verbose_name=_("site visit"),
    )

    class Meta:
        ordering = ["order", "occurred_on", "pk"]
        verbose_name = _("non-compliance event")
        verbose_name_plural = _("non-compliance events")
        constraints = [
            models.CheckConstraint(
                condition=~Q(evidence_note="") | ~Q(evidence_file=""), name="compliance_event_has_evidence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d}"


class ConditionCheck(RecordedOrderRecord):
    """A check of one condition of a supervision order (UU 1/2023 Art. 76(2)-(3)) on a date: met, or
    violated (with or without a valid reason; a violation of a special condition without one is what
    Art. 76(5) speaks of)."""

    class Condition(models.TextChoices):
        GENERAL = "general", _("General condition (Art. 76(2))")
        SPECIAL = "special", _("Special condition (Art. 76(3))")

    class Result(models.TextChoices):
        MET = "met", _("Met")
        VIOLATED = "violated", _("Violated")

    order = models.ForeignKey(SentenceOrder, on_delete=models.PROTECT, related_name="condition_checks")
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices)
    condition_text = models.CharField(_("which condition"), max_length=300)
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    valid_reason = models.BooleanField(_("valid reason"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["order", "checked_on", "pk"]
        verbose_name = _("condition check")
        verbose_name_plural = _("condition checks")

    def __str__(self) -> str:
        return f"{self.condition_text} {self.checked_on:%Y-%m-%d}"


class SentenceLetter(OrderRecord):
    """A letter about an order: a warning to the person, the breach report to the prosecutor, the
    completion letter to the prosecutor and the court, or the PK's advice to extend or shorten a
    supervision. The figures the letter states are kept as they were when it was drafted."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning letter")
        BREACH_REPORT = "breach_report", _("Breach report to the prosecutor")
        COMPLETION = "completion", _("Completion letter")
        SUPERVISION_ADVICE = "supervision_advice", _("Advice to extend or shorten the supervision")

    class Option(models.TextChoices):
        # UU 1/2023 Art. 85(7) a-c: what the person must do after failing without a valid reason.
        REPEAT = "repeat", _("a. repeat all or part of the community service")
        PRISON = "prison", _("b. serve all or part of the replaced prison term")
        FINE = "fine", _("c. pay all or part of the replaced fine")

    class Advice(models.TextChoices):
        EXTEND = "extend", _("Extend the supervision (Art. 76(5))")
        SHORTEN = "shorten", _("Shorten the supervision (Art. 76(6))")

    order = models.ForeignKey(SentenceOrder, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("letter"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("letter number"), max_length=100, blank=True)
    event = models.ForeignKey(
        ComplianceEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("non-compliance event"),
    )
    minutes_ordered = models.PositiveIntegerField(default=0)
    minutes_credited = models.IntegerField(default=0)
    unexcused_events = models.PositiveSmallIntegerField(default=0)
    option = models.CharField(_("recommended option"), max_length=10, choices=Option.choices, blank=True)
    advice = models.CharField(_("advice"), max_length=10, choices=Advice.choices, blank=True)
    advice_months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    recommendation = models.TextField(_("PK's recommendation"), blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_on = models.DateField(_("date"))

    class Meta:
        ordering = ["order", "drafted_on", "pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()
