"""The event day on phones: a resident registers on the public page, staff check people in by code
on a 390x844 screen (also offline, sent when the connection returns), teams are formed, an
interaction is recorded, and the program's intervention stage shows the event as held."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from aksalarasa.clients.models import Client
from aksalarasa.events import services
from aksalarasa.events.models import CheckIn, Event, Interaction, Registration, TeamMember
from tests.browser.helpers import browser_login
from tests.factories import (
    PASSWORD,
    EventFactory,
    OfficeFactory,
    RegistrationFactory,
    make_event_program,
    make_user,
)


def published_event() -> Event:
    """A published event one hour from now, run by officer pk.uji (also used by other browser tests)."""
    office = OfficeFactory(name="Bapas Kelas I Uji")
    officer = make_user("officer", office, username="pk.uji")
    program = make_event_program(office, title="AKSALARASA uji", created_by=officer)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    event = EventFactory(
        office=office,
        program=program,
        name="Bersih Pantai Uji",
        start=start,
        end=start + datetime.timedelta(hours=2),
        village_code="51.71.01.2010",
        created_by=officer,
    )
    Event.objects.filter(pk=event.pk).update(published=True)
    event.refresh_from_db()
    return event


def _world():
    event = published_event()
    office, program, officer = event.office, event.program, event.created_by
    # Two of the officer's clients (consent given) registered and checked in before the test.
    for n, born in enumerate((datetime.date(1990, 3, 1), datetime.date(1988, 7, 9))):
        client = Client.objects.create(
            office=office,
            register_number=f"UJI-{n}",
            full_name=f"Klien Pantai {n}",
            sex="M",
            birth_date=born,
            category="adult",
            officer=officer,
            consent_community=True,
        )
        reg = services.registration_client_create(event=event, client=client, actor=officer)
        services.event_check_in(event=event, code=reg.code, actor=officer)
    return office, officer, program, event


def test_event_day_from_registration_to_stage_view(phone_page, new_page):
    _office, officer, program, event = _world()

    # A resident opens the public page from a QR poster and registers without an account.
    resident = phone_page
    resident.goto(reverse("events:public", args=[event.pk]))
    resident.fill("#id_name", "Ni Wayan Lestari")
    resident.fill("#id_phone", "0812 3456 7890")
    resident.select_option("#id_village_code", "51.71.01.2010")
    resident.check("#id_consent_data")
    resident.wait_for_timeout(3200)  # a person takes a few seconds; faster counts as a robot
    with resident.expect_navigation():
        resident.click("main form button[type=submit]")
    code = resident.inner_text("#registration-code").strip()
    assert len(code) == 6 and resident.locator(".qr svg").count() == 1
    assert Registration.objects.get(event=event, code=code).name == "Ni Wayan Lestari"

    # Staff check the resident in by typing the code on a phone.
    staff = new_page(phone=True)
    browser_login(staff, officer.username, PASSWORD)
    staff.goto(reverse("events:checkin", args=[event.pk]))
    assert staff.viewport_size == {"width": 390, "height": 844}
    # Nobody is asked how the code arrived: the page knows (issue 17 item 4).
    assert staff.locator("#checkin-form select").count() == 0
    staff.fill("#id_code", code.lower())
    staff.click("#checkin-form button[type=submit]")
    staff.wait_for_selector("#checkin-result .msg-success")
    assert "Ni Wayan Lestari" in staff.inner_text("#checkin-result")
    # A second scan answers "already checked in" and adds no row.
    staff.fill("#id_code", code)
    staff.click("#checkin-form button[type=submit]")
    staff.wait_for_selector("#checkin-result .msg-warning")
    assert CheckIn.objects.filter(registration__code=code, event=event).count() == 1
    assert CheckIn.objects.get(registration__code=code, event=event).source == CheckIn.Source.TYPED

    # Offline: the check-in waits on the phone and is sent once the connection returns.
    late = RegistrationFactory(event=event, name="I Ketut Sudarma")
    staff.context.set_offline(True)
    staff.fill("#id_code", late.code)
    staff.click("#checkin-form button[type=submit]")
    staff.wait_for_selector("#checkin-queue:not([hidden])")
    assert late.code in staff.inner_text("#checkin-queue")
    assert not CheckIn.objects.filter(registration=late).exists()
    staff.context.set_offline(False)
    staff.evaluate("window.dispatchEvent(new Event('online'))")
    staff.wait_for_selector("#checkin-queue[hidden]", state="attached")
    staff.wait_for_selector("#checkin-result .msg-success")
    assert CheckIn.objects.filter(registration=late).count() == 1
    assert CheckIn.objects.get(registration=late).source == CheckIn.Source.OFFLINE
    assert CheckIn.objects.filter(event=event).count() == 4

    # A click in the registration list checks a person in, recorded as coming from the list.
    walk_in = RegistrationFactory(event=event, name="Made Walk In")
    staff.goto(reverse("events:registrations", args=[event.pk]))
    with staff.expect_navigation():
        staff.locator("tr", has_text=walk_in.code).locator("button[type=submit]").click()
    assert CheckIn.objects.get(registration=walk_in).source == CheckIn.Source.LIST
    CheckIn.objects.filter(registration=walk_in).delete()
    walk_in.delete()

    # Teams: two mixed teams of the four people checked in.
    staff.goto(reverse("events:teams", args=[event.pk]))
    staff.fill("#id_form-team_count", "2")
    with staff.expect_navigation():
        staff.click("main form button[type=submit]")
    staff.wait_for_selector("#teams-summary .badge-ok")
    teams = {m.team_id for m in TeamMember.objects.filter(team__event=event)}
    assert len(teams) == 2 and TeamMember.objects.filter(team__event=event).count() == 4

    # An interaction: tap a client, tap the resident, record.
    staff.goto(reverse("events:interactions", args=[event.pk]))
    client_reg = Registration.objects.filter(event=event, group="client").order_by("pk").first()
    resident_reg = Registration.objects.get(event=event, code=code)
    staff.select_option("#id_client", str(client_reg.pk))
    staff.check(f"input[name=others][value='{resident_reg.pk}']")
    with staff.expect_navigation():
        staff.click("main form.interactions-form button[type=submit]")
    assert Interaction.objects.filter(event=event).count() == 1

    # The team marks the event as held; the program's intervention stage shows it.
    staff.goto(reverse("events:detail", args=[event.pk]))
    with staff.expect_navigation():
        staff.click("form:has(input[name=flag][value=done]) button[type=submit]")
    event.refresh_from_db()
    assert event.done is True
    staff.goto(reverse("programs:intervention", args=[program.pk]))
    row = staff.locator("tr", has_text="Bersih Pantai Uji")
    assert row.locator(".badge-ok").count() == 1


def test_coordinator_edits_the_run_of_show_in_place_on_a_phone(phone_page):
    """Edit an agenda item where it stands, move it up, and be told (not overwritten) when a
    colleague changed the same item in between; all without leaving the event page."""
    from aksalarasa.events.models import AgendaItem

    _office, officer, _program, event = _world()
    opening = AgendaItem.objects.create(
        event=event, position=1, starts_at=datetime.time(15, 0), title="Pembukaan"
    )
    cleanup = AgendaItem.objects.create(
        event=event, position=2, starts_at=datetime.time(15, 30), title="Bersih pantai"
    )
    page = phone_page
    browser_login(page, officer.username, PASSWORD)
    page.goto(reverse("events:detail", args=[event.pk]))
    section = page.locator("#part-agenda")

    section.locator("li", has_text="Bersih pantai").locator(".row-edit-link").click()
    form = section.locator("form.row-edit")
    form.wait_for()
    form.locator(f"#id_agenda-{cleanup.pk}-ends_at").fill("17:00")
    form.locator(f"#id_agenda-{cleanup.pk}-lead").fill("Koordinator lapangan")
    url_before = page.url
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#part-agenda .msg-success")
    assert page.url == url_before  # the section was swapped in place, the page did not reload
    assert "15.30–17.00" in section.inner_text() and "Koordinator lapangan" in section.inner_text()
    cleanup.refresh_from_db()
    assert (cleanup.ends_at, cleanup.lead, cleanup.version) == (
        datetime.time(17, 0),
        "Koordinator lapangan",
        2,
    )

    # Move the clean-up above the opening: the order changes, the times do not, and the page says so.
    section.locator("li", has_text="Bersih pantai").locator("button", has_text="↑").click()
    page.wait_for_selector("#part-agenda .badge-warn")
    assert [a.title for a in event.agenda.all()] == ["Bersih pantai", "Pembukaan"]
    assert section.locator("li").first.inner_text().startswith("15.30")

    # A colleague renames the opening while this phone has it open: saving is refused, not lost.
    section.locator("li", has_text="Pembukaan").locator(".row-edit-link").click()
    form.wait_for()
    AgendaItem.objects.filter(pk=opening.pk).update(title="Sambutan Kepala Bapas", version=2)
    form.locator(f"#id_agenda-{opening.pk}-title").fill("Pembukaan oleh MC")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#part-agenda form.row-edit .msg-error")
    from django.utils import translation

    from aksalarasa.core.concurrency import StaleVersion

    with translation.override(officer.language or "id"):
        assert str(StaleVersion.message) in form.inner_text()
    opening.refresh_from_db()
    assert opening.title == "Sambutan Kepala Bapas"
