"""Complementary small-cell suppression: no hidden cell of any aggregate table can be worked out by
subtraction (a printed total minus the visible cells, along rows and columns, repeated).

The data is shaped like the case that was reported: Denpasar 46 adults + 4 children = 50 clients.
Every table beyond the office is attacked as printed: the aggregate dashboard (page and XLSX), the
client counts page, and the referral counts API.
"""

from __future__ import annotations

import random
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aksalarasa.clients.models import Client, Supervision
from aksalarasa.core.suppression import suppress_table
from aksalarasa.partners.models import Referral, Status
from tests.factories import OfficeFactory, PartnerServiceFactory, SupervisionFactory, make_client, make_user

HIDDEN_WORDS = {"hidden", "disembunyikan"}
Cell = int | None


def solve_grid(grid: dict[tuple[int, int], Cell], lines: list[tuple[tuple[int, int], list[tuple[int, int]]]]):
    """Repeated subtraction over a grid of printed cells (None = hidden). Returns the cells it
    worked out: {position: value}."""
    known = dict(grid)
    solved: dict[tuple[int, int], int] = {}
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            unknown = [p for p in (total, *parts) if known[p] is None]
            if len(unknown) != 1:
                continue
            (u,) = unknown
            if u == total:
                value = sum(known[p] or 0 for p in parts)
            else:
                value = (known[total] or 0) - sum(known[p] or 0 for p in parts if p != u)
            known[u] = solved[u] = value
            changed = True
    return solved


def _number(text: str) -> Cell:
    text = text.strip().replace("%", "").strip()
    if text.lower() in HIDDEN_WORDS:
        return None
    return int(text.replace(".", "").replace(",", ""))


class _Table(HTMLParser):
    """The text of each row's cells of the table with the given id."""

    def __init__(self, table_id: str | None = None, table_class: str | None = None):
        super().__init__()
        self.want_id, self.want_class = table_id, table_class
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and (
            (self.want_id and a.get("id") == self.want_id)
            or (self.want_class and self.want_class in (a.get("class") or ""))
        ):
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _table(html: str, **which) -> list[list[str]]:
    parser = _Table(**which)
    parser.feed(html)
    return parser.rows


def _attack_aggregate(rows: list[list[Cell]], clients: int, children: int, adults: int, counts: list[int]):
    """Rows: offices then the total row last; columns by index. Lines: clients = children + adults
    in each row; each count column sums to the total row."""
    grid = {(i, j): v for i, row in enumerate(rows) for j, v in enumerate(row)}
    last = len(rows) - 1
    lines = [((i, clients), [(i, children), (i, adults)]) for i in range(len(rows))]
    lines += [((last, j), [(i, j) for i in range(last)]) for j in counts]
    return solve_grid(grid, lines)


# --- the function on its own -------------------------------------------------------------------------


def test_the_reported_case_hides_a_second_cell():
    cells = {"total": 50, "adults": 46, "children": 4}
    shown = suppress_table(cells, [("total", ["adults", "children"])])
    assert shown == {"total": 50, "adults": None, "children": None}
    # Without a printed total there is nothing to subtract from: only the small cell goes.
    assert suppress_table(cells) == {"total": 50, "adults": 46, "children": None}


def test_random_tables_never_give_a_hidden_cell_away():
    rng = random.Random(17)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 5)
        inner = {
            (i, j): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20, 46])
            for i in range(n_rows)
            for j in range(n_cols)
        }
        cells = dict(inner)
        for i in range(n_rows):  # row totals in column n_cols
            cells[(i, n_cols)] = sum(inner[(i, j)] for j in range(n_cols))
        for j in range(n_cols + 1):  # column totals in row n_rows (with the grand total)
            cells[(n_rows, j)] = sum(cells[(i, j)] for i in range(n_rows))
        lines = [((i, n_cols), [(i, j) for j in range(n_cols)]) for i in range(n_rows + 1)]
        lines += [((n_rows, j), [(i, j) for i in range(n_rows)]) for j in range(n_cols + 1)]
        shown = suppress_table(cells, lines)
        assert all(shown[k] is None for k, n in cells.items() if 0 < n < 5)
        assert solve_grid(shown, lines) == {}, (cells, shown)
        assert all(shown[k] == n for k, n in cells.items() if shown[k] is not None)


