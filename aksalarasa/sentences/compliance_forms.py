"""Forms of non-compliance, condition checks, letters and completion (pages and API alike)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from aksalarasa.clients.forms import DATE_FORMATS, DATE_WIDGET
from aksalarasa.core.forms import choose_one, label_options
from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter, SentenceOrder

YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question (a checkbox cannot say "not answered")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=YES_NO, coerce=lambda v: v == "yes", empty_value=None, **kwargs)


class ComplianceEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("outcome"), choices=choose_one(ComplianceEvent.Kind.choices))
    occurred_on = forms.DateField(label=_("date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    minutes_late = forms.IntegerField(
        label=_("minutes late"), min_value=1, max_value=600, required=False, help_text=_("For lateness only.")
    )
    valid_reason = YesNoField(
        label=_("valid reason"), help_text=_('UU 1/2023 Art. 85(7): "alasan yang sah".')
    )
    reason = forms.CharField(label=_("reason given"), max_length=300, required=False)
    evidence_note = forms.CharField(
        label=_("evidence (note)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence_file = forms.FileField(
        label=_("evidence (file)"),
        required=False,
        help_text=_("A PDF (at most 5 MB) or a photo; stored privately, photos without their metadata."),
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "webp"])],
    )


class WarningForm(forms.Form):
    event = forms.ModelChoiceField(label=_("about the event"), queryset=ComplianceEvent.objects.none())
    number = forms.CharField(label=_("letter number"), max_length=100, required=False)

    def __init__(self, *args: Any, order: SentenceOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["event"])
        field.queryset = ComplianceEvent.objects.filter(order=order, valid_reason=False).order_by(
            "occurred_on"
        )
        label_options(field, lambda e: f"{e.occurred_on:%Y-%m-%d} {e.get_kind_display()}")


class BreachReportForm(forms.Form):
    option = forms.ChoiceField(
        label=_("recommended option (UU 1/2023 Art. 85(7))"),
        choices=SentenceLetter.Option.choices,
        widget=forms.RadioSelect,
    )
    recommendation = forms.CharField(label=_("PK's recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    number = forms.CharField(label=_("letter number"), max_length=100, required=False)


class CompletionForm(forms.Form):
    number = forms.CharField(label=_("letter number"), max_length=100, required=False)


class ConditionCheckForm(forms.Form):
    condition = forms.ChoiceField(label=_("condition"), choices=choose_one(ConditionCheck.Condition.choices))
    condition_text = forms.CharField(
        label=_("which condition"),
        max_length=300,
        required=False,
        help_text=_("For the general condition this may stay empty: the decision's wording is used."),
    )
    checked_on = forms.DateField(label=_("checked on"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    result = forms.ChoiceField(label=_("result"), choices=choose_one(ConditionCheck.Result.choices))
    valid_reason = forms.BooleanField(label=_("a violation with a valid reason"), required=False)
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(
        label=_("advice"), choices=SentenceLetter.Advice.choices, widget=forms.RadioSelect
    )
    advice_months = forms.IntegerField(label=_("months"), min_value=1, max_value=36)
    recommendation = forms.CharField(
        label=_("the PK's consideration"), widget=forms.Textarea(attrs={"rows": 4})
    )
    number = forms.CharField(label=_("letter number"), max_length=100, required=False)


class EventReasonForm(forms.Form):
    """The PK's later decision on an event's reason (a doctor's letter arrives after the absence)."""

    valid_reason = YesNoField(
        label=_("valid reason"), help_text=_('UU 1/2023 Art. 85(7): "alasan yang sah".')
    )
    reason = forms.CharField(label=_("reason given"), max_length=300, required=False)
    note = forms.CharField(
        label=_("note on the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )
    evidence_file = forms.FileField(
        label=_("evidence (file)"),
        required=False,
        help_text=_("A PDF (at most 5 MB) or a photo; stored privately, photos without their metadata."),
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "webp"])],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
