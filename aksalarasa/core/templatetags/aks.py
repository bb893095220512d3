"""Template helpers: times in the office's zone, the Indonesian way ("27 November 2026 14.30 WITA")."""

from __future__ import annotations

from datetime import date, datetime

from django import forms, template
from django.utils import formats, timezone

from aksalarasa.core import forms as core_forms

register = template.Library()

_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def zone_abbreviation() -> str:
    return _ABBREVIATIONS.get(str(timezone.get_current_timezone()), "UTC")


@register.filter
def local_dt(value: datetime | None) -> str:
    """A moment in the viewer's zone (the office's; the Kanwil's for regional viewers) with the
    zone named: "27 November 2026 14.30 WITA"."""
    if not value:
        return "—"
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {zone_abbreviation()}"


@register.filter
def local_date(value: date | datetime | None) -> str:
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def month_label(value: date | None) -> str:
    """A calendar month in words, in the active language: "Juli 2026" ("July 2026" in English)."""
    if not value:
        return "—"
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


@register.simple_tag
def zone() -> str:
    return zone_abbreviation()


@register.filter
def form_level_errors(form: forms.BaseForm) -> list[str]:
    """`core.forms.form_level_errors`: what a form prints above its fields, each message once."""
    return core_forms.form_level_errors(form)


@register.filter
def field_errors(field: forms.BoundField) -> list[str]:
    """`core.forms.field_errors`: a field's messages, each once."""
    return core_forms.field_errors(field)
