"""Forms for guidance: the UI and the API validate with these same classes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from aksalarasa.guidance.models import (
    ATTENDED_OUTCOMES,
    Engagement,
    GuidanceSession,
    Kind,
    NotHeldReason,
    Outcome,
    Place,
    ReportInSchedule,
)

# Outcomes that say the session took place (or should have, and the client did not come).
HAPPENED_OUTCOMES = (Outcome.ATTENDED, Outcome.LATE, Outcome.UNEXCUSED)
MAX_AHEAD = timedelta(days=366)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _end_of_local_day(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


class SessionScheduleForm(forms.Form):
    """A new appointment for one client (the client comes from the URL or the API path)."""

    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeLocalInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in Kind.choices if c[0] != Kind.PARTNER])
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices, initial=Place.OFFICE)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_scheduled_at(self) -> datetime:
        return appointment_time_check(self.cleaned_data["scheduled_at"])


def appointment_time_check(value: datetime) -> datetime:
    """An appointment's time: at most a year ahead, not absurdly far in the past."""
    now = timezone.now()
    if value > now + MAX_AHEAD:
        raise forms.ValidationError(_("An appointment can be at most one year ahead."))
    if value < now - timedelta(days=3650):
        raise forms.ValidationError(_("That date is too far in the past."))
    return value


