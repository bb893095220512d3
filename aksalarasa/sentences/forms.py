"""Forms shared by the pages and the API (the API validates with these same forms)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.forms import DATE_FORMATS, DATE_WIDGET
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.forms import label_options
from aksalarasa.offices.models import Office, Region
from aksalarasa.offices.regions import RegionField
from aksalarasa.offices.validators import validate_village_code
from aksalarasa.partners.models import Partner, PartnerMembership
from aksalarasa.sentences.models import Factor, HoursEntry, SentenceOrder, ServiceSite, Suitability

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class FieldsOnly:
    """A ModelForm used for its fields only: the service checks the rules (rules.py) and writes, so
    the model's own validation (its database constraints) would only repeat the same errors."""

    def _post_clean(self) -> None:
        pass


class SiteForm(FieldsOnly, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opening_days = forms.MultipleChoiceField(
        label=_("opening days"), choices=ServiceSite.Weekday.choices, widget=forms.CheckboxSelectMultiple
    )
    non_commercial = forms.BooleanField(
        label=_("The site declares the work is not commercial (UU 1/2023 Art. 85(3))"),
        required=True,
        error_messages={
            "required": _(
                "A site is accepted only with its declaration that the work is not commercial (UU 1/2023 Art. 85(3))."
            )
        },
    )
    regency = RegionField(
        level="regency",
        label=_("regency/city"),
        help_text=_("Type the name, e.g. Denpasar, and choose from the list."),
    )
    village_code = RegionField(
        label=_("village (desa/kelurahan)"),
        required=False,
        help_text=_("Type the village's name, e.g. Sanur Kauh, and choose from the list."),
    )
    supervisors = forms.ModelMultipleChoiceField(
        label=_("site supervisors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Partner staff accounts of the site's partner."),
    )

    class Meta:
        model = ServiceSite
        fields = [
            "name",
            "kind",
            "partner",
            "address",
            "regency",
            "village_code",
            "latitude",
            "longitude",
            "work_kinds",
            "capacity_per_day",
            "opening_days",
            "opens_at",
            "closes_at",
            "safety_notes",
            "equipment",
            "mou_number",
            "mou_start",
            "mou_end",
            "non_commercial",
            "supervisors",
            "active",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "safety_notes": forms.Textarea(attrs={"rows": 3}),
            "equipment": forms.Textarea(attrs={"rows": 2}),
            "opens_at": TIME_WIDGET,
            "closes_at": TIME_WIDGET,
            "mou_start": DATE_WIDGET,
            "mou_end": DATE_WIDGET,
        }

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {})["opening_days"] = list(instance.opening_days)
        super().__init__(*args, **kwargs)
        self.office = office
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = Partner.objects.filter(office=office)
        self.province_id = office.regional_office.province_id
        near = sorted(office.work_area.values_list("code", flat=True)) if office.pk else []
        for name in ("regency", "village_code"):
            cast(RegionField, self.fields[name]).set_near(near)
        members = PartnerMembership.objects.filter(partner__office=office).values("user_id")
        supervisors = cast(forms.ModelMultipleChoiceField, self.fields["supervisors"])
        supervisors.queryset = User.objects.filter(pk__in=members, is_active=True).order_by("full_name")
        label_options(supervisors, lambda u: u.full_name)

    def clean_regency(self) -> Region:
        """The regency picked by name, inside the office's province (the sites it places people at)."""
        code = self.cleaned_data["regency"]
        regency = Region.objects.filter(pk=code, level=Region.Level.REGENCY).first()
        if regency is None or regency.parent_id != self.province_id:
            raise forms.ValidationError(_("Choose a regency/city in this office's province."))
        return regency

    def clean_village_code(self) -> str:
        value = self.cleaned_data["village_code"].strip()
        validate_village_code(value)
        regency = self.cleaned_data.get("regency")
        if value and regency is not None and not value.startswith(regency.code + "."):
            raise forms.ValidationError(_("This village is not in the chosen regency/city."))
        return value

    def clean_opening_days(self) -> str:
        return "".join(sorted(self.cleaned_data["opening_days"]))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        if lat is not None and not -90 <= lat <= 90:
            self.add_error("latitude", _("Latitude is between -90 and 90."))
        if lon is not None and not -180 <= lon <= 180:
            self.add_error("longitude", _("Longitude is between -180 and 180."))
        return data


