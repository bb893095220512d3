"""A PK answers the child section's request with two of their clients at once (issue 17, item 6):
the decision page lists only the PK's own clients, each with its consent fields; the PK ticks two
with the keyboard, records who consented and when, and both are registered. axe-core finds
nothing serious on the page."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aksalarasa.events import services
from aksalarasa.events.models import Invitation, Registration
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import PASSWORD, EventFactory, OfficeFactory, make_client, make_program, make_user


def test_pk_invites_two_clients_at_once(page):
    office = OfficeFactory(name="Bapas Kelas I Undangan Banyak")
    pk = make_user("officer", office, username="pk.banyak", full_name="Kadek Pembimbing", section="child")
    other_pk = make_user("officer", office, full_name="Nyoman Lain", section="child")
    team = make_user("program_team", office, full_name="Tim Undangan")
    program = make_program(office, team=[(team, True)], acronym="PANTAI")
    start = timezone.now() + datetime.timedelta(days=7)
    event = EventFactory(
        office=office,
        program=program,
        name="Bersih Pantai",
        start=start,
        end=start + datetime.timedelta(hours=2),
        created_by=team,
    )
    first = make_client(office, pk, child=True, full_name="Komang Ayu Lestari", consent_community=True)
    second = make_client(office, pk, child=True, full_name="Gede Putra Wibawa", consent_community=True)
    third = make_client(office, pk, child=True, full_name="Ketut Sari Dewi", consent_community=True)
    foreign = make_client(office, other_pk, child=True, full_name="Made Bukan Klien", consent_community=True)
    invitation = services.invitation_request(event=event, actor=team, section="child", note="Lomba sampah")

    browser_login(page, "pk.banyak", PASSWORD)
    page.goto(reverse("events:invitation_decide", args=[invitation.pk]))
    accept = page.locator("form:has(input[name=action][value=accept])")
    expect(accept.locator("input[name=clients]")).to_have_count(3)
    expect(accept).not_to_contain_text(foreign.full_name)
    assert_no_serious_axe_violations(page, context="invitation decision for several clients")
    for client, guardian in ((first, "Ibu Ayu (wali)"), (third, "Bapak Ketut (wali)")):
        box = accept.get_by_label(client.full_name, exact=False).first
        box.focus()
        box.press("Space")
        expect(box).to_be_checked()
        accept.locator(f"input[name=consent_given_by_{client.pk}]").fill(guardian)
        accept.locator(f"input[name=consent_at_{client.pk}]").fill("2026-12-03T10:30")
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("2 klien terdaftar")
    assert set(Registration.objects.filter(event=event).values_list("client_id", flat=True)) == {
        first.pk,
        third.pk,
    }
    accepted = Invitation.objects.filter(event=event, state="accepted")
    assert {i.client_id: i.consent_given_by for i in accepted} == {
        first.pk: "Ibu Ayu (wali)",
        third.pk: "Bapak Ketut (wali)",
    }
    assert not Registration.objects.filter(event=event, client=second).exists()
