"""Pages of the program cycle. Each view: access check, form, one service call, response."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.accounts.permissions import can
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record_many
from aksalarasa.core.concurrency import StaleVersion, save_versioned_form
from aksalarasa.core.forms import apply_errors
from aksalarasa.core.history import history_for
from aksalarasa.core.lookups import rate_limited
from aksalarasa.core.scoping import unscoped
from aksalarasa.programs import forms, selectors, services
from aksalarasa.programs.consistency import cycle_warnings
from aksalarasa.programs.models import (
    STAGE_ORDER,
    Card,
    ClosingActivity,
    Cluster,
    Contact,
    PlanAction,
    Program,
    ProgramMember,
    ProgramPartner,
    Stage,
    StakeholderGroup,
    Tally,
)

# --- Access helpers ----------------------------------------------------------------------------


def _reader(request: AuthedRequest, pk: int) -> Program:
    return selectors.program_get_for_viewer(viewer=request.user, pk=pk)


def _editor(request: AuthedRequest, pk: int) -> Program:
    """404 for outsiders; 403 for people who may read the program but not change it."""
    program = _reader(request, pk)
    if not services.program_can_edit(program=program, user=request.user):
        raise PermissionDenied(_("You may read this program but not change it."))
    return program


# Which stages' date warnings each page shows (the stages page shows them all).
_TAB_STAGES = {
    "initiation": (Stage.INITIATION, Stage.ORGANISING),
    "assessment": (Stage.ASSESSMENT,),
    "planning": (Stage.PLANNING,),
    "intervention": (Stage.INTERVENTION,),
    "evaluation": (Stage.EVALUATION,),
    "termination": (Stage.TERMINATION,),
}


def _base(request: AuthedRequest, program: Program, tab: str) -> dict[str, Any]:
    warnings = cycle_warnings(program=program)
    if tab in _TAB_STAGES:
        warnings = [w for w in warnings if w.stage in _TAB_STAGES[tab]]
    return {
        "program": program,
        "tab": tab,
        "date_warnings": warnings,
        "can_edit": services.program_can_edit(program=program, user=request.user),
        "nav_current": "programs",
    }


def _log_client_reads(request: AuthedRequest, referrals: list[dict], action: str) -> None:
    """Every read of a client's record is logged: the clients named in the program's referrals."""
    clients = [row["referral"].client for row in referrals if row["visible"]]
    if clients:
        access_record_many(
            user=request.user, objs=clients, office_of=lambda c: c.office_id, action=action, request=request
        )


# --- Programs ----------------------------------------------------------------------------------


@login_required
def program_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "programs": selectors.program_list(viewer=request.user),
        "can_create": services.program_can_create(user=request.user),
        "nav_current": "programs",
    }
    return render(request, "programs/list.html", context)


@login_required
def program_create(request: AuthedRequest) -> HttpResponse:
    if not services.program_can_create(user=request.user):
        raise PermissionDenied(_("Only the office head and the program team create programs."))
    form = forms.ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = services.program_create(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Program created."))
        return redirect("programs:detail", pk=program.pk)
    return render(
        request, "programs/form.html", {"form": form, "nav_current": "programs"}, status=_status(form)
    )


def _status(form) -> int:
    return 422 if form.is_bound and form.errors else 200


@login_required
def program_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The stage view: the program's home page."""
    program = _reader(request, pk)
    return _render_detail(request, program)


def _render_detail(request: AuthedRequest, program: Program, **overrides: Any) -> HttpResponse:
    stages = selectors.stage_checklist(program=program)
    current = STAGE_ORDER.index(program.stage)
    next_stage = STAGE_ORDER[current + 1] if current + 1 < len(STAGE_ORDER) else None
    context = {
        **_base(request, program, "overview"),
        "stages": stages,
        "current_status": stages[current],
        "next_stage": Stage(next_stage) if next_stage else None,
        "earlier_stages": [Stage(s) for s in STAGE_ORDER[:current]],
        "move_form": overrides.get("move_form")
        or forms.StageMoveForm(program=program, initial={"version": program.version}),
        "member_form": overrides.get("member_form") or forms.MemberForm(program=program, prefix="member"),
        "members": selectors.team_members(program),
        "stage_changes": list(program.stage_changes.select_related("actor")),
        "history": history_for(program),
    }
    return render(request, "programs/detail.html", context, status=overrides.get("status", 200))


