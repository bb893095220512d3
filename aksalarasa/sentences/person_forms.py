"""Forms of the person's own page and of the section head's answer to a complaint."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.sentences.person_models import PlacementComplaint


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"), choices=PlacementComplaint.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the section head (Kasi) and the head of the Bapas read this, not the site."),
    )


class ComplaintHandleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    response = forms.CharField(
        label=_("What the office did"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
