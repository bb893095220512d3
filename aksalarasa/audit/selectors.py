"""Reads of the audit trail: the access log (the versioned history of any record is core.history)."""

from __future__ import annotations

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
