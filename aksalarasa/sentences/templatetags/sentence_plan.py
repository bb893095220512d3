"""The work-plan card of the order page: `{% plan_card order %}` (the plan and its warning)."""

from __future__ import annotations

from typing import Any

from django import template

from aksalarasa.sentences import plan_selectors

register = template.Library()


@register.inclusion_tag("sentences/_plan_card.html", takes_context=True)
def plan_card(context: dict[str, Any], order: Any) -> dict[str, Any]:
    """The order was read through `visible_to` by the page; the plan is the order's."""
    summary = plan_selectors.plan_summary(order=order)
    begin = plan_selectors.first_day(order)
    return {
        "order": order,
        "plan": summary,
        "next_sessions": [s for s in summary.sessions if s.day >= begin][:3],
        "request": context.get("request"),
    }
