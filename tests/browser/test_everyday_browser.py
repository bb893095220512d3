"""Issue 17 (everyday use), in Chromium: the registration confirmation names the event, another
browser gets the product's own translated "not found" page, and the login page's first submit
button logs in (the language switch comes after the form)."""

from __future__ import annotations

from django.urls import reverse

from aksalarasa.programs.models import ProgramPartner
from tests.browser.helpers import MAIN_SUBMIT, browser_login
from tests.browser.test_events_browser import published_event
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PartnerFactory,
    make_guidance_client,
    make_membership,
    make_program,
    make_user,
)


def _public_event():
    return published_event()


def test_registration_confirmation_names_the_event_and_other_browsers_get_a_translated_404(page, new_page):
    event = _public_event()
    page.goto(reverse("events:public", args=[event.pk]))
    page.fill("#id_name", "Ni Wayan Lestari")
    page.fill("#id_phone", "0812 3456 7890")
    page.select_option("#id_village_code", "51.71.01.2010")
    page.check("#id_consent_data")
    page.wait_for_timeout(3200)  # faster than a person counts as a robot
    with page.expect_navigation():
        page.click(MAIN_SUBMIT)
    text = page.inner_text("main")
    assert "Anda terdaftar untuk Bersih Pantai Uji." in text, text
    confirmation = page.url

    other = new_page()
    response = other.goto(confirmation)
    assert response is not None and response.status == 404
    assert other.get_attribute("html", "lang") == "id"
    assert other.inner_text("h1").strip() == "Halaman tidak ditemukan"
    assert "Not Found" not in other.content()
    with other.expect_navigation():
        other.click("text=Ke halaman utama")
    assert other.url.endswith("/accounts/login/?next=/") or "/accounts/login/" in other.url


def test_enter_on_the_login_page_logs_in_and_the_first_submit_button_is_log_in(page):
    make_user("officer", OfficeFactory(), username="pk.enter")
    page.goto("/accounts/login/")
    first = page.locator("button[type=submit]").first
    assert first.inner_text().strip() == "Masuk"
    # The language switch is still there, after the form.
    assert page.locator("footer .langswitch button[value=en]").count() == 1
    page.fill("#id_username", "pk.enter")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    assert page.get_attribute("html", "lang") == "id"
    assert "/accounts/login/" not in page.url, page.url


def test_program_team_links_a_registered_pokmas_lipas_and_its_staff_then_see_the_program(page, new_page):
    office = OfficeFactory(name="Bapas Kelas I Uji")
    team = make_user("program_team", office, username="tim.uji")
    program = make_program(office, team=[(team, True)], title="Program Mitra Uji")
    pokmas = PartnerFactory(office=office, name="Pokmas Lipas Sanur Uji")
    PartnerFactory(office=OfficeFactory(name="Bapas Lain"), name="Pokmas Kantor Lain")
    staff = make_user("partner_staff", office, username="mitra.uji")
    make_membership(staff, pokmas)

    browser_login(page, team.username, PASSWORD)
    page.goto(reverse("programs:initiation", args=[program.pk]))
    options = page.eval_on_selector_all(
        "#id_partner-partner option", "els => els.map(e => e.textContent.trim())"
    )
    assert "Pokmas Lipas Sanur Uji" in options
    assert "Pokmas Kantor Lain" not in options  # another office's partner is never offered
    page.select_option("#id_partner-partner", label="Pokmas Lipas Sanur Uji")
    page.fill("#id_partner-role", "Penggerak warga")
    with page.expect_navigation():
        page.click("form[action$='/partner/'] button[type=submit]")
    assert ProgramPartner.objects.get(program=program).partner == pokmas

    partner_tab = new_page()
    browser_login(partner_tab, staff.username, PASSWORD)
    partner_tab.goto(reverse("programs:list"))
    assert "Program Mitra Uji" in partner_tab.inner_text("main")
    response = partner_tab.goto(reverse("programs:detail", args=[program.pk]))
    assert response is not None and response.status == 200


def test_radio_circles_keep_one_size_when_labels_wrap(phone_page):
    office = OfficeFactory()
    officer = make_user("officer", office, username="pk.radio")
    person = make_guidance_client(office, officer, full_name="Klien Radio")
    browser_login(phone_page, officer.username, PASSWORD)
    phone_page.goto(reverse("guidance:client_record", args=[person.pk]))
    sizes = phone_page.eval_on_selector_all(
        "main input[type=radio]",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })",
    )
    assert len(sizes) >= 8
    assert len({tuple(s) for s in sizes}) == 1, sizes
