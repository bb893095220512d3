"""Instruments, administrations, responses and the analyses that show whether a program worked.

An Instrument (a questionnaire) has numbered versions; a published version never changes (the
services refuse), so every stored answer keeps the exact wording it answered. An Administration
gives one published version to one group (clients, residents, officers) at one point (before,
after, follow-up) of a program, optionally of one of its events. A Response holds the answers of
one respondent: a client is linked by identity, a resident by a hash of a self-chosen code, so
before and after pair without names.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.permissions import MINE, OFFICE, reach_filter
from aksalarasa.core.visibility import VisibleThroughQuerySet
from aksalarasa.programs.models import program_scope

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class Audience(models.TextChoices):
    CLIENT = "client", _("Clients")
    RESIDENT = "resident", _("Residents")
    OFFICER = "officer", _("Officers")


class Point(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")
    FOLLOW_UP = "follow_up", _("Follow-up")


def instrument_scope(viewer: User, prefix: str = "") -> Q:
    """The instruments a viewer sees: the defaults shipped with Aksalarasa (no office) and those of
    the viewer's own office; another office's own questionnaires are theirs (404 to others)."""
    if viewer.is_superuser:
        return Q()
    shared = Q(**{f"{prefix}office__isnull": True})
    return shared | Q(**{f"{prefix}office_id": viewer.office_id}) if viewer.office_id else shared


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def visible_to(self, user: User) -> InstrumentQuerySet:
        return self.filter(instrument_scope(user))


class Instrument(models.Model):
    """A questionnaire. `office` empty: a default shipped with Aksalarasa, shared by every office."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    audience = models.CharField(_("answered by"), max_length=10, choices=Audience.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.name_id

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    scale_min = models.PositiveSmallIntegerField(_("lowest answer"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest answer"), default=5)
    label_min_id = models.CharField(_("lowest answer label (Indonesian)"), max_length=80)
    label_min_en = models.CharField(_("lowest answer label (English)"), max_length=80)
    label_max_id = models.CharField(_("highest answer label (Indonesian)"), max_length=80)
    label_max_en = models.CharField(_("highest answer label (English)"), max_length=80)
    intro_id = models.TextField(_("introduction (Indonesian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    visible_through = "instrument"  # visible when its instrument is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "-number"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="instrument_version_number_unique"),
            models.CheckConstraint(
                condition=Q(scale_min__lt=models.F("scale_max")), name="instrument_scale_min_below_max"
            ),
            models.CheckConstraint(condition=Q(scale_max__lte=11), name="instrument_scale_at_most_11"),
        ]

    def __str__(self) -> str:
        # People read this (page titles, option lists, administration names): the questionnaire's
        # name in their language, never its slug ("resident-attitude v1").
        return gettext("%(name)s, version %(n)s") % {
            "name": self.instrument.name(get_language() or "id"),
            "n": self.number,
        }

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def label_min(self, language: str) -> str:
        return self.label_min_en if language.startswith("en") else self.label_min_id

    def label_max(self, language: str) -> str:
        return self.label_max_en if language.startswith("en") else self.label_max_id

    def intro(self, language: str) -> str:
        return self.intro_en if language.startswith("en") else self.intro_id


class Subscale(models.Model):
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="subscales"
    )
    key = models.SlugField(_("key"), max_length=40)
    name_id = models.CharField(_("name (Indonesian)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    position = models.PositiveSmallIntegerField(default=0)

    visible_through = "instrument_version"  # visible when its instrument version is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument_version", "key"], name="subscale_key_unique_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.name_id

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id


class Item(models.Model):
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.CASCADE, related_name="items")
    subscale = models.ForeignKey(Subscale, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(_("key"), max_length=40)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_id = models.CharField(_("statement (Indonesian)"), max_length=300)
    text_en = models.CharField(_("statement (English)"), max_length=300)
    reverse = models.BooleanField(
        _("reverse-scored"), default=False, help_text=_("Agreeing means less of what the subscale measures.")
    )
    intent = models.CharField(_("what the item is for"), max_length=300, blank=True)

    visible_through = "instrument_version"  # visible when its instrument version is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["instrument_version", "key"], name="item_key_unique_per_version")
        ]

    def __str__(self) -> str:
        return self.key

    def text(self, language: str) -> str:
        return self.text_en if language.startswith("en") else self.text_id


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class AdministrationQuerySet(models.QuerySet["Administration"]):
    def visible_to(self, user: User) -> AdministrationQuerySet:
        """Administrations (and their aggregates) follow the program they belong to, except that
        partner staff see none (domain.md: survey responses, partner: no)."""

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_partner_only and not user.is_superuser:
            return self.none()
        condition = program_scope(user, "program__")
        return self.all() if condition is None else self.filter(condition).distinct()


class Administration(models.Model):
    """One published instrument version given to one group at one point of a program."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="administrations")
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="administrations",
        verbose_name=_("event"),
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.PROTECT,
        related_name="administrations",
        verbose_name=_("instrument"),
    )
    group = models.CharField(_("group"), max_length=10, choices=Audience.choices)
    point = models.CharField(_("point"), max_length=10, choices=Point.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    public_token = models.CharField(max_length=40, unique=True, default=_new_token, editable=False)
    open = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["program", "created_at", "pk"]
        verbose_name = _("administration")
        verbose_name_plural = _("administrations")
        indexes = [models.Index(fields=["program", "group", "point"], name="administration_program_point")]

    def __str__(self) -> str:
        return (
            self.title
            or f"{self.instrument_version} · {self.get_group_display()} · {self.get_point_display()}"
        )


# What each reach of the role table ("response: read") means for individual responses.
RESPONSE_REACH: dict[str, Callable[[User, str], Q | None]] = {
    OFFICE: lambda user, prefix: Q(office_id=user.office_id) if user.office_id else None,
    MINE: lambda user, prefix: (
        Q(office_id=user.office_id, client__officer_id=user.pk) if user.office_id else None
    ),
}


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: User) -> ResponseQuerySet:
        """Individual responses (domain.md, survey responses): office head, section head and
        administrator see their office's; an officer sees their own clients'; program team members
        see aggregates only, partner staff nothing, national and regional viewers aggregates only.
        The public sees only their own submission (kept in their browser session, see views)."""
        condition = reach_filter(user, "response", "read", RESPONSE_REACH)
        return self.all() if condition is None else self.filter(condition)


class Response(models.Model):
    class Channel(models.TextChoices):
        PAPER = "paper", _("Entered by staff from paper")
        ONLINE = "online", _("Answered online (link or QR)")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    administration = models.ForeignKey(Administration, on_delete=models.CASCADE, related_name="responses")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="survey_responses"
    )
    # SHA-256 of the program and the normalised self-chosen code; the code itself is not stored.
    code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    scores = models.JSONField(default=dict)  # subscale key -> mean score (the scoring rule)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "client"],
                condition=Q(client__isnull=False),
                name="response_client_once_per_administration",
            ),
            models.UniqueConstraint(
                fields=["administration", "code_hash"],
                condition=~Q(code_hash=""),
                name="response_code_once_per_administration",
            ),
        ]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField()

    visible_through = "response"  # visible when its response is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item")]
