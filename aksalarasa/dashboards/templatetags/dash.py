from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value, digits: int = 0):
    """A dashboard cell: '<5' for a suppressed small cell, the localized number otherwise."""
    if value is None:
        return "<5"
    if isinstance(value, float):
        return number_format(value, digits)
    return number_format(value)


@register.filter
def pct_width(value, maximum) -> int:
    try:
        return max(0, min(100, round(100 * float(value) / float(maximum))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
