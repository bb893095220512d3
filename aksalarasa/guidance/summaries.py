"""Writes of the per-client guidance summaries that the section and office roll-ups read.

`client_summaries_refresh` recomputes the summary of the given clients from their sessions, in a
fixed number of set-based queries whatever their number; every session writer calls it in its own
transaction (record, reschedule, resolve a concern, partner sessions, imports, demo and scale
loaders). `client_summaries_rebuild` recomputes every client, office by office (`manage.py
guidance_rebuild_summaries`), the safety net after a bulk load that wrote sessions directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from aksalarasa.clients.models import Client
from aksalarasa.guidance.models import (
    ATTENDED_OUTCOMES,
    EXPECTED_OUTCOMES,
    ClientGuidanceSummary,
    GuidanceSession,
    Outcome,
)
from aksalarasa.guidance.selectors import latest_per_client
from aksalarasa.offices.models import Office

SUMMARY_FIELDS = [
    "office",
    "last_attended_at",
    "open_concerns",
    "unexcused_twice",
    "low_engagement",
    "refreshed_at",
]
BATCH = 2_000


def client_summaries_refresh(*, clients: Iterable[int] | QuerySet[Client]) -> int:
    """Recompute the summaries of these clients (ids, or a queryset of clients). Returns how many.

    Four queries: the clients' offices, one aggregate over their sessions, one window query for
    the last two expected outcomes and one for the last three engagement levels; then one upsert
    per batch of 2,000.
    """
    id_source: Any  # a subquery, or the ids themselves
    if isinstance(clients, QuerySet):
        id_source = clients.values("pk")
    else:
        id_source = list(dict.fromkeys(clients))
        if not id_source:
            return 0
    offices = dict(Client.objects.filter(pk__in=id_source).values_list("pk", "office_id").order_by())
    if not offices:
        return 0
    sessions = GuidanceSession.objects.filter(client_id__in=id_source)
    stats = {
        row["client_id"]: row
        for row in sessions.values("client_id")
        .annotate(
            last_attended_at=Max("scheduled_at", filter=Q(outcome__in=ATTENDED_OUTCOMES)),
            open_concerns=Count("pk", filter=Q(concern=True, concern_resolved_at__isnull=True)),
        )
        .order_by()
    }
    last_outcomes = latest_per_client(sessions.filter(outcome__in=EXPECTED_OUTCOMES), "outcome", 2)
    last_levels = latest_per_client(sessions.filter(engagement__isnull=False), "engagement", 3)
    now = timezone.now()
    rows = []
    for client_id, office_id in offices.items():
        s: Mapping[str, Any] = stats.get(client_id, {})
        levels = last_levels.get(client_id, [])
        rows.append(
            ClientGuidanceSummary(
                client_id=client_id,
                office_id=office_id,
                last_attended_at=s.get("last_attended_at"),
                open_concerns=s.get("open_concerns", 0),
                unexcused_twice=last_outcomes.get(client_id) == [Outcome.UNEXCUSED, Outcome.UNEXCUSED],
                low_engagement=len(levels) >= 3 and all(level <= 2 for level in levels),
                refreshed_at=now,
            )
        )
    ClientGuidanceSummary.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["client"],
        update_fields=SUMMARY_FIELDS,
    )
    return len(rows)


def client_summaries_rebuild(*, office_ids: Iterable[int] | None = None) -> int:
    """Recompute the summaries of every client, one office at a time (bounded memory)."""

    offices = Office.objects.order_by("pk").values_list("pk", flat=True)
    if office_ids is not None:
        offices = offices.filter(pk__in=list(office_ids))
    total = 0
    for office_id in offices:
        total += client_summaries_refresh(clients=Client.objects.filter(office_id=office_id))
    return total
