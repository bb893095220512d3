"""Events over the API, scoped like the UI (the program-scoping rule), validated by the UI's forms.

A record the caller may not see answers 404; one they may read but not change answers 403; bad
input answers 422 with the form's errors; the public registration answers 429 when rate-limited.
The public operations (`/public/events/...`) need no authentication and see only published events.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.services import access_record_many
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.api_types import LocalTime
from aksalarasa.core.forms import form_errors, json_form_data
from aksalarasa.core.lookups import enforce_limit
from aksalarasa.core.scoping import unscoped
from aksalarasa.events import selectors, services
from aksalarasa.events.forms import (
    ORDERED_PARTS,
    PART_FORMS,
    AgendaItemForm,
    CheckInForm,
    EventForm,
    InvitationAcceptForm,
    InvitationAcceptManyForm,
    InvitationRequestForm,
    PublicRegistrationForm,
    StaffRegistrationForm,
    TeamFormForm,
    form_token_new,
    part_form,
)
from aksalarasa.events.models import Event, Registration
from aksalarasa.programs.models import Program

router = Router(tags=["events"])
_JSON_BODY = Body(...)  # a free-form JSON object, validated by the UI's form


class ErrorOut(Schema):
    detail: str
    errors: dict | list | None = None


class AgendaItemOut(Schema):
    id: int
    position: int
    starts_at: LocalTime | None
    ends_at: LocalTime | None
    title: str
    lead: str


class EventOut(Schema):
    id: int
    program_id: int
    office_id: int
    name: str
    theme: str
    place: str
    start: datetime
    end: datetime
    organising_team: str
    target_participants: str
    resource_system: str
    guests: str
    published: bool
    registration_open: bool
    done: bool
    version: int


class EventDetailOut(EventOut):
    checklist: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    agenda: list[AgendaItemOut]
    handed_items: list[dict[str, Any]]
    counts: dict[str, dict[str, int]]


class PublicEventOut(Schema):
    id: int
    name: str
    theme: str
    description: str
    place: str
    start: datetime
    end: datetime
    registration_open: bool
    agenda: list[AgendaItemOut]
    form_token: str


class RegistrationOut(Schema):
    id: int
    code: str
    group: str
    name: str
    checked_in: bool
    checked_in_at: datetime | None
    team_id: int | None


class PublicRegistrationIn(Schema):
    name: str = ""
    phone: str = ""
    village_code: str = ""
    banjar: str = ""
    consent_data: bool = False
    website: str = ""
    form_token: str = ""


class PublicRegistrationOut(Schema):
    code: str
    event_id: int


class StaffRegistrationIn(Schema):
    group: str = ""
    name: str = ""
    phone: str = ""
    client_id: int | None = None


class CheckInIn(Schema):
    code: str
    client_uuid: uuid.UUID | None = None
    source: str = "typed"


class CheckInOut(Schema):
    created: bool
    already_checked_in: bool
    code: str
    group: str
    name: str
    at: datetime


class TeamsIn(Schema):
    team_count: int


class MoveIn(Schema):
    registration_id: int
    team_id: int


class TeamOut(Schema):
    id: int
    number: int
    name: str
    members: list[int]
    clients: int
    community: int
    staff: int
    ok: bool
    problems: list[str]


class TeamsOut(Schema):
    teams: list[TeamOut]
    score: float | None
    best_score: float | None
    constraints_met: bool | None


class InteractionsIn(Schema):
    client_id: int
    other_ids: list[int]


class InteractionOut(Schema):
    id: int
    first_id: int
    second_id: int
    at: datetime


def _event_out(e: Event) -> dict[str, Any]:
    return {f: getattr(e, f) for f in EventOut.model_fields if f not in {"program_id", "office_id"}} | {
        "id": e.pk,
        "program_id": e.program_id,
        "office_id": e.office_id,
    }


def _agenda(e: Event) -> list[dict[str, Any]]:
    return [
        {
            "id": a.pk,
            "position": a.position,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "title": a.title,
            "lead": a.lead,
        }
        for a in e.agenda.all()
    ]


def _label(reg: Registration, viewer) -> str:
    return client_label(reg.client, viewer) if reg.client is not None else reg.name


@router.get("/events", response=list[EventOut])
def events_list(request: AuthedRequest, program: int | None = None):
    return [_event_out(e) for e in selectors.event_list(viewer=request.user, program_id=program)]


@router.post(
    "/programs/{program_id}/events", response={201: EventOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def events_create(request: AuthedRequest, program_id: int, payload: dict[str, Any] = _JSON_BODY):
    """Create an event; `start` and `end` are local times of the office ("2023-06-16T15:00")."""
    from django.http import Http404

    program = Program.objects.visible_to(request.user).select_related("office").filter(pk=program_id).first()
    if program is None:
        raise Http404
    if not selectors.program_can_add_event(request.user, program):
        raise PermissionDenied
    form = EventForm(json_form_data(payload), office_zone=program.office.time_zone)
    if not form.is_valid():
        raise form_errors(form)
    event = services.event_create(program=program, actor=request.user, data=form.cleaned_data)
    return Status(201, _event_out(event))


@router.get("/events/{event_id}", response={200: EventDetailOut, 404: ErrorOut})
def events_detail(request: AuthedRequest, event_id: int):
    event = selectors.event_get_for_viewer(viewer=request.user, pk=event_id)
    parts = selectors.event_detail_parts(event)
    return {
        **_event_out(event),
        "checklist": [
            {"id": c.pk, "kind": c.kind, "title": c.title, "owner": c.owner, "done": c.done}
            for c in parts["checklist"]
        ],
        "roles": [{"id": r.pk, "kind": r.kind, "person": r.person} for r in parts["roles"]],
        "agenda": _agenda(event),
        "handed_items": [
            {"id": h.pk, "item": h.item, "quantity": h.quantity, "recipient": h.recipient}
            for h in parts["handed_items"]
        ],
        "counts": selectors.registration_counts(event),
    }


@router.get("/events/{event_id}/agenda", response={200: list[AgendaItemOut], 404: ErrorOut})
def agenda_list(request: AuthedRequest, event_id: int):
    return _agenda(selectors.event_get_for_viewer(viewer=request.user, pk=event_id))


@router.post(
    "/events/{event_id}/agenda", response={201: AgendaItemOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def agenda_add(request: AuthedRequest, event_id: int, payload: dict[str, Any] = _JSON_BODY):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    form = AgendaItemForm(json_form_data(payload))
    if not form.is_valid():
        raise form_errors(form)
    item = services.event_part_add(event=event, form=form, actor=request.user)
    return Status(
        201,
        {name: getattr(item, name) for name in AgendaItemOut.model_fields if name != "id"} | {"id": item.pk},
    )


# --- the parts of an event (checklist, roles, agenda, handed), row by row --------------------------

PART_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _part_out(row, part: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": row.pk, "version": row.version}
    if hasattr(row, "position"):
        out["position"] = row.position
    for name in PART_FORMS[part]._meta.fields or ():
        out[name] = getattr(row, name)
    return out


def _part_row_for_editor(request: AuthedRequest, event_id: int, part: str, item_id: int):
    from django.http import Http404

    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    row = selectors.event_part_row(event, part, item_id)
    if row is None:
        raise Http404
    return event, row


@router.get(
    "/events/{event_id}/parts/{part}",
    response={200: list[dict], 404: ErrorOut},
    summary="The rows of a part: checklist, roles, agenda or handed",
)
def parts_list(request: AuthedRequest, event_id: int, part: str):
    selectors.event_part_model(part)
    event = selectors.event_get_for_viewer(viewer=request.user, pk=event_id)
    return [_part_out(row, part) for row in selectors.event_part_rows(event, part)]


@router.post("/events/{event_id}/parts/{part}", response={201: dict, **PART_ERRORS}, summary="Add a row")
def parts_add(request: AuthedRequest, event_id: int, part: str, payload: dict[str, Any] = _JSON_BODY):
    selectors.event_part_model(part)
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    form = part_form(part, data=json_form_data(payload, prefix=part))
    if not form.is_valid():
        raise form_errors(form)
    return Status(201, _part_out(services.event_part_add(event=event, form=form, actor=request.user), part))


@router.patch(
    "/events/{event_id}/parts/{part}/{item_id}",
    response={200: dict, **PART_ERRORS},
    summary="Change a row; send the version you read (409 if someone changed it since)",
)
def parts_update(
    request: AuthedRequest, event_id: int, part: str, item_id: int, payload: dict[str, Any] = _JSON_BODY
):
    event, row = _part_row_for_editor(request, event_id, part, item_id)
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError({"version": [_("Send the version you read (a whole number).")]})
    current = part_form(part, instance=row, editing=True)
    merged = {name: current[name].value() for name in current.fields}
    merged.update({k: v for k, v in payload.items() if k in current.fields})
    form = part_form(
        part, data=json_form_data(merged, prefix=current.prefix or ""), instance=row, editing=True
    )
    if not form.is_valid():
        raise form_errors(form)
    changes = {name: form.cleaned_data[name] for name in form.fields if name != "version"}
    updated = services.event_part_update(
        event=event,
        model=type(row),
        pk=row.pk,
        actor=request.user,
        data=changes,
        expected_version=version,
    )
    return _part_out(updated, part)


@router.delete(
    "/events/{event_id}/parts/{part}/{item_id}",
    response={204: None, **PART_ERRORS},
    summary="Remove a row; with ?version= it is refused (409) if someone changed it since",
)
def parts_delete(request: AuthedRequest, event_id: int, part: str, item_id: int, version: int | None = None):
    event, row = _part_row_for_editor(request, event_id, part, item_id)
    services.event_part_delete(
        event=event, model=type(row), pk=row.pk, actor=request.user, expected_version=version
    )
    return Status(204, None)


class MoveRowIn(Schema):
    direction: str


@router.post(
    "/events/{event_id}/parts/{part}/{item_id}/move",
    response={200: list[dict], **PART_ERRORS},
    summary="Move an agenda or checklist row up or down; answers the part's rows in their new order",
)
def parts_move(request: AuthedRequest, event_id: int, part: str, item_id: int, payload: MoveRowIn):
    from django.http import Http404

    if part not in ORDERED_PARTS:
        raise Http404
    event, row = _part_row_for_editor(request, event_id, part, item_id)
    services.event_part_move(
        event=event, model=type(row), pk=row.pk, direction=payload.direction, actor=request.user
    )
    return [_part_out(r, part) for r in selectors.event_part_rows(event, part)]


@router.get(
    "/events/{event_id}/registrations", response={200: list[RegistrationOut], 403: ErrorOut, 404: ErrorOut}
)
def registrations_list(request: AuthedRequest, event_id: int):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    regs = selectors.registration_list(event=event)
    clients = [r.client for r in regs if r.client is not None]
    if clients:
        access_record_many(
            user=request.user, objs=clients, office_of=lambda c: c.office_id, action="view", request=request
        )
    return [
        {
            "id": r.pk,
            "code": r.code,
            "group": r.group,
            "name": _label(r, request.user),
            "checked_in": hasattr(r, "checkin"),
            "checked_in_at": r.checkin.at if hasattr(r, "checkin") else None,
            "team_id": r.team_member.team_id if hasattr(r, "team_member") else None,
        }
        for r in regs
    ]


@router.post(
    "/events/{event_id}/registrations",
    response={201: RegistrationOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def registrations_add(request: AuthedRequest, event_id: int, payload: StaffRegistrationIn):
    """Staff register a client (their own, with consent: `client_id`) or an official, speaker, guest..."""

    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    if payload.client_id is not None:
        client = Client.objects.visible_to(request.user).filter(pk=payload.client_id).first()
        if client is None:
            raise ValidationError({"client_id": ["Unknown client."]})
        reg = services.registration_client_create(event=event, client=client, actor=request.user)
    else:
        form = StaffRegistrationForm(payload.dict(exclude={"client_id"}))
        if not form.is_valid():
            raise form_errors(form)
        reg = services.registration_staff_create(event=event, actor=request.user, **form.cleaned_data)
    return Status(
        201,
        {
            "id": reg.pk,
            "code": reg.code,
            "group": reg.group,
            "name": _label(reg, request.user),
            "checked_in": False,
            "checked_in_at": None,
            "team_id": None,
        },
    )


@router.get("/public/events/{event_id}", response={200: PublicEventOut, 404: ErrorOut}, auth=None)
def public_event(request: HttpRequest, event_id: int):
    """A published event's public page, with a form token to send back with the registration."""
    with unscoped(reason="public API: one published event, read by its id"):
        event = selectors.event_get_public(pk=event_id)
        return {
            "id": event.pk,
            "name": event.name,
            "theme": event.theme,
            "description": event.description,
            "place": event.place,
            "start": event.start,
            "end": event.end,
            "registration_open": event.registration_open,
            "agenda": _agenda(event),
            "form_token": form_token_new(event.pk),
        }


