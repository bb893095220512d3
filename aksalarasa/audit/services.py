from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.http import HttpRequest

from aksalarasa.accounts.models import User
from aksalarasa.audit.models import AccessLog


def access_record(
    *,
    user: User,
    obj: models.Model,
    office_id: int,
    action: str = AccessLog.Action.VIEW,
    label: str = "",
    request: HttpRequest | None = None,
) -> AccessLog:
    """Log one read of a personal-data record."""
    return AccessLog.objects.create(
        user=user,
        office_id=office_id,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=label[:200],
        path=(request.get_full_path()[:300] if request else ""),
    )


def access_record_many(
    *,
    user: User,
    objs: Sequence[models.Model],
    office_of: Callable[[Any], int],
    action: str,
    request: HttpRequest | None = None,
) -> None:
    """Log reads of many records at once (exports, API lists) in one insert."""
    path = request.get_full_path()[:300] if request else ""
    AccessLog.objects.bulk_create(
        [
            AccessLog(
                user=user,
                office_id=office_of(obj),
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                path=path,
            )
            for obj in objs
        ]
    )
