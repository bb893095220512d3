"""Programs API: the same scoping (program_scope), the same forms, 409 on a stale version."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record_many
from aksalarasa.core.forms import form_errors, json_form_data
from aksalarasa.programs import forms, selectors, services
from aksalarasa.programs.consistency import cycle_warnings, warnings_by_stage, warnings_out
from aksalarasa.programs.models import (
    Card,
    ClosingActivity,
    Cluster,
    Contact,
    PlanAction,
    Program,
    ProgramPartner,
    StakeholderGroup,
)

router = Router(tags=["programs"])


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _valid(form):
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def _reader(request: AuthedRequest, program_id: int) -> Program:
    return selectors.program_get_for_viewer(viewer=request.user, pk=program_id)


def _editor(request: AuthedRequest, program_id: int) -> Program:
    program = _reader(request, program_id)
    if not services.program_can_edit(program=program, user=request.user):
        raise PermissionDenied(_("You may read this program but not change it."))
    return program


# --- Programs ----------------------------------------------------------------------------------


class ProgramIn(Schema):
    title: str = Field(..., max_length=250)
    acronym: str = Field("", max_length=40)
    theme: str = Field("", max_length=250)
    goal: str = Field("", max_length=10000)
    benefits: str = Field("", max_length=10000)
    problems_addressed: str = Field("", max_length=10000)
    intervention_type: str = Field("", max_length=200)
    method: str = Field("", max_length=200)
    technique: str = Field("", max_length=200)
    resource_systems: str = Field("", max_length=10000)
    start: datetime.date
    end: datetime.date


class ProgramPatch(Schema):
    version: int = Field(
        ..., ge=0, le=2_000_000_000, description="The version you read; a newer one answers 409."
    )
    title: str | None = Field(None, max_length=250)
    acronym: str | None = Field(None, max_length=40)
    theme: str | None = Field(None, max_length=250)
    goal: str | None = Field(None, max_length=10000)
    benefits: str | None = Field(None, max_length=10000)
    problems_addressed: str | None = Field(None, max_length=10000)
    intervention_type: str | None = Field(None, max_length=200)
    method: str | None = Field(None, max_length=200)
    technique: str | None = Field(None, max_length=200)
    resource_systems: str | None = Field(None, max_length=10000)
    start: datetime.date | None = None
    end: datetime.date | None = None


class ProgramOut(Schema):
    id: int
    office_id: int
    title: str
    acronym: str
    theme: str
    goal: str
    benefits: str
    problems_addressed: str
    intervention_type: str
    method: str
    technique: str
    resource_systems: str
    start: datetime.date
    end: datetime.date
    stage: str
    version: int


class CheckItemOut(Schema):
    label: str
    done: bool


class WarningOut(Schema):
    code: str
    stage: str
    message: str


class StageOut(Schema):
    value: str
    label: str
    is_current: bool
    complete: bool
    items: list[CheckItemOut]
    summary: list[str]
    warnings: list[WarningOut]


class ProgramDetailOut(ProgramOut):
    can_edit: bool
    stages: list[StageOut]
    warnings: list[WarningOut]


def _program_out(program: Program) -> dict[str, Any]:
    return {name: getattr(program, name) for name in ProgramOut.model_fields}


@router.get("/programs", response=list[ProgramOut], summary="Programs you may see")
def program_list(request: AuthedRequest):
    return [_program_out(p) for p in selectors.program_list(viewer=request.user)]


@router.post("/programs", response={201: ProgramOut, **ERRORS}, summary="Create a program in your office")
def program_create(request: AuthedRequest, payload: ProgramIn):
    if not services.program_can_create(user=request.user):
        raise PermissionDenied(_("Only the office head and the program team create programs."))
    data = _valid(forms.ProgramForm(json_form_data(payload.dict())))
    return Status(201, _program_out(services.program_create(actor=request.user, data=data)))


@router.get(
    "/programs/{program_id}",
    response={200: ProgramDetailOut, 404: ErrorOut},
    summary="One program with its stage checklist",
)
def program_detail(request: AuthedRequest, program_id: int):
    program = _reader(request, program_id)
    warnings = cycle_warnings(program=program)
    by_stage = warnings_by_stage(warnings)
    stages = [
        {
            "value": s.value,
            "label": s.label,
            "is_current": s.is_current,
            "complete": s.complete,
            "items": [{"label": i.label, "done": i.done} for i in s.items],
            "summary": s.summary,
            "warnings": warnings_out(by_stage[s.value]),
        }
        for s in selectors.stage_checklist(program=program)
    ]
    can_edit = services.program_can_edit(program=program, user=request.user)
    return {
        **_program_out(program),
        "can_edit": can_edit,
        "stages": stages,
        "warnings": warnings_out(warnings),
    }


@router.patch("/programs/{program_id}", response={200: ProgramOut, **ERRORS}, summary="Change a program")
def program_update(request: AuthedRequest, program_id: int, payload: ProgramPatch):
    program = _editor(request, program_id)
    current = forms.ProgramForm(instance=program).initial
    merged = {name: current.get(name) for name in forms.ProgramForm.Meta.fields}
    merged.update(payload.dict(exclude_unset=True, exclude={"version"}))
    data = _valid(forms.ProgramForm(json_form_data(merged), instance=program))
    services.program_update(program=program, actor=request.user, data=data, expected_version=payload.version)
    program.refresh_from_db()
    return _program_out(program)


class StageMoveIn(Schema):
    to_stage: str = Field(..., max_length=20)
    reason: str = Field("", max_length=2000)
    version: int = Field(..., ge=0, le=2_000_000_000)


@router.post(
    "/programs/{program_id}/stage", response={200: ProgramOut, **ERRORS}, summary="Move to another stage"
)
def program_stage_move(request: AuthedRequest, program_id: int, payload: StageMoveIn):
    program = _editor(request, program_id)
    data = _valid(forms.StageMoveForm(json_form_data(payload.dict()), program=program))
    services.program_stage_move(
        program=program,
        actor=request.user,
        to_stage=data["to_stage"],
        reason=data["reason"],
        expected_version=data["version"],
    )
    program.refresh_from_db()
    return _program_out(program)


class MemberIn(Schema):
    user_id: int
    role: str = Field(..., max_length=100)
    can_edit: bool = True


class MemberOut(Schema):
    id: int
    user_id: int
    full_name: str
    role: str
    can_edit: bool


@router.get(
    "/programs/{program_id}/members", response={200: list[MemberOut], 404: ErrorOut}, summary="The team"
)
def member_list(request: AuthedRequest, program_id: int):
    program = _reader(request, program_id)
    return [
        {
            "id": m.pk,
            "user_id": m.user_id,
            "full_name": m.user.full_name,
            "role": m.role,
            "can_edit": m.can_edit,
        }
        for m in selectors.team_members(program)
    ]


@router.post(
    "/programs/{program_id}/members",
    response={201: MemberOut, **ERRORS},
    summary="Add or change a team member",
)
def member_set(request: AuthedRequest, program_id: int, payload: MemberIn):
    program = _editor(request, program_id)
    form = forms.MemberForm(
        json_form_data({"user": payload.user_id, "role": payload.role, "can_edit": payload.can_edit}),
        program=program,
    )
    data = _valid(form)
    m = services.program_member_set(program=program, **data)
    out = {
        "id": m.pk,
        "user_id": m.user_id,
        "full_name": m.user.full_name,
        "role": m.role,
        "can_edit": m.can_edit,
    }
    return Status(201, out)


# --- Simple stage records ----------------------------------------------------------------------

RecordKind = Literal["contacts", "partners", "groups", "closing-activities", "actions"]
RECORDS: dict[str, tuple[type, type[Model], list[str]]] = {
    "contacts": (
        forms.ContactForm,
        Contact,
        ["id", "kind", "date", "people", "institution", "stakeholder_role", "purpose", "agreement"],
    ),
    "partners": (forms.ProgramPartnerForm, ProgramPartner, ["id", "partner_id", "name", "role"]),
    "groups": (forms.StakeholderGroupForm, StakeholderGroup, ["id", "kind", "name", "description"]),
    "closing-activities": (forms.ClosingActivityForm, ClosingActivity, ["id", "date", "description"]),
    "actions": (
        forms.PlanActionForm,
        PlanAction,
        ["id", "title", "owner", "due", "resources", "cost", "hours"],
    ),
}


def _record_out(record: Any, names: list[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        value = getattr(record, name)
        out[name] = str(value) if isinstance(value, Decimal) else value
    return out


def _records(program: Program, kind: str):
    model = RECORDS[kind][1]
    if model is PlanAction:
        return PlanAction.objects.filter(plan__program=program)
    return model._default_manager.filter(program=program)


@router.get(
    "/programs/{program_id}/records/{kind}",
    response={200: list[dict], 404: ErrorOut},
    summary="Records of a stage: contacts, partners, interest/target groups, closing activities, plan actions",
)
def record_list(request: AuthedRequest, program_id: int, kind: RecordKind):
    program = _reader(request, program_id)
    return [_record_out(r, RECORDS[kind][2]) for r in _records(program, kind)]


@router.post(
    "/programs/{program_id}/records/{kind}",
    response={201: dict, **ERRORS},
    summary="Add a record to a stage (fields as in the page's form)",
)
def record_add(request: AuthedRequest, program_id: int, kind: RecordKind, payload: Body[dict[str, Any]]):
    program = _editor(request, program_id)
    form_class, model, names = RECORDS[kind]
    extra = {"program": program} if form_class is forms.ProgramPartnerForm else {}
    if "partner_id" in payload:
        payload["partner"] = payload.pop("partner_id")
    data = _valid(form_class(json_form_data(payload), **extra))
    if model is PlanAction:
        record = services.plan_action_add(program=program, actor=request.user, data=data)
    else:
        record = services.record_add(program=program, model=model, data=data, actor=request.user)
    return Status(201, _record_out(record, names))


@router.delete(
    "/programs/{program_id}/records/{kind}/{record_id}",
    response={204: None, **ERRORS},
    summary="Remove a record",
)
def record_delete(request: AuthedRequest, program_id: int, kind: RecordKind, record_id: int):
    program = _editor(request, program_id)
    record = _records(program, kind).filter(pk=record_id).first()
    if record is None:
        raise Http404
    services.record_delete(record=record)
    return Status(204, None)


# --- Assessment (MPA) ---------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    "id",
    "title",
    "date",
    "place",
    "facilitator",
    "method",
    "votes_per_person",
    "code",
    "voting_open",
]


class AssessmentIn(Schema):
    title: str = Field(..., max_length=200)
    date: datetime.date
    place: str = Field("", max_length=200)
    facilitator: str = Field(..., max_length=150)
    method: str = Field("dot", max_length=10)
    votes_per_person: int = Field(3, ge=0, le=1000)


def _assessment_out(a) -> dict[str, Any]:
    return _record_out(a, ASSESSMENT_FIELDS)


@router.get(
    "/programs/{program_id}/assessments", response={200: list[dict], 404: ErrorOut}, summary="MPA sessions"
)
def assessment_list(request: AuthedRequest, program_id: int):
    return [_assessment_out(a) for a in selectors.assessment_list(_reader(request, program_id))]


@router.post(
    "/programs/{program_id}/assessments", response={201: dict, **ERRORS}, summary="Create an MPA session"
)
def assessment_create(request: AuthedRequest, program_id: int, payload: AssessmentIn):
    program = _editor(request, program_id)
    data = _valid(forms.AssessmentForm(json_form_data(payload.dict())))
    return Status(201, _assessment_out(services.assessment_create(program=program, data=data)))


def _results_out(results: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": results["total"],
        "voters": results["voters"],
        "group_totals": results["group_totals"],
        "rows": [
            {
                "item_id": r["item"].pk,
                "title": r["item"].title,
                "rank": r["rank"],
                "total": r["total"],
                "by_group": r["by_group"],
                "is_priority": r["item"].is_priority,
            }
            for r in results["rows"]
        ],
    }


@router.get(
    "/programs/{program_id}/assessments/{assessment_id}",
    response={200: dict, 404: ErrorOut},
    summary="A session: items, participants and results by group",
)
def assessment_detail(request: AuthedRequest, program_id: int, assessment_id: int):
    a = selectors.assessment_get(program=_reader(request, program_id), pk=assessment_id)
    return {
        **_assessment_out(a),
        "items": [
            _record_out(
                i, ["id", "kind", "title", "causes", "effects", "is_priority", "rank", "votes_at_choice"]
            )
            for i in a.items.all()
        ],
        "participants": [_record_out(p, ["id", "name", "group", "sex"]) for p in a.participants.all()],
        "results": _results_out(selectors.assessment_results(assessment=a)),
    }


class ItemIn(Schema):
    kind: str = Field("problem", max_length=10)
    title: str = Field(..., max_length=250)
    causes: str = Field("", max_length=5000)
    effects: str = Field("", max_length=5000)


def _assessment_for_editor(request, program_id, assessment_id):
    return selectors.assessment_get(program=_editor(request, program_id), pk=assessment_id)


@router.post(
    "/programs/{program_id}/assessments/{assessment_id}/items",
    response={201: dict, **ERRORS},
    summary="Add a problem or potential",
)
def assessment_item_add(request: AuthedRequest, program_id: int, assessment_id: int, payload: ItemIn):
    a = _assessment_for_editor(request, program_id, assessment_id)
    data = _valid(forms.AssessmentItemForm(json_form_data(payload.dict())))
    item = services.assessment_item_add(assessment=a, data=data)
    return Status(201, _record_out(item, ["id", "kind", "title", "causes", "effects"]))


class ParticipantIn(Schema):
    name: str = Field(..., max_length=150)
    group: str = Field(..., max_length=10)
    sex: str = Field(..., max_length=1)


@router.post(
    "/programs/{program_id}/assessments/{assessment_id}/participants",
    response={201: dict, **ERRORS},
    summary="Add a participant; answers their personal ballot link",
)
def assessment_participant_add(
    request: AuthedRequest, program_id: int, assessment_id: int, payload: ParticipantIn
):
    from django.urls import reverse

    a = _assessment_for_editor(request, program_id, assessment_id)
    data = _valid(forms.ParticipantForm(json_form_data(payload.dict())))
    p = services.assessment_participant_add(assessment=a, **data)
    out = {
        **_record_out(p, ["id", "name", "group", "sex"]),
        "ballot_url": reverse("programs:ballot", args=[p.ballot_token]),
    }
    return Status(201, out)


class VotingIn(Schema):
    open: bool


@router.post(
    "/programs/{program_id}/assessments/{assessment_id}/voting",
    response={200: dict, **ERRORS},
    summary="Open or close voting",
)
def assessment_voting(request: AuthedRequest, program_id: int, assessment_id: int, payload: VotingIn):
    a = _assessment_for_editor(request, program_id, assessment_id)
    return _assessment_out(services.assessment_voting_set(assessment=a, open=payload.open))


class TallyRow(Schema):
    item_id: int
    group: str = Field(..., max_length=10)
    count: int = Field(..., ge=0, le=100000)


class TallyIn(Schema):
    counts: list[TallyRow] = Field(..., max_length=1000)


@router.put(
    "/programs/{program_id}/assessments/{assessment_id}/tally",
    response={200: dict, **ERRORS},
    summary="The facilitator's counts per problem and group (replaces earlier counts)",
)
def assessment_tally(request: AuthedRequest, program_id: int, assessment_id: int, payload: TallyIn):
    a = _assessment_for_editor(request, program_id, assessment_id)
    values = {f"t_{row.item_id}_{row.group}": row.count for row in payload.counts}
    form = forms.TallyForm(json_form_data(values), assessment=a)
    unknown = set(values) - set(form.fields)
    if unknown:
        raise ValidationError(
            {"counts": [_("Counts can only be given for the problems and groups of this session.")]}
        )
    _valid(form)
    services.tally_set(assessment=a, counts=form.counts())
    return _results_out(selectors.assessment_results(assessment=a))


class PrioritiesIn(Schema):
    item_ids: list[int] = Field(..., max_length=100)


@router.post(
    "/programs/{program_id}/assessments/{assessment_id}/priorities",
    response={200: dict, **ERRORS},
    summary="Keep the ranking and choose the priority problems",
)
def assessment_priorities(request: AuthedRequest, program_id: int, assessment_id: int, payload: PrioritiesIn):
    a = _assessment_for_editor(request, program_id, assessment_id)
    data = _valid(forms.PrioritiesForm(json_form_data({"items": payload.item_ids}), assessment=a))
    services.priorities_choose(assessment=a, item_ids=[i.pk for i in data["items"]])
    return _results_out(selectors.assessment_results(assessment=a))


# --- Planning (TOP) -----------------------------------------------------------------------------

WORKSHOP_FIELDS = [
    "id",
    "date",
    "focus_question",
    "context",
    "facilitator",
    "code",
    "cards_open",
    "resolution",
    "version",
]


class PlanningWorkshopIn(Schema):
    date: datetime.date
    focus_question: str = Field(..., max_length=300)
    context: str = Field("", max_length=10000)
    facilitator: str = Field(..., max_length=150)


def _board_out(workshop) -> dict[str, Any]:
    board = selectors.workshop_board(workshop)
    return {
        **_record_out(workshop, WORKSHOP_FIELDS),
        "clusters": [
            {
                "id": c.pk,
                "symbol": c.symbol,
                "name": c.name,
                "cards": [{"id": k.pk, "text": k.text} for k in c.cards.all()],
            }
            for c in board["clusters"]
        ],
        "unclustered": [{"id": k.pk, "text": k.text} for k in board["loose"]],
    }


@router.get(
    "/programs/{program_id}/workshops", response={200: list[dict], 404: ErrorOut}, summary="TOP workshops"
)
def workshop_list(request: AuthedRequest, program_id: int):
    return [_record_out(w, WORKSHOP_FIELDS) for w in _reader(request, program_id).workshops.all()]


@router.post(
    "/programs/{program_id}/workshops", response={201: dict, **ERRORS}, summary="Create a consensus workshop"
)
def workshop_create(request: AuthedRequest, program_id: int, payload: PlanningWorkshopIn):
    program = _editor(request, program_id)
    data = _valid(forms.PlanningWorkshopForm(json_form_data(payload.dict())))
    return Status(
        201,
        _record_out(
            services.workshop_create(program=program, actor=request.user, data=data), WORKSHOP_FIELDS
        ),
    )


@router.get(
    "/programs/{program_id}/workshops/{workshop_id}",
    response={200: dict, 404: ErrorOut},
    summary="A workshop's board",
)
def workshop_detail(request: AuthedRequest, program_id: int, workshop_id: int):
    return _board_out(selectors.workshop_get(program=_reader(request, program_id), pk=workshop_id))


def _workshop_for_editor(request, program_id, workshop_id):
    return selectors.workshop_get(program=_editor(request, program_id), pk=workshop_id)


class CardIn(Schema):
    text: str = Field(..., max_length=200)
    author: str = Field("", max_length=100)


@router.post(
    "/programs/{program_id}/workshops/{workshop_id}/cards",
    response={201: dict, **ERRORS},
    summary="Add an idea card",
)
def card_add(request: AuthedRequest, program_id: int, workshop_id: int, payload: CardIn):
    w = _workshop_for_editor(request, program_id, workshop_id)
    data = _valid(forms.CardForm(json_form_data(payload.dict())))
    card = services.card_add(workshop=w, **data)
    return Status(201, {"id": card.pk, "text": card.text, "author": card.author})


class ClusterIn(Schema):
    name: str = Field("", max_length=200)


@router.post(
    "/programs/{program_id}/workshops/{workshop_id}/clusters",
    response={201: dict, **ERRORS},
    summary="Add a cluster",
)
def cluster_add(request: AuthedRequest, program_id: int, workshop_id: int, payload: ClusterIn):
    w = _workshop_for_editor(request, program_id, workshop_id)
    data = _valid(forms.ClusterForm(json_form_data(payload.dict())))
    c = services.cluster_add(workshop=w, name=data["name"])
    return Status(201, {"id": c.pk, "symbol": c.symbol, "name": c.name})


@router.patch(
    "/programs/{program_id}/workshops/{workshop_id}/clusters/{cluster_id}",
    response={200: dict, **ERRORS},
    summary="Name a cluster",
)
def cluster_rename(
    request: AuthedRequest, program_id: int, workshop_id: int, cluster_id: int, payload: ClusterIn
):
    w = _workshop_for_editor(request, program_id, workshop_id)
    cluster = Cluster.objects.filter(workshop=w, pk=cluster_id).first()
    if cluster is None:
        raise Http404
    data = _valid(forms.ClusterForm(json_form_data(payload.dict())))
    c = services.cluster_rename(cluster=cluster, name=data["name"])
    return {"id": c.pk, "symbol": c.symbol, "name": c.name}


class CardAssignIn(Schema):
    cluster_id: int | None = None


@router.patch(
    "/programs/{program_id}/workshops/{workshop_id}/cards/{card_id}",
    response={200: dict, **ERRORS},
    summary="Put a card in a cluster (null: take it out)",
)
def card_assign(
    request: AuthedRequest, program_id: int, workshop_id: int, card_id: int, payload: CardAssignIn
):
    w = _workshop_for_editor(request, program_id, workshop_id)
    card = Card.objects.filter(workshop=w, pk=card_id).first()
    if card is None:
        raise Http404
    cluster = None
    if payload.cluster_id is not None:
        cluster = Cluster.objects.filter(workshop=w, pk=payload.cluster_id).first()
        if cluster is None:
            raise ValidationError({"cluster_id": [_("Choose a cluster of the same workshop.")]})
    card = services.card_assign(card=card, cluster=cluster)
    return {"id": card.pk, "text": card.text, "cluster_id": card.cluster_id}


class ResolutionIn(Schema):
    resolution: str = Field(..., max_length=5000)
    version: int = Field(..., ge=0, le=2_000_000_000)


@router.put(
    "/programs/{program_id}/workshops/{workshop_id}/resolution",
    response={200: dict, **ERRORS},
    summary="Keep the resolution",
)
def workshop_resolve(request: AuthedRequest, program_id: int, workshop_id: int, payload: ResolutionIn):
    w = _workshop_for_editor(request, program_id, workshop_id)
    data = _valid(forms.ResolutionForm(json_form_data(payload.dict())))
    w = services.workshop_resolve(
        workshop=w, actor=request.user, resolution=data["resolution"], expected_version=data["version"]
    )
    return _record_out(w, WORKSHOP_FIELDS)


PLAN_FIELDS = ["victory", "current_reality", "commitment", "commitment_date", "team", "version"]


class PlanIn(Schema):
    version: int = Field(..., ge=0, le=2_000_000_000)
    victory: str = Field("", max_length=10000)
    current_reality: str = Field("", max_length=10000)
    commitment: str = Field("", max_length=10000)
    commitment_date: datetime.date | None = None
    team: str = Field("", max_length=10000)


def _plan_out(program: Program) -> dict[str, Any]:
    data = selectors.plan_data(program)
    plan = data["plan"]
    return {
        **({name: getattr(plan, name) for name in PLAN_FIELDS} if plan else {"version": 0}),
        "actions": [_record_out(a, RECORDS["actions"][2]) for a in data["actions"]],
        "total_cost": data["total_cost"],
        "total_hours": str(data["total_hours"]),
    }


@router.get(
    "/programs/{program_id}/action-plan",
    response={200: dict, 404: ErrorOut},
    summary="The action plan with totals",
)
def action_plan_detail(request: AuthedRequest, program_id: int):
    return _plan_out(_reader(request, program_id))


@router.put(
    "/programs/{program_id}/action-plan", response={200: dict, **ERRORS}, summary="Save the action plan"
)
def action_plan_save(request: AuthedRequest, program_id: int, payload: PlanIn):
    program = _editor(request, program_id)
    data = _valid(forms.ActionPlanForm(json_form_data(payload.dict())))
    services.action_plan_save(
        program=program, actor=request.user, data=data, expected_version=payload.version
    )
    return _plan_out(program)


# --- Evaluation ---------------------------------------------------------------------------------

INDICATOR_FIELDS = ["criterion", "weight", "target", "measurement", "data_source", "source", "achievement"]


class IndicatorIn(Schema):
    criterion: str = Field(..., max_length=300)
    weight: int = Field(..., ge=0, le=1000)
    target: str = Field("", max_length=300)
    measurement: str = Field("", max_length=5000)
    data_source: str = Field("", max_length=200)
    source: str = Field("manual", max_length=20)
    achievement: Decimal | None = Field(None, ge=-1000, le=1000)


class IndicatorsIn(Schema):
    indicators: list[IndicatorIn] = Field(..., max_length=20)


def _evaluation_out(program: Program) -> dict[str, Any]:
    data = selectors.evaluation_data(program)
    ev = data["evaluation"]
    return {
        "indicators": [
            {
                "id": r["indicator"].pk,
                **_record_out(r["indicator"], INDICATOR_FIELDS),
                "achievement": None if r["achievement"] is None else str(r["achievement"]),
            }
            for r in data["rows"]
        ],
        "weight_total": data["weight_total"],
        "weighted_total": None if data["weighted_total"] is None else str(data["weighted_total"]),
        "weighted_complete": data["weighted_complete"],
        "measured_weight": data["measured_weight"],
        "unmeasured": [i.pk for i in data["unmeasured"]],
        "evaluation": {name: getattr(ev, name) for name in [*services.EVALUATION_FIELDS, "version"]}
        if ev
        else None,
        "swot": data["swot"],
    }


@router.get(
    "/programs/{program_id}/evaluation",
    response={200: dict, 404: ErrorOut},
    summary="Indicators, weighted total, statements and SWOT",
)
def evaluation_detail(request: AuthedRequest, program_id: int):
    return _evaluation_out(_reader(request, program_id))


@router.put(
    "/programs/{program_id}/indicators",
    response={200: dict, **ERRORS},
    summary="Replace the indicators (weights must total 100%)",
)
def indicators_replace(request: AuthedRequest, program_id: int, payload: IndicatorsIn):
    program = _editor(request, program_id)
    values: dict[str, Any] = {
        "TOTAL_FORMS": len(payload.indicators),
        "INITIAL_FORMS": 0,
        "MIN_NUM_FORMS": 0,
        "MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(payload.indicators):
        for name, value in row.dict().items():
            values[f"{index}-{name}"] = value
    formset = forms.IndicatorFormSet(
        json_form_data(values, prefix="ind"), queryset=program.indicators.none(), prefix="ind"
    )
    if not formset.is_valid():
        errors: dict[str, list[str]] = {}
        if formset.non_form_errors():
            errors["__all__"] = [str(e) for e in formset.non_form_errors()]
        for index, row_form in enumerate(formset.forms):
            for field, messages in row_form.errors.items():
                errors[f"indicators.{index}.{field}"] = [str(m) for m in messages]
        raise ValidationError(errors)
    services.indicators_replace(program=program, actor=request.user, rows=formset.rows())
    return _evaluation_out(program)


class EvaluationIn(Schema):
    version: int = Field(..., ge=0, le=2_000_000_000)
    goal_achievement: str = Field("", max_length=10000)
    benefit_achievement: str = Field("", max_length=10000)
    strengths: str = Field("", max_length=10000)
    weaknesses: str = Field("", max_length=10000)
    opportunities: str = Field("", max_length=10000)
    threats: str = Field("", max_length=10000)


@router.put(
    "/programs/{program_id}/evaluation",
    response={200: dict, **ERRORS},
    summary="Save the statements and SWOT (one item per line)",
)
def evaluation_save(request: AuthedRequest, program_id: int, payload: EvaluationIn):
    program = _editor(request, program_id)
    data = _valid(forms.EvaluationForm(json_form_data(payload.dict())))
    services.evaluation_save(program=program, actor=request.user, data=data, expected_version=payload.version)
    return _evaluation_out(program)


# --- Termination --------------------------------------------------------------------------------


class HandoverIn(Schema):
    version: int = Field(..., ge=0, le=2_000_000_000)
    report_to: str = Field("", max_length=200)
    report_date: datetime.date | None = None
    report_document: str = Field("", max_length=250)
    owner_institution: str = Field("", max_length=200)
    owner_person: str = Field("", max_length=200)
    next_steps: str = Field("", max_length=10000)
    follow_up_date: datetime.date | None = None


def _handover_out(program: Program) -> dict[str, Any]:
    data = selectors.termination_data(program)
    h = data["handover"]
    return {
        "closing_activities": [_record_out(c, RECORDS["closing-activities"][2]) for c in data["closing"]],
        "handover": {name: getattr(h, name) for name in [*services.HANDOVER_FIELDS, "version"]}
        if h
        else None,
    }


@router.get(
    "/programs/{program_id}/handover",
    response={200: dict, 404: ErrorOut},
    summary="Closing activities and the handover",
)
def handover_detail(request: AuthedRequest, program_id: int):
    return _handover_out(_reader(request, program_id))


@router.put(
    "/programs/{program_id}/handover",
    response={200: dict, **ERRORS},
    summary="Record the report handed over and the continuation's owner",
)
def handover_save(request: AuthedRequest, program_id: int, payload: HandoverIn):
    program = _editor(request, program_id)
    data = _valid(forms.HandoverForm(json_form_data(payload.dict())))
    services.handover_save(program=program, actor=request.user, data=data, expected_version=payload.version)
    return _handover_out(program)


class ReferralLinkIn(Schema):
    referral_id: int
    note: str = Field("", max_length=300)


def _referrals_out(program: Program, viewer, request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.program_referrals(program, viewer)
    clients = [row["referral"].client for row in rows if row["visible"]]
    if clients:
        access_record_many(
            user=viewer,
            objs=clients,
            office_of=lambda c: c.office_id,
            action=AccessLog.Action.API,
            request=request,
        )
    return [
        {
            "id": r["link"].pk,
            "referral_id": r["referral"].pk,
            "partner": r["referral"].partner.name,
            "service": r["referral"].service.name,
            "status": r["referral"].status,
            "client": r["client"] or None,
            "note": r["link"].note,
        }
        for r in rows
    ]


@router.get(
    "/programs/{program_id}/referrals",
    response={200: list[dict], 404: ErrorOut},
    summary="Client referrals linked to the program (the client only for those who may see the referral)",
)
def referral_list(request: AuthedRequest, program_id: int):
    return _referrals_out(_reader(request, program_id), request.user, request)


@router.post(
    "/programs/{program_id}/referrals",
    response={201: list[dict], **ERRORS},
    summary="Link a client referral you may see to the program",
)
def referral_link(request: AuthedRequest, program_id: int, payload: ReferralLinkIn):
    program = _editor(request, program_id)
    form = forms.ProgramReferralForm(
        json_form_data({"referral": payload.referral_id, "note": payload.note}),
        program=program,
        viewer=request.user,
    )
    data = _valid(form)
    services.program_referral_link(program=program, **data)
    return Status(201, _referrals_out(program, request.user, request))
