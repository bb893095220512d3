"""The work-plan card of the order page: `{% plan_card order %}` (the plan and its warning)."""

from __future__ import annotations

from typing import Any

from django import template

from aksalarasa.sentences import plan_selectors, scoping

register = template.Library()


@register.inclusion_tag("sentences/_plan_card.html", takes_context=True)
def plan_card(context: dict[str, Any], order: Any) -> dict[str, Any]:
    """The order was read through `visible_to` by the page; the plan is the order's."""
    summary = plan_selectors.plan_summary(order=order)
    request = context.get("request")
    begin = plan_selectors.first_day(order)
    return {
        "order": order,
        "plan": summary,
        "next_sessions": [s for s in summary.sessions if s.day >= begin][:3],
        "request": context.get("request"),
        "can_edit": bool(request and scoping.can_edit_plan(request.user, order.client)),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def link_qr(url: str, label: str) -> str:
    """An inline SVG QR code of the person's private link (segno), labelled for screen readers."""
    import segno
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)
    return format_html('<div class="qr" role="img" aria-label="{}">{}</div>', label, mark_safe(svg))
