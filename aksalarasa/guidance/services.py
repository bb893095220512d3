"""Writes for guidance: schedule, record, reschedule, resolve concerns, generate report-ins."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client, NoContact
from aksalarasa.core.history import save_many, save_versioned
from aksalarasa.guidance.models import GuidanceGroup, GuidanceSession, Kind, Outcome, Place, ReportInSchedule
from aksalarasa.guidance.summaries import client_summaries_refresh

RECORD_FIELDS = [
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
    "recorded_at",
    "recorded_by",
    "officer",
    "rescheduled_to",
]


def session_can_write(*, user: User, client: Client) -> bool:
    """Office staff with a guidance role in the client's office (the caller already checked scope)."""
    if user.is_superuser:
        return True
    return user.office_id == client.office_id and user.has_role("office_head", "section_head", "officer")


def concern_can_resolve(*, user: User, session: GuidanceSession) -> bool:
    """Concerns go up to the heads: the section head (or office head) resolves them."""
    if user.is_superuser:
        return True
    return user.office_id == session.office_id and user.has_role("office_head", "section_head")


def _officer_for(client: Client, actor: User) -> User | None:
    if actor.role_officer and actor.office_id == client.office_id:
        return actor
    return client.officer


@transaction.atomic
def session_schedule(
    *,
    client: Client,
    actor: User,
    scheduled_at: datetime,
    kind: str = Kind.REPORT_IN,
    place: str = Place.OFFICE,
    notes: str = "",
    schedule: ReportInSchedule | None = None,
) -> GuidanceSession:
    """A new appointment. Scheduling the same client, kind and time twice returns the first one."""
    existing = GuidanceSession.objects.filter(
        client=client, kind=kind, scheduled_at=scheduled_at, outcome=""
    ).first()
    if existing is not None:
        return existing
    session = GuidanceSession(
        office_id=client.office_id,
        client=client,
        officer=_officer_for(client, actor),
        kind=kind,
        place=place,
        scheduled_at=scheduled_at,
        notes=notes,
        schedule=schedule,
    )
    save_versioned(session, actor=actor)
    return session


@transaction.atomic
def session_record(
    *,
    client: Client,
    actor: User,
    data: dict[str, Any],
    session: GuidanceSession | None = None,
    expected_version: int | None = None,
) -> tuple[GuidanceSession, GuidanceSession | None]:
    """Record what happened (validated by SessionRecordForm) and set the next appointment.

    Without `session`, a new session is created at `scheduled_at` (or now) and recorded at once.
    Outcome "rescheduled" keeps this appointment and links it to the new one. Returns the recorded
    session and the next appointment (or None). Raises StaleVersion if someone else saved first.
    """
    now = timezone.now()
    if session is None:
        session = GuidanceSession(
            office_id=client.office_id,
            client=client,
            scheduled_at=data.get("scheduled_at") or now,
            officer=_officer_for(client, actor),
        )
        save_versioned(session, actor=actor)
        expected_version = session.version
    elif data.get("scheduled_at"):
        session.scheduled_at = data["scheduled_at"]
    session.kind = data.get("kind") or session.kind
    session.place = data.get("place") or session.place
    session.outcome = data["outcome"]
    session.not_held_reason = data.get("not_held_reason", "")
    session.engagement = data.get("engagement")
    session.client_said = data.get("client_said", "")
    session.response = data.get("response", "")
    session.concern = bool(data.get("concern"))
    session.concern_text = data.get("concern_text", "") if session.concern else ""
    session.notes = data.get("notes", "")
    session.recorded_at = now
    session.recorded_by = actor
    if session.officer_id is None:
        session.officer = _officer_for(client, actor)
    next_session = None
    if data.get("next_at"):
        next_session = session_schedule(
            client=client, actor=actor, scheduled_at=data["next_at"], kind=session.kind, place=session.place
        )
        if session.outcome == Outcome.RESCHEDULED:
            session.rescheduled_to = next_session
    save_versioned(
        session,
        actor=actor,
        expected_version=session.version if expected_version is None else expected_version,
        update_fields=RECORD_FIELDS,
    )
    client_summaries_refresh(clients=[client.pk])
    return session, next_session


