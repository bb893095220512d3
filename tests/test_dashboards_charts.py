"""The dashboards' charts (office, Kanwil, national): server-drawn SVG with the numbers of a known
fixture, the same numbers in the table beside each chart and in its CSV, small cells neither drawn
nor recoverable by subtraction, and every label inside the picture."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from aksalarasa.evidence import charts
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Referral, Status
from aksalarasa.programs.models import Program, Stage
from tests.factories import (
    GuidanceSessionFactory,
    OfficeFactory,
    PartnerServiceFactory,
    SupervisionFactory,
    make_client,
    make_program,
    make_user,
)
from tests.test_suppression import solve_grid

pytestmark = pytest.mark.django_db

HIDDEN = "disembunyikan"
REFERRALS = {  # office A's referrals by status
    Status.DRAFT: 1,
    Status.SENT: 3,
    Status.DECLINED: 1,
    Status.ACCEPTED: 2,
    Status.IN_PROGRESS: 2,
    Status.DROPPED_OUT: 1,
    Status.COMPLETED: 2,
    Status.CANCELLED: 1,
}
STAGES = {Stage.INITIATION: 6, Stage.ASSESSMENT: 2, Stage.TERMINATION: 5}  # office A's programs


@dataclass
class ChartWorld:
    office_a: Office
    office_b: Office
    months: list[datetime]  # two whole months before this one: [earlier, later]


def _month_start(months_back: int, zone: ZoneInfo) -> datetime:
    local = timezone.localtime(timezone.now(), zone).date().replace(day=1)
    for _ in range(months_back):
        local = (local - timedelta(days=1)).replace(day=1)
    return datetime.combine(local, time(10), tzinfo=zone)


def chart_world() -> ChartWorld:
    """Office A: 10 clients; two months ago each attended once (engagement 2), last month each
    attended once (engagement 3) and missed once; the referrals of REFERRALS and the programs of
    STAGES. Office B (another Kanwil): 3 clients who attended once last month (engagement 4)."""
    office_a = OfficeFactory(name="Bapas Uji Alpha")
    office_b = OfficeFactory(name="Bapas Uji Beta")
    zone = ZoneInfo(str(office_a.time_zone))
    earlier, later = _month_start(2, zone) + timedelta(days=14), _month_start(1, zone) + timedelta(days=14)
    officer = make_user("officer", office_a)
    clients = []
    for _ in range(10):
        client = make_client(office_a, officer)
        SupervisionFactory(client=client, program_type="pb")
        GuidanceSessionFactory(client=client, outcome="attended", engagement=2, scheduled_at=earlier)
        GuidanceSessionFactory(client=client, outcome="attended", engagement=3, scheduled_at=later)
        GuidanceSessionFactory(client=client, outcome="unexcused", engagement=None, scheduled_at=later)
        clients.append(client)
    officer_b = make_user("officer", office_b)
    for _ in range(3):
        client = make_client(office_b, officer_b)
        SupervisionFactory(client=client, program_type="pb")
        GuidanceSessionFactory(client=client, outcome="attended", engagement=4, scheduled_at=later)
    service = PartnerServiceFactory(partner__office=office_a)
    head = make_user("office_head", office_a, username="kepala.alpha")
    n = 0
    for status, count in REFERRALS.items():
        for _ in range(count):
            Referral.objects.create(
                office=office_a,
                client=clients[n % len(clients)],
                service=service,
                partner=service.partner,
                referred_by=head,
                reason="Pelatihan kerja",
                status=status,
            )
            n += 1
    for stage, count in STAGES.items():
        for _ in range(count):
            Program.objects.filter(pk=make_program(office_a, created_by=head).pk).update(stage=stage)
    return ChartWorld(office_a, office_b, [earlier, later])


# --- reading a page back ---------------------------------------------------------------------------
class _ChartTables(HTMLParser):
    """Each chart table's rows (id chart-table-<key>): [label, value] as printed."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._key: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and (a.get("id") or "").startswith("chart-table-"):
            self._key = a["id"].removeprefix("chart-table-")
            self.tables[self._key] = []
        elif self._key and tag == "tr":
            self.tables[self._key].append([])
        elif self._key and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._key = None
        elif self._key and tag in ("td", "th") and self._cell is not None:
            self.tables[self._key][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[tuple[str, str]]]:
    parser = _ChartTables()
    parser.feed(html)
    return {key: [(r[0], r[1]) for r in rows[1:]] for key, rows in parser.tables.items()}


