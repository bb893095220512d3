"""The caseload: attendance, flags, ordering, roll-ups, and a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aksalarasa.clients.models import Litmas, Supervision
from aksalarasa.guidance import selectors
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.guidance.summaries import client_summaries_refresh
from tests.factories import GuidanceSessionFactory, make_guidance_client, make_user

NOW = timezone.now()


def past(days: int, **kw) -> dict:
    return {"scheduled_at": NOW - timedelta(days=days), **kw}


@pytest.fixture
def officer(office_a):
    return make_user("officer", office_a, full_name="Putu Uji")


def _rows(officer, **kw):
    return {
        r.client_id: r for r in selectors.caseload_for_officer(viewer=officer, officer=officer, now=NOW, **kw)
    }


def test_attendance_rate_counts_attended_and_late_over_expected_in_90_days(office_a, officer):
    client = make_guidance_client(office_a, officer)
    for days, outcome in [
        (5, "attended"),
        (20, "late"),
        (35, "excused"),
        (50, "unexcused"),
        (65, "not_held"),
    ]:
        GuidanceSessionFactory(
            client=client,
            **past(days, outcome=outcome, engagement=3 if outcome in ("attended", "late") else None),
        )
    GuidanceSessionFactory(client=client, **past(120, outcome="unexcused"))  # outside the window
    GuidanceSessionFactory(client=client, **past(-3))  # upcoming, not expected yet
    row = _rows(officer)[client.pk]
    assert (row.attended, row.expected) == (2, 4)
    assert row.attendance_percent == 50
    assert row.next_contact is not None and row.next_contact > NOW
    assert row.last_contact == NOW - timedelta(days=5)


def test_flags_each_condition_separately(office_a, officer):
    calm = make_guidance_client(office_a, officer, full_name="A Tenang")
    GuidanceSessionFactory(client=calm, **past(3, outcome="attended", engagement=3))

    absent = make_guidance_client(office_a, officer, full_name="B Absen")
    GuidanceSessionFactory(client=absent, **past(10, outcome="attended", engagement=3))
    GuidanceSessionFactory(client=absent, **past(5, outcome="unexcused"))
    GuidanceSessionFactory(client=absent, **past(4, outcome="not_held", not_held_reason="officer"))
    GuidanceSessionFactory(client=absent, **past(2, outcome="unexcused"))

    passive = make_guidance_client(office_a, officer, full_name="C Pasif")
    for days, level in [(40, 4), (20, 2), (10, 1), (3, 2)]:
        GuidanceSessionFactory(client=passive, **past(days, outcome="attended", engagement=level))

    silent = make_guidance_client(office_a, officer, full_name="D Lama")
    GuidanceSessionFactory(client=silent, **past(31, outcome="attended", engagement=3))

    ending = make_guidance_client(office_a, officer, full_name="E Selesai")
    GuidanceSessionFactory(client=ending, **past(1, outcome="attended", engagement=3))
    today = timezone.localdate()
    Supervision.objects.create(
        office=office_a,
        client=ending,
        program_type="pb",
        start=today - timedelta(days=300),
        end=today + timedelta(days=20),
    )
    later = make_guidance_client(office_a, officer, full_name="F Masih Lama")
    GuidanceSessionFactory(client=later, **past(1, outcome="attended", engagement=3))
    Supervision.objects.create(
        office=office_a,
        client=later,
        program_type="pb",
        start=today - timedelta(days=300),
        end=today + timedelta(days=31),
    )

    worried = make_guidance_client(office_a, officer, full_name="G Khawatir")
    GuidanceSessionFactory(
        client=worried, **past(1, outcome="attended", engagement=3, concern=True, concern_text="x")
    )
    resolved = make_guidance_client(office_a, officer, full_name="H Selesai Masalah")
    GuidanceSessionFactory(
        client=resolved,
        **past(1, outcome="attended", engagement=3, concern=True, concern_text="x", concern_resolved_at=NOW),
    )

    rows = _rows(officer)
    assert rows[calm.pk].flags == []
    assert rows[absent.pk].flags == ["unexcused_twice"]  # not_held between the two does not break the run
    assert rows[passive.pk].flags == ["low_engagement"]
    assert rows[silent.pk].flags == ["no_contact"]
    assert rows[ending.pk].flags == ["ending_soon"]
    assert rows[later.pk].flags == []
    assert rows[worried.pk].flags == ["open_concern"]
    assert rows[resolved.pk].flags == []


def test_unexcused_then_attended_is_not_flagged(office_a, officer):
    client = make_guidance_client(office_a, officer)
    GuidanceSessionFactory(client=client, **past(9, outcome="unexcused"))
    GuidanceSessionFactory(client=client, **past(5, outcome="unexcused"))
    GuidanceSessionFactory(client=client, **past(2, outcome="attended", engagement=3))
    assert "unexcused_twice" not in _rows(officer)[client.pk].flags


def test_client_never_seen_is_flagged_no_contact(office_a, officer):
    client = make_guidance_client(office_a, officer)
    assert _rows(officer)[client.pk].flags == ["no_contact"]


def test_flagged_clients_come_first_then_sort_and_filter(office_a, officer):
    a = make_guidance_client(office_a, officer, full_name="Anak Agung Baik")
    GuidanceSessionFactory(client=a, **past(2, outcome="attended", engagement=4))
    z = make_guidance_client(office_a, officer, full_name="Zaenal Dua Bendera")
    GuidanceSessionFactory(client=z, **past(40, outcome="unexcused"))
    GuidanceSessionFactory(client=z, **past(35, outcome="unexcused", concern=True, concern_text="x"))
    m = make_guidance_client(office_a, officer, full_name="Made Satu Bendera")
    GuidanceSessionFactory(client=m, **past(45, outcome="attended", engagement=3))

    order = [r.client_id for r in selectors.caseload_for_officer(viewer=officer, officer=officer, now=NOW)]
    assert order == [z.pk, m.pk, a.pk]
    by_name = [
        r.client_id for r in selectors.caseload_for_officer(viewer=officer, officer=officer, sort="name")
    ]
    assert by_name == [a.pk, m.pk, z.pk]
    only = selectors.caseload_for_officer(viewer=officer, officer=officer, flag="unexcused_twice", now=NOW)
    assert [r.client_id for r in only] == [z.pk]
    by_attendance = selectors.caseload_for_officer(
        viewer=officer, officer=officer, sort="attendance", now=NOW
    )
    assert [r.client_id for r in by_attendance] == [z.pk, a.pk, m.pk]


def test_engagement_trend_lists_last_ten_oldest_first(office_a, officer):
    client = make_guidance_client(office_a, officer)
    levels = [1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 4, 1]
    for i, level in enumerate(levels):
        GuidanceSessionFactory(client=client, **past(100 - i * 7, outcome="attended", engagement=level))
    row = _rows(officer)[client.pk]
    assert row.engagement_trend == levels[-10:]


def _bulk_caseload(office, officer, *, clients: int, sessions: int) -> None:
    from aksalarasa.clients.models import Client

    start = Client.objects.filter(officer=officer).count()

    made = Client.objects.bulk_create(
        [
            Client(
                office=office,
                register_number=f"BULK-{officer.pk}-{start + i:05d}",
                full_name=f"Klien Massal {i}",
                sex="M",
                birth_date="1990-01-01",
                category="adult",
                officer=officer,
            )
            for i in range(clients)
        ]
    )
    outcomes = ["attended", "attended", "late", "excused", "unexcused", "attended"]
    GuidanceSession.objects.bulk_create(
        [
            GuidanceSession(
                office=office,
                client=c,
                officer=officer,
                scheduled_at=NOW - timedelta(days=7 * k + 1),
                outcome=outcomes[(c.pk + k) % len(outcomes)],
                engagement=1 + (c.pk + k) % 4
                if outcomes[(c.pk + k) % len(outcomes)] in ("attended", "late")
                else None,
            )
            for c in made
            for k in range(sessions)
        ]
    )
    client_summaries_refresh(clients=[c.pk for c in made])  # as every bulk writer of the app does


def test_caseload_of_200_clients_with_50_sessions_each_takes_a_bounded_number_of_queries(
    office_a, officer, django_assert_max_num_queries
):
    _bulk_caseload(office_a, officer, clients=200, sessions=50)
    with django_assert_max_num_queries(4):
        rows = selectors.caseload_for_officer(viewer=officer, officer=officer, now=NOW)
    assert len(rows) == 200
    assert all(len(r.engagement_trend) == 10 for r in rows)


def test_office_rollup_query_count_does_not_grow_with_clients(office_a, django_assert_max_num_queries):
    head = make_user("office_head", office_a)
    officers = [make_user("officer", office_a) for _ in range(3)]
    for o in officers:
        _bulk_caseload(office_a, o, clients=30, sessions=2)
    with django_assert_max_num_queries(6) as small:
        selectors.rollup(viewer=head, now=NOW)
    for o in officers:
        _bulk_caseload(office_a, o, clients=300, sessions=2)
    with django_assert_max_num_queries(6) as large:
        data = selectors.rollup(viewer=head, now=NOW)
    assert len(small.captured_queries) == len(large.captured_queries)
    assert data.totals.clients == 990
    assert sum(o.clients for o in data.officers) == 990


def test_section_rollup_per_officer_counts_flags_concerns_and_overdue_litmas(office_a, officer):
    head = make_user("section_head", office_a, section="adult")
    other = make_user("officer", office_a, full_name="Nyoman Uji")
    c1 = make_guidance_client(office_a, officer)
    GuidanceSessionFactory(
        client=c1, **past(2, outcome="attended", engagement=3, concern=True, concern_text="x")
    )
    c2 = make_guidance_client(office_a, officer)
    GuidanceSessionFactory(client=c2, **past(2, outcome="attended", engagement=3))
    c3 = make_guidance_client(office_a, other)
    GuidanceSessionFactory(client=c3, **past(2, outcome="attended", engagement=3))
    child = make_guidance_client(office_a, officer, category="child")  # other section: not counted
    Litmas.objects.create(
        office=office_a,
        client=c2,
        purpose="guidance",
        requested_on=timezone.localdate() - timedelta(days=20),
        due_date=timezone.localdate() - timedelta(days=13),
        officer=officer,
    )
    data = selectors.rollup(viewer=head, section="adult", now=NOW)
    by_officer = {o.officer_id: o for o in data.officers}
    assert (by_officer[officer.pk].clients, by_officer[officer.pk].flagged) == (2, 1)
    assert by_officer[officer.pk].open_concerns == 1
    assert by_officer[officer.pk].overdue_litmas == 1
    assert (by_officer[other.pk].clients, by_officer[other.pk].flagged) == (1, 0)
    assert data.totals.clients == 3
    assert child.pk not in [r.client_id for r in data.flagged_rows]


def test_rollup_names_the_officer_of_clients_whose_officer_is_no_longer_listed(office_a, officer):
    """The roll-up lists the office's active officers; a client still assigned to a deactivated
    officer keeps that officer's name, in the per-officer table and on the flagged page."""
    head = make_user("office_head", office_a)
    gone = make_user("officer", office_a, full_name="Wayan Pensiun")
    client = make_guidance_client(office_a, gone, full_name="K Klien")
    GuidanceSessionFactory(
        client=client, **past(2, outcome="attended", engagement=3, concern=True, concern_text="x")
    )
    listed = make_guidance_client(office_a, officer, full_name="L Klien")
    GuidanceSessionFactory(
        client=listed, **past(2, outcome="attended", engagement=3, concern=True, concern_text="x")
    )
    client_summaries_refresh(clients=[client.pk, listed.pk])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    data = selectors.rollup(viewer=head, now=NOW)
    assert {o.officer_id: o.name for o in data.officers}[gone.pk] == "Wayan Pensiun"
    names = {r.client_id: r.officer_name for r in data.flagged_rows}
    assert names == {client.pk: "Wayan Pensiun", listed.pk: officer.full_name}


