"""Template helpers of the programs app."""

from __future__ import annotations

from decimal import Decimal

from django import template
from lokal import format_rupiah

register = template.Library()


@register.filter
def rupiah(value: int | Decimal | None) -> str:
    """Amounts the Indonesian way: Rp1.500.000."""
    return format_rupiah(value or 0)
