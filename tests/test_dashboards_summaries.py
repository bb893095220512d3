"""Dashboard summaries: the figures read from them are exactly the raw aggregates at the refresh."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from aksalarasa.clients.models import Client
from aksalarasa.dashboards.models import MonthSummary, SummaryState
from aksalarasa.dashboards.selectors import (
    WINDOW_DAYS,
    aggregate_dashboard,
    figures_from_summaries,
    figures_raw,
    office_dashboard,
)
from aksalarasa.dashboards.services import summaries_refresh
from aksalarasa.events.models import CheckIn
from aksalarasa.evidence import services as evidence_services
from aksalarasa.evidence.models import InstrumentVersion, Response
from aksalarasa.guidance.models import GuidanceSession, Outcome
from aksalarasa.offices.models import Office
from aksalarasa.programs.models import Stage
from tests.factories import (
    EventFactory,
    GuidanceSessionFactory,
    OfficeFactory,
    RegistrationFactory,
    SupervisionFactory,
    make_client,
    make_partner_world,
    make_program,
    make_user,
)

pytestmark = pytest.mark.django_db
ZONES = ["UTC", *Office.Zone.values]


def _same_figures_at_the_refresh(viewer) -> SummaryState:
    """Refresh, then compare the summaries with the raw aggregates at the refresh, in every zone."""
    state = summaries_refresh()
    assert state is not None and set(ZONES) <= set(state.zones)
    ids = list(Office.objects.values_list("pk", flat=True))
    for zone in state.zones:
        raw = figures_raw(ids, now=state.as_of, zone=zoneinfo.ZoneInfo(zone))
        summary = figures_from_summaries(ids, viewer=viewer, zone_name=zone)
        assert summary is not None
        assert summary.offices == raw.offices, zone
        assert summary.months == raw.months, zone
    return state


def _month_edges(now: datetime) -> list[datetime]:
    """Midnights of the first day of the last 8 months in every zone: where bucketing can go wrong."""
    edges = []
    for zone in ZONES:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        year, month = local.year, local.month
        for _ in range(8):
            edges.append(
                local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
            )
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return edges


CLIENT = st.tuples(
    st.integers(0, 2),  # office
    st.booleans(),  # child
    st.sampled_from(["active", "active", "completed"]),  # supervision status
    st.booleans(),  # anonymised
    st.sampled_from(["pb", "cb", "diversion", "other"]),  # program type
    st.booleans(),  # a second active supervision (a client counts once)
)
SESSION = st.tuples(
    st.integers(0, 30),  # client
    st.one_of(
        st.tuples(st.just("edge"), st.integers(0, 8 * len(ZONES) - 1), st.integers(-150, 150)),  # minutes
        st.tuples(st.just("window"), st.just(0), st.integers(-600, 600)),  # minutes around now - 90 days
        st.tuples(st.just("any"), st.just(0), st.integers(-250 * 24, 3 * 24)),  # hours from now
    ),
    st.sampled_from(list(Outcome.values) + [""]),
    st.one_of(st.none(), st.integers(1, 4)),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    zones=st.lists(st.sampled_from(list(Office.Zone.values)), min_size=1, max_size=3),
    clients=st.lists(CLIENT, max_size=12),
    sessions=st.lists(SESSION, max_size=40),
)
def test_summaries_give_the_raw_figures_on_random_data(db, zones, clients, sessions):
    """Active clients by category and program, sessions of the last 90 days and by month in every
    zone (sessions on the month and window edges included): the same numbers from both sources."""
    offices = [OfficeFactory(time_zone=zone) for zone in zones]
    officer = make_user("officer", offices[0])
    made = []
    for office_index, child, status, anonymised, program_type, second in clients:
        office = offices[office_index % len(offices)]
        client = make_client(office, officer, child=child)
        SupervisionFactory(client=client, status=status, program_type=program_type)
        if second:
            SupervisionFactory(
                client=client, program_type="cmb", start=client.created_at.date() - timedelta(days=9)
            )
        if anonymised:
            Client.objects.filter(pk=client.pk).update(anonymised_at=timezone.now())
        made.append(client)
    now = timezone.now()
    edges = _month_edges(now)
    rows = []
    for client_index, (kind, edge, shift), outcome, engagement in sessions:
        if not made:
            break
        client = made[client_index % len(made)]
        if kind == "edge":
            at = edges[edge] + timedelta(minutes=shift)
        elif kind == "window":
            at = now - timedelta(days=WINDOW_DAYS) + timedelta(minutes=shift)
        else:
            at = now + timedelta(hours=shift)
        rows.append(
            GuidanceSession(
                office=client.office,
                client=client,
                officer=officer,
                scheduled_at=at,
                outcome=outcome,
                engagement=engagement if outcome in ("attended", "late") else None,
            )
        )
    GuidanceSession.objects.bulk_create(rows)
    _same_figures_at_the_refresh(make_user("national"))


def test_summaries_give_the_raw_referral_program_event_and_response_counts(office_a, office_b):
    world = make_partner_world(office_a, office_b)
    head = world["office_head"]
    for stage in (Stage.INITIATION, Stage.PLANNING, Stage.PLANNING):
        make_program(office_a, stage=stage, created_by=head)
    program = make_program(office_b, created_by=make_user("office_head", office_b))
    event = EventFactory(office=office_a)
    for _ in range(3):
        CheckIn.objects.create(event=event, registration=RegistrationFactory(event=event), by=head)
    RegistrationFactory(event=event)  # registered, not checked in
    evidence_services.instruments_install_defaults()
    administration = evidence_services.administration_create(
        actor=head,
        program=event.program,
        instrument_version=InstrumentVersion.objects.get(instrument__key="resident-attitude", number=1),
        group="resident",
        point="before",
        event=event,
    )
    for n in range(2):
        Response.objects.create(
            office=office_a, administration=administration, channel="paper", code_hash=f"{n:064d}"
        )
    assert program.office == office_b
    state = _same_figures_at_the_refresh(world["national"])
    summary = figures_from_summaries([office_a.pk], viewer=world["national"], zone_name=state.zones[0])
    a = summary.offices[office_a.pk]
    assert (a.programs, a.stages.get("planning"), a.events, a.checked_in, a.responses) == (4, 2, 1, 3, 2)
    assert a.open_referrals == 3  # r_sent, r_child, r_p2 (r_draft is not open)


def test_dashboards_read_the_summaries_and_say_how_fresh_they_are(client, office_a):
    officer = make_user("officer", office_a)
    for _ in range(6):
        patient = make_client(office_a, officer)
        SupervisionFactory(client=patient)
        GuidanceSessionFactory(client=patient, outcome="attended", engagement=3, scheduled_at=timezone.now())
    head = make_user("office_head", office_a)
    national = make_user("national")
    summaries_refresh()
    late = make_client(office_a, officer)  # after the refresh: not in the figures until the next one
    SupervisionFactory(client=late)
    assert office_dashboard(viewer=head).active_clients == 6
    client.force_login(head)
    page = client.get("/dashboards/office/").content.decode()
    assert 'id="figures-as-of"' in page
    assert 'id="stat-clients">6<' in page
    client.force_login(national)
    assert 'id="figures-as-of"' in client.get("/dashboards/aggregates/").content.decode()
    call_command("refresh_summaries", "--quiet")
    assert office_dashboard(viewer=head).active_clients == 7
    assert aggregate_dashboard(viewer=national).total.clients == 7


def test_live_figures_say_nothing_about_freshness(client, office_a):
    client.force_login(make_user("office_head", office_a))
    assert 'id="figures-as-of"' not in client.get("/dashboards/office/").content.decode()


def test_xlsx_exports_carry_the_summaries_time(client, office_a):
    summaries_refresh()
    client.force_login(make_user("national"))
    book = load_workbook(BytesIO(client.get("/dashboards/aggregates/?format=xlsx").content))
    last = [cell.value for cell in list(book.worksheets[0].iter_rows())[-1]]
    assert last[0] == "Angka per"  # Indonesian: "Figures as of"
    as_of = SummaryState.objects.get().as_of.astimezone(zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert last[1].endswith(f" {as_of:%H.%M} WIB")  # in words, with the zone: "4 Desember 2026 12.22 WIB"
    assert str(as_of.year) in last[1]


def test_summary_dashboards_use_a_handful_of_queries(django_assert_max_num_queries):
    for _ in range(6):
        office = OfficeFactory()
        patient = make_client(office, make_user("officer", office))
        SupervisionFactory(client=patient)
        GuidanceSessionFactory(client=patient, outcome="attended", scheduled_at=timezone.now())
    summaries_refresh()
    national = make_user("national")
    with django_assert_max_num_queries(4):
        aggregate_dashboard(viewer=national)
    head = make_user("office_head", office)
    with django_assert_max_num_queries(6):
        office_dashboard(viewer=head)


def test_a_zone_without_summaries_falls_back_to_the_raw_figures(office_a):
    summaries_refresh()
    officer = make_user("officer", office_a)
    patient = make_client(office_a, officer)
    SupervisionFactory(client=patient)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        data = aggregate_dashboard(viewer=make_user("national"))
    assert data.as_of is None
    assert data.total.clients is None  # 1 client, live: a small cell


def test_refresh_replaces_the_previous_summaries(office_a):
    officer = make_user("officer", office_a)
    patient = make_client(office_a, officer)
    GuidanceSessionFactory(
        client=patient, outcome="attended", scheduled_at=datetime.now(UTC) - timedelta(days=3)
    )
    summaries_refresh()
    first = MonthSummary.objects.count()
    summaries_refresh()
    assert MonthSummary.objects.count() == first > 0
    assert SummaryState.objects.count() == 1
