"""In Chromium: the PK plans the sessions and gives the person their private link at placement;
the person opens it on a phone without logging in (Bahasa Indonesia), sees the hours, the next
sessions and the site, and sends a complaint; the section head (Kasi) finds it on their pages and
the site supervisor never sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from aksalarasa.sentences.models import PlacementComplaint, PlannedSession
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PartnerFactory,
    make_client,
    make_membership,
    make_order,
    make_site,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]


def test_plan_private_link_own_page_and_a_complaint_to_the_kasi(page, new_page):
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    officer = make_user("officer", office, username="pk.jadwal", full_name="Putu Jadwal Petugas")
    head = make_user("office_head", office)
    kasi = make_user("section_head", office, section="adult", username="kasi.bkd", full_name="Kasi Uji")
    supervisor = make_user("partner_staff", office, username="pengawas.j", full_name="Wayan Pengawas")
    partner = PartnerFactory(office=office, name="Pokmas Lipas Jadwal")
    make_membership(supervisor, partner)
    site = make_site(office, partner, supervisors=[supervisor], actor=head, name="Pantai Jadwal",
                     address="Jl. Pantai Jadwal No. 3")  # fmt: skip
    client = make_client(office, officer, full_name="Made Jadwal Terpidana")
    order = make_order(client, actor=officer, site=site)

    # 1. The PK proposes a plan from the order's page.
    browser_login(page, officer.username, PASSWORD)
    page.goto(f"/sentences/{order.pk}/")
    page.get_by_role("link", name="Buka jadwal").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Usulkan jadwal untuk sisa jam").click()
    expect(page.locator("#plan-summary")).to_contain_text("120:00 jam terjadwal")
    assert sum(s.minutes for s in PlannedSession.objects.filter(order=order)) == 120 * 60
    assert_no_serious_axe_violations(page, context="plan page")

    # 2. ... and gives the person their private link (shown once, with a QR code).
    page.goto(f"/sentences/{order.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Berikan tautan pribadi (QR) kepada klien").click()
    expect(page.locator(".qr svg")).to_be_visible()
    link = page.locator("#own-link").inner_text()

    # 3. The person opens it on a phone, without logging in, in Bahasa Indonesia.
    phone = new_page(phone=True)
    phone.goto(link)
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.locator("#own-balance")).to_contain_text("0:00 dari 120:00 jam selesai")
    expect(phone.locator("#own-sessions li").first).to_be_visible()
    expect(phone.locator("#own-site")).to_contain_text("Jl. Pantai Jadwal No. 3")
    assert_no_serious_axe_violations(phone, context="own page (phone)")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the own page fits a phone's width"

    # 4. The person complains: the work makes someone a profit.
    phone.get_by_label("Pekerjaan itu komersial (ada yang mengambil untung)").check()
    phone.get_by_label("Apa yang terjadi?").fill("Kami disuruh mengecat warung milik pengawas.")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Kirim pengaduan").click()
    expect(phone.locator(".messages .msg-success")).to_contain_text("Kasi")
    assert PlacementComplaint.objects.get().kind == "commercial"

    # 5. The Kasi finds it on the home page and answers it; the site supervisor never sees it.
    kasi_page = new_page()
    browser_login(kasi_page, kasi.username, PASSWORD)
    kasi_page.goto("/")
    kasi_page.locator("a[href='/sentences/complaints/']").first.click()
    kasi_page.locator("main table a").first.click()
    expect(kasi_page.locator("#complaint-text")).to_contain_text("warung milik pengawas")
    kasi_page.get_by_label("Tindakan kantor").fill("Lokasi ditegur; klien dipindah.")
    with kasi_page.expect_navigation():
        kasi_page.get_by_role("button", name="Tandai sudah ditangani").click()
    assert PlacementComplaint.objects.get().status == "handled"

    sup = new_page(phone=True)
    browser_login(sup, supervisor.username, PASSWORD)
    assert sup.goto("/sentences/complaints/").status == 404
    sup.goto(f"/sentences/sites/{site.pk}/")
    expect(sup.locator("main")).not_to_contain_text("warung milik pengawas")