@login_required
def program_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.ProgramForm(request.POST or None, instance=program, initial={"version": program.version})
    save = partial(services.program_update, program=program, actor=request.user)
    if request.method == "POST" and save_versioned_form(request, form, save, success=_("Program saved.")):
        return redirect("programs:detail", pk=program.pk)
    context = {"form": form, "program": program, "nav_current": "programs"}
    return render(request, "programs/form.html", context, status=_status(form))


@login_required
@require_POST
def program_stage_move(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.StageMoveForm(request.POST, program=program)
    if form.is_valid():
        try:
            services.program_stage_move(
                program=program,
                actor=request.user,
                to_stage=form.cleaned_data["to_stage"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Stage changed."))
            return redirect("programs:detail", pk=program.pk)
    program.refresh_from_db()
    return _render_detail(request, program, move_form=form, status=422)


@login_required
@require_POST
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.MemberForm(request.POST, program=program, prefix="member")
    if form.is_valid():
        try:
            services.program_member_set(program=program, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Team updated."))
            return redirect("programs:detail", pk=program.pk)
    return _render_detail(request, program, member_form=form, status=422)


@login_required
@require_POST
def member_remove(request: AuthedRequest, pk: int, member_id: int) -> HttpResponse:
    program = _editor(request, pk)
    member = ProgramMember.objects.filter(program=program, pk=member_id).first()
    if member is None:
        raise Http404
    services.program_member_remove(member=member)
    messages.success(request, _("Team updated."))
    return redirect("programs:detail", pk=program.pk)


# --- Simple records: contacts, partners, groups, closing activities, plan actions ---------------

RECORDS: dict[str, tuple[type, type[Model], str]] = {
    "contact": (forms.ContactForm, Contact, "programs:initiation"),
    "partner": (forms.ProgramPartnerForm, ProgramPartner, "programs:initiation"),
    "group": (forms.StakeholderGroupForm, StakeholderGroup, "programs:initiation"),
    "closing": (forms.ClosingActivityForm, ClosingActivity, "programs:termination"),
    "action": (forms.PlanActionForm, PlanAction, "programs:planning"),
}


def _record_form(kind: str, program: Program, data: Any = None):
    form_class = RECORDS[kind][0]
    extra = {"program": program} if form_class is forms.ProgramPartnerForm else {}
    return form_class(data, prefix=kind, **extra)


@login_required
@require_POST
def record_add(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in RECORDS:
        raise Http404
    program = _editor(request, pk)
    _form_class, model, page = RECORDS[kind]
    form = _record_form(kind, program, request.POST)
    if form.is_valid():
        if model is PlanAction:
            services.plan_action_add(program=program, actor=request.user, data=form.cleaned_data)
        else:
            services.record_add(program=program, model=model, data=form.cleaned_data, actor=request.user)
        messages.success(request, _("Saved."))
        return redirect(page, pk=program.pk)
    return PAGES[page](request, program, {kind: form})


@login_required
@require_POST
def record_delete(request: AuthedRequest, pk: int, kind: str, record_id: int) -> HttpResponse:
    if kind not in RECORDS:
        raise Http404
    program = _editor(request, pk)
    _form, model, page = RECORDS[kind]
    scope = {"plan__program": program} if model is PlanAction else {"program": program}
    record = model._default_manager.filter(pk=record_id, **scope).first()
    if record is None:
        raise Http404
    services.record_delete(record=record)
    messages.success(request, _("Removed."))
    return redirect(page, pk=program.pk)


# --- Stages 1 and 2: initiation and organising --------------------------------------------------


@login_required
def initiation(request: AuthedRequest, pk: int) -> HttpResponse:
    return _initiation_page(request, _reader(request, pk), {})


def _initiation_page(request: AuthedRequest, program: Program, bound: dict) -> HttpResponse:
    context = {
        **_base(request, program, "initiation"),
        **selectors.initiation_data(program),
        "forms": {
            kind: bound.get(kind) or _record_form(kind, program) for kind in ("contact", "partner", "group")
        },
    }
    return render(request, "programs/initiation.html", context, status=422 if bound else 200)


# --- Stage 3: participatory assessment (MPA) ---------------------------------------------------


@login_required
def assessment_list(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _reader(request, pk)
    form = forms.AssessmentForm(request.POST or None, prefix="assessment")
    if request.method == "POST":
        program = _editor(request, pk)
        if form.is_valid():
            assessment = services.assessment_create(program=program, data=form.cleaned_data)
            messages.success(request, _("Session created."))
            return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)
    context = {
        **_base(request, program, "assessment"),
        "assessments": selectors.assessment_list(program),
        "form": form,
    }
    return render(request, "programs/assessments.html", context, status=_status(form))


@login_required
def assessment_detail(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program = _reader(request, pk)
    assessment = selectors.assessment_get(program=program, pk=assessment_id)
    return _assessment_page(request, program, assessment, {})


def _assessment_page(request, program, assessment, bound: dict) -> HttpResponse:
    context = {
        **_base(request, program, "assessment"),
        "assessment": assessment,
        "items": list(assessment.items.all()),
        "participants": list(assessment.participants.all()),
        "participants_by_sex": selectors.participants_by_sex(assessment=assessment),
        "results": selectors.assessment_results(assessment=assessment),
        "item_form": bound.get("item") or forms.AssessmentItemForm(prefix="item"),
        "participant_form": bound.get("participant") or forms.ParticipantForm(prefix="participant"),
        "priorities_form": bound.get("priorities")
        or forms.PrioritiesForm(
            assessment=assessment,
            prefix="priorities",
            initial={"items": [i.pk for i in assessment.items.all() if i.is_priority]},
        ),
        "vote_url": request.build_absolute_uri(reverse("programs:vote_open", args=[assessment.code])),
    }
    return render(request, "programs/assessment.html", context, status=422 if bound else 200)


def _assessment_for_editor(request, pk, assessment_id):
    program = _editor(request, pk)
    return program, selectors.assessment_get(program=program, pk=assessment_id)


@login_required
@require_POST
def assessment_item_add(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program, assessment = _assessment_for_editor(request, pk, assessment_id)
    form = forms.AssessmentItemForm(request.POST, prefix="item")
    if not form.is_valid():
        return _assessment_page(request, program, assessment, {"item": form})
    services.assessment_item_add(assessment=assessment, data=form.cleaned_data)
    return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)


@login_required
@require_POST
def assessment_participant_add(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program, assessment = _assessment_for_editor(request, pk, assessment_id)
    form = forms.ParticipantForm(request.POST, prefix="participant")
    if form.is_valid():
        try:
            services.assessment_participant_add(assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)
    return _assessment_page(request, program, assessment, {"participant": form})


@login_required
@require_POST
def assessment_voting(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program, assessment = _assessment_for_editor(request, pk, assessment_id)
    services.assessment_voting_set(assessment=assessment, open=request.POST.get("open") == "1")
    return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)


@login_required
def assessment_tally(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program, assessment = _assessment_for_editor(request, pk, assessment_id)
    current = {(t.item_id, t.group): t.count for t in Tally.objects.filter(item__assessment=assessment)}
    form = forms.TallyForm(request.POST or None, assessment=assessment, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.tally_set(assessment=assessment, counts=form.counts())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Counts saved."))
            return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)
    context = {**_base(request, program, "assessment"), "assessment": assessment, "form": form}
    return render(request, "programs/tally.html", context, status=_status(form))


@login_required
@require_POST
def assessment_priorities(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    program, assessment = _assessment_for_editor(request, pk, assessment_id)
    form = forms.PrioritiesForm(request.POST, assessment=assessment, prefix="priorities")
    if form.is_valid():
        try:
            services.priorities_choose(
                assessment=assessment, item_ids=[i.pk for i in form.cleaned_data["items"]]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Priorities kept with the ranking."))
            return redirect("programs:assessment", pk=program.pk, assessment_id=assessment.pk)
    return _assessment_page(request, program, assessment, {"priorities": form})


@login_required
def assessment_projector(request: AuthedRequest, pk: int, assessment_id: int) -> HttpResponse:
    """Results overall and by group; the page polls its own URL and HTMX swaps the results in."""
    program = _reader(request, pk)
    assessment = selectors.assessment_get(program=program, pk=assessment_id)
    context = {
        "program": program,
        "assessment": assessment,
        "results": selectors.assessment_results(assessment=assessment),
        "vote_url": request.build_absolute_uri(reverse("programs:vote_open", args=[assessment.code])),
        "nav_current": "programs",
    }
    if request.htmx:
        return render(request, "programs/_results.html", context)
    return render(request, "programs/projector.html", context)


# Public voting: no account; the short code opens the session, a personal token keeps the ballot.


@rate_limited("programs:vote_start")
def vote_start(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("programs:vote_open", code=code.upper()[:8])
    return render(request, "programs/vote_start.html", {})


@rate_limited("programs:vote_open")
@unscoped(reason="public page: the voting session opened by its code")
def vote_open(request: HttpRequest, code: str) -> HttpResponse:
    try:
        assessment = selectors.assessment_by_code(code)
    except Http404:
        return render(request, "programs/vote_start.html", {"unknown": True}, status=404)
    form = forms.ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.assessment_participant_add(assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("programs:ballot", token=participant.ballot_token)
    return render(
        request, "programs/vote_open.html", {"assessment": assessment, "form": form}, status=_status(form)
    )


@rate_limited("programs:ballot")
@unscoped(reason="public page: a participant's ballot, opened by its personal token")
def ballot(request: HttpRequest, token: str) -> HttpResponse:
    participant = selectors.participant_by_token(token)
    state = selectors.ballot_state(participant)
    current = {p.pk: n for p, n in state["problems"]}
    form = forms.BallotForm(request.POST or None, assessment=participant.assessment, current=current)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(participant=participant, allocation=form.allocation())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            saved = True
            state = selectors.ballot_state(participant)
    context = {
        "participant": participant,
        "assessment": participant.assessment,
        "form": form,
        "state": state,
        "saved": saved,
    }
    return render(request, "programs/ballot.html", context, status=_status(form))


# --- Stage 4: participatory planning (TOP) ----------------------------------------------------


@login_required
def planning(request: AuthedRequest, pk: int) -> HttpResponse:
    return _planning_page(request, _reader(request, pk), {})


def _planning_page(request: AuthedRequest, program: Program, bound: dict) -> HttpResponse:
    data = selectors.plan_data(program)
    plan = data["plan"]
    context = {
        **_base(request, program, "planning"),
        **data,
        "workshop_form": bound.get("workshop") or forms.PlanningWorkshopForm(prefix="workshop"),
        "plan_form": bound.get("plan")
        or forms.ActionPlanForm(
            instance=plan, prefix="plan", initial={"version": plan.version if plan else 1}
        ),
        "action_form": bound.get("action") or _record_form("action", program),
    }
    return render(request, "programs/planning.html", context, status=422 if bound else 200)


@login_required
@require_POST
def workshop_create(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.PlanningWorkshopForm(request.POST, prefix="workshop")
    if not form.is_valid():
        return _planning_page(request, program, {"workshop": form})
    workshop = services.workshop_create(program=program, actor=request.user, data=form.cleaned_data)
    return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)


@login_required
@require_POST
def action_plan_save(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    plan = selectors.plan_data(program)["plan"]
    form = forms.ActionPlanForm(request.POST, instance=plan, prefix="plan")
    save = partial(services.action_plan_save, program=program, actor=request.user)
    if save_versioned_form(request, form, save, success=_("Action plan saved.")):
        return redirect("programs:planning", pk=program.pk)
    return _planning_page(request, program, {"plan": form})


@login_required
def workshop_detail(request: AuthedRequest, pk: int, workshop_id: int) -> HttpResponse:
    program = _reader(request, pk)
    workshop = selectors.workshop_get(program=program, pk=workshop_id)
    return _workshop_page(request, program, workshop, {})


def _workshop_page(request, program, workshop, bound: dict) -> HttpResponse:
    context = {
        **_base(request, program, "planning"),
        "workshop": workshop,
        "board": selectors.workshop_board(workshop),
        "cluster_form": forms.ClusterForm(prefix="cluster"),
        "resolution_form": bound.get("resolution")
        or forms.ResolutionForm(initial={"resolution": workshop.resolution, "version": workshop.version}),
        "card_url": request.build_absolute_uri(reverse("programs:cards_open", args=[workshop.code])),
    }
    return render(request, "programs/workshop.html", context, status=422 if bound else 200)


def _workshop_for_editor(request, pk, workshop_id):
    program = _editor(request, pk)
    return program, selectors.workshop_get(program=program, pk=workshop_id)


@login_required
@require_POST
def workshop_cluster_add(request: AuthedRequest, pk: int, workshop_id: int) -> HttpResponse:
    program, workshop = _workshop_for_editor(request, pk, workshop_id)
    form = forms.ClusterForm(request.POST, prefix="cluster")
    if form.is_valid():
        services.cluster_add(workshop=workshop, name=form.cleaned_data["name"])
    return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)


@login_required
@require_POST
def workshop_cluster_rename(
    request: AuthedRequest, pk: int, workshop_id: int, cluster_id: int
) -> HttpResponse:
    program, workshop = _workshop_for_editor(request, pk, workshop_id)
    cluster = Cluster.objects.filter(workshop=workshop, pk=cluster_id).first()
    if cluster is None:
        raise Http404
    form = forms.ClusterForm(request.POST)
    if form.is_valid():
        services.cluster_rename(cluster=cluster, name=form.cleaned_data["name"])
    return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)


@login_required
@require_POST
def workshop_card_assign(request: AuthedRequest, pk: int, workshop_id: int, card_id: int) -> HttpResponse:
    program, workshop = _workshop_for_editor(request, pk, workshop_id)
    card = Card.objects.filter(workshop=workshop, pk=card_id).first()
    if card is None:
        raise Http404
    form = forms.CardAssignForm(request.POST)
    if form.is_valid():
        cluster_id = form.cleaned_data["cluster"]
        cluster = Cluster.objects.filter(workshop=workshop, pk=cluster_id).first() if cluster_id else None
        if cluster_id and cluster is None:
            raise Http404
        services.card_assign(card=card, cluster=cluster)
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)


@login_required
@require_POST
def workshop_cards_toggle(request: AuthedRequest, pk: int, workshop_id: int) -> HttpResponse:
    program, workshop = _workshop_for_editor(request, pk, workshop_id)
    services.workshop_cards_set(workshop=workshop, actor=request.user, open=request.POST.get("open") == "1")
    return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)


@login_required
@require_POST
def workshop_resolve(request: AuthedRequest, pk: int, workshop_id: int) -> HttpResponse:
    program, workshop = _workshop_for_editor(request, pk, workshop_id)
    form = forms.ResolutionForm(request.POST)
    if form.is_valid():
        try:
            services.workshop_resolve(
                workshop=workshop,
                actor=request.user,
                resolution=form.cleaned_data["resolution"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Resolution kept."))
            return redirect("programs:workshop", pk=program.pk, workshop_id=workshop.pk)
    return _workshop_page(request, program, workshop, {"resolution": form})


@login_required
def workshop_projector(request: AuthedRequest, pk: int, workshop_id: int) -> HttpResponse:
    program = _reader(request, pk)
    workshop = selectors.workshop_get(program=program, pk=workshop_id)
    context = {
        "program": program,
        "workshop": workshop,
        "board": selectors.workshop_board(workshop),
        "card_url": request.build_absolute_uri(reverse("programs:cards_open", args=[workshop.code])),
        "nav_current": "programs",
    }
    if request.htmx:
        return render(request, "programs/_board.html", context)
    return render(request, "programs/workshop_projector.html", context)


@rate_limited("programs:cards_start")
def cards_start(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("programs:cards_open", code=code.upper()[:8])
    return render(request, "programs/cards_start.html", {})


@rate_limited("programs:cards_open")
@unscoped(reason="public page: the planning workshop opened by its card code")
def cards_open(request: HttpRequest, code: str) -> HttpResponse:
    try:
        workshop = selectors.workshop_by_code(code)
    except Http404:
        return render(request, "programs/cards_start.html", {"unknown": True}, status=404)
    form = forms.CardForm(request.POST or None)
    added = False
    if request.method == "POST" and form.is_valid():
        try:
            services.card_add(workshop=workshop, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            added = True
            form = forms.CardForm(initial={"author": form.cleaned_data["author"]})
    context = {"workshop": workshop, "form": form, "added": added}
    return render(request, "programs/cards_open.html", context, status=_status(form))


# --- Stage 5: intervention (events app) --------------------------------------------------------


@login_required
def intervention(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _reader(request, pk)
    context = {**_base(request, program, "intervention"), "events": selectors.program_event_summary(program)}
    return render(request, "programs/intervention.html", context)


# --- Stage 6: evaluation -----------------------------------------------------------------------


@login_required
def evaluation(request: AuthedRequest, pk: int) -> HttpResponse:
    return _evaluation_page(request, _reader(request, pk), {})


def _evaluation_page(request: AuthedRequest, program: Program, bound: dict) -> HttpResponse:
    data = selectors.evaluation_data(program)
    ev = data["evaluation"]
    context = {
        **_base(request, program, "evaluation"),
        **data,
        "indicator_formset": bound.get("indicators")
        or forms.IndicatorFormSet(queryset=program.indicators.all(), prefix="ind"),
        "evaluation_form": bound.get("evaluation")
        or forms.EvaluationForm(instance=ev, prefix="ev", initial={"version": ev.version if ev else 1}),
    }
    return render(request, "programs/evaluation.html", context, status=422 if bound else 200)


@login_required
@require_POST
def indicators_save(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    formset = forms.IndicatorFormSet(request.POST, queryset=program.indicators.all(), prefix="ind")
    if formset.is_valid():
        services.indicators_replace(program=program, actor=request.user, rows=formset.rows())
        messages.success(request, _("Indicators saved."))
        return redirect("programs:evaluation", pk=program.pk)
    return _evaluation_page(request, program, {"indicators": formset})


@login_required
@require_POST
def evaluation_save(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.EvaluationForm(
        request.POST, instance=selectors.evaluation_data(program)["evaluation"], prefix="ev"
    )
    save = partial(services.evaluation_save, program=program, actor=request.user)
    if save_versioned_form(request, form, save, success=_("Evaluation saved.")):
        return redirect("programs:evaluation", pk=program.pk)
    return _evaluation_page(request, program, {"evaluation": form})


# --- Stage 7: termination and referral --------------------------------------------------------


@login_required
def termination(request: AuthedRequest, pk: int) -> HttpResponse:
    return _termination_page(request, _reader(request, pk), {})


def _termination_page(request: AuthedRequest, program: Program, bound: dict) -> HttpResponse:
    data = selectors.termination_data(program, request.user)
    _log_client_reads(request, data["referrals"], AccessLog.Action.VIEW)
    handover = data["handover"]
    context = {
        **_base(request, program, "termination"),
        **data,
        "closing_form": bound.get("closing") or _record_form("closing", program),
        "handover_form": bound.get("handover")
        or forms.HandoverForm(
            instance=handover, prefix="handover", initial={"version": handover.version if handover else 1}
        ),
        "handover_history": history_for(handover) if handover else [],
        "referral_form": bound.get("referral")
        or forms.ProgramReferralForm(program=program, viewer=request.user, prefix="referral"),
    }
    return render(request, "programs/termination.html", context, status=422 if bound else 200)


@login_required
@require_POST
def handover_save(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.HandoverForm(
        request.POST, instance=selectors.termination_data(program)["handover"], prefix="handover"
    )
    save = partial(services.handover_save, program=program, actor=request.user)
    if save_versioned_form(request, form, save, success=_("Handover saved.")):
        return redirect("programs:termination", pk=program.pk)
    return _termination_page(request, program, {"handover": form})


@login_required
@require_POST
def referral_link(request: AuthedRequest, pk: int) -> HttpResponse:
    program = _editor(request, pk)
    form = forms.ProgramReferralForm(request.POST, program=program, viewer=request.user, prefix="referral")
    if form.is_valid():
        try:
            services.program_referral_link(program=program, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Referral linked to the program."))
            return redirect("programs:termination", pk=program.pk)
    return _termination_page(request, program, {"referral": form})


PAGES = {
    "programs:initiation": _initiation_page,
    "programs:planning": _planning_page,
    "programs:termination": _termination_page,
}


@login_required
def report_texts(request: AuthedRequest, pk: int) -> HttpResponse:
    """The report's cover-letter number, place of signing, conclusions and recommendations."""
    program = _reader(request, pk) if request.method == "GET" else _editor(request, pk)
    form = forms.ReportTextsForm(request.POST or None, instance=program, initial={"version": program.version})
    if request.method == "POST":
        save = partial(services.program_report_texts_save, program=program, actor=request.user)
        if save_versioned_form(request, form, save, success=_("Report texts saved.")):
            return redirect("programs:report_texts", pk=program.pk)
    # The report holds the evidence (survey results), which partner staff do not read.
    context = {
        **_base(request, program, "report"),
        "form": form,
        "can_download": can(request.user, "evidence", "read"),
    }
    return render(request, "programs/report_texts.html", context, status=_status(form))
