"""Access log: every read of a client's record (who, when, what). Never editable in the UI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.permissions import OFFICE, own_office, reach_filter

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def visible_to(self, user: User) -> AccessLogQuerySet:
        """Office heads read their office's log; nobody else does (superusers for support)."""
        condition = reach_filter(user, "audit", "read", {OFFICE: own_office})
        return self.all() if condition is None else self.filter(condition)


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        API = "api", _("read through the API")
        PRINT = "print", _("printed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("who")
    )
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=40)
    object_id = models.CharField(_("record"), max_length=40)
    object_label = models.CharField(_("record label"), max_length=200, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["office", "-at"], name="accesslog_office_at"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
        ]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}:{self.object_id}"