@router.post(
    "/public/events/{event_id}/registrations",
    response={201: PublicRegistrationOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
)
def public_register(request: HttpRequest, event_id: int, payload: PublicRegistrationIn):
    """A resident registers (no account): the same form, honeypot, fill time and rate limit as the page."""
    with unscoped(reason="public API: registering for one published event"):
        event = selectors.event_get_public(pk=event_id)
        data = payload.dict()
        data["consent_data"] = "on" if payload.consent_data else ""
        form = PublicRegistrationForm(data, event_id=event.pk)
        if not form.is_valid():
            raise form_errors(form)
        try:
            reg = services.registration_public_create(
                event=event, data=form.cleaned_data, ip=request.META.get("REMOTE_ADDR", "") or "unknown"
            )
        except services.RateLimited as exc:
            return Status(429, {"detail": str(exc)})
        except services.RegistrationClosed as exc:
            return Status(409, {"detail": str(exc)})
        return Status(201, {"code": reg.code, "event_id": event.pk})


@router.post(
    "/events/{event_id}/checkin", response={200: CheckInOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def checkin(request: AuthedRequest, event_id: int, payload: CheckInIn):
    """Idempotent: a repeat (same code, or the same client UUID from an offline queue) changes nothing."""
    enforce_limit(request, "api:checkin")  # the scanners' fast path answers known codes before this
    event = selectors.event_get_for_scanner(viewer=request.user, pk=event_id)
    form = CheckInForm(
        {"code": payload.code, "client_uuid": payload.client_uuid or "", "source": payload.source or "typed"}
    )
    if not form.is_valid():
        raise form_errors(form)
    try:
        outcome = services.event_check_in(
            event=event,
            code=form.cleaned_data["code"],
            actor=request.user,
            client_uuid=form.cleaned_data.get("client_uuid"),
            source=form.cleaned_data.get("source") or "typed",
        )
    except services.CheckInError as exc:
        return Status(404, {"detail": str(exc)})
    reg = outcome.registration
    return Status(
        200,
        {
            "created": outcome.created,
            "already_checked_in": not outcome.created,
            "code": reg.code,
            "group": reg.group,
            "name": _label(reg, request.user),
            "at": outcome.checkin.at,
        },
    )


def _teams_out(event: Event) -> dict[str, Any]:
    teams, report, _unplaced = services.teams_report(event)
    members = {t.pk: [m.registration_id for m in t.members.all()] for t in selectors.team_list(event)}
    rows = []
    for index, team in enumerate(teams):
        tr = report.teams[index] if report else None
        rows.append(
            {
                "id": team.pk,
                "number": team.number,
                "name": str(team),
                "members": members.get(team.pk, []),
                "clients": tr.clients if tr else 0,
                "community": tr.community if tr else 0,
                "staff": tr.staff if tr else 0,
                "ok": tr.ok if tr else True,
                "problems": tr.problems if tr else [],
            }
        )
    return {
        "teams": rows,
        "score": report.score if report else None,
        "best_score": report.best_score if report else None,
        "constraints_met": report.constraints_met if report else None,
    }


@router.get("/events/{event_id}/teams", response={200: TeamsOut, 403: ErrorOut, 404: ErrorOut})
def teams_get(request: AuthedRequest, event_id: int):
    return _teams_out(selectors.event_get_for_editor(viewer=request.user, pk=event_id))


@router.post(
    "/events/{event_id}/teams", response={200: TeamsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def teams_form(request: AuthedRequest, event_id: int, payload: TeamsIn):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    form = TeamFormForm({"team_count": payload.team_count})
    if not form.is_valid():
        raise form_errors(form)
    services.teams_form(event=event, actor=request.user, team_count=form.cleaned_data["team_count"])
    return _teams_out(event)


@router.post(
    "/events/{event_id}/teams/move", response={200: TeamsOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def teams_move(request: AuthedRequest, event_id: int, payload: MoveIn):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    regs = selectors.checked_in_registrations(event)
    names = {r.pk: _label(r, request.user) for r in regs}
    services.team_member_move(
        event=event,
        registration_id=payload.registration_id,
        team_id=payload.team_id,
        actor=request.user,
        names=names,
    )
    return _teams_out(event)


@router.get(
    "/events/{event_id}/interactions", response={200: list[InteractionOut], 403: ErrorOut, 404: ErrorOut}
)
def interactions_list(request: AuthedRequest, event_id: int):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    return [
        {"id": i.pk, "first_id": i.first_id, "second_id": i.second_id, "at": i.at}
        for i in event.interactions.order_by("at", "pk")
    ]


@router.post(
    "/events/{event_id}/interactions", response={200: dict, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def interactions_add(request: AuthedRequest, event_id: int, payload: InteractionsIn):
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    created = services.interactions_record(
        event=event, client_id=payload.client_id, other_ids=payload.other_ids, actor=request.user
    )
    return {"created": created, "total": event.interactions.count()}


# --- invitations: the program team asks the PKs, who decide ---------------------------------------


class InvitationOut(Schema):
    id: int
    event_id: int
    about: str  # the client's name as the caller may read it (a child's initials), or whom was asked
    client_id: int | None
    officer_id: int | None
    section: str
    note: str
    state: str
    requested_at: datetime
    decided_at: datetime | None
    decline_reason: str
    consent_given_by: str
    consent_at: datetime | None
    registration_code: str | None
    version: int


class InvitationIn(Schema):
    client_id: int | None = None
    officer_id: int | None = None
    section: str = ""
    note: str = ""


class InvitationClientIn(Schema):
    client_id: int
    consent_given_by: str = Field("", max_length=150)
    consent_at: str = Field("", max_length=40)


class InvitationAcceptIn(Schema):
    client_id: int | None = None
    consent_given_by: str = ""
    consent_at: str = ""
    version: int
    clients: list[InvitationClientIn] | None = Field(
        None,
        max_length=200,
        description="For a request to you or your section: several of your own clients at once, "
        "each with who consented and when (office time).",
    )


class InvitationDeclineIn(Schema):
    reason: str
    version: int


INVITATION_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _invitation_out(invitation, viewer) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "event_id": invitation.event_id,
        "about": selectors.invitation_label(invitation, viewer),
        "client_id": invitation.client_id,
        "officer_id": invitation.officer_id,
        "section": invitation.section,
        "note": invitation.note,
        "state": invitation.state,
        "requested_at": invitation.requested_at,
        "decided_at": invitation.decided_at,
        "decline_reason": invitation.decline_reason,
        "consent_given_by": invitation.consent_given_by,
        "consent_at": invitation.consent_at,
        "registration_code": invitation.registration.code if invitation.registration_id else None,
        "version": invitation.version,
    }


@router.get(
    "/events/{event_id}/invitations", response={200: list[InvitationOut], 403: ErrorOut, 404: ErrorOut}
)
def invitations_list(request: AuthedRequest, event_id: int):
    """The event's requests to the PKs, pending first (clients masked per the child rules)."""
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    return [
        _invitation_out(row["invitation"], request.user)
        for row in selectors.invitation_rows(event=event, viewer=request.user)
    ]


@router.post("/events/{event_id}/invitations", response={201: InvitationOut, **INVITATION_ERRORS})
def invitations_add(request: AuthedRequest, event_id: int, payload: InvitationIn):
    """The program team asks: `client_id` (a client it may see), or `officer_id`, or `section`."""
    event = selectors.event_get_for_editor(viewer=request.user, pk=event_id)
    form = InvitationRequestForm(
        {
            "client": payload.client_id,
            "officer": payload.officer_id,
            "section": payload.section,
            "note": payload.note,
        },
        client_choices=selectors.invitation_client_choices(event=event, viewer=request.user),
        officer_choices=selectors.invitation_officer_choices(event=event),
    )
    if not form.is_valid():
        raise form_errors(form)
    data = form.cleaned_data
    invitation = services.invitation_request(
        event=event,
        actor=request.user,
        client=selectors.invitable_clients(request.user).filter(pk=data["client"]).first()
        if data["client"]
        else None,
        officer=selectors.invitation_officer(event=event, pk=data["officer"]) if data["officer"] else None,
        section=data["section"],
        note=data["note"],
    )
    return Status(201, _invitation_out(invitation, request.user))


@router.get("/invitations/pending", response=list[InvitationOut])
def invitations_pending(request: AuthedRequest):
    """What the calling PK has to decide."""
    return [_invitation_out(i, request.user) for i in selectors.invitations_pending_for_officer(request.user)]


@router.post("/invitations/{invitation_id}/accept", response={200: InvitationOut, **INVITATION_ERRORS})
def invitation_accept(request: AuthedRequest, invitation_id: int, payload: InvitationAcceptIn):
    """The PK accepts, recording who consented and when (office time, YYYY-MM-DDTHH:MM); the
    client is registered. `client_id` (one of the PK's clients) when the request named none."""
    invitation = selectors.invitation_get_for_officer(viewer=request.user, pk=invitation_id)
    event = invitation.event
    if payload.clients is not None and not invitation.client_id:
        own_clients = selectors.invitation_own_clients(request.user, event)
        posted = QueryDict(mutable=True)
        posted["version"] = str(payload.version)
        posted.setlist("clients", [str(c.client_id) for c in payload.clients])
        for c in payload.clients:
            posted[f"consent_given_by_{c.client_id}"] = c.consent_given_by
            posted[f"consent_at_{c.client_id}"] = c.consent_at
        many = InvitationAcceptManyForm(
            posted, client_choices=[(c.pk, c.full_name) for c in own_clients], zone=event.office.time_zone
        )
        if not many.is_valid():
            raise form_errors(many)
        chosen = many.cleaned_data["chosen"]
        clients = own_clients.in_bulk([pk for pk, _by, _at in chosen])
        if len(clients) != len(chosen):
            raise ValidationError({"clients": [_("Choose one of your own clients.")]})
        services.invitation_accept_many(
            invitation=invitation,
            actor=request.user,
            choices=[services.ClientConsent(clients[pk], by, at) for pk, by, at in chosen],
            expected_version=many.cleaned_data["version"],
        )
        invitation.refresh_from_db()
        return _invitation_out(invitation, request.user)
    own = (
        None
        if invitation.client_id
        else [(c.pk, c.full_name) for c in selectors.officer_clients(request.user, event)]
    )
    form = InvitationAcceptForm(
        {
            "client": payload.client_id,
            "consent_given_by": payload.consent_given_by,
            "consent_at": payload.consent_at,
            "version": payload.version,
        },
        client_choices=own,
        zone=event.office.time_zone,
    )
    if not form.is_valid():
        raise form_errors(form)
    data = form.cleaned_data
    services.invitation_accept(
        invitation=invitation,
        actor=request.user,
        client=selectors.officer_clients(request.user, event).filter(pk=data["client"]).first()
        if data.get("client")
        else None,
        consent_given_by=data["consent_given_by"],
        consent_at=data["consent_at"],
        expected_version=data["version"],
    )
    invitation.refresh_from_db()
    return _invitation_out(invitation, request.user)


@router.post("/invitations/{invitation_id}/decline", response={200: InvitationOut, **INVITATION_ERRORS})
def invitation_decline(request: AuthedRequest, invitation_id: int, payload: InvitationDeclineIn):
    invitation = selectors.invitation_get_for_officer(viewer=request.user, pk=invitation_id)
    services.invitation_decline(
        invitation=invitation, actor=request.user, reason=payload.reason, expected_version=payload.version
    )
    invitation.refresh_from_db()
    return _invitation_out(invitation, request.user)
