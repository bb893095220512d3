"""In Chromium: a PK enters a court decision for a community sentence (an unlawful 300 hours is
refused with the reason, in Indonesian), credits hours worked, and the site supervisor sees the
person at the site with the hours, never the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from aksalarasa.sentences.models import HoursEntry, SentenceOrder
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PartnerFactory,
    make_client,
    make_membership,
    make_site,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]


def test_officer_enters_an_order_and_credits_hours_supervisor_sees_the_site(page, new_page):
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    officer = make_user("officer", office, username="pk.uji", full_name="Putu Uji Petugas")
    head = make_user("office_head", office)
    supervisor = make_user("partner_staff", office, username="pengawas.uji", full_name="Wayan Uji Pengawas")
    partner = PartnerFactory(office=office, name="Pokmas Lipas Uji")
    make_membership(supervisor, partner)
    site = make_site(office, partner, supervisors=[supervisor], actor=head, name="Pantai Uji Mertasari")
    client = make_client(office, officer, full_name="Made Uji Terpidana")
    today = office.today()  # the office's day: the browser's forms judge dates in it

    # 1. From the client's page, the PK opens the order form for this client.
    browser_login(page, officer.username, PASSWORD)
    page.goto(f"/clients/{client.pk}/")
    page.locator("section[aria-labelledby=client-sentences-h] a.btn").click()
    expect(page.locator("#id_client")).to_have_value(str(client.pk))
    page.select_option("#id_sentence_type", "community_service")
    page.fill("#id_court", "Pengadilan Negeri Denpasar")
    page.fill("#id_case_number", "12/Pid.B/2026/PN Dps")
    page.fill("#id_case_registered_on", (today - timedelta(days=50)).isoformat())
    page.fill("#id_decision_number", "12/Pid.B/2026/PN Dps/Put")
    page.fill("#id_decision_date", (today - timedelta(days=20)).isoformat())
    page.fill("#id_article", "Pasal 476 UU 1/2023")
    page.fill("#id_threatened_months", "36")
    page.fill("#id_hours_ordered", "300")
    page.fill("#id_hours_per_day", "4")
    page.fill("#id_period_months", "6")
    page.fill("#id_start_date", (today - timedelta(days=14)).isoformat())
    page.fill("#id_replaced_prison_days", "90")
    page.fill("#id_prosecutor_office", "Kejaksaan Negeri Denpasar")
    page.select_option("#id_site", str(site.pk))
    assert_no_serious_axe_violations(page, context="order form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # 2. 300 hours are refused, with the article, in Indonesian; nothing is saved.
    expect(page.locator(".field.has-error")).to_contain_text("8 sampai 240 jam")
    expect(page.locator(".field.has-error")).to_contain_text("Pasal 85 ayat (4)")
    assert not SentenceOrder.objects.exists()
    page.fill("#id_hours_ordered", "120")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_be_visible()
    order = SentenceOrder.objects.get()
    assert order.hours_ordered == 120 and order.site == site

    # 3. The PK credits a morning's work: 08.00-12.30 with a 30-minute break = 4 hours.
    page.fill("#id_work_date", (today - timedelta(days=2)).isoformat())
    page.fill("#id_start", "08:00")
    page.fill("#id_end", "12:30")
    page.fill("#id_break_minutes", "30")
    page.fill("#id_work_done", "Membersihkan pantai")
    with page.expect_navigation():
        page.click("main form[action$='/hours/'] button[type=submit]")
    expect(page.locator("#balance")).to_contain_text("4:00 dari 120 jam")
    assert HoursEntry.objects.get().credited_minutes == 240

    # 4. A second session the same day that would pass 8 hours is refused with the reason.
    page.fill("#id_work_date", (today - timedelta(days=2)).isoformat())
    page.fill("#id_start", "13:00")
    page.fill("#id_end", "18:00")
    page.fill("#id_break_minutes", "0")
    with page.expect_navigation():
        page.click("main form[action$='/hours/'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("paling lama 8 jam sehari")
    assert HoursEntry.objects.count() == 1

    # 5. The site supervisor, on a phone, sees the person and the hours at the site, not the case.
    phone = new_page(phone=True)
    browser_login(phone, supervisor.username, PASSWORD)
    phone.goto(f"/sentences/sites/{site.pk}/")
    roster = phone.locator("section[aria-labelledby=roster-h]")
    expect(roster).to_contain_text("Made Uji Terpidana")
    expect(roster).to_contain_text("4:00")
    expect(phone.locator("main")).not_to_contain_text("Pasal 476")
    assert_no_serious_axe_violations(phone, context="site page (supervisor)")
