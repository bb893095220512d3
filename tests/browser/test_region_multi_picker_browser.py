"""Several regions picked by name with the keyboard (issue 17, item 8): an office head types
"Gianyar" into the work area, moves to it with the arrow keys and adds it with Enter, unticks
Badung with the space bar and saves; the office's work area holds the codes. A partner's regencies
are searched inside the office's province only. axe-core finds nothing serious with the list open.
No inline script runs: the page is served under the product's Content-Security-Policy."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from aksalarasa.partners.models import Partner
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import PASSWORD, OfficeFactory, make_user


def _add(page: Page, field: str, typed: str, wanted: str) -> None:
    box = page.locator(f"#{field}")
    box.focus()
    box.press_sequentially(typed, delay=30)
    listbox = page.locator(f"#{field}_listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    labels = listbox.locator("[role=option]").all_inner_texts()
    index = next(i for i, text in enumerate(labels) if text.startswith(wanted))
    for _ in range(index + 1):
        box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    expect(page.locator(f"#{active}")).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("")  # ready for the next place
    expect(page.locator(f"#{field}_chosen label", has_text=wanted)).to_have_count(1)


def test_office_work_area_by_name_with_the_keyboard(page: Page):
    office = OfficeFactory(name="Bapas Kelas I Wilayah Banyak")
    make_user("office_head", office, username="kepala.wilayah")
    browser_login(page, "kepala.wilayah", PASSWORD)
    url = reverse("offices:edit", args=[office.pk])
    page.goto(url)
    chosen = page.locator("#id_work_area_chosen")
    expect(chosen.locator("input[type=checkbox]:checked")).to_have_count(2)  # Denpasar, Badung
    expect(page.locator("label[for=id_work_area]")).to_have_count(1)

    box = page.locator("#id_work_area")
    box.focus()
    box.press_sequentially("Gian", delay=30)
    expect(page.locator("#id_work_area_listbox")).to_be_visible()
    assert_no_serious_axe_violations(page, context="office form with the work-area list open")
    box.fill("")
    _add(page, "id_work_area", "Gianyar", "Kabupaten Gianyar")
    assert page.url.endswith(url)  # Enter added the place, it did not submit the form
    expect(page.locator(".region-multi .region-status")).to_contain_text("Kabupaten Gianyar")
    # Adding the same place twice keeps one box.
    _add(page, "id_work_area", "Gianyar", "Kabupaten Gianyar")
    expect(chosen.locator("input[type=checkbox]")).to_have_count(3)

    badung = page.locator("#id_work_area_51_03")
    badung.focus()
    badung.press("Space")
    expect(badung).not_to_be_checked()

    with page.expect_navigation():
        page.locator("#id_name").press("Enter")
    assert page.locator(".errorlist").count() == 0, page.locator("main").inner_text()
    assert {r.pk for r in office.work_area.all()} == {"51.71", "51.04"}

    page.goto(url)  # shown again by name
    expect(chosen.locator("label")).to_have_text(
        ["Kabupaten Gianyar, Bali", "Kota Denpasar, Bali"]
    )  # by code


def test_partner_regencies_by_name_inside_the_province(page: Page):
    office = OfficeFactory(name="Bapas Kelas I Mitra Wilayah")
    make_user("program_team", office, username="tim.wilayah")
    browser_login(page, "tim.wilayah", PASSWORD)
    page.goto(reverse("partners:partner_create"))
    page.locator("#id_name").fill("Pokmas Lipas Pantai Contoh")
    page.locator("#id_legal_form").select_option(index=1)
    page.locator("#id_status").select_option("active")
    box = page.locator("#id_regions")
    box.focus()
    box.press_sequentially("Surabaya", delay=30)
    expect(page.locator("#id_regions")).to_have_attribute("aria-expanded", "false")  # Jawa Timur: not offered
    box.fill("")
    _add(page, "id_regions", "Badung", "Kabupaten Badung")
    _add(page, "id_regions", "Denpasar", "Kota Denpasar")
    with page.expect_navigation():
        page.locator("#id_name").press("Enter")
    assert page.locator(".errorlist").count() == 0, page.locator("main").inner_text()
    partner = Partner.objects.get(name="Pokmas Lipas Pantai Contoh")
    assert sorted(r.code for r in partner.regions.all()) == ["51.03", "51.71"]
