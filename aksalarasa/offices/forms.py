from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.offices.models import Office, Region
from aksalarasa.offices.regions import RegionField
from aksalarasa.offices.validators import validate_village_code


class OfficeSettingsForm(forms.ModelForm):
    """Validation shared by the UI and the API (PATCH /api/v1/offices/{id})."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    village_code = RegionField(
        label=_("Village (desa/kelurahan)"),
        required=False,
        validators=[validate_village_code],
        help_text=_("Type the village's name and choose it from the list."),
    )
    work_area = forms.ModelMultipleChoiceField(
        label=_("Work area (regencies/cities)"),
        queryset=Region.objects.filter(level=Region.Level.REGENCY),
        required=True,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Office
        fields = [
            "name",
            "address",
            "village_code",
            "phone",
            "email",
            "time_zone",
            "work_area",
            "require_2fa_for_heads",
            "retention_years",
        ]

    def clean_retention_years(self) -> int:
        value = self.cleaned_data["retention_years"]
        if not 1 <= value <= 30:
            raise forms.ValidationError(_("Retention must be between 1 and 30 years."))
        return value
