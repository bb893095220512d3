"""Reads of the audit trail: the access log and the versioned history of any record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models

from aksalarasa.accounts.models import User
from aksalarasa.audit.models import AccessLog


def access_log_list(*, viewer: User, object_type: str = "", user_id: int | None = None) -> models.QuerySet:
    qs = AccessLog.objects.visible_to(viewer).select_related("user")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if user_id:
        qs = qs.filter(user_id=user_id)
    return qs


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
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                try:
                    name = str(obj._meta.get_field(change.field).verbose_name)
                except Exception:  # m2m or removed fields keep their code name
                    name = change.field
                changes.append(FieldChange(field=name, old=_plain(change.old), new=_plain(change.new)))
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


def _plain(value: Any) -> Any:
    if isinstance(value, list):  # m2m: list of dicts of through rows
        return ", ".join(str(v.get("region", v)) if isinstance(v, dict) else str(v) for v in value)
    return value