class OrderForm(FieldsOnly, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    client = forms.ModelChoiceField(label=_("client"), queryset=Client.objects.none(), required=False)

    class Meta:
        model = SentenceOrder
        fields = [
            "client",
            "sentence_type",
            "court",
            "case_number",
            "case_registered_on",
            "decision_number",
            "decision_date",
            "final_on",
            "article",
            "threatened_months",
            "hours_ordered",
            "hours_per_day",
            "period_months",
            "start_date",
            "replaced_prison_days",
            "replaced_fine",
            "prosecutor_office",
            "general_conditions",
            "special_conditions",
            "site",
            "notes",
        ]
        widgets = {
            "case_registered_on": DATE_WIDGET,
            "decision_date": DATE_WIDGET,
            "final_on": DATE_WIDGET,
            "start_date": DATE_WIDGET,
            "general_conditions": forms.Textarea(attrs={"rows": 2}),
            "special_conditions": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "hours_ordered": _("Community service: 8 to 240 hours (UU 1/2023 Art. 85(4))."),
            "hours_per_day": _("At most 8 (UU 1/2023 Art. 85(5))."),
            "period_months": _(
                "Community service: at most 6 months; supervision: at most 36 (Art. 85(5), 76(1))."
            ),
            "replaced_fine": _("At most category II, Rp10,000,000 (Art. 85(1), 79(1))."),
            "replaced_prison_days": _("At most 6 months, 180 days (Art. 85(1))."),
        }

    def __init__(
        self, *args: Any, clients: Any = None, sites: Any = None, viewer: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("case_registered_on", "decision_date", "final_on", "start_date"):
            cast(forms.DateField, self.fields[name]).input_formats = DATE_FORMATS
        client_field = cast(forms.ModelChoiceField, self.fields["client"])
        if clients is None:
            del self.fields["client"]
        else:
            client_field.queryset = clients
            if viewer is not None:
                label_options(client_field, lambda c: f"{client_label(c, viewer)} ({c.register_number})")
        site_field = cast(forms.ModelChoiceField, self.fields["site"])
        site_field.queryset = sites if sites is not None else ServiceSite.objects.none()


class OrderStatusForm(OrderForm):
    status = forms.ChoiceField(label=_("status"), choices=SentenceOrder.Status.choices)

    class Meta(OrderForm.Meta):
        fields = [*OrderForm.Meta.fields, "status"]


class SuitabilityForm(FieldsOnly, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    consent_explained_by = forms.ModelChoiceField(
        label=_("explained by"), queryset=User.objects.none(), required=False
    )
    consent_explained_at = forms.DateTimeField(
        label=_("explained at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"],
    )

    class Meta:
        model = Suitability
        fields = [
            *[name for factor in Suitability.FACTORS for name in (factor, f"{factor}_note")],
            "recommendation",
            "recommendation_reason",
            "hours_recommended",
            "consent_explained_by",
            "consent_explained_at",
            "consent_given",
        ]
        widgets = {
            **{f"{factor}_note": forms.Textarea(attrs={"rows": 2}) for factor in Suitability.FACTORS},
            **{factor: forms.RadioSelect(choices=Factor.choices) for factor in Suitability.FACTORS},
            "recommendation_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, office_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        explainer = cast(forms.ModelChoiceField, self.fields["consent_explained_by"])
        explainer.queryset = User.objects.filter(
            office_id=office_id, role_officer=True, is_active=True
        ).order_by("full_name")
        label_options(explainer, lambda u: u.full_name)


class HoursForm(forms.Form):
    work_date = forms.DateField(label=_("date"), widget=DATE_WIDGET, input_formats=DATE_FORMATS)
    start = forms.TimeField(label=_("start"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("end"), widget=TIME_WIDGET)
    break_minutes = forms.IntegerField(label=_("breaks (minutes)"), min_value=0, max_value=600, initial=0)
    work_done = forms.CharField(label=_("work done"), max_length=300, required=False)


class CorrectionForm(forms.Form):
    corrects = forms.ModelChoiceField(
        label=_("corrects entry"), queryset=HoursEntry.objects.none(), required=False
    )
    minutes = forms.IntegerField(
        label=_("minutes (+ adds, − removes)"), min_value=-240 * 60, max_value=240 * 60
    )
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args: Any, order: SentenceOrder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["corrects"])
        field.queryset = HoursEntry.objects.filter(order=order).order_by("sequence")
        label_options(field, lambda e: f"#{e.sequence} {e.work_date:%Y-%m-%d} ({e.credited_minutes} min)")
