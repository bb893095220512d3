"""Forms shared by the pages and the API (the API validates with these same forms)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aksalarasa.accounts.models import User
from aksalarasa.core.forms import choose_one, label_options
from aksalarasa.partners.models import Partner, Referral
from aksalarasa.partners.selectors import referral_label, referral_list
from aksalarasa.programs.models import (
    STAGE_ORDER,
    ActionPlan,
    Assessment,
    AssessmentItem,
    Card,
    ClosingActivity,
    Contact,
    Evaluation,
    Indicator,
    ParticipantGroup,
    PlanAction,
    PlanningWorkshop,
    Program,
    ProgramHandover,
    ProgramPartner,
    Sex,
    Stage,
    StakeholderGroup,
)
from aksalarasa.programs.services import indicators_check_total

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ProgramForm(VersionedForm):
    class Meta:
        model = Program
        fields = [
            "title",
            "acronym",
            "theme",
            "goal",
            "benefits",
            "problems_addressed",
            "intervention_type",
            "method",
            "technique",
            "resource_systems",
            "start",
            "end",
        ]
        widgets = {
            "start": DATE,
            "end": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("goal", "benefits", "problems_addressed", "resource_systems")
            },
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end cannot be before the start."))
        return data


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.none())
    role = forms.CharField(label=_("Role in the team"), max_length=100)
    can_edit = forms.BooleanField(label=_("Can edit the program"), required=False, initial=True)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = User.objects.filter(
            office_id=program.office_id, is_active=True
        ).order_by("full_name")


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to stage"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the program goes back to an earlier stage."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, program: Program | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.program is not None and data.get("to_stage"):
            if (
                STAGE_ORDER.index(data["to_stage"]) < STAGE_ORDER.index(self.program.stage)
                and not (data.get("reason") or "").strip()
            ):
                self.add_error("reason", _("Say why the program goes back to an earlier stage."))
        return data


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["kind", "date", "people", "institution", "stakeholder_role", "purpose", "agreement"]
        widgets = {
            "date": DATE,
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "agreement": forms.Textarea(attrs={"rows": 2}),
        }


class ProgramPartnerForm(forms.ModelForm):
    class Meta:
        model = ProgramPartner
        fields = ["partner", "name", "role"]

    def __init__(self, *args, program: Program, **kwargs):
        # The program is required: without it the list of the office's partners would be empty and
        # a registered Pokmas Lipas could only be typed as free text (its staff then never see the
        # program, since they read the programs their organisation is linked to).
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(office_id=program.office_id, status=Partner.Status.ACTIVE)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners.order_by("name")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not (data.get("name") or "").strip() and not data.get("partner"):
            self.add_error("name", _("Name the organisation."))
        return data


class StakeholderGroupForm(forms.ModelForm):
    class Meta:
        model = StakeholderGroup
        fields = ["kind", "name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["title", "date", "place", "facilitator", "method", "votes_per_person"]
        widgets = {"date": DATE}

    def clean_votes_per_person(self) -> int:
        value = self.cleaned_data["votes_per_person"]
        if not 1 <= value <= 20:
            raise forms.ValidationError(_("Give each person between 1 and 20 votes."))
        return value


class AssessmentItemForm(forms.ModelForm):
    class Meta:
        model = AssessmentItem
        fields = ["kind", "title", "causes", "effects"]
        widgets = {"causes": forms.Textarea(attrs={"rows": 2}), "effects": forms.Textarea(attrs={"rows": 2})}


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    group = forms.ChoiceField(label=_("Group"), choices=choose_one(ParticipantGroup.choices))
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=choose_one(Sex.choices),
        help_text=_('Choose "Prefer not to say" if you would rather not answer.'),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write your name."))
        return name


class BallotForm(forms.Form):
    """One number field per problem; the service enforces the limit (the form says it early)."""

    def __init__(self, *args, assessment: Assessment, current: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        top = 1 if assessment.method == Assessment.Method.POCKET else assessment.votes_per_person
        self.problems = list(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).order_by("pk"))
        for problem in self.problems:
            self.fields[f"item_{problem.pk}"] = forms.IntegerField(
                label=problem.title,
                min_value=0,
                max_value=top,
                required=False,
                initial=(current or {}).get(problem.pk, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def allocation(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data.get(f"item_{p.pk}") or 0 for p in self.problems}

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not self.errors:
            total = sum(self.allocation().values())
            if total > self.assessment.votes_per_person:
                raise forms.ValidationError(
                    _("You have %(limit)d votes; you gave %(total)d.")
                    % {"limit": self.assessment.votes_per_person, "total": total}
                )
        return data


class TallyForm(forms.Form):
    """The facilitator's counts: one number per problem and group."""

    def __init__(
        self, *args, assessment: Assessment, current: dict[tuple[int, str], int] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.problems = list(assessment.items.filter(kind=AssessmentItem.Kind.PROBLEM).order_by("pk"))
        self.rows = []
        for problem in self.problems:
            names = []
            for group, label in ParticipantGroup.choices:
                name = f"t_{problem.pk}_{group}"
                self.fields[name] = forms.IntegerField(
                    label=f"{problem.title}: {label}",
                    min_value=0,
                    max_value=100000,
                    required=False,
                    initial=(current or {}).get((problem.pk, group), 0),
                )
                names.append(name)
            self.rows.append((problem, names))

    def counts(self) -> dict[tuple[int, str], int]:
        return {
            (p.pk, group): self.cleaned_data.get(f"t_{p.pk}_{group}") or 0
            for p in self.problems
            for group in ParticipantGroup.values
        }

    def bound_rows(self):
        return [(problem, [self[name] for name in names]) for problem, names in self.rows]


class PrioritiesForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        label=_("Priority problems"),
        queryset=AssessmentItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["items"]).queryset = assessment.items.filter(
            kind=AssessmentItem.Kind.PROBLEM
        ).order_by("pk")
        self.fields["items"].error_messages["required"] = _("Choose at least one priority problem.")


