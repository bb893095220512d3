"""Region fields are picked by name with the keyboard (issue 17, item 8): typing "Sanur" in the
event form offers the villages with their district and regency, the arrow keys and Enter choose
one, the form stores the Kemendagri code; the same widget serves the client form's regency and
village. axe-core finds nothing serious with the list open."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from aksalarasa.clients.models import Client
from aksalarasa.events.models import Event
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import PASSWORD, OfficeFactory, make_event_program, make_user


def _pick(page: Page, field: str, typed: str, wanted: str) -> None:
    """Type into the picker, move with ArrowDown until `wanted` is the active option, press Enter."""
    box = page.locator(f"#{field}")
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
    expect(box).to_have_attribute("aria-expanded", "false")


def test_event_village_by_name_with_the_keyboard(page: Page):
    office = OfficeFactory(name="Bapas Kelas I Wilayah")
    officer = make_user("officer", office, username="pk.wilayah")
    program = make_event_program(office, created_by=officer)
    browser_login(page, "pk.wilayah", PASSWORD)
    page.goto(reverse("events:create", args=[program.pk]))

    page.locator("#id_name").press_sequentially("Bersih Pantai Sanur")
    page.locator("#id_place").press_sequentially("Pantai Mertasari")
    page.locator("#id_start").fill("2026-12-20T15:00")
    page.locator("#id_end").fill("2026-12-20T17:00")
    box = page.locator("#id_village_code")
    box.focus()
    box.press_sequentially("Sanur", delay=30)
    listbox = page.locator("#id_village_code_listbox")
    expect(listbox).to_be_visible()
    options = listbox.locator("[role=option]").all_inner_texts()
    # The office's work area (Kota Denpasar) first, each village with its district and regency.
    assert options[0].startswith("Sanur, Denpasar Selatan, Kota Denpasar"), options
    assert any(o.startswith("Sanur Kauh, Denpasar Selatan, Kota Denpasar, Bali") for o in options), options
    assert_no_serious_axe_violations(page, context="event form with the village list open")
    box.fill("")
    _pick(page, "id_village_code", "Sanur", "Sanur Kauh")
    expect(box).to_have_value("Sanur Kauh, Denpasar Selatan, Kota Denpasar, Bali")
    assert page.url.endswith(reverse("events:create", args=[program.pk]))  # Enter chose, did not submit

    with page.expect_navigation():
        page.locator("#id_name").press("Enter")  # the keyboard submits the form
    assert page.locator(".errorlist").count() == 0, page.locator("main").inner_text()
    event = Event.objects.get(name="Bersih Pantai Sanur")
    assert event.village_code == "51.71.01.2010"

    # Editing shows the village by name, not by code.
    page.goto(reverse("events:edit", args=[event.pk]))
    expect(page.locator("#id_village_code")).to_have_value(
        "Sanur Kauh, Denpasar Selatan, Kota Denpasar, Bali"
    )
    assert_no_serious_axe_violations(page, context="event edit form")


def test_client_regency_and_village_by_name_with_the_keyboard(page: Page):
    office = OfficeFactory(name="Bapas Kelas I Wilayah Dua")
    make_user("officer", office, username="pk.klien")
    browser_login(page, "pk.klien", PASSWORD)
    page.goto(reverse("clients:create"))
    page.locator("#id_register_number").press_sequentially("PB-2026-77")
    page.locator("#id_full_name").press_sequentially("I Made Contoh")
    page.locator("#id_sex").select_option("M")
    page.locator("#id_birth_date").fill("1990-04-02")
    page.locator("#id_regency").focus()
    _pick(page, "id_regency", "Badung", "Kabupaten Badung")
    page.locator("#id_village_code").focus()
    _pick(page, "id_village_code", "Kuta", "Kuta, Kuta, Kabupaten Badung")
    with page.expect_navigation():
        page.locator("#id_full_name").press("Enter")
    client = Client.objects.get(register_number="PB-2026-77")
    assert (client.regency_id, client.village_code) == ("51.03", "51.03.01.1002")
