"""Optimistic version checks: concurrent edits never silently overwrite each other."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class StaleVersion(Exception):
    """Raised when a record changed after the editor loaded it."""

    message = _(
        "Someone else changed this record while you were editing it. Reload the page to see their "
        "change, then make yours again."
    )


def save_with_version(instance: models.Model, *, expected_version: int, update_fields: list[str]) -> None:
    """Save the listed fields only if the stored version is still `expected_version`."""
    model = type(instance)
    values = {name: getattr(instance, name) for name in update_fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated == 0:
        raise StaleVersion()
    instance.version = expected_version + 1
