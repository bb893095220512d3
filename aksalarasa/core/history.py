"""The versioned history of any record (django-simple-history), as people read it.

In core because every app shows it and it needs no app: the record's `history` manager and the
`history_user` each row names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import models, router
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from aksalarasa.core.concurrency import save_with_version


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[FieldChange]


def history_for(obj: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what, when: each version of a record with the fields that changed."""
    history = cast(Any, obj).history  # django-simple-history's manager, added to the model at run time
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                try:
                    model_field = cast(models.Field, obj._meta.get_field(change.field))
                    name = str(model_field.verbose_name)
                except Exception:  # removed fields keep their code name
                    model_field, name = None, change.field
                changes.append(
                    FieldChange(
                        field=name,
                        old=_display(model_field, change.old),
                        new=_display(model_field, change.new),
                    )
                )
        who = record.history_user.full_name if record.history_user else ""
        entries.append(
            HistoryEntry(
                at=record.history_date,
                who=who or "—",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _display(field: Any, value: Any) -> Any:
    """A value as people read it: "Yes"/"No" rather than a blank for False, a choice's label
    rather than its code, "—" for an empty value; anything else (dates, numbers) is left to the
    template, which formats it for the reader's language and time zone."""
    if isinstance(value, list):  # m2m: list of dicts of through rows
        value = ", ".join(str(v.get("region", v)) if isinstance(v, dict) else str(v) for v in value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    return value


def save_as(
    instance: models.Model, *, actor: Any, update_fields: list[str] | None = None, reason: str = ""
) -> None:
    """Save a record (a creation, or a change that needs no version check) with a history row
    naming `actor`: the write path of every service that is not an edit of a loaded form."""
    record = cast(Any, instance)
    record._history_user = actor
    if reason:
        record._change_reason = reason
    instance.save(update_fields=update_fields)


def save_versioned(
    instance: models.Model, *, actor: Any, expected_version: int, update_fields: list[str], reason: str = ""
) -> None:
    """The one write path of an edit: the version check, the save of the listed fields only, and
    one history row naming `actor` (the record's change history is its audit trail of writes), with
    the `post_save` signal a save sends.

    Raises `StaleVersion` (nothing written) when someone else saved the record since the editor
    loaded version `expected_version`.
    """
    fields = list(update_fields)
    for field in instance._meta.concrete_fields:  # "last changed" stamps move with every edit
        if getattr(field, "auto_now", False) and field.name not in fields:
            field.pre_save(instance, False)
            fields.append(field.name)
    save_with_version(instance, expected_version=expected_version, update_fields=fields)
    record = cast(Any, instance)
    record._history_user = actor
    if reason:
        record._change_reason = reason
    # The guarded UPDATE sent no signal: send the one a save sends, so django-simple-history writes
    # the history row (naming `_history_user`) and every other receiver (caches) hears of the change.
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=False,
        update_fields=frozenset(fields),
        raw=False,
        using=router.db_for_write(type(instance)),
    )
