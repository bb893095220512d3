"""Forms shared by the pages and the API (the API validates with the same forms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.forms import choose_one, label_options
from aksalarasa.events.models import Event
from aksalarasa.evidence.models import Audience, InstrumentVersion, Item, Point, Subscale

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.evidence.models import Administration
    from aksalarasa.programs.models import Program


class AdministrationForm(forms.Form):
    instrument_version = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=InstrumentVersion.objects.none(),
        error_messages={"invalid_choice": _("Choose a published questionnaire from the list.")},
    )
    group = forms.ChoiceField(label=_("Answered by"), choices=choose_one(Audience.choices))
    point = forms.ChoiceField(label=_("When"), choices=Point.choices)
    event = forms.ModelChoiceField(
        label=_("Event"),
        queryset=Event.objects.none(),
        required=False,
        help_text=_("Optional: the event this questionnaire measures."),
        error_messages={"invalid_choice": _("Choose one of this program's events.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)

    def __init__(self, *args, program: Program, **kwargs):

        super().__init__(*args, **kwargs)
        language = get_language() or "id"
        qs = (
            InstrumentVersion.objects.filter(status=InstrumentVersion.Status.PUBLISHED)
            .filter(Q(instrument__office__isnull=True) | Q(instrument__office_id=program.office_id))
            .select_related("instrument")
            .order_by("instrument__key", "-number")
        )
        cast(forms.ModelChoiceField, self.fields["instrument_version"]).queryset = qs
        label_options(
            self.fields["instrument_version"], lambda v: f"{v.instrument.name(language)} · v{v.number}"
        )
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = Event.objects.filter(
            program=program
        ).order_by("start")


class ResponseForm(forms.Form):
    """One field per statement (radio buttons on the scale), plus who answered: a client chosen by
    staff, or a self-chosen code for residents and officers."""

    def __init__(
        self, *args, administration: Administration, items: list[Item], viewer: User | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.administration = administration
        self.items = items
        version = administration.instrument_version
        language = get_language() or "id"
        if administration.group == Audience.CLIENT:
            qs = (
                Client.objects.visible_to(viewer)
                .filter(office_id=administration.office_id)
                .order_by("full_name")
                if viewer is not None
                else Client.objects.none()
            )
            field = forms.ModelChoiceField(
                label=_("Client"),
                queryset=qs,
                error_messages={
                    "required": _("Choose the client who answered."),
                    "invalid_choice": _("Choose one of the clients you work with."),
                },
            )
            if viewer is not None:
                reader = viewer
                label_options(field, lambda c: f"{client_label(c, reader)} · {c.register_number}")
            self.fields["client"] = field
        else:
            self.fields["code"] = forms.CharField(
                label=_("Your code"),
                max_length=40,
                help_text=_(
                    "4 to 20 letters or digits of your own choosing, e.g. the last digits of a phone "
                    "number you know plus your initials. Use the same code before and after."
                ),
                error_messages={
                    "required": _("Choose a code of 4 to 20 letters or digits that you will remember.")
                },
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
            )
        choices = [(str(v), str(v)) for v in range(version.scale_min, version.scale_max + 1)]
        for item in items:
            self.fields[f"item_{item.key}"] = forms.ChoiceField(
                label=item.text(language),
                choices=choices,
                widget=forms.RadioSelect(attrs={"class": "likert"}),
                error_messages={
                    "required": _("Please answer this statement."),
                    "invalid_choice": _("Choose an answer from %(low)s to %(high)s.")
                    % {"low": version.scale_min, "high": version.scale_max},
                },
            )

    def answers(self) -> dict[str, str]:
        return {item.key: self.cleaned_data[f"item_{item.key}"] for item in self.items}


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = ["text_id", "text_en", "reverse", "intent"]


class NewItemForm(forms.Form):
    subscale = forms.ModelChoiceField(label=_("Subscale"), queryset=Subscale.objects.none())
    key = forms.SlugField(label=_("Key"), max_length=40)
    text_id = forms.CharField(label=_("Statement (Indonesian)"), max_length=300)
    text_en = forms.CharField(label=_("Statement (English)"), max_length=300)
    reverse = forms.BooleanField(label=_("Reverse-scored"), required=False)

    def __init__(self, *args, version: InstrumentVersion, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["subscale"]).queryset = version.subscales.all()
