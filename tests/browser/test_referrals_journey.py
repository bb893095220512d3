"""In Chromium: an officer refers a client, the partner accepts and records two sessions, and the
officer sees both on the client's guidance timeline. Also: a stale tab's move is refused clearly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from aksalarasa.guidance.models import Kind
from aksalarasa.partners.models import Referral, Status
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PartnerFactory,
    PartnerServiceFactory,
    make_membership,
    make_partner_client,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]


def _world():
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    officer = make_user("officer", office, username="pk.uji", full_name="Putu Uji Petugas")
    staff = make_user("partner_staff", office, username="mitra.uji", full_name="Kadek Uji Mitra")
    partner = PartnerFactory(office=office, name="Yayasan Uji Gerasa")
    PartnerServiceFactory(partner=partner, name="Pelatihan pembuatan kue", kind="vocational", capacity=5)
    PartnerServiceFactory(partner=partner, name="Pelatihan menjahit", kind="vocational", capacity=5)
    make_membership(staff, partner)
    client = make_partner_client(
        office, officer, full_name="Wayan Uji Klien", consent_share_partners=True, phone="+6281234511111"
    )
    return officer, staff, client


def _id(label) -> str:
    """A label as the app shows it (Bahasa Indonesia by default, whatever the browser says)."""
    with translation.override("id"):
        return str(label)


def _move(page, target: str):
    return page.locator(f"form.move:has(input[name=target][value={target}]) button")


def _record_session(page, when: str, engagement: str, response: str) -> None:
    page.locator("a[href$='/sessions/new/']").click()
    page.fill("#id_scheduled_at", when)
    page.check("input[name=outcome][value=attended]")
    page.select_option("#id_engagement", engagement)
    page.fill("#id_response", response)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_be_visible()


def test_officer_refers_partner_accepts_records_two_sessions_officer_sees_timeline(page, new_page):
    officer, staff, client = _world()

    # 1. The officer refers the client, guided by the suggestions.
    browser_login(page, officer.username, PASSWORD)
    page.goto("/partners/referrals/")
    page.select_option("#refer-client", str(client.pk))
    with page.expect_navigation():
        page.click("form:has(#refer-client) button[type=submit]")
    expect(page.locator("#suggestions")).to_contain_text("Pelatihan pembuatan kue")
    page.fill("#need_s", "ingin belajar membuat kue")
    page.click("form[hx-get] button")
    expect(page.locator("#suggestions li.card").first).to_contain_text("pembuatan kue")
    page.locator("#suggestions li.card").first.get_by_role("link").click()
    page.fill("#id_reason", "Butuh keterampilan kerja")
    page.fill("#id_goals", "Menyelesaikan pelatihan\nMembuat kue sendiri")
    page.check("input[name=shared_fields][value=name]")
    page.check("#id_send")
    assert_no_serious_axe_violations(page, context="referral form")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    expect(page.locator("main")).to_contain_text(_id(Status.SENT.label))
    referral = Referral.objects.get(client=client)
    assert referral.service.name == "Pelatihan pembuatan kue"

    # 2. The partner sees it from their home page in one click, accepts it, records two sessions.
    partner_page = new_page(phone=True)
    browser_login(partner_page, staff.username, PASSWORD)
    partner_page.locator("main a.btn[href='/partners/referrals/']").click()
    partner_page.locator(f"a[href='/partners/referrals/{referral.pk}/']").click()
    expect(partner_page.locator("#client-label")).to_have_text("Wayan Uji Klien")
    assert_no_serious_axe_violations(partner_page, context="referral detail (partner)")
    with partner_page.expect_navigation():
        _move(partner_page, "accepted").click()
    expect(partner_page.locator(".messages")).to_contain_text(_id(Status.ACCEPTED.label))
    now = timezone.localtime(timezone.now())
    _record_session(partner_page, (now - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "2", "Masih pemalu")
    _record_session(
        partner_page, (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "4", "Memimpin kelompok"
    )
    expect(partner_page.locator("main")).to_contain_text(_id(Status.IN_PROGRESS.label))
    assert Referral.objects.get(pk=referral.pk).status == Status.IN_PROGRESS

    # 3. The officer sees both sessions on the client's guidance timeline.
    page.goto(f"/guidance/clients/{client.pk}/")
    rows = page.locator("section[aria-labelledby=sessions-h] tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(_id(Kind.PARTNER.label))
    page.goto(f"/partners/referrals/{referral.pk}/")
    expect(page.locator("section[aria-labelledby=sessions-h]")).to_contain_text("Memimpin kelompok")
    expect(page.locator("section[aria-labelledby=timeline-h] li")).to_have_count(4)


def test_stale_tab_cannot_overwrite_a_decision(page, new_page):
    officer, staff, client = _world()
    from aksalarasa.partners import services
    from aksalarasa.partners.models import PartnerService

    service = PartnerService.objects.get(name="Pelatihan menjahit")
    referral = services.referral_create(client=client, service=service, actor=officer, reason="x", send=True)
    browser_login(page, officer.username, PASSWORD)
    page.goto(f"/partners/referrals/{referral.pk}/")  # the officer's tab, soon stale
    partner_page = new_page()
    browser_login(partner_page, staff.username, PASSWORD)
    partner_page.goto(f"/partners/referrals/{referral.pk}/")
    with partner_page.expect_navigation():
        _move(partner_page, "accepted").click()
    page.fill("#reason-cancelled", "Klien pindah")
    with page.expect_navigation():
        _move(page, "cancelled").click()
    expect(page.locator(".msg-error")).to_be_visible()
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED
