"""Forms of the events app. The API validates with the same forms (config.api.form_errors)."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aksalarasa.clients.models import Client
from aksalarasa.core.forms import choose_one, label_options
from aksalarasa.events.models import (
    AgendaItem,
    CheckIn,
    ChecklistItem,
    Event,
    EventRole,
    Group,
    HandedItem,
    Invitation,
    agenda_times_errors,
)
from aksalarasa.offices.regions import RegionField
from aksalarasa.offices.validators import validate_village_code

# A form filled in faster than this is a robot (a person needs a while to type a name and phone).
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 6 * 60 * 60
_TOKEN_SALT = "aksalarasa.events.public-registration"
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _village_code_clean(form: forms.BaseForm) -> str:
    """`clean_village_code` of the event and registration forms."""
    code = form.cleaned_data.get("village_code", "").strip()
    validate_village_code(code)
    return code


def form_token_new(event_id: int) -> str:
    """A signed 'form shown at' stamp, checked when the form comes back (minimum fill time)."""
    return signing.dumps({"e": event_id, "t": time.time()}, salt=_TOKEN_SALT)


class LocalDateTimeField(forms.DateTimeField):
    """A datetime entered in the office's zone (the event's, not the browser's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("input_formats", [LOCAL_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(*args, **kwargs)