@transaction.atomic
def session_reschedule(
    *, session: GuidanceSession, actor: User, new_at: datetime, expected_version: int, notes: str = ""
) -> GuidanceSession:
    """Move an appointment: the old one is kept as "rescheduled" and points to the new one."""
    new = session_schedule(
        client=session.client, actor=actor, scheduled_at=new_at, kind=session.kind, place=session.place
    )
    session.outcome = Outcome.RESCHEDULED
    session.rescheduled_to = new
    session.recorded_at = timezone.now()
    session.recorded_by = actor
    if notes:
        session.notes = f"{session.notes}\n{notes}".strip()
    fields = ["outcome", "rescheduled_to", "recorded_at", "recorded_by", "notes"]
    save_versioned(session, actor=actor, expected_version=expected_version, update_fields=fields)
    client_summaries_refresh(clients=[session.client_id])
    return new


@transaction.atomic
def concern_resolve(
    *, session: GuidanceSession, actor: User, resolution: str, expected_version: int
) -> GuidanceSession:
    session.concern_resolved_at = timezone.now()
    session.concern_resolved_by = actor
    session.concern_resolution = resolution
    fields = ["concern_resolved_at", "concern_resolved_by", "concern_resolution"]
    save_versioned(session, actor=actor, expected_version=expected_version, update_fields=fields)
    client_summaries_refresh(clients=[session.client_id])
    return session


SCHEDULE_FIELDS = ["every_days", "first_at", "until", "place", "active"]


@transaction.atomic
def schedule_save(
    *, client: Client, actor: User, data: dict[str, Any], schedule: ReportInSchedule | None = None
) -> ReportInSchedule:
    schedule = schedule or ReportInSchedule(office_id=client.office_id, client=client)
    for name in SCHEDULE_FIELDS:
        setattr(schedule, name, data[name])
    save_versioned(schedule, actor=actor, update_fields=None if schedule._state.adding else SCHEDULE_FIELDS)
    return schedule


