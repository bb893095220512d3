"""Staff accounts: one office, one or more roles of domain.md."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.accounts.permissions import can
from aksalarasa.accounts.roles import HEAD_ROLES, OFFICE_ROLES, PARTNER_SIDE_ROLES, Role, role_field


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: User) -> UserQuerySet:
        """The one scoping rule for staff accounts.

        National viewers see everyone; regional viewers see the staff of their region's offices
        and their region's viewers; office staff see their office's staff (their colleagues);
        partner staff see only themselves (and, later, their organisation's staff).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role_national:
            return self.all()
        condition = Q(pk=user.pk)
        if user.role_regional and user.regional_office_id:
            condition |= Q(office__regional_office_id=user.regional_office_id) | Q(
                regional_office_id=user.regional_office_id
            )
        if user.office_id and user.has_office_role and not user.is_partner_only:
            condition |= Q(office_id=user.office_id)
        return self.filter(condition)


class StaffManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff account. Names are kept in one field: many Indonesians have a single name."""

    class Section(models.TextChoices):
        ADULT = "adult", _("Adult client guidance (BKD)")
        CHILD = "child", _("Child client guidance (BKA)")

    class Grade(models.TextChoices):
        PERTAMA = "pertama", _("PK Pertama")
        MUDA = "muda", _("PK Muda")
        MADYA = "madya", _("PK Madya")
        UTAMA = "utama", _("PK Utama")

    class Language(models.TextChoices):
        ID = "id", "Bahasa Indonesia"
        EN = "en", "English"

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True)
    nip = models.CharField(_("employee number (NIP)"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("office"),
    )
    regional_office = models.ForeignKey(
        "offices.RegionalOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("regional office"),
    )
    section = models.CharField(_("section"), max_length=10, choices=Section.choices, blank=True)
    officer_grade = models.CharField(_("officer grade"), max_length=10, choices=Grade.choices, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.ID)

    role_national = models.BooleanField(Role.NATIONAL.label, default=False)
    role_regional = models.BooleanField(Role.REGIONAL.label, default=False)
    role_office_head = models.BooleanField(Role.OFFICE_HEAD.label, default=False)
    role_section_head = models.BooleanField(Role.SECTION_HEAD.label, default=False)
    role_officer = models.BooleanField(Role.OFFICER.label, default=False)
    role_program_team = models.BooleanField(Role.PROGRAM_TEAM.label, default=False)
    role_partner_staff = models.BooleanField(Role.PARTNER_STAFF.label, default=False)
    role_admin = models.BooleanField(Role.ADMIN.label, default=False)
    role_site_supervisor = models.BooleanField(Role.SITE_SUPERVISOR.label, default=False)

    must_change_password = models.BooleanField(_("must change password at next login"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects: ClassVar[StaffManager] = StaffManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"),
            # Login matches usernames case-insensitively (accounts.backends).
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.CheckConstraint(
                condition=Q(role_regional=False) | Q(regional_office__isnull=False),
                name="user_regional_role_needs_region",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> list[str]:
        return [role.value for role in Role if getattr(self, role_field(role))]

    def has_role(self, *roles: str) -> bool:
        return any(getattr(self, role_field(role)) for role in roles)

    @property
    def has_office_role(self) -> bool:
        return self.has_role(*OFFICE_ROLES)

    @property
    def is_partner_side(self) -> bool:
        """Partner staff or a site supervisor: a person of a partner organisation."""
        return self.has_role(*PARTNER_SIDE_ROLES)

    @property
    def is_partner_only(self) -> bool:
        return self.has_role(*PARTNER_SIDE_ROLES) and not self.has_role(
            *(r for r in OFFICE_ROLES if r not in PARTNER_SIDE_ROLES)
        )

    @property
    def is_head_or_admin(self) -> bool:
        return self.has_role(*HEAD_ROLES)

    @property
    def can_manage_staff(self) -> bool:
        return self.office_id is not None and can(self, "staff", "edit")

    @property
    def needs_second_factor(self) -> bool:
        """The office requires two-factor login for its heads and administrators."""
        return bool(self.office and self.office.require_2fa_for_heads and self.is_head_or_admin)

    def get_role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.roles]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def visible_to(self, user: User) -> ApiTokenQuerySet:
        """Personal tokens: each person sees only their own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    PREFIX = "aks_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return _hash_token(raw)