class EventForm(forms.ModelForm):
    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    village_code = RegionField(
        label=_("Village (desa/kelurahan)"),
        required=False,
        help_text=_("Type the village's name, e.g. Sanur Kauh, and choose it from the list (optional)."),
    )

    class Meta:
        model = Event
        fields = [
            "name",
            "theme",
            "description",
            "place",
            "village_code",
            "start",
            "end",
            "organising_team",
            "target_participants",
            "resource_system",
            "guests",
            "capacity",
            "registration_open",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "organising_team": forms.Textarea(attrs={"rows": 2}),
            "target_participants": forms.Textarea(attrs={"rows": 2}),
            "resource_system": forms.Textarea(attrs={"rows": 2}),
            "guests": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, office_zone: str, near: Iterable[str] = (), **kwargs) -> None:
        self.zone = zoneinfo.ZoneInfo(office_zone)
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("start", timezone.localtime(instance.start, self.zone).strftime(LOCAL_INPUT))
            initial.setdefault("end", timezone.localtime(instance.end, self.zone).strftime(LOCAL_INPUT))
        super().__init__(*args, **kwargs)
        cast(RegionField, self.fields["village_code"]).set_near(near)

    def _in_zone(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
        return timezone.make_aware(naive, self.zone)

    clean_village_code = _village_code_clean

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        data["start"] = self._in_zone(data.get("start"))
        data["end"] = self._in_zone(data.get("end"))
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            self.add_error("end", _("The event must end after it starts."))
        return data


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["kind", "title", "owner", "done"]


class EventRoleForm(forms.ModelForm):
    class Meta:
        model = EventRole
        fields = ["kind", "person"]


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["position", "starts_at", "ends_at", "title", "lead"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for field, message in agenda_times_errors(data.get("starts_at"), data.get("ends_at")).items():
            self.add_error(field, message)
        return data


class HandedItemForm(forms.ModelForm):
    class Meta:
        model = HandedItem
        fields = ["item", "quantity", "recipient"]


PART_FORMS: dict[str, type[forms.ModelForm]] = {
    "checklist": ChecklistItemForm,
    "roles": EventRoleForm,
    "agenda": AgendaItemForm,
    "handed": HandedItemForm,
}

# Parts whose rows keep an order of their own, moved up and down on the event page.
ORDERED_PARTS = frozenset({"checklist", "agenda"})


def part_form(part: str, *, data=None, instance=None, editing: bool = False) -> forms.ModelForm:
    """The add form of a part, or (editing=True) the in-place edit form of one of its rows.

    An edit form carries the row's version (a stale one is refused, not saved over) and has no
    position field: a row's place in the order changes with the move buttons only.
    """
    prefix = f"{part}-{instance.pk}" if editing and instance is not None else part
    form = PART_FORMS[part](data, instance=instance, prefix=prefix)
    if editing:
        form.fields.pop("position", None)
        form.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=instance.version if instance else 1
        )
    return form


def _phone_clean(value: str) -> str:
    from lokal import normalize_phone

    value = (value or "").strip()
    if not value:
        return ""
    try:
        normalized = normalize_phone(value)
    except (ValueError, TypeError):
        normalized = None
    if not normalized:
        raise forms.ValidationError(_("Enter an Indonesian phone number, e.g. 0812 3456 7890."))
    return normalized


class PublicRegistrationForm(forms.Form):
    """A resident registers without an account. Spam checks: honeypot and minimum fill time."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=20,
        required=False,
        help_text=_("So the team can reach you about the event. Optional."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    village_code = RegionField(
        label=_("Village (desa/kelurahan)"),
        required=False,
        help_text=_("Type the name of your village and choose it from the list. Optional."),
    )
    banjar = forms.CharField(label=_("Banjar / neighbourhood"), max_length=100, required=False)
    consent_data = forms.BooleanField(
        label=_("I agree that the office uses my name and contact for this event and its evaluation."),
        required=True,
        error_messages={"required": _("Registration needs your consent to the use of your data.")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this empty"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        event_id: int,
        village_choices: list[tuple[str, str]] | None = None,
        near: Iterable[str] = (),
        now=None,
        **kwargs,
    ) -> None:
        self.event_id = event_id
        self.now = now
        super().__init__(*args, **kwargs)
        cast(RegionField, self.fields["village_code"]).set_near(near)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if village_choices:
            # Villages near the event (its district): a list is easier on a phone than a code.
            self.fields["village_code"] = forms.ChoiceField(
                label=_("Village (desa/kelurahan)"),
                required=False,
                choices=[("", _("— not listed / rather not say —")), *village_choices],
            )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your name."))
        if "http://" in name or "https://" in name or "www." in name:
            raise forms.ValidationError(_("A name cannot contain a web address."))
        return name

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone", ""))

    clean_village_code = _village_code_clean

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(_("The form could not be accepted. Please try again."), code="spam")
        token = self.data.get("form_token", "")
        try:
            payload = signing.loads(token, salt=_TOKEN_SALT, max_age=MAX_FILL_SECONDS)
        except signing.BadSignature:
            raise forms.ValidationError(
                _("The form has expired. Reload the page and fill it in again."), code="expired"
            ) from None
        if payload.get("e") != self.event_id:
            raise forms.ValidationError(_("The form has expired. Reload the page and fill it in again."))
        now = self.now if self.now is not None else time.time()
        if now - float(payload.get("t", 0)) < MIN_FILL_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please check your details and send the form again."), code="too_fast"
            )
        return data


class StaffRegistrationForm(forms.Form):
    """Staff register officials, speakers, guests, partners or officers by name."""

    group = forms.ChoiceField(
        label=_("Group"), choices=choose_one((g.value, g.label) for g in Group if g != Group.CLIENT)
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def clean_phone(self) -> str:
        return _phone_clean(self.cleaned_data.get("phone", ""))


class ClientRegistrationForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none())

    def __init__(self, *args, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["client"]).queryset = clients
        label_options(self.fields["client"], lambda c: f"{c.full_name} ({c.register_number})")
        self.fields["client"].help_text = _("Only your clients who consented to community activities.")


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Registration code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # Never asked: the page knows how the code came (typed in this form, read by the camera,
    # sent later from the offline queue, or a click in the registration list) and says so here.
    source = forms.ChoiceField(
        required=False,
        choices=CheckIn.Source.choices,
        initial=CheckIn.Source.TYPED,
        widget=forms.HiddenInput,
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        # A QR code may carry the full check-in URL; the code is its last segment.
        code = code[-6:] if len(code) > 6 else code
        if len(code) != 6:
            raise forms.ValidationError(_("A code has 6 letters and digits."))
        return code


class TeamFormForm(forms.Form):
    team_count = forms.IntegerField(label=_("Number of teams"), min_value=1, max_value=100, initial=4)


class InteractionForm(forms.Form):
    client = forms.IntegerField(label=_("Client"))
    others = forms.TypedMultipleChoiceField(label=_("Worked or talked with"), coerce=int, choices=())

    def __init__(self, *args, client_choices, other_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"] = forms.TypedChoiceField(label=_("Client"), coerce=int, choices=client_choices)
        self.fields["others"].widget = forms.CheckboxSelectMultiple()
        cast(
            forms.ChoiceField, self.fields["others"]
        ).choices = other_choices  # after the widget: the setter passes them on


class InvitationRequestForm(forms.Form):
    """The program team asks: a client it may see, or one officer (PK), or a section."""

    client = forms.TypedChoiceField(label=_("A client"), coerce=int, required=False, empty_value=None)
    officer = forms.TypedChoiceField(
        label=_("or ask a PK to choose clients"), coerce=int, required=False, empty_value=None
    )
    section = forms.ChoiceField(
        label=_("or ask a section to choose clients"),
        required=False,
        choices=[("", "—"), *Invitation.Section.choices],
    )
    note = forms.CharField(
        label=_("Message to the PK"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why these clients, what the event asks of them."),
    )

    def __init__(self, *args, client_choices, officer_choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["client"]).choices = [("", "—"), *client_choices]
        cast(forms.ChoiceField, self.fields["officer"]).choices = [("", "—"), *officer_choices]
        self.fields["client"].help_text = _(
            "Clients you may see (a child's initials only). Their own PK is asked."
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        if sum(bool(data.get(name)) for name in ("client", "officer", "section")) != 1:
            raise forms.ValidationError(_("Choose one: a client, a PK or a section."))
        return data


class InvitationAcceptForm(forms.Form):
    """The PK accepts: which client (when the team asked the PK or the section to choose), and
    the consent: who gave it and when."""

    client = forms.TypedChoiceField(label=_("Your client"), coerce=int, required=False, empty_value=None)
    consent_given_by = forms.CharField(
        label=_("Consent given by"),
        max_length=150,
        help_text=_("The client, or for a child the guardian (name and relation)."),
    )
    consent_at = LocalDateTimeField(label=_("Consent given at"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, client_choices=None, zone: str, **kwargs) -> None:
        self.zone = zoneinfo.ZoneInfo(zone)
        super().__init__(*args, **kwargs)
        if client_choices is None:
            del self.fields["client"]
        else:
            self.fields["client"].required = True
            cast(forms.ChoiceField, self.fields["client"]).choices = [("", "—"), *client_choices]

    def clean_consent_at(self) -> datetime:
        value = self.cleaned_data["consent_at"]
        naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
        return timezone.make_aware(naive, self.zone)


class InvitationAcceptManyForm(forms.Form):
    """The PK answers a request addressed to them or their section with several of their own clients
    at once: tick each client and say, for each, who gave consent and when (office time). Only the
    PK's own clients are offered; any other id is refused and nothing is registered."""

    clients = forms.TypedMultipleChoiceField(
        label=_("Your clients to invite"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, client_choices: list[tuple[int, str]], zone: str, **kwargs) -> None:
        self.zone = zoneinfo.ZoneInfo(zone)
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["clients"]).choices = client_choices
        self.rows: list[dict[str, Any]] = []
        for pk, name in client_choices:
            given_by = forms.CharField(
                label=_("Consent given by (%(name)s)") % {"name": name}, max_length=150, required=False
            )
            consent_at = LocalDateTimeField(
                label=_("Consent given at (%(name)s)") % {"name": name}, required=False
            )
            self.fields[f"consent_given_by_{pk}"] = given_by
            self.fields[f"consent_at_{pk}"] = consent_at
            self.rows.append(
                {"pk": pk, "name": name, "given_by": f"consent_given_by_{pk}", "at": f"consent_at_{pk}"}
            )

    def bound_rows(self) -> list[dict]:
        """For the template: each client's tick box and consent fields on one table row."""
        ticked = {str(v) for v in (self["clients"].value() or [])}
        return [
            {
                "pk": row["pk"],
                "name": row["name"],
                "id": f"{self['clients'].auto_id}_c{row['pk']}",
                "checked": str(row["pk"]) in ticked,
                "given_by": self[str(row["given_by"])],
                "at": self[str(row["at"])],
            }
            for row in self.rows
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        chosen: list[tuple[int, str, datetime]] = []
        for pk in data.get("clients") or []:
            given_by = (data.get(f"consent_given_by_{pk}") or "").strip()
            at = data.get(f"consent_at_{pk}")
            if not given_by:
                self.add_error(
                    f"consent_given_by_{pk}", _("Say who gave consent (the client, or a child's guardian).")
                )
            if at is None:
                if f"consent_at_{pk}" not in self.errors:
                    self.add_error(f"consent_at_{pk}", _("Say when consent was given."))
                continue
            naive = at.replace(tzinfo=None) if timezone.is_aware(at) else at
            at = timezone.make_aware(naive, self.zone)
            if at > timezone.now():
                self.add_error(f"consent_at_{pk}", _("This time is in the future."))
            elif given_by:
                chosen.append((pk, given_by, at))
        data["chosen"] = chosen
        return data


class InvitationDeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Why not"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
