"""Clients under community guidance, their supervision periods, officer assignments and Litmas.

Client records are specific personal data (UU PDP 27/2022); child clients are also protected by
the juvenile-justice law. Every query goes through `Client.objects.visible_to(user)` (or the
`visible_to` of the related model), and names leave the office only masked (see masking.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import MINE, OFFICE, OWNER, SECTION, own_office, reach_filter
from aksalarasa.clients.photos import client_photo_path
from aksalarasa.core.visibility import VisibleThroughQuerySet

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


def _own_section(user: User, prefix: str) -> Q | None:
    if not (user.office_id and user.section):
        return None
    return Q(**{f"{prefix}office_id": user.office_id, f"{prefix}category": user.section})


def _own_caseload(user: User, prefix: str) -> Q | None:
    if not user.office_id:
        return None
    return Q(**{f"{prefix}office_id": user.office_id, f"{prefix}officer_id": user.pk})


# What each reach of the role table (accounts/permissions.py, "client") means for client rows.
# PARTNER (the clients referred to the person's organisation) is filled in by the partners app,
# which sits above clients (partners/apps.py); until then the reach grants nothing.
CLIENT_REACH: dict[str, Callable[[User, str], Q | None]] = {
    OFFICE: own_office,
    SECTION: _own_section,
    MINE: _own_caseload,
}


def through_client(reach: str) -> Callable[[User, str], Q | None]:
    """A client reach applied to a record of the client (a session, an order): `client__` + filter."""

    def make(user: User, prefix: str) -> Q | None:
        return CLIENT_REACH[reach](user, f"{prefix}client__")

    return make


def client_scope(user: User, prefix: str = "") -> Q | None:
    """The one client-scoping rule, as a Q over a client relation (prefix "" or "client__"), read
    from the role table ("client: read"): office head the office, section head the own section,
    officer (PK) the own caseload, partner staff the referred clients; national and regional
    viewers no identities (counts only, see selectors). None: every client (superuser)."""
    return reach_filter(user, "client", "read", CLIENT_REACH, prefix)


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> ClientQuerySet:
        condition = client_scope(user)
        return self.all() if condition is None else self.filter(condition)


class Client(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Category(models.TextChoices):
        CHILD = "child", _("Child client (klien anak)")
        ADULT = "adult", _("Adult client (klien dewasa)")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="clients")
    register_number = models.CharField(_("register number"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, help_text=_("16 digits; optional"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    # Derived from the age at the start of the first supervision period (services.client_category).
    category = models.CharField(_("category"), max_length=5, choices=Category.choices, editable=False)
    address = models.TextField(_("address"), blank=True)
    regency = models.ForeignKey(
        "offices.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regency/city"),
        limit_choices_to={"level": 2},
    )
    village_code = models.CharField(_("village (desa/kelurahan)"), max_length=13, blank=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, help_text=_("+62 form"))
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=150, blank=True)
    emergency_contact_relation = models.CharField(_("relation"), max_length=60, blank=True)
    emergency_contact_phone = models.CharField(_("emergency contact phone"), max_length=16, blank=True)
    consent_community = models.BooleanField(_("consents to community activities"), default=False)
    consent_photos = models.BooleanField(_("consents to photos"), default=False)
    consent_share_partners = models.BooleanField(_("consents to sharing data with partners"), default=False)
    guardian_consent = models.BooleanField(
        _("guardian consents (child clients)"),
        default=False,
        help_text=_("For a child, partners see more than initials only with the guardian's consent too."),
    )
    # Private: re-encoded without metadata, served only through clients:photo (see photos.py).
    photo = models.ImageField(_("photo"), upload_to=client_photo_path, max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clients",
        verbose_name=_("probation officer (PK)"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "register_number"], name="client_register_unique_per_office"
            ),
        ]
        indexes = [
            models.Index(fields=["office", "officer"], name="client_office_officer"),
            models.Index(fields=["office", "category"], name="client_office_category"),
        ]

    def __str__(self) -> str:
        return f"{self.register_number}"

    @property
    def initials(self) -> str:
        parts = [p for p in self.full_name.replace(".", " ").split() if p]
        return ".".join(p[0].upper() for p in parts) + "." if parts else "—"

    @property
    def is_child(self) -> bool:
        return self.category == self.Category.CHILD


class NoContact(models.Model):
    """A person a client must not be placed with (another client, or a named person such as a victim)."""

    # Not stored: the other client's name as the viewer may see it (selectors.client_detail_related).
    other_label: str = ""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="no_contacts")
    other_client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other client"),
    )
    person_name = models.CharField(_("named person"), max_length=150, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    history = HistoricalRecords()

    visible_through = "client"  # visible when its client is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("no-contact entry")
        verbose_name_plural = _("no-contact list")
        constraints = [
            models.CheckConstraint(
                condition=Q(other_client__isnull=False) | ~Q(person_name=""), name="nocontact_has_someone"
            ),
        ]


class SupervisionQuerySet(models.QuerySet["Supervision"]):
    def visible_to(self, user: User) -> SupervisionQuerySet:
        condition = client_scope(user, "client__")
        return self.all() if condition is None else self.filter(condition)


class Supervision(models.Model):
    """A supervision period: parole, conditional leave, assimilation, diversion..."""

    class ProgramType(models.TextChoices):
        PB = "pb", _("Parole (PB)")
        CB = "cb", _("Conditional leave (CB)")
        CMB = "cmb", _("Pre-release leave (CMB)")
        ASSIMILATION = "assimilation", _("Assimilation")
        CONDITIONAL_SENTENCE = "conditional", _("Conditional sentence (pidana bersyarat)")
        DIVERSION = "diversion", _("Diversion (children)")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")
        TRANSFERRED = "transferred", _("Transferred")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="supervisions")
    program_type = models.CharField(_("program type"), max_length=20, choices=ProgramType.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("supervision period")
        verbose_name_plural = _("supervision periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="supervision_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["client", "program_type", "start"], name="supervision_unique_per_client_start"
            ),
        ]
        indexes = [models.Index(fields=["office", "status", "end"], name="supervision_office_status_end")]


class OfficerAssignment(models.Model):
    """Who was the client's officer, from when to when, and why it changed."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="assignments")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(default=timezone.now)
    end = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    visible_through = "client"  # visible when its client is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(end__isnull=True), name="assignment_one_open_per_client"
            ),
        ]


