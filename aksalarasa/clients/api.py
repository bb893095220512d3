"""Clients API: the same selectors, scoping, masking and forms as the pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from ninja import Body, Query, Router, Schema, Status

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record, access_record_many
from aksalarasa.clients import selectors, services
from aksalarasa.clients.downloads import litmas_document_response
from aksalarasa.clients.forms import ClientFilterForm, ClientForm, SupervisionForm
from aksalarasa.clients.masking import can_see_identity, client_label
from aksalarasa.clients.models import Client, Supervision
from aksalarasa.core.forms import form_errors, json_form_data
from aksalarasa.core.lookups import enforce_limit

router = Router(tags=["clients"])
MAX_PAGE_SIZE = 200


class ClientOut(Schema):
    id: int
    register_number: str
    name: str
    category: str
    office_id: int
    officer_id: int | None
    program_type: str | None = None
    status: str | None = None
    end: date | None = None
    identity: bool
    # Present only for viewers who may see the identity (own-office guidance staff):
    nik: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    address: str | None = None
    regency: str | None = None
    village_code: str | None = None
    phone: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_relation: str | None = None
    emergency_contact_phone: str | None = None
    consent_community: bool | None = None
    consent_photos: bool | None = None
    consent_share_partners: bool | None = None
    guardian_consent: bool | None = None
    notes: str | None = None
    version: int | None = None


class ClientPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ClientOut]


class ClientSaved(Schema):
    client: ClientOut
    warnings: list[str]


class SupervisionOut(Schema):
    id: int
    client_id: int
    program_type: str
    start: date
    end: date
    status: str
    version: int


class LitmasOut(Schema):
    id: int
    client_id: int
    client_name: str
    purpose: str
    requested_on: date
    due_date: date
    officer_id: int
    submitted_on: date | None
    overdue: bool
    document_url: str | None = None  # only for the client's office guidance staff


class ClientFilters(Schema):
    q: str = ""
    category: str = ""
    officer: int | None = None
    status: str = ""
    program_type: str = ""
    sort: str = ""
    page: int = 1
    page_size: int = 50


def client_out(client: Client, viewer) -> ClientOut:
    """The client as the API shows it to `viewer`. Built without validation (model_construct):
    every value is a column or annotation of the row, already of the field's type; validating
    each of a page's 50-200 clients through django-ninja's attribute getter cost about a fifth of
    the list's CPU (bench/profiles)."""
    identity = can_see_identity(viewer, client)
    out = ClientOut.model_construct(
        id=client.pk,
        register_number=client.register_number,
        name=client_label(client, viewer),
        category=client.category,
        office_id=client.office_id,
        officer_id=client.officer_id,
        program_type=getattr(client, "current_program", None),
        status=getattr(client, "current_status", None),
        end=getattr(client, "current_end", None),
        identity=identity,
    )
    if identity:
        for name in (
            "nik",
            "sex",
            "birth_date",
            "address",
            "village_code",
            "phone",
            "emergency_contact_name",
            "emergency_contact_relation",
            "emergency_contact_phone",
            "consent_community",
            "consent_photos",
            "consent_share_partners",
            "guardian_consent",
            "notes",
            "version",
        ):
            setattr(out, name, getattr(client, name))
        out.regency = client.regency_id
    return out


def _refused():
    from django.core.exceptions import PermissionDenied

    return PermissionDenied(_("Your role may not change this client."))


