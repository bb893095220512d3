from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.offices.models import Office, Region
from aksalarasa.offices.regions import RegionField, RegionMultipleField
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
    work_area = RegionMultipleField(
        label=_("Work area (regencies/cities)"),
        queryset=Region.objects.filter(level=Region.Level.REGENCY),
        required=True,
        help_text=_("Type a regency's or city's name and choose it from the list; untick one to remove it."),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.regional_office_id:
            province = self.instance.regional_office.province_id
            cast(RegionMultipleField, self.fields["work_area"]).set_scope(near=[province])

    def clean_retention_years(self) -> int:
        value = self.cleaned_data["retention_years"]
        if not 1 <= value <= 30:
            raise forms.ValidationError(_("Retention must be between 1 and 30 years."))
        return value
