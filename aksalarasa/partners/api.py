"""Partners, services, referrals and partner feedback over the API, scoped like the UI.

Writes validate with the UI's forms (422 with the form's errors); a stale version answers 409; an
illegal move answers 409 too, with the reason; a record the caller may not see answers 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Field, Query, Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record, access_record_many
from aksalarasa.clients.models import Client
from aksalarasa.core.forms import form_errors, json_form_data
from aksalarasa.guidance.models import Outcome
from aksalarasa.partners import selectors, services
from aksalarasa.partners.forms import PartnerSessionForm, ReferralForm, ServiceReportForm, TransitionForm
from aksalarasa.partners.models import Partner, PartnerService, Referral, Side, Status

router = Router(tags=["partners"])


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class PartnerOut(Schema):
    id: int
    office_id: int
    name: str
    legal_form: str
    focus_areas: list[str]
    regions: list[str]
    address: str
    contact_person: str
    contact_phone: str
    agreement_number: str
    agreement_start: date | None
    agreement_end: date | None
    agreement_warning: str | None
    status: str
    public_listing: bool
    version: int

    @staticmethod
    def of(p: Partner) -> PartnerOut:
        warning = selectors.agreement_warning(p)
        return PartnerOut(
            id=p.pk,
            office_id=p.office_id,
            name=p.name,
            legal_form=p.legal_form,
            focus_areas=p.focus_list,
            regions=[r.code for r in p.regions.all()],
            address=p.address,
            contact_person=p.contact_person,
            contact_phone=p.contact_phone,
            agreement_number=p.agreement_number,
            agreement_start=p.agreement_start,
            agreement_end=p.agreement_end,
            agreement_warning=str(warning["text"]) if warning else None,
            status=p.status,
            public_listing=p.public_listing,
            version=p.version,
        )


class ServiceOut(Schema):
    id: int
    partner_id: int
    partner_name: str
    name: str
    kind: str
    for_children: bool
    for_adults: bool
    capacity: int
    active_referrals: int
    free_places: int
    schedule: str
    place: str
    active: bool

    @staticmethod
    def of(s: PartnerService) -> ServiceOut:
        return ServiceOut(
            id=s.pk,
            partner_id=s.partner_id,
            partner_name=s.partner.name,
            name=s.name,
            kind=s.kind,
            for_children=s.for_children,
            for_adults=s.for_adults,
            capacity=s.capacity,
            active_referrals=getattr(s, "active_referrals", 0),  # annotated by selectors.service_list
            free_places=max(s.capacity - getattr(s, "active_referrals", 0), 0),
            schedule=s.schedule,
            place=s.place,
            active=s.active,
        )


class ReferralEventOut(Schema):
    source: str
    target: str
    actor: str
    at: datetime
    reason: str


class ReferralOut(Schema):
    id: int
    client_id: int | None
    client_label: str
    client_fields: dict[str, str]
    partner_id: int
    service_id: int
    service_name: str
    status: str
    status_reason: str
    reason: str
    need_kind: str
    goals: list[str]
    shared_fields: list[str] | None
    referred_by: str
    created_at: datetime
    sent_at: datetime | None
    updated_at: datetime
    version: int
    events: list[ReferralEventOut] | None = None
    allowed_moves: list[str] | None = None

    @staticmethod
    def of(r: Referral, viewer: Any, *, detail: bool = False) -> ReferralOut:
        partner_side = viewer.role_partner_staff and r.partner_id in _partner_ids(viewer)
        if partner_side:
            view = selectors.referral_client_view(viewer=viewer, referral=r) if detail else None
            label = view["label"] if view else selectors.referral_label(viewer=viewer, referral=r)
            fields = {name: str(value) for name, value in view["fields"]} if view else {}
            client_id = None  # the partner never learns the office's internal client id
        else:
            label = selectors.referral_label(viewer=viewer, referral=r)
            fields = {}
            client_id = r.client_id
        out = ReferralOut(
            id=r.pk,
            client_id=client_id,
            client_label=label,
            client_fields=fields,
            partner_id=r.partner_id,
            service_id=r.service_id,
            service_name=r.service.name,
            status=r.status,
            status_reason=r.status_reason,
            reason=r.reason,
            need_kind=r.need_kind,
            goals=r.goal_list,
            shared_fields=None if partner_side else list(r.shared_fields),
            referred_by=r.referred_by.full_name,
            created_at=r.created_at,
            sent_at=r.sent_at,
            updated_at=r.updated_at,
            version=r.version,
        )
        if detail:
            out.events = [
                ReferralEventOut(
                    source=e.source, target=e.target, actor=e.actor.full_name, at=e.at, reason=e.reason
                )
                for e in selectors.referral_events(referral=r)
            ]
            out.allowed_moves = [m["target"] for m in selectors.referral_moves(viewer=viewer, referral=r)]
        return out


def _partner_ids(viewer: Any) -> set[int]:
    cached = getattr(viewer, "_partner_ids_cache", None)
    if cached is None:
        from aksalarasa.partners.models import PartnerMembership

        cached = set(PartnerMembership.objects.filter(user_id=viewer.pk).values_list("partner_id", flat=True))
        viewer._partner_ids_cache = cached
    return cached


# --- partners and services --------------------------------------------------------------------


@router.get("/partners", response=list[PartnerOut], summary="Partners you may see")
def partner_list(request: AuthedRequest, q: str = Query("", max_length=100)) -> list[PartnerOut]:
    return [PartnerOut.of(p) for p in selectors.partner_list(viewer=request.user, query=q)]


@router.get("/partners/{partner_id}", response={200: PartnerOut, 404: ErrorOut}, summary="One partner")
def partner_detail(request: AuthedRequest, partner_id: int) -> PartnerOut:
    return PartnerOut.of(selectors.partner_get_for_viewer(viewer=request.user, pk=partner_id))


class ServiceFilter(Schema):
    partner: int | None = Field(None, ge=1, le=2_000_000_000)


@router.get("/services", response=list[ServiceOut], summary="Services of the partners you may see")
def service_list(request: AuthedRequest, filters: Query[ServiceFilter]) -> list[ServiceOut]:
    qs = selectors.service_list(viewer=request.user)
    if filters.partner:
        qs = qs.filter(partner_id=filters.partner)
    return [ServiceOut.of(s) for s in qs.order_by("partner__name", "name")]


class SuggestionOut(Schema):
    service: ServiceOut
    score: int
    reasons: list[str]


@router.get(
    "/clients/{client_id}/service-suggestions",
    response={200: list[SuggestionOut], 404: ErrorOut},
    summary="Services ranked for a client, with the reasons",
)
def service_suggestions(
    request: AuthedRequest,
    client_id: int,
    need_kind: str = Query("", max_length=20),
    need: str = Query("", max_length=500),
) -> list[SuggestionOut]:
    client = _client_for_referral(request, client_id)
    if need_kind not in PartnerService.Kind.values:
        need_kind = ""
    return [
        SuggestionOut(service=ServiceOut.of(s.service), score=s.score, reasons=[str(r) for r in s.reasons])
        for s in selectors.service_suggestions(
            viewer=request.user, client=client, need_kind=need_kind, need_text=need
        )
    ]


def _client_for_referral(request: AuthedRequest, client_id: int) -> Client:
    client = Client.objects.visible_to(request.user).select_related("regency").filter(pk=client_id).first()
    if client is None or not services.referral_can_create(user=request.user, client=client):
        raise Http404
    return client


# --- referrals --------------------------------------------------------------------------------


class ReferralFilter(Schema):
    status: str | None = Field(None, max_length=12)


@router.get("/referrals", response=list[ReferralOut], summary="Referrals you may see")
def referral_list(request: AuthedRequest, filters: Query[ReferralFilter]) -> list[ReferralOut]:
    referrals = list(selectors.referral_list(viewer=request.user, status=filters.status or ""))
    access_record_many(
        user=request.user,
        objs=[r.client for r in referrals],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return [ReferralOut.of(r, request.user) for r in referrals]


class CountRow(Schema):
    office_id: int
    office: str
    counts: dict[str, int | None]


@router.get(
    "/referrals/counts",
    response=list[CountRow],
    summary="Referral counts by office and status (cells under 5 are null)",
)
def referral_counts(request: AuthedRequest) -> list[CountRow]:
    return [CountRow(**row) for row in selectors.referral_counts(viewer=request.user)]


@router.get("/referrals/{referral_id}", response={200: ReferralOut, 404: ErrorOut}, summary="One referral")
def referral_detail(request: AuthedRequest, referral_id: int) -> ReferralOut:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id)
    access_record(
        user=request.user,
        obj=referral.client,
        office_id=referral.office_id,
        action=AccessLog.Action.API,
        label=f"referral #{referral.pk}",
        request=request,
    )
    return ReferralOut.of(referral, request.user, detail=True)


class ReferralIn(Schema):
    client_id: int = Field(..., ge=1, le=2_000_000_000)
    service_id: int = Field(..., ge=1, le=2_000_000_000)
    reason: str = Field(..., max_length=4000)
    need_kind: str = Field("", max_length=20)
    goals: list[str] = Field(default_factory=list, max_length=10)
    shared_fields: list[str] = Field(default_factory=list, max_length=10)
    send: bool = False


@router.post(
    "/referrals",
    response={201: ReferralOut, 404: ErrorOut, 422: ErrorOut},
    summary="Refer a client to a partner service (the client's officer or a head)",
)
def referral_create(request: AuthedRequest, payload: ReferralIn) -> tuple[int, ReferralOut]:
    client = _client_for_referral(request, payload.client_id)
    form = ReferralForm(
        json_form_data(
            {
                "service": payload.service_id,
                "reason": payload.reason,
                "need_kind": payload.need_kind,
                "goals": "\n".join(g[:400] for g in payload.goals),
                "shared_fields": payload.shared_fields,
                "send": payload.send,
            }
        ),
        client=client,
    )
    if not form.is_valid():
        raise form_errors(form)
    data = form.cleaned_data
    referral = services.referral_create(
        client=client,
        service=data["service"],
        actor=request.user,
        reason=data["reason"],
        need_kind=data["need_kind"],
        goals=data["goals"],
        shared_fields=data["shared_fields"],
        send=data["send"],
    )
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=referral.pk)
    return 201, ReferralOut.of(referral, request.user, detail=True)


class TransitionIn(Schema):
    target: Status = Field(..., description="The state to move to (the transition table decides)")
    version: int = Field(
        ..., ge=0, le=2_000_000_000, description="The version you read; a newer one answers 409."
    )
    reason: str = Field("", max_length=2000)


@router.post(
    "/referrals/{referral_id}/transition",
    response={200: ReferralOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Move a referral by the transition table (409 for a stale version or an illegal move)",
)
def referral_transition(request: AuthedRequest, referral_id: int, payload: TransitionIn) -> Any:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id)
    form = TransitionForm(json_form_data(payload.dict()))
    if not form.is_valid():
        raise form_errors(form)
    try:
        services.referral_transition(
            referral=referral,
            actor=request.user,
            target=form.cleaned_data["target"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except services.TransitionRefused as exc:
        return 409, ErrorOut(detail=exc.message)
    return ReferralOut.of(
        selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id), request.user, detail=True
    )


class SessionIn(Schema):
    scheduled_at: datetime
    outcome: Outcome
    engagement: int | None = Field(None, ge=1, le=4)
    response: str = Field("", max_length=4000)
    concern: bool = False
    concern_text: str = Field("", max_length=2000)
    notes: str = Field("", max_length=4000)
    version: int = Field(..., ge=0, le=2_000_000_000)


class PartnerSessionOut(Schema):
    id: int
    scheduled_at: datetime
    outcome: str
    engagement: int | None
    response: str
    concern: bool
    concern_text: str
    referral_status: str
    referral_version: int


def _require_partner(request: AuthedRequest, referral: Referral) -> None:
    if selectors.referral_side(viewer=request.user, referral=referral) != Side.PARTNER:
        raise PermissionDenied("Only the partner's staff record partner sessions and reports.")


@router.post(
    "/referrals/{referral_id}/sessions",
    response={201: PartnerSessionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record a partner session (attendance, engagement, response, concern)",
)
def session_record(request: AuthedRequest, referral_id: int, payload: SessionIn) -> Any:
    from django.utils import timezone

    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id)
    _require_partner(request, referral)
    values = payload.dict()
    at = values["scheduled_at"]
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    values["scheduled_at"] = timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")
    form = PartnerSessionForm(json_form_data(values))
    if not form.is_valid():
        raise form_errors(form)
    data = form.cleaned_data
    try:
        session = services.partner_session_record(
            referral=referral,
            actor=request.user,
            scheduled_at=data["scheduled_at"],
            outcome=data["outcome"],
            engagement=data["engagement"],
            response=data["response"],
            concern=data["concern"],
            concern_text=data["concern_text"],
            notes=data["notes"],
            expected_version=data["version"],
        )
    except services.TransitionRefused as exc:
        return 409, ErrorOut(detail=exc.message)
    referral.refresh_from_db(fields=["status", "version"])
    return 201, PartnerSessionOut(
        id=session.pk,
        scheduled_at=session.scheduled_at,
        outcome=session.outcome,
        engagement=session.engagement,
        response=session.response,
        concern=session.concern,
        concern_text=session.concern_text,
        referral_status=referral.status,
        referral_version=referral.version,
    )


class RatingIn(Schema):
    rating: str = Field(..., max_length=12)
    evidence: str = Field("", max_length=2000)


class ReportIn(Schema):
    recommendation: str = Field(..., max_length=4000)
    ratings: list[RatingIn] = Field(default_factory=list, max_length=10, description="One per goal, in order")
    version: int = Field(..., ge=0, le=2_000_000_000)


@router.post(
    "/referrals/{referral_id}/report",
    response={200: ReferralOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Submit the end-of-service report (completes the referral; certificates via the web form)",
)
def report_submit(request: AuthedRequest, referral_id: int, payload: ReportIn) -> Any:
    referral = selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id)
    _require_partner(request, referral)
    values: dict[str, Any] = {"recommendation": payload.recommendation, "version": payload.version}
    for i, item in enumerate(payload.ratings):
        values[f"rating_{i}"] = item.rating
        values[f"evidence_{i}"] = item.evidence
    form = ServiceReportForm(json_form_data(values), referral=referral)
    if not form.is_valid():
        raise form_errors(form)
    try:
        services.service_report_submit(
            referral=referral,
            actor=request.user,
            recommendation=form.cleaned_data["recommendation"],
            ratings=form.ratings(),
            expected_version=form.cleaned_data["version"],
        )
    except services.TransitionRefused as exc:
        return 409, ErrorOut(detail=exc.message)
    return ReferralOut.of(
        selectors.referral_get_for_viewer(viewer=request.user, pk=referral_id), request.user, detail=True
    )