def test_the_attacker_does_recover_a_cell_that_only_primary_suppression_hides():
    """The test's attacker works: on primary suppression alone it recovers the 4 children."""
    grid = {(0, 0): 50, (0, 1): None, (0, 2): 46}
    assert solve_grid(grid, [((0, 0), [(0, 1), (0, 2)])]) == {(0, 1): 4}


# --- every table as printed ----------------------------------------------------------------------------


def _clients(office, n: int, *, child: bool = False, program: str | None = None):
    officer = make_user("officer", office)
    for _ in range(n):
        client = make_client(office, officer, child=child)
        SupervisionFactory(client=client, program_type=program or ("diversion" if child else "pb"))


@pytest.fixture
def bali(db):
    denpasar = OfficeFactory(name="Bapas Denpasar")
    region = denpasar.regional_office
    singaraja = OfficeFactory(name="Bapas Singaraja", regional_office=region)
    tabanan = OfficeFactory(name="Bapas Tabanan", regional_office=region)
    _clients(denpasar, 46)
    _clients(denpasar, 4, child=True)
    _clients(singaraja, 7)
    _clients(tabanan, 12, program="pa")
    _clients(tabanan, 6, child=True)
    return {"offices": [denpasar, singaraja, tabanan], "region": region}


@pytest.mark.parametrize("role", ["national", "regional"])
def test_aggregate_dashboard_page_and_xlsx_give_no_hidden_cell_away(client, bali, role):
    client.force_login(make_user(role, bali["offices"][0]))
    html = client.get(reverse("dashboards:aggregate")).content.decode()
    rows = _table(html, table_id="aggregate-table")[1:]  # the header row off
    assert [r[0] for r in rows[:-1]] == ["Bapas Denpasar", "Bapas Singaraja", "Bapas Tabanan"]
    # Office | clients | children | adults | attendance | engagement | referrals | programs | check-ins | responses
    grid = [[_number(v) if j not in (0, 4, 5) else 0 for j, v in enumerate(r)] for r in rows]
    assert grid[0][2] is None  # Denpasar's 4 children are hidden ...
    assert grid[-1][1] == 75  # ... and the total is printed
    assert _attack_aggregate(grid, 1, 2, 3, [1, 2, 3, 6, 7, 8, 9]) == {}

    book = load_workbook(BytesIO(client.get(reverse("dashboards:aggregate") + "?format=xlsx").content))
    sheet = [[c.value for c in r] for r in book.worksheets[0].iter_rows(min_row=2)]
    sheet = [r for r in sheet if r[0] and r[0] != "Angka per" and len(r) > 3 and r[2] is not None]
    # Office | region | clients | children | adults | expected | attendance | engagement | referrals
    # | programs | events | check-ins | responses
    xgrid = [
        [None if v in HIDDEN_WORDS else (0 if j in (0, 1, 6, 7) else v) for j, v in enumerate(r)]
        for r in sheet
    ]
    assert len(xgrid) == 4
    assert xgrid[0][3] is None and xgrid[-1][2] == 75
    assert _attack_aggregate(xgrid, 2, 3, 4, [2, 3, 4, 5, 8, 9, 10, 11, 12]) == {}


def test_client_counts_page_gives_no_hidden_cell_away(client, bali):
    client.force_login(make_user("national"))
    html = client.get(reverse("clients:counts")).content.decode()
    rows = [
        r for r in _table(html, table_class="counts-table")[1:] if r[0] in ("Bapas Denpasar", "Bapas Tabanan")
    ]
    n_cat, n_prog = len(Client.Category.values), len(Supervision.ProgramType.values)
    grid = {(i, j): _number(v) for i, r in enumerate(rows) for j, v in enumerate(r) if j > 0}
    lines = []
    for i in range(len(rows)):
        lines.append(((i, 1), [(i, 2 + k) for k in range(n_cat)]))
        lines.append(((i, 1), [(i, 2 + n_cat + k) for k in range(n_prog)]))
    assert grid[(0, 1)] == 50 and None in [grid[(0, 2 + k)] for k in range(n_cat)]
    assert solve_grid(grid, lines) == {}