def svgs(html: str) -> dict[str, str]:
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<svg[^>]*class="chart chart-(\w+)".*?</svg>', html, re.S)
    }


def desc(svg: str) -> str:
    return re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)


def bars_drawn(svg: str) -> int:
    return svg.count("<rect")


def month_names(world: ChartWorld) -> list[str]:
    with translation.override("id"):
        return [formats.date_format(timezone.localtime(m).date(), "YEAR_MONTH_FORMAT") for m in world.months]


def _page(client, user, name: str) -> str:
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


# --- the office's own dashboard: whole figures -----------------------------------------------------
def test_the_office_charts_draw_the_office_figures_and_list_them_in_a_table_and_a_csv(client):
    world = chart_world()
    head = make_user("office_head", world.office_a)
    html = _page(client, head, "dashboards:office")
    earlier, later = month_names(world)
    shown = tables(html)
    assert shown["attendance"] == [(earlier, "100,0 %"), (later, "50,0 %")]
    assert shown["engagement"] == [(earlier, "2,00"), (later, "3,00")]
    # sent: everything past draft but cancelled (3+1+2+2+1+2); accepted: 2+2+1+2; completed: 2
    assert shown["funnel"] == [("Dikirim ke mitra", "11"), ("Diterima mitra", "7"), ("Selesai", "2")]
    assert shown["stages"] == [
        ("1. Inisiasi sosial", "6"),
        ("2. Pengorganisasian sosial", "0"),
        ("3. Asesmen sosial (MPA)", "2"),
        ("4. Perencanaan sosial (TOP)", "0"),
        ("5. Intervensi", "0"),
        ("6. Evaluasi", "0"),
        ("7. Terminasi dan rujukan", "5"),
    ]
    drawn = svgs(html)
    assert set(drawn) == {"attendance", "engagement", "funnel", "stages"}
    for key, rows in shown.items():  # the picture says the same numbers to a screen reader
        assert desc(drawn[key]) == "; ".join(f"{label}: {value}" for label, value in rows), key
        assert 'role="img"' in drawn[key] and "<title" in drawn[key]
    assert bars_drawn(drawn["funnel"]) == 3 and bars_drawn(drawn["stages"]) == 3  # no bar for a 0
    assert '<polyline points="' in drawn["attendance"] and drawn["attendance"].count("<rect") == 2
    for key, rows in shown.items():
        response = client.get(reverse("dashboards:office"), {"format": "csv", "chart": key})
        assert response["Content-Type"].startswith("text/csv")
        read = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(label, float(value)) for label, value in read[1:]] == [
            (label, float(value.replace(" %", "").replace(",", "."))) for label, value in rows
        ]
    assert client.get(reverse("dashboards:office"), {"format": "csv", "chart": "nope"}).status_code == 404


# --- Kanwil and national: small cells hidden, not drawn, not recoverable ---------------------------
def _aggregate_programs_total(html: str) -> int | None:
    from tests.test_suppression import _number, _table

    rows = _table(html, table_id="aggregate-table")
    return _number(rows[-1][7])  # the total row's programs


