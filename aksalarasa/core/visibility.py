"""Visibility of a record that belongs to another: rows whose parent the person may see.

Every office-owned model has one ``visible_to(user)`` next to it. Most child records (an event's
registrations, a referral's reports, a workshop's cards, an instrument's items) have no rule of
their own: who may see them is who may see the record they belong to. Such a model names that
record once, as a class attribute, and uses this queryset:

    class Registration(models.Model):
        event = models.ForeignKey(Event, ...)
        visible_through = "event"
        objects = VisibleThroughQuerySet.as_manager()

``Registration.objects.visible_to(user)`` is then ``event__in=Event.objects.visible_to(user)``:
the parent's own rule (from the role table in ``accounts.permissions``), applied as a subquery, so a
chain (a tally of an item of an assessment of a program) ends at the one rule that decides. A
parent without ``visible_to``, or a missing ``visible_through``, raises at the first use rather
than showing everything: this fails closed. ``tests/test_visible_to.py`` checks every office-owned
model has a ``visible_to`` and that none returns another office's rows.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


def parent_visible(model: type[models.Model], field_name: str, user: Any) -> models.QuerySet[Any]:
    """The primary keys of the rows of `model.field_name`'s target that `user` may see."""
    parent = model._meta.get_field(field_name).related_model
    if not isinstance(parent, type) or not hasattr(parent._default_manager, "visible_to"):
        raise TypeError(f"{model._meta.label}.{field_name}: its target has no visible_to(user)")
    return parent._default_manager.visible_to(user).values("pk")


class VisibleThroughQuerySet(models.QuerySet[_M]):
    """Rows visible when the record named by the model's ``visible_through`` is."""

    def visible_to(self, user: Any) -> Self:
        field_name = getattr(self.model, "visible_through", "")
        if not field_name:
            raise TypeError(f"{self.model._meta.label} has no visible_through: name the record it belongs to")
        return self.filter(**{f"{field_name}__in": parent_visible(self.model, field_name, user)})