def schedule_occurrences(schedule: ReportInSchedule, *, start: datetime, end: datetime) -> list[datetime]:
    """The appointment times of a schedule within [start, end), counted from first_at."""
    step = timedelta(days=schedule.every_days)
    if end <= schedule.first_at:
        return []
    skip = max(0, (start - schedule.first_at) // step) if start > schedule.first_at else 0
    moment = schedule.first_at + skip * step
    until = schedule.until
    times = []
    while moment < end:
        if until is not None and timezone.localdate(moment) > until:
            break
        if moment >= start:
            times.append(moment)
        moment += step
    return times


@transaction.atomic
def schedule_generate(
    *,
    schedule: ReportInSchedule,
    actor: User | None = None,
    weeks_ahead: int = 8,
    now: datetime | None = None,
) -> list[GuidanceSession]:
    """Create the schedule's report-ins from now up to `weeks_ahead` weeks; existing ones are kept
    (a second run creates nothing). Wall-clock time is kept in UTC steps of whole days, which is
    the office's local time too: Indonesian zones have no daylight saving."""
    if not schedule.active:
        return []
    now = now or timezone.now()
    times = schedule_occurrences(schedule, start=now, end=now + timedelta(weeks=weeks_ahead))
    if not times:
        return []
    client = schedule.client
    taken = set(
        GuidanceSession.objects.filter(
            client=client, kind=Kind.REPORT_IN, scheduled_at__in=times
        ).values_list("scheduled_at", flat=True)
    )
    officer = client.officer
    new = [
        GuidanceSession(
            office_id=schedule.office_id,
            client=client,
            officer=officer,
            schedule=schedule,
            kind=Kind.REPORT_IN,
            place=schedule.place,
            scheduled_at=moment,
        )
        for moment in times
        if moment not in taken
    ]
    return save_many(new, model=GuidanceSession, actor=actor, reason="report-in schedule")


def schedules_generate_all(*, weeks_ahead: int = 8, now: datetime | None = None) -> int:
    """Run every active schedule (the daily job: `manage.py guidance_generate_report_ins`)."""
    total = 0
    for schedule in ReportInSchedule.objects.filter(active=True).select_related("client__officer"):
        total += len(schedule_generate(schedule=schedule, weeks_ahead=weeks_ahead, now=now))
    return total


# --- group sessions -------------------------------------------------------------------------------

GUIDANCE_ROLES = ("office_head", "section_head", "officer")


def group_can_create(*, user: User) -> bool:
    """Office staff with a guidance role (officers, section heads, the office head)."""
    return bool(user.is_authenticated and user.office_id and user.has_role(*GUIDANCE_ROLES))


def group_can_record(*, user: User, group: GuidanceGroup) -> bool:
    if user.is_superuser:
        return True
    return user.office_id == group.office_id and user.has_role(*GUIDANCE_ROLES)


@transaction.atomic
def group_create(
    *,
    actor: User,
    title: str,
    kind: str,
    place: str,
    scheduled_at: datetime,
    participants: list[int],
    notes: str = "",
) -> GuidanceGroup:
    """A group session in the actor's office with one GuidanceSession per participant.

    Every participant must be a client the actor may see (their office, not anonymised); two
    clients on each other's no-contact list are never put in the same group. Raises
    ValidationError (field "participants") and creates nothing otherwise.
    """

    office_id = actor.office_id
    if office_id is None:
        raise PermissionDenied
    ids = list(dict.fromkeys(participants))
    clients = {
        c.pk: c
        for c in Client.objects.visible_to(actor)
        .filter(pk__in=ids, office_id=office_id, anonymised_at__isnull=True)
        .select_related("officer")
    }
    if not group_can_create(user=actor) or len(clients) != len(ids):
        raise ValidationError(
            {"participants": [_("Choose participants among the clients you may see in your office.")]}
        )
    clashes = sorted(
        {
            tuple(sorted(pair))
            for pair in NoContact.objects.filter(client_id__in=ids, other_client_id__in=ids).values_list(
                "client_id", "other_client_id"
            )
        }
    )
    if clashes:
        names = "; ".join(
            f"{client_label(clients[a], actor)} – {client_label(clients[b], actor)}" for a, b in clashes
        )
        raise ValidationError(
            {
                "participants": [
                    _("These clients are on each other's no-contact list and cannot meet: %(pairs)s.")
                    % {"pairs": names}
                ]
            }
        )
    group = GuidanceGroup.objects.create(
        office_id=office_id,
        title=title,
        kind=kind,
        place=place,
        scheduled_at=scheduled_at,
        officer=actor,
        notes=notes,
    )
    for client_id in ids:
        client = clients[client_id]
        session = GuidanceSession(
            office_id=client.office_id,
            client=client,
            officer=_officer_for(client, actor),
            group=group,
            kind=kind,
            place=place,
            scheduled_at=scheduled_at,
        )
        save_versioned(session, actor=actor, reason="group session")
    return group


@transaction.atomic
def group_record(
    *, group: GuidanceGroup, actor: User, rows: list[tuple[GuidanceSession, dict[str, Any]]]
) -> list[GuidanceSession]:
    """Record every given participant's session (each validated by GroupRowForm) at once.

    All or nothing: a stale version on any row (StaleVersion) undoes the whole group's recording.
    """
    recorded = []
    for session, data in rows:
        if session.group_id != group.pk:
            raise ValidationError(_("This session does not belong to the group."))
        saved, _next = session_record(
            client=session.client,
            actor=actor,
            data=data,
            session=session,
            expected_version=data.get("version") or 0,
        )
        recorded.append(saved)
    return recorded
