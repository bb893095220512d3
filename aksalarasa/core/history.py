"""The versioned history of any record (django-simple-history), as people read it.

In core because every app shows it and it needs no app: the record's `history` manager and the
`history_user` each row names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import models
from django.utils.translation import gettext as _


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
