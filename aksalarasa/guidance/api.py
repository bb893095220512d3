"""Guidance API: sessions (list, schedule, record with a version check, reschedule) and the caseload.

Same selectors, scoping and forms as the pages; names masked with aksalarasa.clients.masking.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record_many
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core.forms import form_errors
from aksalarasa.guidance import reminders, selectors, services
from aksalarasa.guidance.forms import SessionRecordForm, SessionRescheduleForm, SessionScheduleForm
from aksalarasa.guidance.models import GuidanceSession

router = Router(tags=["guidance"])
MAX_LIMIT = 500


class SessionOut(Schema):
    id: int
    client_id: int
    client_name: str
    register_number: str
    officer_id: int | None
    kind: str
    place: str
    scheduled_at: datetime
    outcome: str
    not_held_reason: str
    engagement: int | None
    client_said: str
    response: str
    concern: bool
    concern_text: str
    concern_open: bool
    notes: str
    rescheduled_to_id: int | None
    recorded_at: datetime | None
    version: int
    whatsapp_url: str = ""
    ics_url: str = ""


class SessionScheduleIn(Schema):
    client_id: int
    scheduled_at: datetime
    kind: str = "report_in"
    place: str = "office"
    notes: str = ""


class SessionRecordIn(Schema):
    version: int
    outcome: str
    not_held_reason: str = ""
    engagement: int | None = None
    client_said: str = ""
    response: str = ""
    concern: bool = False
    concern_text: str = ""
    notes: str = ""
    kind: str | None = None
    place: str | None = None
    next_at: datetime | None = None


class SessionRescheduleIn(Schema):
    version: int
    new_at: datetime
    notes: str = ""


class CaseloadRowOut(Schema):
    client_id: int
    name: str
    register_number: str
    category: str
    officer_id: int | None
    attended: int
    expected: int
    attendance_rate: float | None
    engagement_trend: list[int]
    last_contact: datetime | None
    next_contact: datetime | None
    supervision_end: date | None
    open_concerns: int
    flags: list[str] = Field(default_factory=list)


def _out(session: GuidanceSession, viewer) -> dict:
    from django.urls import reverse

    upcoming = not session.outcome
    return {
        **{
            name: getattr(session, name)
            for name in (
                "id",
                "client_id",
                "officer_id",
                "kind",
                "place",
                "scheduled_at",
                "outcome",
                "not_held_reason",
                "engagement",
                "client_said",
                "response",
                "concern",
                "concern_text",
                "notes",
                "rescheduled_to_id",
                "recorded_at",
                "version",
            )
        },
        "client_name": client_label(session.client, viewer),
        "register_number": session.client.register_number,
        "concern_open": session.has_open_concern,
        "whatsapp_url": reminders.whatsapp_link(session) if upcoming else "",
        "ics_url": reverse("guidance:session_ics", args=[session.pk]) if upcoming else "",
    }


def _form_data(payload: Schema) -> dict:
    """Schema values as the form's POST data (datetimes as ISO text, None as empty)."""
    data = {}
    for key, value in payload.dict().items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
            continue
        data[key] = value.isoformat() if isinstance(value, datetime) else value
    return data


def _writable_client(request: AuthedRequest, client_id: int) -> Client:
    client = selectors.client_get_for_viewer(viewer=request.user, pk=client_id)
    if not services.session_can_write(user=request.user, client=client):
        raise Http404
    return client