@pytest.mark.parametrize("role", ["national", "regional"])
def test_the_aggregate_charts_hide_small_cells_draw_none_of_them_and_give_none_away(client, role):
    world = chart_world()
    viewer = make_user(role, world.office_a)
    html = _page(client, viewer, "dashboards:aggregate")
    shown = tables(html)
    drawn = svgs(html)
    earlier, later = month_names(world)
    if role == "national":  # both offices: last month 13 of 23 attended, engagement (30 + 12) / 13
        assert shown["attendance"] == [(earlier, "100,0 %"), (later, "56,5 %")]
        assert shown["engagement"] == [(earlier, "2,00"), (later, "3,23")]
    else:  # the Kanwil of office A sees office A only
        assert shown["attendance"] == [(earlier, "100,0 %"), (later, "50,0 %")]
    # Funnel parts: 4 stopped at sent, 5 at accepted, 2 completed: the 4 and the 2 are small, so
    # "completed" is hidden and so is "accepted" (accepted - completed would give 5 back, and with
    # it 11 - 5 - 2 = 4).
    assert shown["funnel"] == [("Dikirim ke mitra", "11"), ("Diterima mitra", HIDDEN), ("Selesai", HIDDEN)]
    assert bars_drawn(drawn["funnel"]) == 1
    assert desc(drawn["funnel"]) == f"Dikirim ke mitra: 11; Diterima mitra: {HIDDEN}; Selesai: {HIDDEN}"
    # Stages: 2 in assessment is small; the total of programs (13) is printed in the offices table,
    # so a second stage (the smallest other, 5) is hidden too.
    stages = dict(shown["stages"])
    assert stages["3. Asesmen sosial (MPA)"] == HIDDEN and stages["7. Terminasi dan rujukan"] == HIDDEN
    assert stages["1. Inisiasi sosial"] == "6"
    assert bars_drawn(drawn["stages"]) == 1
    assert HIDDEN in desc(drawn["stages"])
    # The attacker: the printed total of programs minus the shown stages.
    total = _aggregate_programs_total(html)
    grid = {("total",): total, **{(label,): None if v == HIDDEN else int(v) for label, v in shown["stages"]}}
    assert solve_grid(grid, [(("total",), [k for k in grid if k != ("total",)])]) == {}
    # ... and the funnel's differences: no step difference gives a small count away.
    steps = [None if v == HIDDEN else int(v) for _l, v in shown["funnel"]]
    differences = [a - b for a, b in zip(steps, steps[1:], strict=False) if a is not None and b is not None]
    assert not [d for d in differences + steps[-1:] if d is not None and 0 < d < 5]
    response = client.get(reverse("dashboards:aggregate"), {"format": "csv", "chart": "funnel"})
    read = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert read[1:] == [["Dikirim ke mitra", "11"], ["Diterima mitra", HIDDEN], ["Selesai", HIDDEN]]


def test_the_aggregate_page_keeps_its_query_count_with_the_charts(client, django_assert_max_num_queries):
    chart_world()
    client.force_login(make_user("national"))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("dashboards:aggregate")).status_code == 200


# --- labels inside the picture ---------------------------------------------------------------------
TEXT = re.compile(r'<text x="([\d.-]+)" y="([\d.-]+)"([^>]*)>(.*?)</text>', re.S)


def labels_outside(svg: str) -> list[str]:
    """Every <text> whose estimated box (CHAR_WIDTH per character, the font's height above the
    baseline) leaves the viewBox. The browser test measures the real boxes in Chromium."""
    width, height = map(float, re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    outside = []
    for x, y, attrs, text in TEXT.findall(svg):
        x, y, w = float(x), float(y), charts.text_width(re.sub(r"&\w+;", "x", text))
        start = x - w if 'text-anchor="end"' in attrs else x - w / 2 if 'text-anchor="middle"' in attrs else x
        if start < 0 or start + w > width or y - charts.FONT_SIZE < 0 or y + 4 > height:
            outside.append(f"{text!r} at {start:.0f}..{start + w:.0f} x {y} in {width} x {height}")
    return outside


def test_every_label_of_every_dashboard_chart_fits_inside_its_picture(client):
    world = chart_world()
    pages = [
        _page(client, make_user("office_head", world.office_a), "dashboards:office"),
        _page(client, make_user("national"), "dashboards:aggregate"),
    ]
    for html in pages:
        for key, svg in svgs(html).items():
            assert not labels_outside(svg), (key, labels_outside(svg))


def test_long_labels_and_values_widen_the_picture_instead_of_being_cut():
    long = "7. Terminasi dan rujukan ke mitra yang sangat panjang namanya sekali"
    with translation.override("id"):
        pictures = [
            charts.bars_svg([(long, 123456), ("pendek", None)], title="t", key="a"),
            charts.bars_svg([(long, 1), ("b", 99999)], title="t", key="b", centred=True),
            charts.trend_svg(
                [("September 2026 yang panjang", 99.9), ("Oktober", None), ("November", 0)],
                title="t",
                key="c",
                low=0,
                high=100,
                unit=" %",
            ),  # fmt: skip
        ]
    for svg in pictures:
        assert long in svg or "September 2026 yang panjang" in svg  # never shortened
        assert not labels_outside(svg), labels_outside(svg)
    assert labels_outside('<svg viewBox="0 0 50 20"><text x="10" y="15">terlalu panjang</text></svg>')
