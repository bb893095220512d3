"""Choices shared by the community-sentence models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.TextChoices):
    """ISO days of the week, as a site's opening days and a person's unavailable times store them."""

    MON = "1", _("Monday")
    TUE = "2", _("Tuesday")
    WED = "3", _("Wednesday")
    THU = "4", _("Thursday")
    FRI = "5", _("Friday")
    SAT = "6", _("Saturday")
    SUN = "7", _("Sunday")