class LitmasQuerySet(models.QuerySet["Litmas"]):
    def visible_to(self, user: User) -> LitmasQuerySet:
        condition = client_scope(user, "client__")
        return self.all() if condition is None else self.filter(condition)

    def overdue(self, today=None) -> LitmasQuerySet:
        today = today or timezone.localdate()
        return self.filter(submitted_on__isnull=True, due_date__lt=today)


class Litmas(models.Model):
    """Litmas (penelitian kemasyarakatan): due in 3 days for a child, 7 for an adult."""

    class Purpose(models.TextChoices):
        DIVERSION = "diversion", _("Diversion")
        CHILD_UNDER_12 = "child_under_12", _("Child under 12")
        DETENTION_CARE = "detention_care", _("Detention care")
        INITIAL_GUIDANCE = "initial_guidance", _("Initial guidance")
        PAROLE = "parole", _("Integration: parole (PB)")
        CONDITIONAL_LEAVE = "conditional_leave", _("Integration: conditional leave (CB)")
        PRE_RELEASE = "pre_release", _("Integration: pre-release leave (CMB)")
        ASSIMILATION = "assimilation", _("Assimilation")
        FAMILY_VISIT = "family_visit", _("Family-visit leave")
        COURT = "court", _("Court hearing")
        TRANSFER = "transfer", _("Transfer")
        GUIDANCE = "guidance", _("Guidance")
        # UU 1/2023 Art. 85(2): the suitability for a community sentence (sentences.Suitability).
        COMMUNITY_SENTENCE = "community_sentence", _("Community sentence suitability")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="litmas")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    requested_on = models.DateField(_("requested on"))
    due_date = models.DateField(_("due date"), editable=False)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned officer"),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    document = models.FileField(_("document"), upload_to="litmas/", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = LitmasQuerySet.as_manager()

    class Meta:
        ordering = ["due_date"]
        verbose_name = _("social inquiry (Litmas)")
        verbose_name_plural = _("social inquiries (Litmas)")
        indexes = [models.Index(fields=["office", "submitted_on", "due_date"], name="litmas_office_due")]


class ImportRunQuerySet(models.QuerySet["ImportRun"]):
    def visible_to(self, user: User) -> ImportRunQuerySet:
        """An import's progress and outcome: only the person who ran it ("import_progress": OWNER)."""
        condition = reach_filter(
            user, "import_progress", "read", {OWNER: lambda u, p: Q(**{f"{p}user_id": u.pk})}
        )
        return self.all() if condition is None else self.filter(condition)


class ImportRun(models.Model):
    """One file import: its progress (polled by the page while it runs) and its outcome."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("Checking rows")
        PREVIEW = "preview", _("Checked: waiting for confirmation")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected: nothing imported")

    token = models.CharField(max_length=40, unique=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The checked file, kept only between the preview and its confirmation (then emptied).
    content = models.BinaryField(null=True, editable=False)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class BreachReportQuerySet(models.QuerySet["BreachReport"]):
    def visible_to(self, user: User) -> BreachReportQuerySet:
        """The office head's register (superusers for support); nobody else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.role_office_head and user.office_id:
            return self.filter(office_id=user.office_id)
        return self.none()


class BreachReport(models.Model):
    """A personal-data breach (UU PDP 27/2022 art. 46: notify subjects and the authority within 3x24 hours)."""

    NOTIFY_WITHIN_HOURS = 72

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    discovered_at = models.DateTimeField(_("discovered at"))
    description = models.TextField(_("what happened"))
    data_affected = models.TextField(_("personal data affected"))
    clients_affected = models.PositiveIntegerField(_("number of clients affected"), default=0)
    measures = models.TextField(_("measures taken"), blank=True)
    subjects_notified_at = models.DateTimeField(_("data subjects notified at"), null=True, blank=True)
    authority_notified_at = models.DateTimeField(_("authority notified at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    objects = BreachReportQuerySet.as_manager()

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("data breach report")
        verbose_name_plural = _("data breach register")

    @property
    def notify_by(self):
        from datetime import timedelta

        return self.discovered_at + timedelta(hours=self.NOTIFY_WITHIN_HOURS)

    @property
    def notification_late(self) -> bool:
        done = [t for t in (self.subjects_notified_at, self.authority_notified_at) if t]
        if len(done) < 2:
            return timezone.now() > self.notify_by
        return max(done) > self.notify_by
