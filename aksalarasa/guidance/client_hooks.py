"""How guidance plugs into the clients app: the timeline panel on a client's page, the
sessions section of the data-subject export, and clearing free text when a client is anonymised."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from aksalarasa.accounts.http import AuthedRequest
from aksalarasa.clients.masking import can_see_identity
from aksalarasa.clients.models import Client
from aksalarasa.guidance.models import GuidanceSession

TIMELINE_LENGTH = 12
FREE_TEXT = {"client_said": "", "response": "", "concern_text": "", "notes": ""}


def timeline_panel(request: AuthedRequest, client: Client) -> dict[str, Any] | None:
    """The latest sessions (partner sessions included), for viewers who may see the client's sessions."""
    from aksalarasa.guidance.selectors import session_list

    sessions = list(session_list(viewer=request.user, client=client)[:TIMELINE_LENGTH])
    if not sessions and not can_see_identity(request.user, client):
        return None
    return {
        "sessions": sessions,
        "more_url": reverse("guidance:client_sessions", args=[client.pk]),
        "show_text": can_see_identity(request.user, client),
    }


def subject_export_rows(client: Client) -> list[dict[str, Any]]:
    rows = GuidanceSession.objects.filter(client=client).select_related("officer").order_by("scheduled_at")
    return [
        {
            "scheduled_at": s.scheduled_at.isoformat(),
            "kind": s.get_kind_display(),
            "place": s.get_place_display(),
            "outcome": s.get_outcome_display() if s.outcome else "",
            "engagement": s.engagement,
            "officer": s.officer.full_name if s.officer else "",
            "client_said": s.client_said,
            "response": s.response,
            "concern": s.concern_text if s.concern else "",
            "notes": s.notes,
        }
        for s in rows
    ]


def anonymise(client_id: int) -> None:
    """Keep outcomes and engagement for statistics; clear what was said and written, history included."""
    GuidanceSession.objects.filter(client_id=client_id).update(**FREE_TEXT)
    GuidanceSession.history.filter(client_id=client_id).update(**FREE_TEXT)
