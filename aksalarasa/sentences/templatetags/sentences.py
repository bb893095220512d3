"""Template filters for community sentences: hours as people read them, rupiah, local times."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def minutes_hours(minutes: int | None) -> str:
    """Minutes as hours and minutes: 750 -> "12:30"; a negative correction keeps its sign."""
    value = int(minutes or 0)
    sign = "−" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 60}:{value % 60:02d}"


@register.filter
def local_time(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H.%M") if value else "—"


@register.filter
def rupiah(value: int | None) -> str:
    return f"Rp{int(value or 0):,}".replace(",", ".")