@router.get("/clients", response=ClientPage, summary="Clients the caller may see (masked where required)")
def clients_list(request: AuthedRequest, filters: Query[ClientFilters]) -> ClientPage:
    enforce_limit(request, "api:clients_list")  # a search by register number or NIK is a look-up
    viewer = request.user
    form = ClientFilterForm(
        {k: v for k, v in filters.dict().items() if k not in ("page", "page_size") and v not in (None, "")},
        officers=[(filters.officer, "")] if filters.officer else [],  # scoping limits the rows anyway
    )
    if not form.is_valid():
        raise form_errors(form)
    size = max(1, min(filters.page_size, MAX_PAGE_SIZE))
    paginator = Paginator(selectors.client_list(viewer=viewer, filters=form.filters()), size)
    page = paginator.get_page(filters.page)
    listed = list(page.object_list)
    access_record_many(
        user=viewer,
        objs=listed,
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return ClientPage.model_construct(  # the clients are built above; the counts are ints
        count=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        results=[client_out(c, viewer) for c in listed],
    )


@router.get("/clients/{client_id}", response=ClientOut, summary="One client")
def clients_detail(request: AuthedRequest, client_id: int) -> ClientOut:
    viewer = request.user
    client = _annotated(viewer, client_id)
    access_record(
        user=viewer,
        obj=client,
        office_id=client.office_id,
        action=AccessLog.Action.API,
        label=client.register_number,
        request=request,
    )
    return client_out(client, viewer)


def _annotated(viewer, client_id: int) -> Client:
    selectors.client_get_for_viewer(viewer=viewer, pk=client_id)  # 404 to outsiders
    return selectors.client_list(viewer=viewer).get(pk=client_id)


@router.post(
    "/clients", response={201: ClientSaved}, summary="Register a client (validated by the page's form)"
)
def clients_create(request: AuthedRequest, payload: Body[dict[str, Any]]):
    viewer = request.user
    office = viewer.office
    if office is None or not selectors.can_create_client(viewer):
        raise _refused()
    candidate = str(payload.get("register_number", "")).strip()
    form = ClientForm(
        json_form_data(payload),
        officers=selectors.officer_choices_for(viewer=viewer),
        work_area=selectors.office_work_area(office_id=office.pk),
        register_taken=selectors.register_numbers_taken(office_id=office.pk, candidate=candidate),
    )
    if not (viewer.role_office_head or viewer.role_section_head):
        form.fields["officer"].required = True
    if not form.is_valid():
        raise form_errors(form)
    if problem := selectors.section_mismatch(viewer=viewer, birth_date=form.cleaned_data["birth_date"]):
        form.add_error("birth_date", problem)
        raise form_errors(form)
    client = services.client_create(actor=viewer, office=office, data=form.cleaned_data)
    return Status(
        201, ClientSaved(client=client_out(_annotated(viewer, client.pk), viewer), warnings=form.warnings)
    )


@router.patch(
    "/clients/{client_id}",
    response=ClientSaved,
    summary="Change a client; send the version you read (409 if stale)",
)
def clients_update(request: AuthedRequest, client_id: int, payload: Body[dict[str, Any]]):
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=client_id)
    if not selectors.can_edit_client(viewer, client):
        raise _refused()
    data = {**selectors.client_initial(client=client), **payload}
    form = ClientForm(
        json_form_data(data),
        work_area=selectors.office_work_area(office_id=client.office_id),
        register_taken=selectors.register_numbers_taken(
            office_id=client.office_id,
            candidate=str(data.get("register_number", "")).strip(),
            exclude_pk=client.pk,
        ),
    )
    del form.fields["officer"]
    form.fields["version"].required = True
    if not form.is_valid():
        raise form_errors(form)
    services.client_update(
        actor=viewer, client=client, data=form.cleaned_data, expected_version=form.cleaned_data["version"]
    )
    return ClientSaved(client=client_out(_annotated(viewer, client.pk), viewer), warnings=form.warnings)


@router.get(
    "/clients/{client_id}/supervisions",
    response=list[SupervisionOut],
    summary="A client's supervision periods",
)
def supervisions_list(request: AuthedRequest, client_id: int):
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=client_id)
    if not can_see_identity(viewer, client):
        return []
    return list(selectors.supervision_list(viewer=viewer, client=client))


@router.post(
    "/clients/{client_id}/supervisions", response={201: SupervisionOut}, summary="Add a supervision period"
)
def supervisions_create(request: AuthedRequest, client_id: int, payload: Body[dict[str, Any]]):
    viewer = request.user
    client = selectors.client_get_for_viewer(viewer=viewer, pk=client_id)
    if not selectors.can_edit_client(viewer, client):
        raise _refused()
    form = SupervisionForm(
        json_form_data({"status": Supervision.Status.ACTIVE, **payload}), birth_date=client.birth_date
    )
    if not form.is_valid():
        raise form_errors(form)
    return Status(201, services.supervision_create(actor=viewer, client=client, data=form.cleaned_data))


class LitmasPage(Schema):
    count: int
    page: int
    pages: int
    results: list[LitmasOut]


@router.get("/litmas", response=LitmasPage, summary="Litmas the caller may see, overdue first (paginated)")
def litmas_list(
    request: AuthedRequest,
    section: str = "",
    officer: int | None = None,
    open: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> LitmasPage:
    """Overdue first, then open by due date, then submitted; `page_size` at most 200."""
    viewer = request.user
    filters = {
        "section": section if section in Client.Category.values else "",
        "officer": officer,
        "open": open,
    }
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    paginator = Paginator(selectors.litmas_list(viewer=viewer, filters=filters), size)
    current = paginator.get_page(page)
    return LitmasPage(
        count=paginator.count,
        page=current.number,
        pages=paginator.num_pages,
        results=[
            LitmasOut(
                id=i.pk,
                client_id=i.client_id,
                client_name=client_label(i.client, viewer),
                purpose=i.purpose,
                requested_on=i.requested_on,
                due_date=i.due_date,
                officer_id=i.officer_id,
                submitted_on=i.submitted_on,
                overdue=getattr(i, "is_overdue", False),  # annotated by selectors.litmas_list
                document_url=(
                    f"/api/v1/litmas/{i.pk}/document"
                    if i.document and can_see_identity(viewer, i.client)
                    else None
                ),
            )
            for i in current.object_list
        ],
    )


@router.get(
    "/litmas/{litmas_id}/document",
    summary="Download a Litmas document (the client's office guidance staff only)",
)
def litmas_document(request: AuthedRequest, litmas_id: int):
    """The file itself; 404 for anyone but the client's office guidance staff. Logged as a read."""
    enforce_limit(request, "api:litmas_document")
    return litmas_document_response(request, litmas_id, action=AccessLog.Action.API)