def test_referral_counts_api_hides_small_cells(client, bali):
    denpasar = bali["offices"][0]
    service = PartnerServiceFactory(partner__office=denpasar)
    head = make_user("office_head", denpasar)
    for i in range(9):
        Referral.objects.create(
            office=denpasar,
            client=make_client(denpasar),
            service=service,
            partner=service.partner,
            referred_by=head,
            reason="Pelatihan kerja",
            status=Status.SENT if i < 3 else Status.ACCEPTED,
        )
    client.force_login(make_user("national"))
    rows = client.get("/api/v1/referrals/counts").json()
    (row,) = [r for r in rows if r["office"] == "Bapas Denpasar"]
    assert row["counts"] == {Status.SENT: None, Status.ACCEPTED: 6}  # no total printed beside them


# --- community-sentence figures: three nested tables (office > partner > site) -------------------

from tests.test_sentence_dashboard import sentences_world  # noqa: E402,F401  (the fixture)


@pytest.mark.parametrize("role", ["national", "regional"])
def test_sentence_figures_give_no_hidden_cell_away_within_or_across_tables(client, sentences_world, role):  # noqa: F811
    """Rows: each row's orders = active + completed + in breach; columns: every table's total row is
    the sum of its rows; nesting: an office is the sum of its partners and of its sites, a partner
    the sum of its sites; hours ordered and done add up the same way. Nothing can be worked out."""
    client.force_login(make_user(role, sentences_world["denpasar"]))
    html = client.get(reverse("dashboards:sentences")).content.decode()
    offices = _table(html, table_id="sentence-offices")[1:]
    partners = _table(html, table_id="sentence-partners")[1:]
    sites = _table(html, table_id="sentence-sites")[1:]
    # Numeric columns: active, completed, breach, orders, hours ordered, hours done.
    grid: dict = {}
    office_keys, partner_keys, site_keys = [], [], []
    partner_of: dict = {}
    for r in offices[:-1]:
        office_keys.append(("o", r[0]))
    for r in partners[:-1]:
        partner_keys.append(("p", r[0], r[1]))
    for r in sites[:-1]:
        key = ("s", r[0], r[1])
        site_keys.append(key)
        partner_of[key] = ("p", r[2] or r[0], r[1])  # the "not placed" row is its own partner row
    for table, first in ((offices, 1), (partners, 2), (sites, 3)):
        for r in table:
            key = (
                ("total",)
                if r is table[-1]
                else (
                    ("o", r[0])
                    if table is offices
                    else ("p", r[0], r[1])
                    if table is partners
                    else ("s", r[0], r[1])
                )
            )
            for j in range(6):
                grid[(key, j, id(table))] = _number(r[first + j])
    assert grid[(("s", "Pura Desa", "Bapas Denpasar"), 0, id(sites))] is None  # 3 orders: hidden
    assert grid[(("total",), 3, id(sites))] == (51 if role == "national" else 46)  # exact totals
    lines = []
    for (key, j, t), _v in list(grid.items()):
        if j == 3:
            lines.append(((key, 3, t), [(key, k, t) for k in (0, 1, 2)]))
    for j in range(6):
        for keys, table in ((office_keys, offices), (partner_keys, partners), (site_keys, sites)):
            lines.append(((("total",), j, id(table)), [(k, j, id(table)) for k in keys]))
        for o in office_keys:
            lines.append(((o, j, id(offices)), [(p, j, id(partners)) for p in partner_keys if p[2] == o[1]]))
            lines.append(((o, j, id(offices)), [(s, j, id(sites)) for s in site_keys if s[2] == o[1]]))
        for p in partner_keys:
            lines.append(((p, j, id(partners)), [(s, j, id(sites)) for s in site_keys if partner_of[s] == p]))
        # The three total rows print the same totals.
        lines.append(((("total",), j, id(offices)), [(("total",), j, id(sites))]))
    assert {partner_of[s] for s in site_keys} <= set(partner_keys)
    assert solve_grid(grid, lines) == {}