class PlanningWorkshopForm(forms.ModelForm):
    class Meta:
        model = PlanningWorkshop
        fields = ["date", "focus_question", "context", "facilitator"]
        widgets = {"date": DATE, "context": forms.Textarea(attrs={"rows": 3})}


class CardForm(forms.ModelForm):
    class Meta:
        model = Card
        fields = ["text", "author"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "maxlength": 200})}


class ClusterForm(forms.Form):
    name = forms.CharField(label=_("Cluster name"), max_length=200, required=False)


class CardAssignForm(forms.Form):
    cluster = forms.IntegerField(label=_("Cluster"), required=False, min_value=1)


class ResolutionForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ActionPlanForm(VersionedForm):
    class Meta:
        model = ActionPlan
        fields = ["victory", "current_reality", "commitment", "commitment_date", "team"]
        widgets = {
            "commitment_date": DATE,
            **{
                n: forms.Textarea(attrs={"rows": 3})
                for n in ("victory", "current_reality", "commitment", "team")
            },
        }


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["title", "owner", "due", "resources", "cost", "hours"]
        widgets = {"due": DATE}

    def clean_cost(self) -> int:
        value = self.cleaned_data["cost"]
        if value > 10_000_000_000_000:
            raise forms.ValidationError(_("That cost is too large."))
        return value

    def clean_hours(self):
        value = self.cleaned_data["hours"]
        if value < 0:
            raise forms.ValidationError(_("Time cannot be negative."))
        return value


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["criterion", "weight", "target", "measurement", "data_source", "source", "achievement"]
        widgets = {"measurement": forms.Textarea(attrs={"rows": 2})}

    def clean_weight(self) -> int:
        value = self.cleaned_data["weight"]
        if not 1 <= value <= 100:
            raise forms.ValidationError(_("A weight is between 1 and 100%."))
        return value

    def clean_achievement(self):
        value = self.cleaned_data.get("achievement")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("Achievement is between 0 and 100%."))
        return value


class BaseIndicatorFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [
            f.cleaned_data["weight"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("weight")
        ]
        try:
            indicators_check_total(weights)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("criterion")
        ]


IndicatorFormSet = cast(
    type[BaseIndicatorFormSet],
    forms.modelformset_factory(
        Indicator,
        form=IndicatorForm,
        formset=BaseIndicatorFormSet,
        extra=2,
        can_delete=True,
        max_num=20,
        validate_max=True,
    ),
)


class ReportTextsForm(VersionedForm):
    class Meta:
        model = Program
        fields = ["report_letter_number", "report_place", "conclusions", "recommendations"]
        widgets = {
            "conclusions": forms.Textarea(attrs={"rows": 5}),
            "recommendations": forms.Textarea(attrs={"rows": 5}),
        }


class EvaluationForm(VersionedForm):
    class Meta:
        model = Evaluation
        fields = [
            "goal_achievement",
            "benefit_achievement",
            "strengths",
            "weaknesses",
            "opportunities",
            "threats",
        ]
        widgets = {n: forms.Textarea(attrs={"rows": 3}) for n in fields}


class ClosingActivityForm(forms.ModelForm):
    class Meta:
        model = ClosingActivity
        fields = ["date", "description"]
        widgets = {"date": DATE}


class HandoverForm(VersionedForm):
    class Meta:
        model = ProgramHandover
        fields = [
            "report_to",
            "report_date",
            "report_document",
            "owner_institution",
            "owner_person",
            "next_steps",
            "follow_up_date",
        ]
        widgets = {
            "report_date": DATE,
            "follow_up_date": DATE,
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }


class ProgramReferralForm(forms.Form):
    """Link a client referral (made in the partners app) to the program; only referrals the person may see."""

    referral = forms.ModelChoiceField(label=_("Client referral"), queryset=Referral.objects.none())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, program: Program, viewer: User, **kwargs):
        super().__init__(*args, **kwargs)

        field = cast(forms.ModelChoiceField, self.fields["referral"])
        field.queryset = referral_list(viewer=viewer).filter(office_id=program.office_id)
        label_options(
            field,
            lambda r: (
                f"#{r.pk} {referral_label(viewer=viewer, referral=r)} → {r.partner.name} · {r.service.name} ({r.get_status_display()})"
            ),
        )
