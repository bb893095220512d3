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


@register.simple_tag
def qr_svg(url: str, label: str = "") -> str:
    """An inline SVG QR code for a link (voting or card page), labelled for screen readers."""
    import segno
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return format_html('<div class="qr" role="img" aria-label="{}">{}</div>', label or url, mark_safe(svg))
