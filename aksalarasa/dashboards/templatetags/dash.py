from django import template
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from aksalarasa.core.suppression import HIDDEN

register = template.Library()


@register.filter
def cell(value, digits: int = 0):
    """A dashboard cell: 'hidden' for a suppressed cell, the localized number otherwise."""
    if value is None:
        return str(HIDDEN)
    if isinstance(value, float):
        return number_format(value, digits)
    return number_format(value)


@register.filter
def pct_width(value, maximum) -> int:
    try:
        return max(0, min(100, round(100 * float(value) / float(maximum))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0


@register.simple_tag
def aggregate_cells(row) -> str:
    """The <td> cells of one row of the offices table. One tag per row instead of some thirty
    template nodes: the national table has 94 rows, and this is most of the page's CPU."""
    values = [
        cell(row.clients),
        cell(row.children),
        cell(row.adults),
        cell(None) if row.attendance is None else f"{cell(row.attendance, 1)} %",
        cell(row.engagement, 2),
        cell(row.open_referrals),
        cell(row.programs),
        cell(row.checked_in),
        cell(row.responses),
    ]
    return mark_safe("".join(f"<td>{escape(value)}</td>" for value in values))


@register.simple_tag
def chart_svg(chart) -> str:
    """A dashboard chart's SVG (evidence.charts escapes every text it draws)."""
    return mark_safe(chart.svg())
