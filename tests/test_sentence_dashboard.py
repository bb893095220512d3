"""Community-sentence figures (issue 18, item 10): orders, hours ordered against done, completion and
breach rates by office, partner and site; an office's heads see their office whole, a Kanwil its
region and national viewers everything with small cells hidden (complementary suppression across the
three nested tables: tests/test_suppression.py attacks them); sites to check are flagged on the
data that exists (MoU missing or ended, run by a company); a fixed number of queries."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from aksalarasa.sentences import services
from aksalarasa.sentences.models import SentenceOrder
from tests.factories import OfficeFactory, PartnerFactory, make_client, make_order, make_site, make_user

URL = "/dashboards/sentences/"


def _orders(office, site, n: int, *, status: str = "active", hours: int = 120):
    head = make_user("office_head", office)
    officer = make_user("officer", office)
    made = []
    for _ in range(n):
        order = make_order(make_client(office, officer), head, hours_ordered=hours)
        if site is not None:
            SentenceOrder.objects.filter(pk=order.pk).update(site=site)
        if status != "active":
            SentenceOrder.objects.filter(pk=order.pk).update(status=status)
        made.append(order)
    return made


@pytest.fixture
def sentences_world(db):
    """Bali: Denpasar (two partners, its own site, an unplaced order) and Singaraja; Surabaya elsewhere."""
    today = timezone.localdate()
    denpasar = OfficeFactory(name="Bapas Denpasar")
    region = denpasar.regional_office
    singaraja = OfficeFactory(name="Bapas Singaraja", regional_office=region)
    surabaya = OfficeFactory(name="Bapas Surabaya")
    pokmas = PartnerFactory(office=denpasar, name="Pokmas Lipas Sanur")
    company = PartnerFactory(office=denpasar, name="PT Pantai Bersih", legal_form="company")
    mou = {"mou_number": "W20-MOU-1", "mou_start": today - datetime.timedelta(days=200)}
    beach = make_site(
        denpasar, pokmas, name="Pantai Mertasari", mou_end=today + datetime.timedelta(days=200), **mou
    )
    temple = make_site(denpasar, pokmas, name="Pura Desa")  # no MoU
    griya = make_site(
        denpasar, None, name="Griya Abhipraya Denpasar", mou_end=today - datetime.timedelta(days=3), **mou
    )
    hotel = make_site(
        denpasar, company, name="Taman Hotel", mou_end=today + datetime.timedelta(days=90), **mou
    )
    north = make_site(
        singaraja, None, name="Pantai Lovina", mou_end=today + datetime.timedelta(days=90), **mou
    )
    east = make_site(
        surabaya, None, name="Taman Surabaya", mou_end=today + datetime.timedelta(days=90), **mou
    )
    worked = _orders(denpasar, beach, 8)
    _orders(denpasar, beach, 2, status="completed")
    _orders(denpasar, temple, 3)
    _orders(denpasar, griya, 6)
    _orders(denpasar, griya, 4, status="breach")
    _orders(denpasar, griya, 6, status="completed")
    _orders(denpasar, None, 1)
    _orders(denpasar, hotel, 7)
    _orders(denpasar, hotel, 1, status="cancelled")
    _orders(singaraja, north, 9)
    _orders(surabaya, east, 5)
    head = make_user("office_head", denpasar)
    services.hours_correction_add(
        actor=head, order=worked[0], data={"minutes": 180, "reason": "Catatan kertas pekan lalu"}
    )
    return {"denpasar": denpasar, "singaraja": singaraja, "surabaya": surabaya, "region": region}


def _dash(client, user):
    from aksalarasa.dashboards.sentences import sentence_dashboard

    client.force_login(user)
    return sentence_dashboard(viewer=user)


def _row(rows, label):
    return next(r for r in rows if r.label == label)


def test_an_office_head_sees_the_office_whole(client, sentences_world):
    head = make_user("office_head", sentences_world["denpasar"], language="en")
    data = _dash(client, head)
    assert [r.label for r in data.offices] == ["Bapas Denpasar"] and not data.suppressed
    assert "Taman Surabaya" not in [r.label for r in data.sites]
    temple = _row(data.sites, "Pura Desa")
    assert (temple.active, temple.total, temple.hours_ordered) == (3, 3, 360)  # small, shown to its office
    beach = _row(data.sites, "Pantai Mertasari")
    assert (beach.active, beach.completed, beach.hours_ordered, beach.hours_done) == (8, 2, 1200, 3.0)
    griya = _row(data.sites, "Griya Abhipraya Denpasar")
    assert (griya.completion_rate, griya.breach_rate) == (60.0, 40.0)  # of the 10 that ended
    assert _row(data.sites, "Not placed at a site yet").active == 1
    assert data.total.total == 37  # the cancelled order left out
    pokmas = _row(data.partners, "Pokmas Lipas Sanur")
    assert (pokmas.active, pokmas.completed, pokmas.total) == (11, 2, 13)
    flags = {f.site.name: f.reasons for f in data.flagged}
    assert set(flags) == {"Pura Desa", "Griya Abhipraya Denpasar", "Taman Hotel"}
    assert flags["Pura Desa"] == ["No MoU on record"] and flags["Griya Abhipraya Denpasar"] == ["MoU ended"]
    assert "company" in flags["Taman Hotel"][0]


def test_the_page_reads_in_indonesian_with_the_zone_and_charts(client, sentences_world):
    head = make_user("office_head", sentences_world["denpasar"])
    client.force_login(head)
    html = client.get(URL).content.decode()
    assert "<h1>Pidana kerja sosial dan pengawasan: angka</h1>" in html
    assert "WITA" in html  # the "as of" time names the office's zone
    assert "<svg" in html and 'id="chart-table-orders"' in html  # charts with their numbers
    assert "Pura Desa" in html and "Belum ditempatkan" in html
    csv = client.get(URL + "?format=csv&chart=hours")
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").splitlines()[1:] == [
        "Jam yang diputus,4440",
        "Jam yang dijalani,3.0",
    ]


def test_a_kanwil_sees_its_region_with_small_cells_hidden(client, sentences_world):
    regional = make_user("regional", sentences_world["denpasar"], language="en")
    data = _dash(client, regional)
    assert [r.label for r in data.offices] == ["Bapas Denpasar", "Bapas Singaraja"] and data.suppressed
    temple = _row(data.sites, "Pura Desa")
    assert temple.active is None and temple.hours_ordered is None  # 3 orders: hidden, hours with them
    assert _row(data.sites, "Not placed at a site yet").active is None
    assert data.total.total == 46  # totals stay exact
    griya = _row(data.sites, "Griya Abhipraya Denpasar")
    assert griya.breach is None and griya.completion_rate is None  # 4 in breach hidden, the rate too
    assert "Taman Surabaya" not in [r.label for r in data.sites]


def test_national_sees_every_office_and_the_xlsx_hides_the_same(client, sentences_world):
    national = make_user("national", None, language="en")
    data = _dash(client, national)
    assert [r.label for r in data.offices] == ["Bapas Denpasar", "Bapas Singaraja", "Bapas Surabaya"]
    book = load_workbook(BytesIO(client.get(URL + "?format=xlsx").content))
    sites = [[c.value for c in r] for r in book["Service sites"].iter_rows(min_row=2)]
    temple = next(r for r in sites if r[0] == "Pura Desa")
    assert temple[3] == "hidden" and temple[6] == "hidden"
    assert {r[0] for r in book["Sites to check"].iter_rows(min_row=2, values_only=True)} >= {"Pura Desa"}


@pytest.mark.parametrize("role", ["officer", "program_team", "partner_staff"])
def test_other_roles_get_404(client, sentences_world, role):
    client.force_login(make_user(role, sentences_world["denpasar"]))
    assert client.get(URL).status_code == 404


def test_a_fixed_number_of_queries(client, sentences_world, django_assert_max_num_queries):
    client.force_login(make_user("national", None))
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
    for n in range(3):
        _orders(sentences_world["surabaya"], None, 1)
        make_site(sentences_world["surabaya"], None, name=f"Lokasi Tambahan {n}")
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200


def _complain(site_name: str, kinds: list[str]):
    from aksalarasa.sentences.models import PlacementComplaint, ServiceSite

    site = ServiceSite.objects.get(name=site_name)
    orders = list(SentenceOrder.objects.filter(site=site).select_related("client"))
    for i, kind in enumerate(kinds):
        order = orders[i % len(orders)]
        PlacementComplaint.objects.create(
            office=site.office, order=order, site=site, kind=kind, text=f"Rahasia pengaduan {i}"
        )
    return orders


def test_a_site_people_complained_about_is_flagged_with_the_count_only(client, sentences_world):
    orders = _complain("Pantai Mertasari", ["safety", "dignity", "other"])  # "other" does not flag
    _complain("Taman Hotel", ["commercial"] * 6)
    head = make_user("office_head", sentences_world["denpasar"], language="en")
    flags = {f.site.name: f.reasons for f in _dash(client, head).flagged}
    assert flags["Pantai Mertasari"] == [
        "People placed here complained (safety, dignity or commercial use): 2"
    ]  # the beach had no other flag: it is flagged now
    assert flags["Taman Hotel"][0].endswith(": 6") and "company" in flags["Taman Hotel"][1]
    site_row = _row(_dash(client, head).sites, "Pantai Mertasari")
    assert site_row.flags == flags["Pantai Mertasari"]
    # Beyond one office, a small count is not printed; a count of 5 or more is.
    national = make_user("national", None, language="en")
    flags = {f.site.name: f.reasons for f in _dash(client, national).flagged}
    assert flags["Pantai Mertasari"] == [
        "People placed here complained (safety, dignity or commercial use): fewer than 5"
    ]
    assert flags["Taman Hotel"][0].endswith(": 6")
    # The page never names who complained nor what they wrote.
    client.force_login(national)
    html = client.get(URL).content.decode()
    assert "Pantai Mertasari" in html and "Rahasia pengaduan" not in html
    for order in orders:
        assert order.client.full_name not in html
    client.force_login(make_user("office_head", sentences_world["denpasar"]))
    html = client.get(URL).content.decode()
    assert "mengadu" in html and "Rahasia pengaduan" not in html
