"""The program team in Chromium: create a program, log a contact, run an MPA vote from a phone while
the projector shows results by group, and collect TOP cards from a phone and cluster them."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, OfficeFactory, make_user

pytestmark = pytest.mark.browser


def test_program_team_runs_contact_mpa_vote_and_top_cards(page, new_page, browser_login):
    # The shared test machine is often busy: allow slower answers than the suite's 10 s default.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    office = OfficeFactory(name="Bapas Kelas I Denpasar")
    make_user("program_team", office, username="tim.uji", full_name="Gede Tim Uji")
    browser_login(page, "tim.uji", PASSWORD)

    # Create the program.
    page.goto("/programs/new/")
    page.fill("#id_title", "Aksi Bersama Warga")
    page.fill("#id_acronym", "ABW")
    page.fill("#id_start", "2026-05-30")
    page.fill("#id_end", "2026-07-12")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text().startswith("Aksi Bersama Warga")
    program_url = page.url.split("://", 1)[1].split("/", 1)[1]

    # Log a contact with an agreement.
    page.click("nav.prog-tabs a[href$='/initiation/']")
    page.click("text=" + page.locator("details summary").first.inner_text())
    page.fill("#id_contact-date", "2026-06-01")
    page.fill("#id_contact-people", "Kepala Desa Uji")
    page.fill("#id_contact-institution", "Desa Sanur Kauh")
    page.fill("#id_contact-purpose", "Perkenalan program")
    page.fill("#id_contact-agreement", "Desa mendukung")
    with page.expect_navigation():
        page.click("form[action$='/records/contact/'] button[type=submit]")
    assert page.locator("text=Desa mendukung").is_visible()

    # An MPA session with two problems, voting open.
    page.goto(f"/{program_url}assessments/")
    page.fill("#id_assessment-title", "Rembug warga")
    page.fill("#id_assessment-date", "2026-06-08")
    page.fill("#id_assessment-facilitator", "Gede Tim Uji")
    page.fill("#id_assessment-votes_per_person", "3")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    session_url = page.url
    for title in ("Motivasi klien rendah", "Interaksi dengan warga kurang"):
        page.locator("details:has(#id_item-title) summary").click()
        page.fill("#id_item-title", title)
        with page.expect_navigation():
            page.click("form[action$='/items/'] button[type=submit]")
    with page.expect_navigation():
        page.click("button[name=open][value='1']")
    code = page.locator("dd strong.code").inner_text().strip()

    # The projector view polls for results.
    page.goto(session_url + "projector/")

    # A client votes from a phone: code, name and group, then the ballot.
    phone = new_page(phone=True)
    phone.set_default_timeout(60_000)
    phone.set_default_navigation_timeout(60_000)
    phone.goto("/programs/vote/")
    phone.fill("#code", code.lower())
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    phone.fill("#id_name", "Putu Klien")
    phone.select_option("#id_group", "client")
    phone.select_option("#id_sex", "M")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    inputs = phone.locator("main input[type=number]")
    inputs.nth(0).fill("3")
    inputs.nth(1).fill("1")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.locator(".errorlist, .msg-error").count() > 0  # 4 votes of 3: refused
    inputs = phone.locator("main input[type=number]")
    inputs.nth(0).fill("1")
    inputs.nth(1).fill("2")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.locator("#ballot-used").inner_text().strip().startswith(
        ("Votes used: 3", "Suara terpakai: 3")
    ) or "3" in (phone.locator("#ballot-used").inner_text())

    # The projector shows the client column update without a reload (client = 3rd td: rank, officer, client).
    cell = page.locator("#mpa-results tr:has(th:has-text('Interaksi dengan warga kurang')) td:nth-of-type(3)")
    cell.filter(has_text="2").wait_for(timeout=60_000)

    # TOP: a workshop, cards from a phone, projector updates, facilitator clusters.
    page.goto(f"/{program_url}planning/")
    page.locator("details:has(#id_workshop-focus_question) summary").click()
    page.fill("#id_workshop-date", "2026-06-11")
    page.fill("#id_workshop-focus_question", "Kegiatan apa yang mempertemukan klien dan warga?")
    page.fill("#id_workshop-facilitator", "Gede Tim Uji")
    with page.expect_navigation():
        page.click("form[action$='/workshops/new/'] button[type=submit]")
    workshop_url = page.url
    card_code = page.locator("dd strong.code").inner_text().strip()
    page.goto(workshop_url + "projector/")

    phone.goto("/programs/cards/")
    phone.fill("#code", card_code)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    for idea in ("Bersih pantai bersama", "Permainan kelompok"):
        phone.fill("#id_text", idea)
        with phone.expect_navigation():
            phone.click("main form button[type=submit]")
        assert phone.locator(".msg[role=status]").is_visible()

    page.locator("#top-board li.idea", has_text="Permainan kelompok").wait_for(timeout=60_000)

    page.goto(workshop_url)
    page.fill("#id_cluster-name", "Aksi lingkungan")
    with page.expect_navigation():
        page.click("form[action$='/clusters/'] button[type=submit]")
    assign = page.locator("li", has_text="Bersih pantai bersama").locator("select")
    assign.select_option(label="A. Aksi lingkungan")
    with page.expect_navigation():
        page.locator("li", has_text="Bersih pantai bersama").locator("button[type=submit]").click()
    assert page.locator("#cluster-" + "", has_text="Bersih pantai bersama").count() >= 0
    cluster_box = page.locator(".cluster", has=page.locator("h4", has_text="Aksi lingkungan"))
    assert cluster_box.locator("li", has_text="Bersih pantai bersama").count() == 1
