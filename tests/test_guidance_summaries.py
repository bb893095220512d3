"""The per-client guidance summaries behind the section and office roll-ups.

The roll-ups read `ClientGuidanceSummary` instead of every session of the office; the officer's own
caseload still computes its flags from the raw sessions. These tests hold the two together: on
random histories, and after each writer of the app, the roll-up gives exactly what the raw
caseload rows give.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksalarasa.clients.models import Supervision
from aksalarasa.guidance import selectors, services
from aksalarasa.guidance.models import ClientGuidanceSummary, GuidanceSession, Outcome
from aksalarasa.guidance.summaries import client_summaries_rebuild, client_summaries_refresh
from tests.factories import GuidanceSessionFactory, OfficeFactory, make_guidance_client, make_user

NOW = timezone.now()


def _raw(viewer, section: str = ""):
    """The roll-up's figures computed from the raw sessions (the officer caseload's path)."""
    rows = selectors.caseload_rows(
        viewer=viewer,
        clients=selectors.caseload_clients(viewer=viewer, section=section),
        with_trend=False,
        now=NOW,
    )
    per_officer: dict = {}
    for r in rows:
        o = per_officer.setdefault(r.officer_id, {"clients": 0, "flagged": 0, "concerns": 0, "flags": {}})
        o["clients"] += 1
        o["concerns"] += r.open_concerns
        o["flagged"] += bool(r.flags)
        for code in r.flags:
            o["flags"][code] = o["flags"].get(code, 0) + 1
    flagged = selectors.caseload_sort_filter([r for r in rows if r.flags], sort="flags")
    return per_officer, [(r.client_id, r.flags) for r in flagged]


def _summarised(viewer, section: str = ""):
    data = selectors.rollup(viewer=viewer, section=section, now=NOW)
    per_officer = {
        o.officer_id: {
            "clients": o.clients,
            "flagged": o.flagged,
            "concerns": o.open_concerns,
            "flags": o.flag_counts,
        }
        for o in data.officers
        if o.clients
    }
    rows = []
    for page in range(1, data.pages + 1):
        rows += selectors.rollup(viewer=viewer, section=section, page=page, now=NOW).flagged_rows
    return per_officer, [(r.client_id, r.flags) for r in rows]


def assert_rollup_matches_raw(viewer, section: str = "") -> None:
    assert _summarised(viewer, section) == _raw(viewer, section)


SESSION = st.tuples(
    st.integers(0, 11),  # which client
    st.integers(-20, 120),  # days ago (negative: upcoming)
    # Weighted towards what raises flags (attended with low levels, unexcused), every outcome kept.
    st.sampled_from(["attended", "attended", "late", "unexcused", "unexcused", *Outcome.values, ""]),
    st.one_of(st.none(), st.integers(1, 2), st.integers(1, 4)),
    st.booleans(),  # concern
    st.booleans(),  # concern resolved
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    n_clients=st.integers(1, 4),
    ends=st.lists(st.one_of(st.none(), st.integers(-5, 45)), min_size=12, max_size=12),
    # A second supervision period (active or not): "ending soon" reads the earliest active end.
    second=st.lists(
        st.one_of(st.none(), st.tuples(st.integers(-5, 45), st.sampled_from(["active", "completed"]))),
        min_size=12,
        max_size=12,
    ),
    sessions=st.lists(SESSION, min_size=8, max_size=60),
)
def test_rollup_from_summaries_equals_the_raw_caseload_on_random_histories(
    db, n_clients, ends, second, sessions
):
    with transaction.atomic():
        office = OfficeFactory()
        head = make_user("office_head", office)
        officers = [make_user("officer", office) for _ in range(2)]
        clients = []
        for i in range(n_clients):
            client = make_guidance_client(
                office,
                officers[i % 2],
                category="child" if i % 3 == 0 else "adult",
                full_name=f"Klien {i % 4}",
            )
            periods = [("pb", 200, ends[i], "active")] if ends[i] is not None else []
            if second[i] is not None:
                periods.append(("cb", 100, *second[i]))
            for program_type, started, ends_in, status in periods:
                Supervision.objects.create(
                    office=office,
                    client=client,
                    program_type=program_type,
                    start=timezone.localdate(NOW) - timedelta(days=started),
                    end=timezone.localdate(NOW) + timedelta(days=ends_in),
                    status=status,
                )
            clients.append(client)
        GuidanceSession.objects.bulk_create(
            [
                GuidanceSession(
                    office=office,
                    client=clients[which % n_clients],
                    scheduled_at=NOW - timedelta(days=days, minutes=k),
                    outcome=outcome,
                    engagement=level if outcome in ("attended", "late") else None,
                    concern=concern,
                    concern_resolved_at=NOW if concern and resolved else None,
                )
                for k, (which, days, outcome, level, concern, resolved) in enumerate(sessions)
            ]
        )
        client_summaries_refresh(clients=[c.pk for c in clients])
        assert_rollup_matches_raw(head)
        section_head = make_user("section_head", office, section="adult")
        assert_rollup_matches_raw(section_head, section="adult")
        transaction.set_rollback(True)


@pytest.fixture
def office_staff(office_a):
    head = make_user("office_head", office_a)
    officer = make_user("officer", office_a)
    return head, officer


def _summary(client) -> ClientGuidanceSummary:
    return ClientGuidanceSummary.objects.get(client=client)


def test_recording_a_session_with_a_concern_and_resolving_it_updates_the_summary(office_a, office_staff):
    head, officer = office_staff
    client = make_guidance_client(office_a, officer)
    assert not ClientGuidanceSummary.objects.filter(client=client).exists()  # no session yet
    session, _next = services.session_record(
        client=client,
        actor=officer,
        data={"outcome": "attended", "engagement": 2, "concern": True, "concern_text": "Ragu"},
    )
    summary = _summary(client)
    assert summary.open_concerns == 1 and summary.last_attended_at == session.scheduled_at
    assert summary.office_id == office_a.pk
    assert_rollup_matches_raw(head)
    services.concern_resolve(
        session=session, actor=head, resolution="Dibicarakan", expected_version=session.version
    )
    assert _summary(client).open_concerns == 0
    assert_rollup_matches_raw(head)


def test_two_unexcused_absences_and_low_engagement_come_from_the_newest_sessions(office_a, office_staff):
    head, officer = office_staff
    client = make_guidance_client(office_a, officer)
    for days, level in ((30, 1), (20, 2), (10, 2)):
        services.session_record(
            client=client,
            actor=officer,
            data={"outcome": "attended", "engagement": level, "scheduled_at": NOW - timedelta(days=days)},
        )
    assert _summary(client).low_engagement is True
    for days in (5, 3):
        services.session_record(
            client=client,
            actor=officer,
            data={"outcome": "unexcused", "scheduled_at": NOW - timedelta(days=days)},
        )
    assert _summary(client).unexcused_twice is True
    services.session_record(
        client=client,
        actor=officer,
        data={"outcome": "attended", "engagement": 4, "scheduled_at": NOW - timedelta(days=1)},
    )
    summary = _summary(client)
    assert (summary.unexcused_twice, summary.low_engagement) == (False, False)
    assert_rollup_matches_raw(head)


def test_rescheduling_and_group_recording_keep_the_summary_current(office_a, office_staff):
    head, officer = office_staff
    a, b = make_guidance_client(office_a, officer), make_guidance_client(office_a, officer)
    pending = GuidanceSessionFactory(client=a, scheduled_at=NOW - timedelta(days=1))
    services.session_reschedule(
        session=pending, actor=officer, new_at=NOW + timedelta(days=3), expected_version=pending.version
    )
    assert _summary(a).last_attended_at is None
    group = services.group_create(
        actor=officer,
        title="Kelompok",
        kind="personality",
        place="office",
        scheduled_at=NOW - timedelta(hours=2),
        participants=[a.pk, b.pk],
    )
    sessions = list(group.sessions.select_related("client"))
    services.group_record(
        group=group,
        actor=officer,
        rows=[(s, {"outcome": "attended", "engagement": 3, "version": s.version}) for s in sessions],
    )
    assert _summary(a).last_attended_at == _summary(b).last_attended_at == group.scheduled_at
    assert_rollup_matches_raw(head)


def test_rebuild_repairs_summaries_that_a_direct_write_left_behind(office_a, office_staff):
    head, officer = office_staff
    client = make_guidance_client(office_a, officer)
    GuidanceSession.objects.create(  # written outside the app's services: the summary is stale
        office=office_a, client=client, scheduled_at=NOW - timedelta(days=2), outcome="attended", concern=True
    )
    assert not ClientGuidanceSummary.objects.filter(client=client).exists()
    assert client_summaries_rebuild() >= 1
    assert _summary(client).open_concerns == 1
    assert_rollup_matches_raw(head)


def test_the_migration_backfill_gives_the_same_summaries_as_the_refresh(office_a, office_staff):
    head, officer = office_staff
    clients = [make_guidance_client(office_a, officer) for _ in range(4)]
    for i, client in enumerate(clients):
        for k in range(i + 2):
            GuidanceSessionFactory(
                client=client,
                scheduled_at=NOW - timedelta(days=3 * k + 1),
                outcome="unexcused" if i == 1 else "attended",
                engagement=None if i == 1 else 1 + (k % 2),
                concern=i == 3,
            )
    fields = [
        "client_id",
        "office_id",
        "last_attended_at",
        "open_concerns",
        "unexcused_twice",
        "low_engagement",
    ]
    expected = list(ClientGuidanceSummary.objects.order_by("client_id").values_list(*fields))
    ClientGuidanceSummary.objects.all().delete()
    import_module("aksalarasa.guidance.migrations.0003_client_guidance_summary").backfill(django_apps, None)
    assert list(ClientGuidanceSummary.objects.order_by("client_id").values_list(*fields)) == expected
    assert (
        any(row[4] for row in expected)
        and any(row[5] for row in expected)
        and any(row[3] for row in expected)
    )


def test_office_overview_pages_flagged_clients_fifty_at_a_time(client, office_a, office_staff):
    head, officer = office_staff
    made = [make_guidance_client(office_a, officer, full_name=f"Klien {i:03d}") for i in range(120)]
    client_summaries_refresh(clients=[c.pk for c in made])  # no sessions: every one has "no contact"
    client.force_login(head)
    first = client.get(reverse("guidance:office"))
    assert first.context["rollup"].flagged_count == 120
    assert [r.full_name for r in first.context["flagged_rows"]][:2] == ["Klien 000", "Klien 001"]
    assert len(first.context["flagged_rows"]) == 50
    assert b"page=2" in first.content
    last = client.get(reverse("guidance:office"), {"page": "3", "flag": "no_contact"})
    assert last.status_code == 200
    assert [r.full_name for r in last.context["flagged_rows"]] == [f"Klien {i:03d}" for i in range(100, 120)]
    assert b"flag=no_contact&amp;page=2" in last.content
    for junk in ("0", "-4", "abc", "99999999999999999999999"):
        assert client.get(reverse("guidance:office"), {"page": junk}).status_code == 200


def test_office_overview_query_count_does_not_grow_with_clients(
    client, office_a, office_staff, django_assert_max_num_queries
):
    head, officer = office_staff
    client.force_login(head)
    client.get(reverse("guidance:office"))  # the first page of a session writes its idle expiry
    made = [make_guidance_client(office_a, officer) for _ in range(5)]
    client_summaries_refresh(clients=[c.pk for c in made])
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("guidance:office"))
    made = [make_guidance_client(office_a, make_user("officer", office_a)) for _ in range(60)]
    client_summaries_refresh(clients=[c.pk for c in made])
    with django_assert_max_num_queries(14) as large:
        client.get(reverse("guidance:office"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_officer_home_shows_the_caseload_at_a_glance_from_the_summaries(client, office_a, office_staff):
    _head, officer = office_staff
    calm = make_guidance_client(office_a, officer, full_name="Tenang Sekali")
    services.session_record(client=calm, actor=officer, data={"outcome": "attended", "engagement": 3})
    drifting = [make_guidance_client(office_a, officer, full_name=f"Menjauh {i}") for i in range(7)]
    client_summaries_refresh(clients=[c.pk for c in drifting])  # no contact at all: flagged
    make_guidance_client(office_a, make_user("officer", office_a), full_name="Bukan Klien Saya")
    client.force_login(officer)
    glance = selectors.caseload_glance(viewer=officer, officer=officer)
    assert (glance["clients"], glance["flagged_count"]) == (8, 7)
    assert [r.full_name for r in glance["flagged"]] == [f"Menjauh {i}" for i in range(5)]
    page = client.get("/").content.decode()
    assert "Menjauh 4" in page and "Menjauh 5" not in page and "Bukan Klien Saya" not in page
