"""The versioned history of any record (django-simple-history): the one write path that makes it
(`save_versioned`, `delete_versioned`, `save_many`) and how people read it (`history_for`).

In core because every app writes and shows it and it needs no app: the record's `history` manager
and the `history_user` each row names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import models, router, transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from aksalarasa.core.concurrency import StaleVersion


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


def save_versioned(
    instance: models.Model,
    *,
    actor: Any,
    expected_version: int | None = None,
    update_fields: Iterable[str] | None = None,
    reason: str = "",
    move_version: bool = False,
) -> None:
    """The one write path of every service: the version check, the save, and one history row
    naming `actor` (the record's change history is its audit trail of writes).

    - A new record (not yet saved) is inserted; it has no editor to check against, so
      `expected_version` and `update_fields` stay None.
    - An edit of a loaded record passes the version the editor loaded: only the listed fields are
      written, with the version moved on, and `StaleVersion` is raised (nothing written, no history
      row) when someone else saved the record since. The `post_save` signal a save sends is sent.
    - A change no editor loaded (an order renumbered, a derived field, a password reset) passes
      `expected_version=None` and names its `update_fields`: saved without a check. With
      `move_version=True` (a reassignment, an anonymisation) the version still moves on, so a form
      opened before the change is stale when it comes back.

    Models without a history (questionnaires) take the same path: the version check and the signal.
    """
    if instance._state.adding:
        if expected_version is not None or update_fields is not None:
            raise ValueError("a new record is saved whole, without a version to check")
        _attribute(instance, actor, reason)
        instance.save()
        return
    if update_fields is None:
        raise ValueError("an existing record is saved by naming the fields that change")
    fields = list(update_fields)
    if expected_version is None:
        if move_version:
            record = cast(Any, instance)
            record.version = (
                type(instance)._base_manager.filter(pk=instance.pk).values_list("version", flat=True)[0] + 1
            )
            fields = [*(name for name in fields if name != "version"), "version"]
        _attribute(instance, actor, reason)
        instance.save(update_fields=fields)
        return
    for field in instance._meta.concrete_fields:  # "last changed" stamps move with every edit
        if getattr(field, "auto_now", False) and field.name not in fields:
            field.pre_save(instance, False)
            fields.append(field.name)
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if updated == 0:
        raise StaleVersion()
    cast(Any, instance).version = expected_version + 1  # every versioned model has the field
    _attribute(instance, actor, reason)
    # The guarded UPDATE sent no signal: send the one a save sends, so django-simple-history writes
    # the history row (naming `_history_user`) and every other receiver (caches) hears of the change.
    post_save.send(
        sender=model,
        instance=instance,
        created=False,
        update_fields=frozenset(fields),
        raw=False,
        using=router.db_for_write(model),
    )


@transaction.atomic
def delete_versioned(instance: models.Model, *, actor: Any, expected_version: int | None = None) -> bool:
    """Delete a record, leaving a last history row ("-") naming `actor`. With `expected_version`,
    a record someone changed since it was loaded is not deleted (`StaleVersion`): the person
    deleting it has not seen the change. False when it was already gone (deleting twice is harmless).
    """
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk).select_for_update()
    if expected_version is not None:
        current = rows.values_list("version", flat=True).first()
        if current is None:
            return False
        if current != expected_version:
            raise StaleVersion()
    elif not rows.exists():
        return False
    _attribute(instance, actor, "")
    instance.delete()
    return True


def save_many(
    objs: list[Any],
    *,
    model: type[models.Model],
    actor: Any,
    update_fields: list[str] | None = None,
    reason: str = "",
    batch_size: int | None = None,
    at: datetime | None = None,
    move_version: bool = False,
) -> list[Any]:
    """`save_versioned` for many records at once (imports, generated appointments, derived fields):
    one insert (or, with `update_fields`, one update) per batch, and a history row for each record
    naming `actor` (a bulk write sends no signal, so the history rows are written here). With
    `move_version=True` each record's version moves on (the caller read them locked, in the same
    transaction), so a form opened before the change is stale."""
    if move_version:
        if update_fields is None:
            raise ValueError("a new record starts at its first version")
        for obj in objs:
            obj.version += 1
        update_fields = [*(name for name in update_fields if name != "version"), "version"]
    if update_fields is None:
        return bulk_create_with_history(
            objs,
            model,
            batch_size=batch_size,
            default_user=actor,
            default_change_reason=reason or None,
            default_date=at,
        )
    bulk_update_with_history(
        objs,
        model,
        update_fields,
        batch_size=batch_size,
        default_user=actor,
        default_change_reason=reason or None,
        default_date=at,
    )
    return objs


def _attribute(instance: models.Model, actor: Any, reason: str) -> None:
    """Name who wrote (and why) on the record for the history row its save writes: the only place
    that sets django-simple-history's `_history_user` and `_change_reason`."""
    record = cast(Any, instance)
    record._history_user = actor
    if reason:
        record._change_reason = reason
