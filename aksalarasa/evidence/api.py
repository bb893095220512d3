"""Evidence over the API: instruments (read), administrations (create/read), responses (write),
analyses (read). Same scoping and the same forms as the pages: a record the caller may not see
answers 404, one they may read but not change 403, bad input 422 with the form's errors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.core.forms import form_errors
from aksalarasa.evidence import analysis, selectors, services, stats
from aksalarasa.evidence.forms import AdministrationForm, ResponseForm
from aksalarasa.evidence.models import Instrument, Response
from aksalarasa.programs.selectors import program_get_for_viewer

router = Router(tags=["evidence"])


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class ItemOut(Schema):
    key: str
    subscale: str
    position: int
    text_id: str
    text_en: str
    reverse: bool


class SubscaleOut(Schema):
    key: str
    name_id: str
    name_en: str


class VersionOut(Schema):
    id: int
    number: int
    status: str
    scale_min: int
    scale_max: int
    label_min_id: str
    label_min_en: str
    label_max_id: str
    label_max_en: str
    subscales: list[SubscaleOut]
    items: list[ItemOut]


class InstrumentOut(Schema):
    id: int
    key: str
    name_id: str
    name_en: str
    audience: str
    versions: list[VersionOut]


class AdministrationIn(Schema):
    program: int
    instrument_version: int
    group: str
    point: str
    event: int | None = None
    title: str = ""


class AdministrationOut(Schema):
    id: int
    program_id: int
    event_id: int | None
    instrument_version_id: int
    group: str
    point: str
    title: str
    open: bool
    responses: int
    public_url: str | None


class ResponseIn(Schema):
    answers: dict[str, Any]
    client: int | None = None
    code: str = ""


class ResponseOut(Schema):
    id: int
    administration_id: int
    scores: dict[str, float]
    submitted_at: datetime


def _require(request: AuthedRequest) -> None:
    if not selectors.can_see_evidence(request.user):
        raise Http404


def _version_out(version) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "status": version.status,
        "scale_min": version.scale_min,
        "scale_max": version.scale_max,
        "label_min_id": version.label_min_id,
        "label_min_en": version.label_min_en,
        "label_max_id": version.label_max_id,
        "label_max_en": version.label_max_en,
        "subscales": [
            {"key": s.key, "name_id": s.name_id, "name_en": s.name_en} for s in version.subscales.all()
        ],
        "items": [
            {
                "key": i.key,
                "subscale": i.subscale.key,
                "position": i.position,
                "text_id": i.text_id,
                "text_en": i.text_en,
                "reverse": i.reverse,
            }
            for i in version.items.all()
        ],
    }


@router.get("/evidence/instruments", response=list[InstrumentOut])
def instruments(request: AuthedRequest):
    _require(request)
    qs = (
        Instrument.objects.visible_to(request.user)
        .prefetch_related("versions__subscales", "versions__items__subscale")
        .order_by("key")
    )
    return [
        {
            "id": ins.pk,
            "key": ins.key,
            "name_id": ins.name_id,
            "name_en": ins.name_en,
            "audience": ins.audience,
            "versions": [_version_out(v) for v in ins.versions.all()],
        }
        for ins in qs
    ]


def _administration_out(request: AuthedRequest, a, responses: int | None = None) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "id": a.pk,
        "program_id": a.program_id,
        "event_id": a.event_id,
        "instrument_version_id": a.instrument_version_id,
        "group": a.group,
        "point": a.point,
        "title": a.title,
        "open": a.open,
        "responses": responses if responses is not None else a.responses.count(),
        "public_url": None
        if a.group == "client"
        else request.build_absolute_uri(reverse("evidence:public", args=[a.public_token])),
    }


@router.get("/evidence/programs/{program_id}/administrations", response=list[AdministrationOut])
def administrations(request: AuthedRequest, program_id: int):

    _require(request)
    program = program_get_for_viewer(viewer=request.user, pk=program_id)
    return [
        _administration_out(request, a, getattr(a, "response_count", 0))  # annotated by the selector
        for a in selectors.program_administrations(viewer=request.user, program=program)
    ]


@router.post(
    "/evidence/administrations",
    response={201: AdministrationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def administration_create(request: AuthedRequest, payload: AdministrationIn):
    _require(request)
    program = program_get_for_viewer(viewer=request.user, pk=payload.program)
    if not services.can_manage_program_evidence(request.user, program):
        raise PermissionDenied
    data = payload.dict()
    data.pop("program")
    data = {k: ("" if v is None else v) for k, v in data.items()}
    form = AdministrationForm(data, program=program)
    if not form.is_valid():
        raise form_errors(form)
    administration = services.administration_create(actor=request.user, program=program, **form.cleaned_data)
    return Status(201, _administration_out(request, administration, 0))


@router.get("/evidence/administrations/{pk}", response=AdministrationOut)
def administration_detail(request: AuthedRequest, pk: int):
    _require(request)
    return _administration_out(request, selectors.administration_get_for_viewer(viewer=request.user, pk=pk))


@router.post(
    "/evidence/administrations/{pk}/responses",
    response={201: ResponseOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def response_create(request: AuthedRequest, pk: int, payload: ResponseIn):
    """Staff enter one respondent's answers (e.g. a batch typed in from paper); the same form and
    the same all-or-nothing service as the page."""
    _require(request)
    administration = selectors.administration_get_for_viewer(viewer=request.user, pk=pk)
    if not services.can_manage_program_evidence(request.user, administration.program):
        raise PermissionDenied
    items = list(administration.instrument_version.items.select_related("subscale"))
    known = {i.key for i in items}
    unknown = sorted(set(payload.answers) - known)
    if unknown:
        raise ValidationError({"answers": [_("Unknown statement: %(key)s.") % {"key": k} for k in unknown]})
    data: dict[str, Any] = {f"item_{k}": "" if v is None else str(v) for k, v in payload.answers.items()}
    if payload.client is not None:
        data["client"] = str(payload.client)
    if payload.code:
        data["code"] = payload.code
    form = ResponseForm(data, administration=administration, items=items, viewer=request.user)
    if not form.is_valid():
        raise form_errors(form)
    response = services.response_submit(
        administration=administration,
        answers=form.answers(),
        channel=Response.Channel.PAPER,
        actor=request.user,
        client=form.cleaned_data.get("client"),
        code=form.cleaned_data.get("code", ""),
    )
    return Status(
        201,
        {
            "id": response.pk,
            "administration_id": administration.pk,
            "scores": response.scores,
            "submitted_at": response.submitted_at,
        },
    )


def _figure(fig: stats.Figure | None, language: str) -> dict[str, Any] | None:
    if fig is None:
        return None
    return {
        "key": fig.key,
        "estimate": fig.estimate,
        "ci": None if fig.ci is None else {"low": fig.ci.low, "high": fig.ci.high, "level": fig.ci.level},
        "n": fig.n,
        "method": fig.method,
        "method_text": stats.method_text(fig.method, language),
        "p_value": fig.p_value,
        "p_holm": fig.details.get("p_holm"),
        "statistic": fig.statistic,
        "reading": fig.reading(language),
        "reading_id": fig.reading_id,
        "reading_en": fig.reading_en,
    }


def analysis_as_dict(result: analysis.ProgramAnalysis, language: str) -> dict[str, Any]:
    surveys = []
    for s in result.surveys:
        surveys.append(
            {
                "instrument": s.instrument_key,
                "name": s.name(language),
                "group": s.group,
                "n_before": s.n_before,
                "n_after": s.n_after,
                "n_paired": s.n_paired,
                "n_unpaired_before": s.n_unpaired_before,
                "n_unpaired_after": s.n_unpaired_after,
                "holm_tested": s.holm_tested,
                "subscales": [
                    {
                        "key": sub.key,
                        "name": sub.name(language),
                        "mean_before": sub.mean_before,
                        "mean_after": sub.mean_after,
                        "alpha_before": _figure(sub.alpha_before, language),
                        "alpha_after": _figure(sub.alpha_after, language),
                        "p_holm": sub.p_holm,
                        "low_reliability": sub.low_reliability,
                        "paired": None
                        if sub.paired is None
                        else {f.key: _figure(f, language) for f in sub.paired.figures},
                        "unpaired": None
                        if sub.unpaired is None
                        else {f.key: _figure(f, language) for f in sub.unpaired.figures},
                    }
                    for sub in s.subscales
                ],
            }
        )
    return {
        "program_id": result.program.pk,
        "event_id": result.event.pk if result.event else None,
        "suppressed": result.suppressed,
        "surveys": surveys,
        "attendance_did": _figure(result.attendance, language),
        "engagement_did": _figure(result.engagement, language),
        "attendance_pre_trend": _figure(result.attendance_pre_trend, language),
        "engagement_pre_trend": _figure(result.engagement_pre_trend, language),
        "no_shows_left_out": result.no_shows_left_out,
        "zero_rule": stats.ZERO_RULE_EN if language.startswith("en") else stats.ZERO_RULE_ID,
        "network": None
        if result.network is None
        else {f.key: _figure(f, language) for f in result.network.figures},
        "indicators": None
        if result.indicators is None
        else {
            "total": _figure(result.indicators.total, language),
            "items": [
                {"name": o.name, "weight": o.weight, "achievement": o.achievement, "weighted": o.weighted}
                for o in result.indicators.indicators
            ],
        },
    }


@router.get("/evidence/programs/{program_id}/analysis", response=dict)
def program_analysis(request: AuthedRequest, program_id: int, event: int | None = None):

    _require(request)
    program = program_get_for_viewer(viewer=request.user, pk=program_id)
    result = analysis.program_analysis(viewer=request.user, program=program, event_id=event)
    return analysis_as_dict(result, (get_language() or "id")[:2])
