"""Reads of events, always through `Event.objects.visible_to(viewer)` (the program-scoping rule)."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User as UserModel
from aksalarasa.accounts.permissions import ALL, MEMBER, OFFICE, can_in_office, reaches
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.events.models import (
    CheckIn,
    Event,
    Group,
    Interaction,
    Invitation,
    Registration,
    Team,
    TeamMember,
)
from aksalarasa.programs.consistency import CycleDates, DatedEvent, local_date
from aksalarasa.programs.models import Program, editing_member, program_scope

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.programs.models import Program


def event_can_edit(viewer: User, event: Event) -> bool:
    """Office staff edit their office's events; program team members edit their own programs' events."""
    return can_in_office(
        viewer,
        "event",
        "edit",
        event.office_id,
        member=lambda: editing_member(event.program_id, viewer),
    )


def program_can_add_event(viewer: User, program: Program) -> bool:
    return can_in_office(
        viewer,
        "event",
        "edit",
        program.office_id,
        member=lambda: editing_member(program.pk, viewer),
    )


def programs_for_new_event(*, viewer: User) -> list[Program]:
    """Programs the viewer may add an event to (two queries)."""

    found = reaches(viewer, "event", "edit")
    qs = Program.objects.visible_to(viewer).order_by("-start")
    if ALL in found:
        return list(qs[:50])
    if not found or not viewer.office_id:
        return []
    qs = qs.filter(office_id=viewer.office_id)
    if OFFICE in found:
        return list(qs[:50])
    if MEMBER in found:
        return list(qs.filter(members__user_id=viewer.pk, members__can_edit=True).distinct()[:50])
    return []


def event_list(*, viewer: User, program_id: int | None = None) -> QuerySet[Event]:
    qs = Event.objects.visible_to(viewer).select_related("program", "office")
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    # One counting subquery each: joining both tables and counting DISTINCT multiplies the rows
    # (registrations x check-ins per event: 223 ms for one office's events at national scale).
    return qs.annotate(
        registration_count=_count_of(Registration),
        checkin_count=_count_of(CheckIn),
    ).order_by("-start")


def _count_of(model) -> Coalesce:
    rows = model.objects.filter(event=OuterRef("pk")).order_by().values("event").annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1]), 0)


def event_get_for_viewer(*, viewer: User, pk: int) -> Event:
    """The event, or 404 for one the viewer may not see (never 403: that would reveal it)."""
    event = Event.objects.visible_to(viewer).select_related("program", "office").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def event_get_for_scanner(*, viewer: User, pk: int) -> Event:
    """The event for a check-in, as lean as possible (it runs hundreds of times a minute).

    Same rule as event_get_for_editor (404 if invisible, 403 if read-only), without loading the
    program and office rows and without DISTINCT: existence within the scope is enough.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    qs = Event.objects.filter(pk=pk).only("id", "office_id", "program_id", "name")
    condition = program_scope(viewer, "program__")
    event = (
        qs if condition is None else qs.filter(pk__in=Event.objects.filter(condition).values("pk"))
    ).first()
    if event is None:
        raise Http404
    if not event_can_edit(viewer, event):
        raise PermissionDenied(_("You may read this event but not change it."))
    return event


