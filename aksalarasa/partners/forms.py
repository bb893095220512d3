"""Forms shared by the UI and the API (the API validates with these same forms)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.models import User
from aksalarasa.guidance.models import ATTENDED_OUTCOMES, Engagement, Outcome
from aksalarasa.offices.models import Region
from aksalarasa.offices.regions import RegionMultipleField
from aksalarasa.partners.models import (
    GoalRating,
    Partner,
    PartnerService,
    Referral,
    SharedField,
    Status,
)
from aksalarasa.partners.selectors import sharing_allowed

if TYPE_CHECKING:
    from aksalarasa.clients.models import Client
    from aksalarasa.offices.models import Office

CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024


class PartnerForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    regions = RegionMultipleField(
        label=_("Regencies/cities served"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_(
            "Type a regency's or city's name (in the office's province) and choose it from the list; "
            "untick one to remove it."
        ),
    )
    agreement_start = forms.DateField(
        label=_("Agreement start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agreement_end = forms.DateField(
        label=_("Agreement end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "legal_form",
            "focus_areas",
            "regions",
            "address",
            "contact_person",
            "contact_phone",
            "contact_email",
            "agreement_number",
            "agreement_start",
            "agreement_end",
            "status",
            "public_listing",
            "public_description",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "public_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        province_id = office.regional_office.province_id
        regions = cast(RegionMultipleField, self.fields["regions"])
        regions.queryset = Region.objects.filter(level=Region.Level.REGENCY, parent_id=province_id)
        regions.set_scope(within=province_id)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Partner.objects.filter(office=self.office, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This office already has a partner with this name."))
        return name

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data.get("contact_phone", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("agreement_start"), data.get("agreement_end")
        if start and end and start >= end:
            self.add_error("agreement_end", _("The agreement must end after it starts."))
        return data


def _clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    from lokal import normalize_phone

    try:
        normalized = normalize_phone(value)
    except (ValueError, TypeError):
        normalized = None
    if not normalized:
        raise forms.ValidationError(_("Enter an Indonesian phone number, e.g. 0812 3456 7890."))
    return normalized


class ServiceForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PartnerService
        fields = [
            "name",
            "kind",
            "for_children",
            "for_adults",
            "capacity",
            "schedule",
            "place",
            "description",
            "active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, partner: Partner, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner = partner

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = PartnerService.objects.filter(partner=self.partner, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This partner already has a service with this name."))
        return name

    def clean_capacity(self) -> int:
        value = self.cleaned_data["capacity"]
        if not 1 <= value <= 1000:
            raise forms.ValidationError(_("Capacity must be between 1 and 1000."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("for_children") and not data.get("for_adults"):
            raise forms.ValidationError(_("Tick at least one eligible category: child or adult clients."))
        return data


class MembershipForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Partner-staff account"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = candidates


class ReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=PartnerService.objects.none())
    reason = forms.CharField(
        label=_("Reason for the referral"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    need_kind = forms.ChoiceField(
        label=_("Kind of need"), required=False, choices=[("", "—"), *PartnerService.Kind.choices]
    )
    goals = forms.CharField(
        label=_("Outcomes aimed at"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; the partner rates each at the end of the service."),
    )
    shared_fields = forms.MultipleChoiceField(
        label=_("Share with the partner"),
        required=False,
        choices=SharedField.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The partner always sees the initials; anything more needs the client's consent."),
    )
    send = forms.BooleanField(label=_("Send to the partner now (otherwise keep as a draft)"), required=False)

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        eligible = {"for_children": True} if client.is_child else {"for_adults": True}
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = (
            PartnerService.objects.filter(
                partner__office_id=client.office_id,
                partner__status=Partner.Status.ACTIVE,
                active=True,
                **eligible,
            )
            .select_related("partner")
            .order_by("partner__name", "name")
        )

    def clean_goals(self) -> str:
        lines = [line.strip() for line in self.cleaned_data.get("goals", "").splitlines() if line.strip()]
        if len(lines) > 10:
            raise forms.ValidationError(_("At most 10 outcomes."))
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("Each outcome may have at most 300 characters."))
        return "\n".join(lines)

    def clean_shared_fields(self) -> list[str]:
        shared = self.cleaned_data.get("shared_fields") or []
        if shared and not sharing_allowed(self.client):
            from aksalarasa.partners.services import _sharing_refusal

            raise forms.ValidationError(_sharing_refusal(self.client))
        return shared


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class PartnerSessionForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Session date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    outcome = forms.ChoiceField(label=_("Attendance"), choices=Outcome.choices, widget=forms.RadioSelect)
    engagement = forms.TypedChoiceField(
        label=_("Engagement"),
        choices=[("", "—"), *Engagement.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only when the client attended."),
    )
    response = forms.CharField(
        label=_("How the client responded"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    concern = forms.BooleanField(
        label=_("Raise a concern (notifies the client's officer at once)"), required=False
    )
    concern_text = forms.CharField(
        label=_("Concern details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        if value > timezone.now() + timedelta(hours=1):
            raise forms.ValidationError(_("Record a session after it took place, not in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        outcome, engagement = data.get("outcome"), data.get("engagement")
        if outcome in ATTENDED_OUTCOMES and engagement is None:
            self.add_error("engagement", _("Rate the engagement (1 to 4) of a client who attended."))
        if outcome and outcome not in ATTENDED_OUTCOMES and engagement is not None:
            self.add_error("engagement", _("Engagement is rated only when the client attended."))
        if data.get("concern") and not (data.get("concern_text") or "").strip():
            self.add_error("concern_text", _("Describe the concern."))
        return data


def _validate_certificate_size(value: Any) -> None:
    if value and value.size > CERTIFICATE_MAX_BYTES:
        raise forms.ValidationError(_("The certificate file may be at most 5 MB."))


class ServiceReportForm(forms.Form):
    """One rating (and evidence) per outcome the referral aimed at; a recommendation; a certificate."""

    recommendation = forms.CharField(
        label=_("Recommendation"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    certificate = forms.FileField(
        label=_("Certificate (PDF, JPG or PNG; optional)"),
        required=False,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"]), _validate_certificate_size],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = referral.goal_list
        for i, goal in enumerate(self.goals):
            self.fields[f"rating_{i}"] = forms.ChoiceField(
                label=_("Outcome: %(goal)s") % {"goal": goal},
                choices=GoalRating.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"evidence_{i}"] = forms.CharField(
                label=_("Evidence for: %(goal)s") % {"goal": goal},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            [*(n for i in range(len(self.goals)) for n in (f"rating_{i}", f"evidence_{i}")), "recommendation"]
        )

    def ratings(self) -> list[dict[str, str]]:
        return [
            {
                "rating": self.cleaned_data[f"rating_{i}"],
                "evidence": self.cleaned_data.get(f"evidence_{i}", ""),
            }
            for i in range(len(self.goals))
        ]
