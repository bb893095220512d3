"""Figures in templates: the reading in the current language, numbers the Indonesian way."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from aksalarasa.evidence import stats

register = template.Library()


def _lang() -> str:
    return (get_language() or "id")[:2]


@register.filter
def reading(figure) -> str:
    if figure is None:
        return ""
    return figure.reading(_lang())


@register.filter
def num(value, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{float(value):.{int(digits)}f}"
    return text.replace(".", ",") if _lang() == "id" else text


@register.filter
def ci(interval, digits: int = 2) -> str:
    if interval is None:
        return "—"
    return f"{num(interval.low, digits)} … {num(interval.high, digits)}"


@register.filter
def pvalue(p) -> str:
    if p is None:
        return "—"
    if p < 0.001:
        return "< 0,001" if _lang() == "id" else "< 0.001"
    return num(p, 3)


@register.filter
def method(fig) -> str:
    """A figure's method in the reader's language."""
    return stats.method_text(fig.method, _lang()) if fig is not None else ""


@register.filter
def localname(obj) -> str:
    """obj.name(language) for instruments, subscales and analyses."""
    return obj.name(_lang()) if obj is not None else ""


@register.filter
def itemtext(item) -> str:
    return item.text(_lang())


@register.filter
def svg(markup: str) -> str:
    """Charts are built by aksalarasa.evidence.charts, which escapes every label it embeds."""
    return mark_safe(markup)  # noqa: S308


@register.filter
def intro_text(version) -> str:
    return version.intro(_lang())


@register.filter
def label_low(version) -> str:
    return version.label_min(_lang())


@register.filter
def label_high(version) -> str:
    return version.label_max(_lang())