def event_get_for_editor(*, viewer: User, pk: int) -> Event:
    """The event for a write: 404 if invisible; PermissionDenied if readable but not editable."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    event = event_get_for_viewer(viewer=viewer, pk=pk)
    if not event_can_edit(viewer, event):
        raise PermissionDenied(_("You may read this event but not change it."))
    return event


def event_get_public(*, pk: int) -> Event:
    event = Event.objects.published().select_related("office", "program").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


_PART_RELATIONS = {"checklist": "checklist", "roles": "roles", "agenda": "agenda", "handed": "handed_items"}


def event_part_model(part: str) -> type[Any]:
    """The model of a part named in a URL (checklist, roles, agenda, handed); 404 for any other."""
    relation = _PART_RELATIONS.get(part)
    if relation is None:
        raise Http404
    return cast(type[Any], Event._meta.get_field(relation).related_model)


def event_part_row(event: Event, part: str, pk: int) -> Any | None:
    """One row of a part of this event, or None (removed, or another event's)."""
    return event_part_model(part)._default_manager.filter(event=event, pk=pk).first()


def event_part_rows(event: Event, part: str) -> list[Any]:
    """The rows of one part of an event page, in their order (one query)."""
    return list(getattr(event, _PART_RELATIONS[part]).all())


def agenda_out_of_order(items: list[Any]) -> set[int]:
    """The agenda rows that start earlier than a row before them (their times contradict the order)."""
    flagged: set[int] = set()
    latest = None
    for item in items:
        if item.starts_at is None:
            continue
        if latest is not None and item.starts_at < latest:
            flagged.add(item.pk)
        latest = item.starts_at if latest is None else max(latest, item.starts_at)
    return flagged


def event_detail_parts(event: Event) -> dict[str, Any]:
    return {relation: event_part_rows(event, part) for part, relation in _PART_RELATIONS.items()}


def registration_list(*, event: Event) -> list[Registration]:
    """Every registration of an event with its client, check-in and team (three queries)."""
    return list(
        Registration.objects.filter(event=event)
        .select_related("client", "checkin", "team_member__team")
        .order_by("group", "created_at", "pk")
    )


def registration_counts(event: Event) -> dict[str, dict[str, int]]:
    rows = (
        Registration.objects.filter(event=event)
        .values("group")
        .annotate(total=Count("pk"), checked_in=Count("checkin"))
    )
    return {row["group"]: {"registered": row["total"], "checked_in": row["checked_in"]} for row in rows}


def checked_in_registrations(event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, checkin__isnull=False)
        .select_related("client", "team_member__team")
        .order_by("group", "pk")
    )


def team_list(event: Event) -> list[Team]:
    members = TeamMember.objects.select_related("registration", "registration__client").order_by(
        "registration__group", "registration_id"
    )
    return list(event.teams.prefetch_related(Prefetch("members", queryset=members)))


def interaction_list(event: Event) -> list[Interaction]:
    return list(
        event.interactions.select_related("first", "first__client", "second", "second__client").order_by(
            "-at"
        )
    )


def checkin_count(event: Event) -> int:
    return CheckIn.objects.filter(event=event).count()


def program_event_summary(program: Program) -> dict[str, Any]:
    """The intervention stage of a program in figures (for the programs app's stage view).

    Returns {"events": [{"id", "name", "start", "done", "published", "registrations", "checked_in"}],
    "event_count", "done_count", "any_done", "registrations", "checked_in", "by_group":
    {group: {"registered", "checked_in"}}, "invited_clients", "clients_checked_in",
    "client_checkin_share" (float 0..1 or None when no client was invited)}.
    Invited clients are client registrations (made by their officer, with consent). Three queries.
    """
    events = list(
        Event.objects.filter(program=program)
        .annotate(
            registration_count=Count("registrations", distinct=True),
            checkin_count=Count("checkins", distinct=True),
        )
        .order_by("start")
    )
    rows = (
        Registration.objects.filter(event__program=program)
        .values("group")
        .annotate(total=Count("pk"), checked_in=Count("checkin"))
    )
    by_group = {g.value: {"registered": 0, "checked_in": 0} for g in Group}
    for row in rows:
        by_group[row["group"]] = {"registered": row["total"], "checked_in": row["checked_in"]}
    clients = Registration.objects.filter(event__program=program, group=Group.CLIENT).aggregate(
        invited=Count("client_id", distinct=True),
        came=Count("client_id", filter=Q(checkin__isnull=False), distinct=True),
    )
    invited = clients["invited"] or 0
    came = clients["came"] or 0
    return {
        "events": [
            {
                "id": e.pk,
                "name": e.name,
                "start": e.start,
                "done": e.done,
                "published": e.published,
                "registrations": e.registration_count,
                "checked_in": e.checkin_count,
            }
            for e in events
        ],
        "event_count": len(events),
        "done_count": sum(1 for e in events if e.done),
        "any_done": any(e.done for e in events),
        "registrations": sum(v["registered"] for v in by_group.values()),
        "checked_in": sum(v["checked_in"] for v in by_group.values()),
        "by_group": by_group,
        "invited_clients": invited,
        "clients_checked_in": came,
        "client_checkin_share": (came / invited) if invited else None,
    }


