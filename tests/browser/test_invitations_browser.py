"""The whole invitation flow in the browser (issue 17, item 6): the program team reads on its event
page how clients are invited, asks the PK about a client (a child by initials) and asks the child
section; the PK finds both on their home page, accepts one with the consent recorded and declines
the other with a reason; the team sees the answers and the client counted as registered."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aksalarasa.events import services
from aksalarasa.events.models import Invitation, Registration
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login, browser_logout
from tests.factories import PASSWORD, EventFactory, OfficeFactory, make_client, make_program, make_user


def test_team_asks_pk_accepts_and_declines(page):
    office = OfficeFactory(name="Bapas Kelas I Undangan")
    pk = make_user("officer", office, username="pk.anak", full_name="Kadek Pembimbing", section="child")
    team = make_user("program_team", office, username="tim.undangan", full_name="Tim Undangan")
    program = make_program(office, team=[(team, True)], acronym="PANTAI")
    start = timezone.now() + datetime.timedelta(days=7)
    earlier = EventFactory(
        office=office,
        program=program,
        name="Pertemuan awal",
        start=start - datetime.timedelta(days=20),
        end=start - datetime.timedelta(days=20, hours=-2),
        created_by=team,
    )
    event = EventFactory(
        office=office,
        program=program,
        name="Bersih Pantai",
        start=start,
        end=start + datetime.timedelta(hours=2),
        created_by=team,
    )
    child = make_client(office, pk, child=True, full_name="Komang Ayu Lestari", consent_community=True)
    services.registration_client_create(event=earlier, client=child, actor=pk)  # a participant the team knows

    # The team reads how clients come to the event and asks.
    browser_login(page, "tim.undangan", PASSWORD)
    page.goto(reverse("events:detail", args=[event.pk]))
    section = page.locator("section[aria-labelledby=invitations-h]")
    expect(section).to_contain_text("Cara klien diundang")
    expect(section).to_contain_text("PK yang memutuskan")
    options = section.locator("select[name=client] option").all_inner_texts()
    assert child.initials in options and "Komang Ayu Lestari" not in " ".join(options)
    section.locator("select[name=client]").select_option(label=child.initials)
    section.locator("textarea[name=note]").fill("Lomba memungut sampah, tim campuran dengan warga.")
    assert_no_serious_axe_violations(page, context="event page, invitation section")
    with page.expect_navigation():
        section.locator("button[type=submit]").click()
    expect(page.locator("section[aria-labelledby=invitations-h] table")).to_contain_text("Menunggu PK")
    section = page.locator("section[aria-labelledby=invitations-h]")
    section.locator("select[name=section]").select_option("child")
    with page.expect_navigation():
        section.locator("button[type=submit]").click()
    assert Invitation.objects.filter(event=event, state="pending").count() == 2
    browser_logout(page)

    # The PK finds both on the home page, before the caseload.
    browser_login(page, "pk.anak", PASSWORD)
    home = page.locator("section[aria-labelledby=home-invitations-h]")
    expect(home).to_contain_text("2 undangan perlu diputuskan")
    headings = page.eval_on_selector_all("main section h2[id]", "els => els.map(e => e.id)")
    assert headings[0] == "home-invitations-h", headings
    with page.expect_navigation():
        home.get_by_role("link", name="Komang Ayu Lestari").click()
    expect(page.locator("main")).to_contain_text("Lomba memungut sampah")
    assert_no_serious_axe_violations(page, context="invitation decision page")
    accept = page.locator("form:has(input[name=action][value=accept])")
    accept.locator("input[name=consent_given_by]").fill("Klien dan ibunya (wali), Ni Luh Sari")
    accept.locator("input[name=consent_at]").fill("2026-12-03T10:30")
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Diterima: terdaftar dengan kode")
    registration = Registration.objects.get(event=event, client=child)
    accepted = Invitation.objects.get(event=event, client=child)
    assert accepted.state == "accepted" and accepted.registration == registration
    assert accepted.consent_given_by.startswith("Klien dan ibunya") and accepted.decided_by == pk

    with page.expect_navigation():
        page.locator("section[aria-labelledby=home-invitations-h]").get_by_role(
            "link", name="Pilih klien"
        ).click()
    decline = page.locator("form:has(input[name=action][value=decline])")
    with page.expect_navigation():
        decline.locator("button[type=submit]").click()  # no reason: refused, said once
    expect(page.locator("form:has(input[name=action][value=decline]) .errorlist li")).to_have_count(1)
    decline = page.locator("form:has(input[name=action][value=decline])")
    decline.locator("textarea[name=decline_reason]").fill("Klien anak lain sedang ujian sekolah minggu itu.")
    with page.expect_navigation():
        decline.locator("button[type=submit]").click()
    browser_logout(page)

    # The team sees both answers, and the client counted as registered.
    browser_login(page, "tim.undangan", PASSWORD)
    page.goto(reverse("events:detail", args=[event.pk]))
    table = page.locator("section[aria-labelledby=invitations-h] table")
    expect(table).to_contain_text("Diterima: terdaftar")
    expect(table).to_contain_text("sedang ujian sekolah")
    expect(table).not_to_contain_text("Komang Ayu Lestari")
    client_row = page.locator("table:has(th:text('Terdaftar')) tr", has_text="Klien").first
    expect(client_row).to_contain_text("1")
