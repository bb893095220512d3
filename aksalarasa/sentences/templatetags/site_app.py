"""`{% field_entries_panel %}` on the order page: what site supervisors sent for the order, with the
conflicts the PK decides, and the person's placement PIN (sentences/supervisor)."""

from __future__ import annotations

from typing import Any

from django import template

from aksalarasa.sentences.supervisor import selectors
from aksalarasa.sentences.supervisor.models import PlacementPin, SiteVisit

register = template.Library()


@register.inclusion_tag("sentences/supervisor/_order_panel.html", takes_context=True)
def field_entries_panel(context: Any) -> dict:
    order = context["order"]
    visits = selectors.order_visits(order=order)
    return {
        "order": order,
        "visits": visits,
        "conflicts": sum(v.state == SiteVisit.State.CONFLICT for v in visits),
        "can_manage": context.get("can_manage", False),
        "pin": PlacementPin.objects.filter(order=order).select_related("issued_by").first(),
        "csrf_token": context.get("csrf_token"),
    }
