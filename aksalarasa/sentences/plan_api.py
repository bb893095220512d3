"""The work plan over the API, scoped like the pages: an order's planned sessions, the person's
unavailable times, a proposed plan and the warning when the hours left no longer fit the days left.

Writes validate with the pages' forms and the same services (422 with the reasons, e.g. a 9-hour
day names Art. 85(5)); a record the caller may not see answers 404; a stale version 409.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from ninja import Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.core.api_types import LocalTime
from aksalarasa.core.forms import json_form_data, valid_data
from aksalarasa.sentences import plan_selectors, plan_services, scoping, selectors
from aksalarasa.sentences.api import ErrorOut
from aksalarasa.sentences.models import SentenceOrder
from aksalarasa.sentences.plan_forms import SessionForm, UnavailableForm
from aksalarasa.sentences.plan_models import PlannedSession, UnavailableTime

router = Router(tags=["community sentences: work plan"])


class PlannedSessionOut(Schema):
    id: int
    order_id: int
    site_id: int
    day: date
    starts_at: LocalTime
    ends_at: LocalTime
    minutes: int
    version: int


class UnavailableTimeOut(Schema):
    id: int
    order_id: int
    weekday: int
    starts_at: LocalTime
    ends_at: LocalTime
    reason: str
    note: str


class WorkPlanOut(Schema):
    order_id: int
    remaining_minutes: int
    planned_minutes: int
    possible_minutes: int
    fits: bool
    warning: str
    sessions: list[PlannedSessionOut]
    unavailable: list[UnavailableTimeOut]


class PlannedSessionIn(Schema):
    day: date
    starts_at: LocalTime
    ends_at: LocalTime


class PlannedSessionUpdateIn(PlannedSessionIn):
    version: int


class UnavailableTimeIn(Schema):
    weekday: int
    starts_at: LocalTime
    ends_at: LocalTime
    reason: str
    note: str = ""


def _session_out(s: PlannedSession) -> PlannedSessionOut:
    return PlannedSessionOut.from_orm(s)


def _unavailable_out(u: UnavailableTime) -> UnavailableTimeOut:
    return UnavailableTimeOut.from_orm(u)  # the weekday's stored "1".."7" read as a number


def _plan_out(order: SentenceOrder) -> WorkPlanOut:
    summary = plan_selectors.plan_summary(order=order)
    return WorkPlanOut(
        order_id=order.pk,
        remaining_minutes=summary.remaining_minutes,
        planned_minutes=summary.planned_minutes,
        possible_minutes=summary.possible_minutes,
        fits=summary.fits,
        warning=summary.warning,
        sessions=[_session_out(s) for s in summary.sessions],
        unavailable=[_unavailable_out(u) for u in summary.unavailable],
    )


def _order(request: AuthedRequest, order_id: int, *, edit: bool) -> SentenceOrder:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=order_id)
    if not order.is_community_service or (edit and not scoping.can_edit_plan(request.user, order.client)):
        raise Http404
    return order


def _session(request: AuthedRequest, planned_id: int) -> PlannedSession:
    session = plan_selectors.session_get_for_viewer(viewer=request.user, pk=planned_id)
    if not scoping.can_edit_plan(request.user, session.order.client):
        raise Http404
    return session


@router.get(
    "/sentences/orders/{order_id}/plan",
    response={200: WorkPlanOut, 404: ErrorOut},
    summary="The order's plan of work sessions, and a warning when the hours left no longer fit the days left",
)
def plan_detail(request: AuthedRequest, order_id: int) -> WorkPlanOut:
    return _plan_out(_order(request, order_id, edit=False))


@router.post(
    "/sentences/orders/{order_id}/plan/propose",
    response={200: WorkPlanOut, 404: ErrorOut, 422: ErrorOut},
    summary="Propose a plan of the hours left (replaces the sessions planned from today on)",
)
def plan_propose(request: AuthedRequest, order_id: int) -> WorkPlanOut:
    order = _order(request, order_id, edit=True)
    plan_services.plan_propose(actor=request.user, order=order)
    return _plan_out(order)


@router.post(
    "/sentences/orders/{order_id}/plan/sessions",
    response={201: PlannedSessionOut, 404: ErrorOut, 422: ErrorOut},
    summary="Plan one session (at most 8 hours a day, the site's days, hours and capacity, no holidays)",
)
def session_create(
    request: AuthedRequest, order_id: int, payload: PlannedSessionIn
) -> tuple[int, PlannedSessionOut]:
    order = _order(request, order_id, edit=True)
    data = valid_data(SessionForm(json_form_data(payload.dict())))
    session = plan_services.session_create(actor=request.user, order=order, data=data)
    return 201, _session_out(session)


@router.put(
    "/sentences/plan/sessions/{planned_id}",
    response={200: PlannedSessionOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Move a planned session (with the version read; 409 when someone changed it since)",
)
def session_update(
    request: AuthedRequest, planned_id: int, payload: PlannedSessionUpdateIn
) -> PlannedSessionOut:
    session = _session(request, planned_id)
    data = valid_data(SessionForm(json_form_data(payload.dict())))
    session = plan_services.session_update(
        actor=request.user, session=session, data=data, expected_version=payload.version
    )
    return _session_out(session)


@router.delete(
    "/sentences/plan/sessions/{planned_id}",
    response={204: None, 404: ErrorOut, 409: ErrorOut},
    summary="Remove a planned session (give the version read: 409 when someone changed it since)",
)
def session_delete(request: AuthedRequest, planned_id: int, version: int | None = None) -> HttpResponse:
    session = _session(request, planned_id)
    plan_services.session_delete(actor=request.user, session=session, expected_version=version)
    return HttpResponse(status=204)


@router.post(
    "/sentences/orders/{order_id}/plan/unavailable",
    response={201: UnavailableTimeOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record a weekly time the person cannot work (work, school, worship)",
)
def unavailable_create(
    request: AuthedRequest, order_id: int, payload: UnavailableTimeIn
) -> tuple[int, UnavailableTimeOut]:
    order = _order(request, order_id, edit=True)
    data = valid_data(UnavailableForm(json_form_data(payload.dict())))
    item = plan_services.unavailable_create(actor=request.user, order=order, data=data)
    return 201, _unavailable_out(item)


@router.delete(
    "/sentences/plan/unavailable/{unavailable_id}",
    response={204: None, 404: ErrorOut},
    summary="Remove a declared unavailable time",
)
def unavailable_delete(request: AuthedRequest, unavailable_id: int) -> HttpResponse:
    item = plan_selectors.unavailable_get_for_viewer(viewer=request.user, pk=unavailable_id)
    if not scoping.can_edit_plan(request.user, item.order.client):
        raise Http404
    plan_services.unavailable_delete(actor=request.user, item=item)
    return HttpResponse(status=204)
