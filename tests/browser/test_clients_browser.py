"""Clients in a real browser: an officer on a phone edits a client's phone number; a bad import
file shows each row's problem and creates nothing."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from aksalarasa.clients.client_import import ClientImporter
from aksalarasa.clients.models import Client
from tests.browser.helpers import assert_no_serious_axe_violations
from tests.factories import PASSWORD, OfficeFactory, SupervisionFactory, make_client, make_user


@pytest.fixture(autouse=True)
def _warm_live_server(live_server) -> None:
    """The live server's first answer imports much of the app; on a busy machine that can take
    longer than the browser's navigation timeout, so ask for one page before the browser does."""
    from urllib.request import urlopen

    with urlopen(live_server.url + "/accounts/login/", timeout=120) as response:
        assert response.status == 200


def test_officer_on_a_phone_opens_a_client_and_edits_the_phone_number(phone_page, browser_login):
    office = OfficeFactory(name="Bapas Kelas I Uji Klien")
    officer = make_user("officer", office, username="pk.klien", full_name="Putu Klien")
    subject = make_client(office, officer, full_name="I Made Telepon Lama", phone="+6281200000001")
    SupervisionFactory(client=subject, program_type="cb")
    make_client(office, officer, full_name="I Wayan Lain")
    make_client(office, make_user("officer", office), full_name="Bukan Klien Saya")

    page = phone_page
    browser_login(page, "pk.klien", PASSWORD)
    page.goto("/clients/")
    rows = page.locator("table.client-table tbody tr")
    assert rows.count() == 2  # only the officer's own clients
    assert "Bukan Klien Saya" not in page.content()
    assert_no_serious_axe_violations(page, context="client list on a phone")

    # search narrows the list in place (HTMX), then open the client with the keyboard
    page.fill("#id_q", "Telepon")
    # (not wait_for_function: its string is eval'd in the page, which the CSP forbids)
    expect(page.locator("table.client-table tbody tr")).to_have_count(1)
    link = page.get_by_role("link", name="I Made Telepon Lama")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().startswith("I Made Telepon Lama")
    assert_no_serious_axe_violations(page, context="client detail on a phone")

    with page.expect_navigation():
        page.locator("main .actions a.btn", has_text="Ubah").first.click()
    page.fill("#id_phone", "0813 4455 6677")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("a.client-phone").inner_text() == "+6281344556677"
    subject.refresh_from_db()
    assert subject.phone == "+6281344556677" and subject.version == 2


def _bad_csv() -> bytes:
    header = [c.name for c in ClientImporter.columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    good = {"register_number": "B-1", "full_name": "I Gede Baik", "sex": "M", "birth_date": "1990-01-01"}
    writer.writerow(good)
    writer.writerow({**good, "register_number": "B-2", "nik": "123"})
    writer.writerow({**good, "register_number": "B-3", "birth_date": "kemarin"})
    return out.getvalue().encode()


def test_bad_import_file_shows_row_errors_and_creates_nothing(page, browser_login):
    office = OfficeFactory(name="Bapas Kelas I Uji Impor")
    make_user("office_head", office, username="kabapas.impor")
    browser_login(page, "kabapas.impor", PASSWORD)
    page.goto("/clients/import/")
    page.set_input_files(
        "#import-file", files=[{"name": "klien.csv", "mimeType": "text/csv", "buffer": _bad_csv()}]
    )
    page.click("main form button[type=submit]")
    table = page.locator("#import-result table.import-errors")
    table.wait_for()
    cells = [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]
    assert [c[:2] for c in cells] == [["3", "nik"], ["4", "birth_date"]]
    assert page.locator("#import-result [role=alert]").first.is_visible()
    assert_no_serious_axe_violations(page, context="import with row errors")
    assert not Client.objects.exists()


def test_good_import_file_is_previewed_then_written_only_when_confirmed(page, browser_login):
    office = OfficeFactory(name="Bapas Kelas I Uji Pratinjau")
    make_user("office_head", office, username="kabapas.pratinjau")
    browser_login(page, "kabapas.pratinjau", PASSWORD)
    page.goto("/clients/import/")
    header = [c.name for c in ClientImporter.columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for n in (1, 2):
        writer.writerow({"register_number": f"P-{n}", "full_name": f"Klien Pratinjau {n}", "sex": "M",
                         "birth_date": "1990-01-01"})  # fmt: skip
    page.set_input_files(
        "#import-file",
        files=[{"name": "klien.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}],
    )
    page.click("#import-form button[type=submit]")
    page.locator("#import-result .import-preview").wait_for()
    assert not Client.objects.exists()  # checked and counted, nothing written yet
    page.click("#import-confirm button[type=submit]")
    page.locator("#import-result .import-ok").wait_for()
    assert Client.objects.filter(office=office).count() == 2
