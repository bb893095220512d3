"""Community sentences over the API, scoped like the pages.

Writes validate with the pages' forms and the same services (422 with the reasons, e.g. a
300-hour order names Art. 85(4)); a record the caller may not see answers 404; a stale version 409.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.selectors import client_get_for_viewer
from aksalarasa.core.api_types import LocalTime
from aksalarasa.core.forms import json_form_data, valid_data
from aksalarasa.offices.models import Office
from aksalarasa.sentences import scoping, selectors, services
from aksalarasa.sentences.forms import CorrectionForm, HoursForm, OrderForm, OrderStatusForm, SiteForm
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite

router = Router(tags=["community sentences"])


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class OrderOut(Schema):
    id: int
    office_id: int
    client_id: int
    client_name: str
    sentence_type: str
    court: str
    case_number: str
    case_registered_on: date
    decision_number: str
    decision_date: date
    final_on: date | None
    article: str
    threatened_months: int
    hours_ordered: int | None
    hours_per_day: int | None
    period_months: int
    start_date: date
    end_date: date
    replaced_prison_days: int | None
    replaced_fine: int | None
    prosecutor_office: str
    general_conditions: str
    special_conditions: str
    site_id: int | None
    status: str
    credited_minutes: int
    version: int


class OrderFieldsIn(Schema):
    sentence_type: str = Field(..., description="community_service or supervision")
    court: str
    case_number: str
    case_registered_on: date
    decision_number: str
    decision_date: date
    final_on: date | None = None
    article: str
    threatened_months: int
    hours_ordered: int | None = None
    hours_per_day: int | None = None
    period_months: int
    start_date: date
    replaced_prison_days: int | None = None
    replaced_fine: int | None = None
    prosecutor_office: str
    general_conditions: str = ""
    special_conditions: str = ""
    site_id: int | None = None
    notes: str = ""


class OrderIn(OrderFieldsIn):
    client_id: int


class OrderUpdateIn(OrderFieldsIn):
    status: str = Field(..., description="active, completed, breach or cancelled")
    version: int = Field(..., description="the version read; a changed order answers 409")


class EntryOut(Schema):
    id: int
    sequence: int
    kind: str
    work_date: date
    start_at: datetime | None
    end_at: datetime | None
    break_minutes: int
    credited_minutes: int
    work_done: str
    corrects_id: int | None
    reason: str
    recorded_at: datetime
    previous_hash: str
    entry_hash: str


class LedgerOut(Schema):
    order_id: int
    minutes_ordered: int
    credited_minutes: int
    chain_intact: bool
    broken_at: list[int]
    entries: list[EntryOut]


class HoursIn(Schema):
    work_date: date
    start: time
    end: time
    break_minutes: int = 0
    work_done: str = ""


class CorrectionIn(Schema):
    minutes: int = Field(..., description="signed: + adds, - removes")
    reason: str
    corrects_id: int | None = None


class SiteOut(Schema):
    id: int
    office_id: int
    partner_id: int | None
    name: str
    kind: str
    address: str
    regency: str
    village_code: str
    latitude: float | None
    longitude: float | None
    work_kinds: list[str]
    capacity_per_day: int
    opening_days: list[int]
    opens_at: LocalTime
    closes_at: LocalTime
    safety_notes: str
    equipment: str
    mou_number: str
    mou_start: date | None
    mou_end: date | None
    non_commercial: bool
    supervisor_ids: list[int]
    active: bool
    version: int


class SiteIn(Schema):
    name: str
    kind: str = Field(..., description="partner, public_place or griya_abhipraya")
    partner_id: int | None = Field(
        None, description="a partner of the office (required for a partner's site)"
    )
    address: str
    regency: str = Field(
        ..., description="Kemendagri code or name of a regency/city in the office's province"
    )
    village_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    work_kinds: str
    capacity_per_day: int
    opening_days: list[int] = Field(..., description="ISO weekdays, 1 = Monday ... 7 = Sunday")
    opens_at: LocalTime
    closes_at: LocalTime
    safety_notes: str = ""
    equipment: str = ""
    mou_number: str = ""
    mou_start: date | None = None
    mou_end: date | None = None
    non_commercial: bool = Field(..., description="the site's declaration (UU 1/2023 Art. 85(3)); required")
    supervisor_ids: list[int] = Field([], description="staff accounts of the site's partner")
    active: bool = True


class SiteUpdateIn(SiteIn):
    version: int = Field(..., description="the version read; a changed site answers 409")


def order_out(order: SentenceOrder, viewer: Any, credited: int | None = None) -> OrderOut:
    return OrderOut(
        id=order.pk,
        office_id=order.office_id,
        client_id=order.client_id,
        client_name=client_label(order.client, viewer),
        sentence_type=order.sentence_type,
        court=order.court,
        case_number=order.case_number,
        case_registered_on=order.case_registered_on,
        decision_number=order.decision_number,
        decision_date=order.decision_date,
        final_on=order.final_on,
        article=order.article,
        threatened_months=order.threatened_months,
        hours_ordered=order.hours_ordered,
        hours_per_day=order.hours_per_day,
        period_months=order.period_months,
        start_date=order.start_date,
        end_date=order.end_date,
        replaced_prison_days=order.replaced_prison_days,
        replaced_fine=order.replaced_fine,
        prosecutor_office=order.prosecutor_office,
        general_conditions=order.general_conditions,
        special_conditions=order.special_conditions,
        site_id=order.site_id,
        status=order.status,
        credited_minutes=credited if credited is not None else getattr(order, "credited", 0),
        version=order.version,
    )


def site_out(site: ServiceSite) -> SiteOut:
    return SiteOut(
        id=site.pk,
        office_id=site.office_id,
        partner_id=site.partner_id,
        name=site.name,
        kind=site.kind,
        address=site.address,
        regency=site.regency_id,
        village_code=site.village_code,
        latitude=float(site.latitude) if site.latitude is not None else None,
        longitude=float(site.longitude) if site.longitude is not None else None,
        work_kinds=site.work_kind_list,
        capacity_per_day=site.capacity_per_day,
        opening_days=[int(d) for d in site.opening_days],
        opens_at=site.opens_at,
        closes_at=site.closes_at,
        safety_notes=site.safety_notes,
        equipment=site.equipment,
        mou_number=site.mou_number,
        mou_start=site.mou_start,
        mou_end=site.mou_end,
        non_commercial=site.non_commercial,
        supervisor_ids=[u.pk for u in site.supervisors.all()],
        active=site.active,
        version=site.version,
    )


def _ledger(order: SentenceOrder) -> LedgerOut:
    entries: list[HoursEntry] = selectors.ledger_entries(order=order)
    breaks = selectors.ledger_check(order=order)
    return LedgerOut(
        order_id=order.pk,
        minutes_ordered=order.minutes_ordered,
        credited_minutes=sum(e.credited_minutes for e in entries),
        chain_intact=not breaks,
        broken_at=sorted({b.sequence for b in breaks}),
        entries=[EntryOut.from_orm(e) for e in entries],
    )


def managed_order(request: AuthedRequest, order_id: int) -> SentenceOrder:
    """An order the caller may edit (its guidance staff), else 404 (compliance_api.py shares it)."""
    order = selectors.order_get_for_viewer(viewer=request.user, pk=order_id)
    if not scoping.can_manage_order(request.user, order.client):
        raise Http404
    return order


@router.get("/sentences/orders", response=list[OrderOut], summary="Sentence orders the caller may see")
def orders_list(request: AuthedRequest, status: str = "") -> list[OrderOut]:
    orders = selectors.order_list(viewer=request.user, filters={"status": status})[:500]
    return [order_out(o, request.user) for o in orders]


@router.post(
    "/sentences/orders",
    response={201: OrderOut, 404: ErrorOut, 422: ErrorOut},
    summary="Enter a court decision for a client (the legal limits of UU 1/2023 are checked)",
)
def orders_create(request: AuthedRequest, payload: OrderIn) -> tuple[int, OrderOut]:
    viewer = request.user
    client = client_get_for_viewer(viewer=viewer, pk=payload.client_id)
    if not (scoping.can_create_orders(viewer) and scoping.can_manage_order(viewer, client)):
        raise Http404
    values = payload.dict()
    values["client"] = values.pop("client_id")
    values["site"] = values.pop("site_id")
    data = valid_data(
        OrderForm(
            json_form_data(values),
            clients=selectors.order_client_choices(viewer=viewer),
            sites=selectors.site_list(viewer=viewer).filter(office_id=client.office_id),
        )
    )
    order = services.order_create(actor=viewer, client=client, data=data)
    return 201, order_out(order, viewer, credited=0)


@router.get("/sentences/orders/{order_id}", response={200: OrderOut, 404: ErrorOut}, summary="One order")
def orders_detail(request: AuthedRequest, order_id: int) -> OrderOut:
    order = selectors.order_get_for_viewer(viewer=request.user, pk=order_id)
    access_record(user=request.user, obj=order.client, office_id=order.office_id, request=request)
    return order_out(order, request.user, credited=selectors.order_balance(order=order))


@router.put(
    "/sentences/orders/{order_id}",
    response={200: OrderOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Edit an order (the legal limits are checked again; give the version read: 409 when "
    "someone changed it since, and nothing is saved)",
)
def orders_update(request: AuthedRequest, order_id: int, payload: OrderUpdateIn) -> OrderOut:
    viewer = request.user
    order = managed_order(request, order_id)
    values = payload.dict()
    values["site"] = values.pop("site_id")
    data = valid_data(
        OrderStatusForm(
            json_form_data(values),
            instance=order,
            sites=selectors.site_list(viewer=viewer).filter(office_id=order.office_id),
        )
    )
    order = services.order_update(actor=viewer, order=order, data=data, expected_version=payload.version)
    return order_out(order, viewer, credited=selectors.order_balance(order=order))


@router.get(
    "/sentences/orders/{order_id}/hours",
    response={200: LedgerOut, 404: ErrorOut},
    summary="The order's hours ledger, its balance and whether the hash chain is intact",
)
def hours_list(request: AuthedRequest, order_id: int) -> LedgerOut:
    return _ledger(selectors.order_get_for_viewer(viewer=request.user, pk=order_id))


@router.post(
    "/sentences/orders/{order_id}/hours",
    response={201: EntryOut, 404: ErrorOut, 422: ErrorOut},
    summary="Credit hours worked (at most 8 a day, within the order's period)",
)
def hours_create(request: AuthedRequest, order_id: int, payload: HoursIn) -> tuple[int, Any]:
    order = managed_order(request, order_id)
    data = valid_data(HoursForm(json_form_data(payload.dict())))
    entry = services.hours_work_add(actor=request.user, order=order, data=data)
    return 201, EntryOut.from_orm(entry)


@router.post(
    "/sentences/orders/{order_id}/corrections",
    response={201: EntryOut, 404: ErrorOut, 422: ErrorOut},
    summary="Correct the hours: a new entry with a reason (entries are never changed)",
)
def hours_correction(request: AuthedRequest, order_id: int, payload: CorrectionIn) -> tuple[int, Any]:
    order = managed_order(request, order_id)
    values = payload.dict()
    values["corrects"] = values.pop("corrects_id")
    data = valid_data(CorrectionForm(json_form_data(values), order=order))
    entry = services.hours_correction_add(actor=request.user, order=order, data=data)
    return 201, EntryOut.from_orm(entry)


@router.get("/sentences/sites", response=list[SiteOut], summary="Service sites the caller may see")
def sites_list(request: AuthedRequest) -> list[SiteOut]:
    return [site_out(s) for s in selectors.site_list(viewer=request.user)[:500]]


@router.get("/sentences/sites/{site_id}", response={200: SiteOut, 404: ErrorOut}, summary="One service site")
def sites_detail(request: AuthedRequest, site_id: int) -> SiteOut:
    return site_out(selectors.site_get_for_viewer(viewer=request.user, pk=site_id))


def _site_data(payload: SiteIn, office: Office, site: ServiceSite | None = None) -> dict[str, Any]:
    """The payload validated by the page's form (ids under the form's field names)."""
    values = payload.dict(exclude={"version"})
    values["partner"] = values.pop("partner_id")
    values["supervisors"] = values.pop("supervisor_ids")
    return valid_data(SiteForm(json_form_data(values), instance=site, office=office))


@router.post(
    "/sentences/sites",
    response={201: SiteOut, 404: ErrorOut, 422: ErrorOut},
    summary="Add a service site of the caller's office (the non-commercial declaration is required, "
    "UU 1/2023 Art. 85(3))",
)
def sites_create(request: AuthedRequest, payload: SiteIn) -> tuple[int, SiteOut]:
    viewer = request.user
    office = viewer.office
    if office is None or not scoping.can_manage_sites(viewer, office.pk):
        raise Http404
    data = _site_data(payload, office)
    site = services.site_create(actor=viewer, office=office, data=data)
    return 201, site_out(site)


@router.put(
    "/sentences/sites/{site_id}",
    response={200: SiteOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Edit a service site (give the version read: 409 when someone changed it since, and "
    "nothing is saved)",
)
def sites_update(request: AuthedRequest, site_id: int, payload: SiteUpdateIn) -> SiteOut:
    viewer = request.user
    site = selectors.site_get_for_viewer(viewer=viewer, pk=site_id)
    if not scoping.can_manage_sites(viewer, site.office_id):
        raise Http404
    data = _site_data(payload, site.office, site)
    site = services.site_update(actor=viewer, site=site, data=data, expected_version=payload.version)
    return site_out(site)
