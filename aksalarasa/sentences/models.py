"""Community sentences (UU 1/2023): court orders, suitability, service sites and the hours ledger.

Every model is office-owned (`office`) and read through its one `visible_to(user)` (scoping.py holds
the rules). The legal limits live in rules.py; the ledger's hash chain in ledger.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
from aksalarasa.clients.models import client_scope, through_client
from aksalarasa.partners.models import own_partner_ids
from aksalarasa.sentences import rules
from aksalarasa.sentences.choices import Weekday

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def _site_partner(user: User, prefix: str) -> Q | None:
    """Partner staff: the sites of their own organisation and the sites they supervise."""
    supervised = ServiceSite.supervisors.through.objects.filter(user_id=user.pk).values("servicesite_id")
    return Q(**{f"{prefix}partner_id__in": own_partner_ids(user)}) | Q(**{f"{prefix}pk__in": supervised})


# What each reach of the role table (accounts/permissions.py, "site" and "sentence_order") means.
SITE_REACH: dict[str, Callable[[User, str], Q | None]] = {
    REGION: own_region,
    OFFICE: own_office,
    PARTNER: _site_partner,
}
ORDER_REACH: dict[str, Callable[[User, str], Q | None]] = {
    OFFICE: own_office,
    SECTION: through_client(SECTION),
    MINE: through_client(MINE),
}


def site_scope(user: User) -> Q | None:
    """Who sees a service site ("site: read"): national viewers all, regional viewers their region's,
    office staff their office's, partner staff their organisation's and the ones they supervise."""
    return reach_filter(user, "site", "read", SITE_REACH)


def order_scope(user: User, prefix: str = "") -> Q | None:
    """Who sees a sentence order, the case file ("sentence_order: read"): office head the office,
    section head the own section, the PK the own clients. Site supervisors see the people placed at
    their site through selectors.site_roster, never the order."""
    return reach_filter(user, "sentence_order", "read", ORDER_REACH, prefix)


class SiteQuerySet(models.QuerySet["ServiceSite"]):
    def visible_to(self, user: User) -> SiteQuerySet:
        condition = site_scope(user)
        return self.all() if condition is None else self.filter(condition)


class ServiceSite(models.Model):
    """A place where community service is worked: a partner's site, a public place, a Griya Abhipraya."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner's site")
        PUBLIC_PLACE = "public_place", _("Public place (beach, village, park)")
        GRIYA_ABHIPRAYA = "griya_abhipraya", _("Griya Abhipraya (the office's guidance house)")

    Weekday = Weekday

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_sites",
        verbose_name=_("partner"),
        help_text=_("Leave empty for the office's own Griya Abhipraya."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of site"), max_length=20, choices=Kind.choices)
    address = models.TextField(_("address"))
    regency = models.ForeignKey(
        "offices.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("regency/city"),
        limit_choices_to={"level": 2},
    )
    village_code = models.CharField(
        _("village (desa/kelurahan)"), max_length=13, blank=True, help_text=_("Kemendagri village code")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    work_kinds = models.CharField(
        _("kinds of work"),
        max_length=300,
        help_text=_("Separate with commas, e.g. beach cleaning, gardening"),
    )
    capacity_per_day = models.PositiveSmallIntegerField(_("capacity (people a day)"))
    opening_days = models.CharField(_("opening days"), max_length=13, help_text=_("Days of the week"))
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    safety_notes = models.TextField(_("safety notes"), blank=True)
    equipment = models.TextField(_("equipment provided"), blank=True)
    mou_number = models.CharField(_("MoU number"), max_length=100, blank=True)
    mou_start = models.DateField(_("MoU valid from"), null=True, blank=True)
    mou_end = models.DateField(_("MoU valid until"), null=True, blank=True)
    # UU 1/2023 Art. 85(3): the work is never commercial; no site without this declaration.
    non_commercial = models.BooleanField(
        _("the site declares the work is not commercial (UU 1/2023 Art. 85(3))"), default=False
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_sites",
        blank=True,
        verbose_name=_("site supervisors"),
    )
    active = models.BooleanField(_("open for placements"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[supervisors])

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service site")
        verbose_name_plural = _("service sites")
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="site_name_unique_per_office"),
            models.CheckConstraint(condition=Q(non_commercial=True), name="site_declared_non_commercial"),
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="site_opens_before_closes"),
            models.CheckConstraint(
                condition=Q(mou_start__isnull=True)
                | Q(mou_end__isnull=True)
                | Q(mou_start__lte=F("mou_end")),
                name="site_mou_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def work_kind_list(self) -> list[str]:
        return [part.strip() for part in self.work_kinds.split(",") if part.strip()]

    @property
    def opening_day_labels(self) -> list[str]:
        labels = dict(self.Weekday.choices)
        return [str(labels[d]) for d in self.opening_days if d in labels]


class OrderQuerySet(models.QuerySet["SentenceOrder"]):
    def visible_to(self, user: User) -> OrderQuerySet:
        condition = order_scope(user)
        return self.all() if condition is None else self.filter(condition)


class SentenceOrder(models.Model):
    """A court decision sentencing a client to community service or to supervision."""

    class SentenceType(models.TextChoices):
        COMMUNITY_SERVICE = rules.COMMUNITY_SERVICE, _("Community service (pidana kerja sosial)")
        SUPERVISION = rules.SUPERVISION, _("Supervision (pidana pengawasan)")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        BREACH = "breach", _("In breach")
        CANCELLED = "cancelled", _("Cancelled")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="sentence_orders")
    sentence_type = models.CharField(_("sentence"), max_length=20, choices=SentenceType.choices)
    court = models.CharField(_("court"), max_length=200, help_text=_("e.g. Pengadilan Negeri Denpasar"))
    case_number = models.CharField(_("case number"), max_length=100)
    case_registered_on = models.DateField(_("case registered on"))
    decision_number = models.CharField(_("decision number"), max_length=100)
    decision_date = models.DateField(_("decision date"))
    final_on = models.DateField(_("final and binding on"), null=True, blank=True)
    article = models.CharField(_("article(s) of the offence"), max_length=200)
    threatened_months = models.PositiveSmallIntegerField(
        _("maximum prison threat of the offence (months)"),
        help_text=_("The longest prison term the article threatens, in months."),
    )
    hours_ordered = models.PositiveSmallIntegerField(_("hours ordered"), null=True, blank=True)
    hours_per_day = models.PositiveSmallIntegerField(_("hours a day (as ruled)"), null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(_("period (months)"))
    start_date = models.DateField(_("start"))
    replaced_prison_days = models.PositiveIntegerField(
        _("replaced prison term (days)"), null=True, blank=True
    )
    replaced_fine = models.PositiveBigIntegerField(_("replaced fine (rupiah)"), null=True, blank=True)
    prosecutor_office = models.CharField(_("prosecutor's office"), max_length=200)
    general_conditions = models.TextField(_("general conditions"), blank=True)
    special_conditions = models.TextField(_("special conditions"), blank=True)
    site = models.ForeignKey(
        ServiceSite,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("service site"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-decision_date", "-pk"]
        verbose_name = _("sentence order")
        verbose_name_plural = _("sentence orders")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "decision_number"], name="order_decision_unique_per_office"
            ),
            # UU 1/2023 Art. 85(4) and 76(1), as a net under rules.py.
            models.CheckConstraint(
                condition=Q(sentence_type=rules.SUPERVISION)
                | Q(hours_ordered__gte=rules.MIN_HOURS, hours_ordered__lte=rules.MAX_HOURS),
                name="order_community_service_hours_in_range",
            ),
            models.CheckConstraint(
                condition=Q(period_months__gte=1, period_months__lte=rules.MAX_SUPERVISION_MONTHS),
                name="order_period_in_range",
            ),
        ]
        indexes = [models.Index(fields=["office", "status"], name="order_office_status")]

    def __str__(self) -> str:
        return self.decision_number

    @property
    def is_community_service(self) -> bool:
        return self.sentence_type == rules.COMMUNITY_SERVICE

    @property
    def end_date(self):
        return rules.period_end(self.start_date, self.period_months)

    @property
    def minutes_ordered(self) -> int:
        return (self.hours_ordered or 0) * 60


class Factor(models.TextChoices):
    FAVOURABLE = "favourable", _("Favourable")
    UNFAVOURABLE = "unfavourable", _("Unfavourable")
    UNCLEAR = "unclear", _("Not clear yet")


def _factor(label: Any) -> models.CharField:
    return models.CharField(label, max_length=12, choices=Factor.choices, default=Factor.UNCLEAR)


class SuitabilityQuerySet(models.QuerySet["Suitability"]):
    def visible_to(self, user: User) -> SuitabilityQuerySet:
        condition = client_scope(user, "client__")
        return self.all() if condition is None else self.filter(condition)


class Suitability(models.Model):
    """The suitability part of a Litmas for a community sentence: the factors the judge must weigh
    (UU 1/2023 Art. 85(2) a-g), the PK's recommendation and the person's informed consent."""

    class Recommendation(models.TextChoices):
        COMMUNITY_SERVICE = rules.COMMUNITY_SERVICE, _("Recommend community service")
        SUPERVISION = rules.SUPERVISION, _("Recommend supervision")
        NEITHER = "neither", _("Recommend neither")

    FACTORS = (
        "admission",
        "work_ability",
        "consent",
        "social_history",
        "work_safety",
        "belief",
        "ability_to_pay",
    )

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    litmas = models.OneToOneField(
        "clients.Litmas", on_delete=models.PROTECT, related_name="suitability", verbose_name=_("Litmas")
    )
    # Art. 85(2) a-g
    admission = _factor(_("a. admission of guilt"))
    admission_note = models.TextField(_("note"), blank=True)
    work_ability = _factor(_("b. ability to work"))
    work_ability_note = models.TextField(_("note"), blank=True)
    consent = _factor(_("c. consent after explanation"))
    consent_note = models.TextField(_("note"), blank=True)
    social_history = _factor(_("d. social history"))
    social_history_note = models.TextField(_("note"), blank=True)
    work_safety = _factor(_("e. protection of safety at work"))
    work_safety_note = models.TextField(_("note"), blank=True)
    belief = _factor(_("f. religion, belief and political conviction"))
    belief_note = models.TextField(_("note"), blank=True)
    ability_to_pay = _factor(_("g. ability to pay a fine"))
    ability_to_pay_note = models.TextField(_("note"), blank=True)
    recommendation = models.CharField(
        _("PK's recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    recommendation_reason = models.TextField(_("reasons for the recommendation"), blank=True)
    hours_recommended = models.PositiveSmallIntegerField(_("hours recommended"), null=True, blank=True)
    # Informed consent: who explained the sentence to the person, and when; did the person agree.
    consent_explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("explained by"),
    )
    consent_explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    consent_given = models.BooleanField(_("the person consents after the explanation"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = SuitabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community-sentence suitability")
        verbose_name_plural = _("community-sentence suitability")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=False)
                | Q(consent_explained_by__isnull=False, consent_explained_at__isnull=False),
                name="suitability_consent_names_explainer",
            ),
        ]


class AppendOnly(Exception):
    """An hours-ledger entry was updated or deleted: a correction is a new entry."""


class HoursEntryQuerySet(models.QuerySet["HoursEntry"]):
    def visible_to(self, user: User) -> HoursEntryQuerySet:
        condition = order_scope(user, "order__")
        return self.all() if condition is None else self.filter(condition)

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("hours entries are never changed; add a correction")

    def delete(self) -> Any:
        raise AppendOnly("hours entries are never deleted; add a correction")


class HoursEntry(models.Model):
    """One line of an order's hours ledger: work done, or a correction of earlier lines.

    Append-only: `save()` of a stored row, `delete()`, and the queryset's `update()`/`delete()`
    raise `AppendOnly`. Each entry carries the hash of the order's previous entry (ledger.py), so a
    row changed behind the application's back breaks the chain and `ledger.verify` names it.
    """

    class Kind(models.TextChoices):
        WORK = "work", _("Work")
        CORRECTION = "correction", _("Correction")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(SentenceOrder, on_delete=models.PROTECT, related_name="hours")
    sequence = models.PositiveIntegerField(editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    site = models.ForeignKey(
        ServiceSite, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    work_date = models.DateField(_("date"))
    start_at = models.DateTimeField(_("start"), null=True, blank=True)
    end_at = models.DateTimeField(_("end"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("breaks (minutes)"), default=0)
    # end - start - breaks for work; the signed change for a correction.
    credited_minutes = models.IntegerField(_("credited minutes"))
    work_done = models.CharField(_("work done"), max_length=300, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("corrects")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = HoursEntryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "sequence"]
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours ledger")
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="hours_sequence_unique_per_order"),
            models.CheckConstraint(
                condition=Q(kind="correction") | Q(credited_minutes__gt=0, start_at__lt=F("end_at")),
                name="hours_work_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind="work") | ~Q(reason=""), name="hours_correction_has_reason"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("hours entries are never changed; add a correction")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("hours entries are never deleted; add a correction")


# Non-compliance, condition checks and letters; the work plan (scheduling.py); the person's own
# view (person.py: the private link, complaints about the placement): their own modules, imported
# here so Django finds them.
from aksalarasa.sentences.models_compliance import (  # noqa: E402, F401
    ComplianceEvent,
    ConditionCheck,
    SentenceLetter,
)
from aksalarasa.sentences.person_models import PersonLink as PersonLink  # noqa: E402
from aksalarasa.sentences.person_models import PlacementComplaint as PlacementComplaint  # noqa: E402
from aksalarasa.sentences.plan_models import PlannedSession as PlannedSession  # noqa: E402
from aksalarasa.sentences.plan_models import UnavailableTime as UnavailableTime  # noqa: E402

# The site supervisor's phone app keeps its models in its own module (registered with this app).
from aksalarasa.sentences.supervisor.models import PlacementPin, SiteVisit  # noqa: E402, F401