def test_ending_soon_reads_the_earliest_active_period_in_the_rollup_as_on_the_caseload(office_a, officer):
    """Two supervision periods: "ending soon" holds when the earliest *active* end is within 30
    days, the same rule on the officer's caseload (raw sessions) and in the roll-up (summaries)."""
    head = make_user("office_head", office_a)
    today = timezone.localdate()
    cases = {
        "overdue_first": [(-3, "active"), (10, "active")],  # earliest active end passed: not soon
        "completed_soon": [(40, "active"), (10, "completed")],  # the soon one is not active
        "second_soon": [(40, "active"), (10, "active")],  # earliest active end in 10 days: soon
    }
    made = {}
    for name, periods in cases.items():
        client = make_guidance_client(office_a, officer, full_name=name)
        GuidanceSessionFactory(client=client, **past(2, outcome="attended", engagement=3))
        for k, (ends_in, status) in enumerate(periods):
            Supervision.objects.create(
                office=office_a,
                client=client,
                program_type=("pb", "cb")[k],
                start=today - timedelta(days=200),
                end=today + timedelta(days=ends_in),
                status=status,
            )
        made[name] = client.pk
    client_summaries_refresh(clients=list(made.values()))
    expected = {made["second_soon"]}
    assert {pk for pk, row in _rows(officer).items() if "ending_soon" in row.flags} == expected
    rollup = selectors.rollup(viewer=head, now=NOW)
    assert {r.client_id for r in rollup.flagged_rows if "ending_soon" in r.flags} == expected
    assert rollup.totals.flag_counts.get("ending_soon") == 1