def program_event_dates(program: Program, zone: zoneinfo.ZoneInfo) -> CycleDates:
    """The program's events as calendar days in the office's zone, for the cycle's date check."""
    return CycleDates(
        events=[
            DatedEvent(name=e.name, start=local_date(e.start, zone), end=local_date(e.end, zone))
            for e in Event.objects.filter(program=program).only("name", "start", "end").order_by("start")
        ]
    )


# --- invitations ----------------------------------------------------------------------------------


def invitation_label(invitation: Invitation, viewer: User) -> str:
    """Whom the request is about, as `viewer` may read it: the client's name (a child's initials for
    anyone outside the child's guidance staff), or the officer or section asked."""
    if invitation.client_id:
        return client_label(invitation.client, viewer)  # type: ignore[arg-type]
    if invitation.officer_id:
        return _("Ask %(name)s to choose clients") % {"name": invitation.officer.full_name}  # type: ignore[union-attr]
    return _("Ask the section to choose clients: %(section)s") % {"section": invitation.get_section_display()}


def invitation_rows(*, event: Event, viewer: User) -> list[dict[str, Any]]:
    """The event's requests, pending first, each with the label the viewer may read."""
    invitations = list(
        Invitation.objects.filter(event=event)
        .select_related("client", "officer", "requested_by", "decided_by")
        .order_by("-state", "-requested_at", "-pk")  # "pending" sorts after "declined"/"accepted"
    )
    invitations.sort(key=lambda i: i.state != Invitation.State.PENDING)
    return [{"invitation": i, "label": invitation_label(i, viewer)} for i in invitations]


def invitable_clients(viewer: User) -> QuerySet[Client]:
    """The clients a person may name in an invitation request: those they may see as office staff
    (Client.visible_to) and, for a program team (domain.md), the participants of their own
    programs' events."""
    participants = Registration.objects.filter(
        client__isnull=False, event__program__members__user_id=viewer.pk
    ).values("client_id")
    return Client.objects.filter(
        Q(pk__in=Client.objects.visible_to(viewer).values("pk")) | Q(pk__in=participants)
    )


def invitation_client_choices(*, event: Event, viewer: User) -> list[tuple[int, str]]:
    """Clients the team may name in a request (invitable_clients), of the event's office, with an
    officer, not yet registered nor already asked for; named per the child rules (initials)."""
    clients = (
        invitable_clients(viewer)
        .filter(office_id=event.office_id, anonymised_at__isnull=True, officer__isnull=False)
        .exclude(event_registrations__event=event)
        .exclude(event_invitations__event=event, event_invitations__state=Invitation.State.PENDING)
        .order_by("full_name")
        .distinct()
    )
    return [(c.pk, client_label(c, viewer)) for c in clients[:500]]


def invitation_officer_choices(*, event: Event) -> list[tuple[int, str]]:
    officers = UserModel.objects.filter(office_id=event.office_id, role_officer=True, is_active=True)
    return [(u.pk, u.full_name) for u in officers.order_by("full_name")]


def invitation_officer(*, event: Event, pk: int) -> UserModel | None:
    return UserModel.objects.filter(
        office_id=event.office_id, role_officer=True, is_active=True, pk=pk
    ).first()


def invitations_pending_for_officer(viewer: User) -> list[Invitation]:
    """What a PK has to decide: requests about their clients, to them, or to their section."""
    return list(
        Invitation.objects.for_officer(viewer)
        .pending()
        .select_related("event", "client", "requested_by")
        .order_by("event__start", "pk")[:50]
    )


def invitation_get_for_officer(*, viewer: User, pk: int) -> Invitation:
    invitation = (
        Invitation.objects.for_officer(viewer)
        .select_related("event", "client", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def invitation_own_clients(user: User, event: Event) -> QuerySet[Client]:
    """The clients a PK may pick when answering a request addressed to them or their section: their
    own (officer_clients), except those with a pending request of their own for the event (the PK
    answers that one)."""
    named = Invitation.objects.pending().filter(event=event, client__isnull=False).values("client_id")
    return officer_clients(user, event).exclude(pk__in=named)


def officer_clients(user: User, event: Event) -> QuerySet[Client]:
    """An officer's own clients who may come to the event: consented, not yet registered."""
    if not user.role_officer:
        return Client.objects.none()
    return (
        Client.objects.visible_to(user)
        .filter(officer=user, office_id=event.office_id, consent_community=True, anonymised_at__isnull=True)
        .exclude(event_registrations__event=event)
        .order_by("full_name")
    )
