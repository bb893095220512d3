"""Dashboards: the office's own figures, and aggregates for regional/national viewers with small cells hidden."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aksalarasa.dashboards.selectors import aggregate_dashboard, office_dashboard
from aksalarasa.dashboards.services import summaries_refresh
from tests.factories import GuidanceSessionFactory, OfficeFactory, SupervisionFactory, make_client, make_user

pytestmark = pytest.mark.django_db


def _clients(office, n: int, *, child: bool = False, sessions: tuple[str, ...] = ()):
    officer = make_user("officer", office)
    made = []
    for _ in range(n):
        client = make_client(office, officer, child=child)
        SupervisionFactory(client=client, program_type="diversion" if child else "pb")
        for i, outcome in enumerate(sessions):
            GuidanceSessionFactory(
                client=client,
                outcome=outcome,
                engagement=2 if outcome in ("attended", "late") else None,
                scheduled_at=timezone.now() - timedelta(days=10 + i),
            )
        made.append(client)
    return made


@pytest.mark.parametrize("refreshed", [False, True], ids=["live", "summaries"])
def test_office_dashboard_counts_own_office_only(office_a, office_b, refreshed):
    _clients(office_a, 6, sessions=("attended", "unexcused"))
    _clients(office_a, 2, child=True)
    _clients(office_b, 9, sessions=("attended",))
    head = make_user("office_head", office_a)
    if refreshed:
        summaries_refresh()
    data = office_dashboard(viewer=head)
    assert data.active_clients == 8
    assert data.by_category == {"adult": 6, "child": 2}
    assert data.expected == 12
    assert data.attendance == 50.0
    assert data.engagement == 2.0
    assert (data.as_of is not None) == refreshed


@pytest.mark.parametrize("refreshed", [False, True], ids=["live", "summaries"])
def test_aggregates_hide_small_cells_and_the_cell_that_would_reveal_them(office_a, office_b, refreshed):
    _clients(office_a, 7)
    _clients(office_a, 2, child=True)  # 2 children: hidden, and so is the adults count (9 - 7 would reveal 2)
    _clients(office_b, 12, sessions=("attended", "attended", "excused"))
    national = make_user("national")
    if refreshed:
        summaries_refresh()
    data = aggregate_dashboard(viewer=national)
    by_office = {row.office.pk: row for row in data.rows}
    a, b = by_office[office_a.pk], by_office[office_b.pk]
    assert a.clients == 9
    assert a.children is None and a.adults is None
    assert a.attendance is None  # no session behind it
    assert (b.clients, b.adults, b.children) == (12, 12, 0)
    assert b.attendance == round(100 * 24 / 36, 1)
    assert b.engagement == 2.0  # 24 rated sessions, each 2
    assert data.total.clients == 21


def test_regional_viewer_sees_only_the_offices_of_the_region(office_a, office_b):
    regional = make_user("regional", office_a)
    rows = aggregate_dashboard(viewer=regional).rows
    assert {row.office.pk for row in rows} == {office_a.pk}


@pytest.mark.parametrize(
    "role,office_page,aggregate_page",
    [
        ("office_head", 200, 404),
        ("section_head", 200, 404),
        ("admin", 200, 404),
        ("officer", 404, 404),
        ("program_team", 404, 404),
        ("partner_staff", 404, 404),
        ("national", 404, 200),
        ("regional", 404, 200),
    ],
)
def test_who_reaches_which_dashboard(client, office_a, role, office_page, aggregate_page):
    client.force_login(make_user(role, office_a))
    assert client.get("/dashboards/office/").status_code == office_page
    assert client.get("/dashboards/aggregates/").status_code == aggregate_page


def test_aggregate_page_and_xlsx_show_suppressed_cells_as_hidden(client, office_a):
    _clients(office_a, 3)
    client.force_login(make_user("national"))
    page = client.get("/dashboards/aggregates/").content.decode()
    assert "<td>disembunyikan</td>" in page
    assert "I Wayan Klien" not in page  # no client name ever
    response = client.get("/dashboards/aggregates/?format=xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert office_a.name in values
    assert "disembunyikan" in values


def test_office_dashboard_xlsx_reads_back(client, office_a):
    _clients(office_a, 6, sessions=("attended",))
    client.force_login(make_user("office_head", office_a))
    response = client.get("/dashboards/office/?format=xlsx")
    book = load_workbook(BytesIO(response.content))
    rows = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows(min_row=2)]
    assert rows[0][1] == office_a.name
    assert rows[1][1] == 6  # active clients
    assert len(book.worksheets) == 2


def test_aggregate_dashboard_uses_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(6):
        office = OfficeFactory()
        _clients(office, 5, sessions=("attended",))
    national = make_user("national")
    with django_assert_max_num_queries(10):
        aggregate_dashboard(viewer=national)


@pytest.mark.parametrize(
    "role,link", [("national", "/dashboards/aggregates/"), ("office_head", "/dashboards/office/")]
)
def test_home_page_leads_to_the_dashboard(client, office_a, role, link):
    client.force_login(make_user(role, office_a))
    assert f'href="{link}"' in client.get("/").content.decode()