@router.get("/guidance/clients/{client_id}/sessions", response=list[SessionOut])
def sessions_by_client(
    request: AuthedRequest,
    client_id: int,
    kind: str = "",
    outcome: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 100,
):
    """A client's sessions, newest first. `outcome=pending` lists appointments not yet recorded."""
    client = selectors.client_get_for_viewer(viewer=request.user, pk=client_id)
    sessions = list(
        selectors.session_list(
            viewer=request.user,
            client=client,
            kind=kind,
            outcome=outcome,
            date_from=date_from,
            date_to=date_to,
        ).select_related("office")[: max(1, min(limit, MAX_LIMIT))]
    )
    access_record_many(
        user=request.user,
        objs=[client],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return [_out(s, request.user) for s in sessions]


@router.get("/guidance/sessions/{session_id}", response=SessionOut)
def session_get(request: AuthedRequest, session_id: int):
    session = selectors.session_get_for_viewer(viewer=request.user, pk=session_id)
    access_record_many(
        user=request.user,
        objs=[session.client],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return _out(session, request.user)


@router.post("/guidance/sessions", response={201: SessionOut})
def session_create(request: AuthedRequest, payload: SessionScheduleIn):
    """Schedule an appointment (the same client, kind and time twice gives the first one back)."""
    client = _writable_client(request, payload.client_id)
    form = SessionScheduleForm(_form_data(payload))
    if not form.is_valid():
        raise form_errors(form)
    session = services.session_schedule(client=client, actor=request.user, **form.cleaned_data)
    return Status(
        201, _out(selectors.session_get_for_viewer(viewer=request.user, pk=session.pk), request.user)
    )


@router.post("/guidance/sessions/{session_id}/record", response=SessionOut)
def session_record(request: AuthedRequest, session_id: int, payload: SessionRecordIn):
    """Record the outcome. A stale `version` answers 409; invalid data 422."""
    session = selectors.session_get_for_viewer(viewer=request.user, pk=session_id)
    _writable_client(request, session.client_id)
    data = _form_data(payload)
    data.setdefault("kind", session.kind)
    data.setdefault("place", session.place)
    form = SessionRecordForm(data, session_at=session.scheduled_at)
    if not form.is_valid():
        raise form_errors(form)
    services.session_record(
        client=session.client,
        actor=request.user,
        data=form.cleaned_data,
        session=session,
        expected_version=payload.version,
    )
    return _out(selectors.session_get_for_viewer(viewer=request.user, pk=session.pk), request.user)


@router.post("/guidance/sessions/{session_id}/reschedule", response={201: SessionOut})
def session_reschedule(request: AuthedRequest, session_id: int, payload: SessionRescheduleIn):
    """Move an appointment: answers the new one; the old one becomes "rescheduled" and links to it."""
    session = selectors.session_get_for_viewer(viewer=request.user, pk=session_id)
    _writable_client(request, session.client_id)
    if session.is_recorded:
        raise ValidationError(
            {"__all__": [_("This session is already recorded; schedule a new appointment instead.")]}
        )
    form = SessionRescheduleForm(_form_data(payload))
    if not form.is_valid():
        raise form_errors(form)
    new = services.session_reschedule(
        session=session,
        actor=request.user,
        new_at=form.cleaned_data["new_at"],
        expected_version=payload.version,
        notes=form.cleaned_data.get("notes", ""),
    )
    return Status(201, _out(selectors.session_get_for_viewer(viewer=request.user, pk=new.pk), request.user))


@router.get("/guidance/caseload", response=list[CaseloadRowOut])
def caseload(request: AuthedRequest, officer_id: int | None = None, flag: str = "", sort: str = "flags"):
    """An officer's caseload (yours by default; heads may pass officer_id) with the page's flags."""
    officer = selectors.officer_for_caseload(viewer=request.user, officer_id=officer_id)
    rows = selectors.caseload_for_officer(viewer=request.user, officer=officer, sort=sort, flag=flag)
    access_record_many(
        user=request.user,
        objs=[Client(pk=r.client_id, office_id=r.office_id) for r in rows],
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return [
        {
            **{k: getattr(r, k) for k in CaseloadRowOut.model_fields if k not in ("attendance_rate",)},
            "attendance_rate": r.attendance_rate,
        }
        for r in rows
    ]


# --- group sessions -------------------------------------------------------------------------------


class GroupOut(Schema):
    id: int
    office_id: int
    title: str
    kind: str
    place: str
    scheduled_at: datetime
    officer_id: int
    notes: str
    participants: int
    recorded: int


class GroupPage(Schema):
    count: int
    page: int
    pages: int
    results: list[GroupOut]


class ParticipantOut(Schema):
    visible: bool
    client_name: str
    session: SessionOut | None = None


class GroupDetailOut(GroupOut):
    participant_sessions: list[ParticipantOut]


class GroupIn(Schema):
    title: str
    kind: str = "personality"
    place: str = "community"
    scheduled_at: datetime
    client_ids: list[int]
    notes: str = ""


class GroupRowIn(SessionRecordIn):
    session_id: int


class GroupRecordIn(Schema):
    rows: list[GroupRowIn]


def _group_out(group, viewer, *, detail: bool = False) -> dict:
    from aksalarasa.guidance import group_selectors

    out = {
        name: getattr(group, name)
        for name in ("id", "office_id", "title", "kind", "place", "scheduled_at", "officer_id", "notes")
    }
    if not detail:
        return {**out, "participants": group.participant_count, "recorded": group.recorded_count}
    participants = group_selectors.group_participants(viewer=viewer, group=group)
    out["participants"] = len(participants)
    out["recorded"] = sum(1 for p in participants if p.session.outcome)
    out["participant_sessions"] = [
        {
            "visible": p.visible,
            "client_name": p.label,
            "session": _out(p.session, viewer) if p.visible else None,
        }
        for p in participants
    ]
    return out


def _group_detail(request: AuthedRequest, group_id: int) -> dict:
    from aksalarasa.guidance import group_selectors

    group = group_selectors.group_get_for_viewer(viewer=request.user, pk=group_id)
    out = _group_out(group, request.user, detail=True)
    visible_clients = [
        Client(pk=p["session"]["client_id"], office_id=group.office_id)
        for p in out["participant_sessions"]
        if p["visible"]
    ]
    access_record_many(
        user=request.user,
        objs=visible_clients,
        office_of=lambda c: c.office_id,
        action=AccessLog.Action.API,
        request=request,
    )
    return out


@router.get("/guidance/groups", response=GroupPage)
def groups_list(request: AuthedRequest, page: int = 1, page_size: int = 50):
    """Group sessions the caller may see, newest first (page_size at most 200)."""
    from django.core.paginator import Paginator

    from aksalarasa.guidance import group_selectors

    paginator = Paginator(group_selectors.group_list(viewer=request.user), max(1, min(page_size, 200)))
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [_group_out(g, request.user) for g in current.object_list],
    }


@router.post("/guidance/groups", response={201: GroupDetailOut})
def group_create(request: AuthedRequest, payload: GroupIn):
    """Create a group session: one appointment per client (clients you may see, no no-contact pairs)."""
    from aksalarasa.guidance import group_selectors
    from aksalarasa.guidance.forms import GroupCreateForm

    if not services.group_can_create(user=request.user):
        raise Http404
    data = _form_data(payload)
    data["participants"] = [str(i) for i in data.pop("client_ids")]
    clients = group_selectors.group_client_choices(viewer=request.user)
    form = GroupCreateForm(data, clients=clients)
    if not form.is_valid():
        raise form_errors(form)
    group = services.group_create(actor=request.user, **form.cleaned_data)
    return Status(201, _group_detail(request, group.pk))


@router.get("/guidance/groups/{group_id}", response=GroupDetailOut)
def group_get(request: AuthedRequest, group_id: int):
    """A group with every participant's session; participants outside your scope by initials only."""
    return _group_detail(request, group_id)


@router.post("/guidance/groups/{group_id}/record", response=GroupDetailOut)
def group_record(request: AuthedRequest, group_id: int, payload: GroupRecordIn):
    """Record several participants at once: all rows are saved or none (422 invalid, 409 stale)."""
    from aksalarasa.guidance import group_selectors
    from aksalarasa.guidance.forms import GroupRowForm

    group = group_selectors.group_get_for_viewer(viewer=request.user, pk=group_id)
    if not services.group_can_record(user=request.user, group=group):
        raise Http404
    visible = {p.session.pk: p for p in group_selectors.group_participants(viewer=request.user, group=group)}
    rows, errors = [], {}
    for row in payload.rows:
        participant = visible.get(row.session_id)
        if participant is None or not participant.visible:
            raise Http404
        if not services.session_can_write(user=request.user, client=participant.client):
            raise Http404
        form = GroupRowForm(_form_data(row), session_at=participant.session.scheduled_at)
        if not form.is_valid():
            errors.update(
                {f"{row.session_id}.{field}": [str(e) for e in errs] for field, errs in form.errors.items()}
            )
            continue
        data = dict(form.cleaned_data)
        data["version"] = row.version
        rows.append((participant.session, data))
    if not payload.rows:
        raise ValidationError({"rows": [_("Send at least one row.")]})
    if errors:
        raise ValidationError(errors)
    services.group_record(group=group, actor=request.user, rows=rows)
    return _group_detail(request, group.pk)
