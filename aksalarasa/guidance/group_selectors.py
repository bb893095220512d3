"""Reads for group sessions (kept apart from selectors.py, whose caseload queries are tuned separately).

A group session (GuidanceGroup) is visible to a user who may see the office's guidance sessions:
own-office staff with a guidance role (office head, section head, officer) who see at least one of
its participants' sessions (GuidanceSession.visible_to) or who lead it; superusers see all. Program
team and partner staff never see a group. On a group page a participant outside the viewer's scope
is shown by initials only, without a link, outcome or notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from aksalarasa.accounts.models import User
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.guidance.models import GuidanceGroup, GuidanceSession


def group_list(*, viewer: User) -> QuerySet[GuidanceGroup]:
    """Visible groups, newest first, with the number of participants and of recorded outcomes."""
    return (
        GuidanceGroup.objects.visible_to(viewer)
        .select_related("officer", "office")
        .annotate(
            participant_count=Count("sessions"),
            recorded_count=Count("sessions", filter=~Q(sessions__outcome="")),
        )
        .order_by("-scheduled_at", "-pk")
    )


def group_get_for_viewer(*, viewer: User, pk: int) -> GuidanceGroup:
    """The group, or 404 outside the viewer's scope (never 403: that would reveal it)."""
    group = GuidanceGroup.objects.visible_to(viewer).select_related("officer", "office").filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


@dataclass
class Participant:
    session: GuidanceSession
    visible: bool  # the viewer may see this participant's session (and so their record)
    label: str  # the name the viewer may see; initials only when not visible

    @property
    def client(self) -> Client:
        return self.session.client


def group_participants(*, viewer: User, group: GuidanceGroup) -> list[Participant]:
    """Every participant of the group, masked where the viewer may not see the client (2 queries)."""
    sessions = list(
        GuidanceSession.objects.filter(group=group)
        .select_related("client", "officer", "rescheduled_to")
        .order_by("client__full_name", "pk")
    )
    visible = set(GuidanceSession.objects.visible_to(viewer).filter(group=group).values_list("pk", flat=True))
    out = []
    for session in sessions:
        seen = session.pk in visible
        label = client_label(session.client, viewer) if seen else session.client.initials
        out.append(Participant(session=session, visible=seen, label=label))
    out.sort(key=lambda p: (not p.visible, p.label.lower()))
    return out


def group_client_choices(*, viewer: User) -> list[tuple[int, str]]:
    """The clients a viewer may put in a group: visible to them, in their office, not anonymised."""
    if not viewer.office_id:
        return []
    clients = (
        Client.objects.visible_to(viewer)
        .filter(office_id=viewer.office_id, anonymised_at__isnull=True)
        .only("pk", "full_name", "register_number", "category", "office_id")
        .order_by("full_name", "pk")
    )
    return [(c.pk, f"{client_label(c, viewer)} · {c.register_number}") for c in clients]