class SessionRecordForm(forms.Form):
    """Everything about one session on one phone screen, and the next appointment."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    scheduled_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeLocalInput(),
        required=False,
        help_text=_("Leave empty for now."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in Kind.choices if c[0] != Kind.PARTNER])
    place = forms.ChoiceField(label=_("Place"), choices=Place.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    not_held_reason = forms.ChoiceField(
        label=_("If it did not happen: why"),
        choices=[("", "—"), *NotHeldReason.choices],
        required=False,
    )
    engagement = forms.TypedChoiceField(
        label=_("Engagement"),
        choices=Engagement.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Only when the client attended."),
    )
    client_said = forms.CharField(
        label=_("What the client said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    response = forms.CharField(
        label=_("How the client responded"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    concern = forms.BooleanField(label=_("Raise a concern for the section head"), required=False)
    concern_text = forms.CharField(
        label=_("Concern details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_at = forms.DateTimeField(
        label=_("Next appointment"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Required when the session is rescheduled."),
    )

    def __init__(
        self,
        *args,
        session_at: datetime | None = None,
        appointments: Sequence[GuidanceSession] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session_at = session_at
        if appointments:
            # A new session while an appointment is already scheduled: offer to record against it
            # (it is completed, not duplicated by a second pending appointment).
            choices: list[tuple[Any, Any]] = [
                (
                    a.pk,
                    _("Record it as the appointment of %(when)s")
                    % {"when": date_format(timezone.localtime(a.scheduled_at), "DATETIME_FORMAT")},
                )
                for a in appointments
            ]
            choices.append(("", _("A separate session (the appointment stays scheduled)")))
            self.fields["appointment"] = forms.TypedChoiceField(
                label=_("An appointment is already scheduled"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=appointments[0].pk,
                widget=forms.RadioSelect,
            )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        outcome = data.get("outcome")
        if not outcome:
            return data
        # Recorded against an appointment set for later: the session happens now (or when given).
        session_at = None if data.get("appointment") else self.session_at
        when = data.get("scheduled_at") or session_at or timezone.now()
        data["scheduled_at_effective"] = when
        now = timezone.now()
        if outcome in HAPPENED_OUTCOMES and when > _end_of_local_day(now):
            self.add_error("outcome", _("This appointment is still ahead: record attendance on the day."))
        if outcome == Outcome.NOT_HELD:
            if not data.get("not_held_reason"):
                self.add_error("not_held_reason", _("Say why the session did not happen."))
        else:
            data["not_held_reason"] = ""
        if outcome in ATTENDED_OUTCOMES:
            if data.get("engagement") is None:
                self.add_error("engagement", _("Choose the engagement level (1-4)."))
        elif data.get("engagement") is not None:
            self.add_error("engagement", _("Engagement is recorded only when the client attended."))
        if data.get("concern") and not (data.get("concern_text") or "").strip():
            self.add_error("concern_text", _("Describe the concern."))
        next_at = data.get("next_at")
        if outcome == Outcome.RESCHEDULED and not next_at:
            self.add_error("next_at", _("Give the new date and time."))
        if next_at is not None:
            if next_at <= max(when, now - timedelta(hours=1)):
                self.add_error(
                    "next_at", _("The next appointment must be later than this session and not in the past.")
                )
            elif next_at > now + MAX_AHEAD:
                self.add_error("next_at", _("An appointment can be at most one year ahead."))
        return data


class SessionRescheduleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    new_at = forms.DateTimeField(label=_("New date and time"), widget=DateTimeLocalInput())
    notes = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_new_at(self) -> datetime:
        value = self.cleaned_data["new_at"]
        now = timezone.now()
        if value <= now:
            raise forms.ValidationError(_("The new appointment must be in the future."))
        if value > now + MAX_AHEAD:
            raise forms.ValidationError(_("An appointment can be at most one year ahead."))
        return value


class ConcernResolveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    resolution = forms.CharField(
        label=_("How the concern was resolved"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_resolution(self) -> str:
        value = self.cleaned_data["resolution"].strip()
        if not value:
            raise forms.ValidationError(_("Say how the concern was resolved."))
        return value


class ReportInScheduleForm(forms.ModelForm):
    class Meta:
        model = ReportInSchedule
        fields = ["every_days", "first_at", "until", "place", "active"]
        widgets = {"first_at": DateTimeLocalInput(), "until": forms.DateInput(attrs={"type": "date"})}

    def clean_every_days(self) -> int:
        value = self.cleaned_data["every_days"]
        if not 1 <= value <= 180:
            raise forms.ValidationError(_("Choose between 1 and 180 days."))
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        first_at, until = data.get("first_at"), data.get("until")
        if first_at and until and until < timezone.localdate(first_at):
            self.add_error("until", _("The end date is before the first appointment."))
        return data


class CaseloadFilterForm(forms.Form):
    sort = forms.ChoiceField(label=_("Sort by"), required=False)
    flag = forms.ChoiceField(label=_("Only clients flagged for"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from aksalarasa.guidance.selectors import FLAGS, SORTS

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["sort"]).choices = list(SORTS.items())
        cast(forms.ChoiceField, self.fields["flag"]).choices = [("", _("All clients")), *FLAGS.items()]

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "flags", ""
        return self.cleaned_data.get("sort") or "flags", self.cleaned_data.get("flag") or ""


# --- group sessions -------------------------------------------------------------------------------

GROUP_MIN_SIZE = 2
GROUP_MAX_SIZE = 40
GROUP_KINDS = [c for c in Kind.choices if c[0] not in (Kind.PARTNER, Kind.HOME_VISIT)]
GROUP_PLACES = [c for c in Place.choices if c[0] != Place.HOME]


class GroupCreateForm(forms.Form):
    """A group session: the participants come from the clients the creator may see."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GROUP_KINDS, initial=Kind.PERSONALITY)
    place = forms.ChoiceField(label=_("Place"), choices=GROUP_PLACES, initial=Place.COMMUNITY)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeLocalInput(), help_text=_("In the office's time zone.")
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("Participants"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, clients: Sequence[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["participants"]).choices = list(clients)

    def clean_title(self) -> str:
        value = " ".join(self.cleaned_data["title"].split())
        if not value:
            raise forms.ValidationError(_("Give the session a title."))
        return value

    def clean_scheduled_at(self) -> datetime:
        return appointment_time_check(self.cleaned_data["scheduled_at"])

    def clean_participants(self) -> list[int]:
        value = list(dict.fromkeys(self.cleaned_data["participants"]))
        if len(value) < GROUP_MIN_SIZE:
            raise forms.ValidationError(_("Choose at least two participants."))
        if len(value) > GROUP_MAX_SIZE:
            raise forms.ValidationError(
                _("A group session has at most %(n)d participants.") % {"n": GROUP_MAX_SIZE}
            )
        return value


class GroupRowForm(SessionRecordForm):
    """One participant's row of a group session: the single-session record form, with the group's
    time, kind and place (so every outcome and engagement rule is the same), in a compact layout."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("scheduled_at", "kind", "place"):
            del self.fields[name]
        for name, choices in (("outcome", Outcome.choices), ("engagement", Engagement.choices)):
            options = [("", "—"), *choices]
            cast(forms.ChoiceField, self.fields[name]).choices = options
            self.fields[name].widget = forms.Select(choices=options)
        self.fields["engagement"].help_text = ""
