"""Template helpers for guidance: the engagement sparkline, drawn on the server as inline SVG."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 84, 22, 3


def sparkline_svg(values: list[int]) -> SafeString:
    """A small line of engagement levels (1-4), oldest left. Screen readers get the numbers."""
    if not values:
        return format_html('<span class="muted">{}</span>', _("no data"))
    label = _("Engagement, oldest to latest: %(values)s") % {"values": ", ".join(str(v) for v in values)}
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: int) -> float:
        return round(HEIGHT - PAD - (value - 1) * (HEIGHT - 2 * PAD) / 3, 1)

    points = " ".join(f"{round(PAD + i * step, 1)},{y(v)}" for i, v in enumerate(values))
    last_x, last_y = round(PAD + (len(values) - 1) * step, 1), y(values[-1])
    svg = (
        f'<svg class="sparkline" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{{}}"><title>{{}}</title>'
        f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(2.5)}" y2="{y(2.5)}" class="spark-mid"/>'
        f'<polyline fill="none" points="{points}"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5"/></svg>'
    )
    return format_html(svg, label, label)


@register.simple_tag
def sparkline(values: list[int]) -> SafeString:
    return sparkline_svg(list(values or []))


@register.filter
def flag_class(code: str) -> str:
    return mark_safe("badge-bad" if code in ("open_concern", "unexcused_twice") else "badge-warn")
