"""The guidance demo: a year of sessions with the reference case's patterns, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest
from django.utils import timezone

from aksalarasa.guidance.models import GuidanceSession, ReportInSchedule
from aksalarasa.guidance.selectors import caseload_for_officer
from aksalarasa.seeding.demo import DemoContext
from aksalarasa.seeding.demo import guidance as demo
from tests.factories import make_guidance_client, make_user


@pytest.fixture
def demo_clients(office_a):
    officers = [make_user("officer", office_a) for _ in range(3)]
    return [
        make_guidance_client(
            office_a,
            officers[i % 3],
            category="child" if i % 4 == 0 else "adult",
            register_number=f"DEMO-{i:03d}",
        )
        for i in range(24)
    ]


def _snapshot():
    return list(
        GuidanceSession.objects.order_by("client_id", "scheduled_at").values_list(
            "client_id", "kind", "place", "scheduled_at", "outcome", "engagement", "concern"
        )
    )


def test_demo_is_idempotent_and_deterministic(office_a, demo_clients):
    ctx = DemoContext(objects={"denpasar": office_a})
    demo.load(ctx)
    first = _snapshot()
    assert len(first) > 24 * 12
    demo.load(DemoContext(objects={"denpasar": office_a}))
    assert _snapshot() == first
    assert ReportInSchedule.objects.count() == 24
    # Same clients, fresh database rows: the same pattern (seeded per register number).
    outcomes = Counter(o for *_x, o, _e, _c in first)
    GuidanceSession.objects.all().delete()
    ReportInSchedule.objects.all().delete()
    demo.load(DemoContext(objects={"clients": demo_clients}))
    assert Counter(o for *_x, o, _e, _c in _snapshot()) == outcomes


def test_demo_shows_the_reference_case_problems(office_a, demo_clients):
    demo.load(DemoContext(objects={"clients": demo_clients}))
    sessions = GuidanceSession.objects.all()
    places = Counter(sessions.values_list("place", flat=True))
    assert places["office"] > 0.7 * sum(places.values())  # guidance centred in the office
    levels = Counter(sessions.exclude(engagement=None).values_list("engagement", flat=True))
    assert levels[2] == max(levels.values())  # most clients "just show up"
    assert sessions.filter(outcome="unexcused").exists()
    assert sessions.filter(concern=True, concern_resolved_at=None).exists()
    now = timezone.now()
    upcoming = sessions.filter(
        outcome="", scheduled_at__gt=now, scheduled_at__lt=now + timezone.timedelta(days=15)
    )
    assert upcoming.values("client").distinct().count() == 24
    officer = demo_clients[0].officer
    rows = caseload_for_officer(viewer=officer, officer=officer)
    assert any(r.flags for r in rows)
