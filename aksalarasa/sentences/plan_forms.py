"""Forms of the work plan (the pages and the API validate with these same forms)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.clients.forms import DATE_FORMATS, DATE_WIDGET
from aksalarasa.sentences.forms import TIME_WIDGET
from aksalarasa.sentences.plan_models import UnavailableTime


class _Times(forms.Form):
    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The end comes after the start."))
        return data


class SessionForm(_Times):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(label=_("date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    starts_at = forms.TimeField(label=_("from"), widget=TIME_WIDGET)
    ends_at = forms.TimeField(label=_("until"), widget=TIME_WIDGET)


class UnavailableForm(_Times):
    weekday = forms.ChoiceField(label=_("day of the week"), choices=UnavailableTime.Weekday.choices)
    starts_at = forms.TimeField(label=_("from"), widget=TIME_WIDGET)
    ends_at = forms.TimeField(label=_("until"), widget=TIME_WIDGET)
    reason = forms.ChoiceField(label=_("reason"), choices=UnavailableTime.Reason.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
