"""In Chromium, the site supervisor's phone app offline and back online (sentences/supervisor):
entries made with the network off are kept on the phone and sent once when it returns; a delivery
whose answer is lost is sent again and stores nothing twice; an entry that overlaps hours the PK
entered meanwhile is shown to the PK, who accepts it into the ledger."""

from __future__ import annotations

import io
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from aksalarasa.sentences import services as ledger_services
from aksalarasa.sentences.models import HoursEntry, SiteVisit
from aksalarasa.sentences.plan_models import PlannedSession
from aksalarasa.sentences.supervisor import services
from tests.browser.helpers import browser_login
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    PartnerFactory,
    make_client,
    make_membership,
    make_order,
    make_site,
    make_user,
    zone_on_another_day,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]
SYNC_URL = "**/api/v1/sentences/supervisor/sync"


def _photo_with_metadata() -> bytes:
    image = Image.new("RGB", (120, 80), "#2a7f62")
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "S", 2: (8.0, 42.0, 0.0), 3: "E", 4: (115.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"taken at home")
    return out.getvalue()


def _person(phone: Page, order_id: int):
    return phone.locator(f"li.person[data-order='{order_id}']")


def _wait_controlled(phone: Page) -> None:
    """Until the service worker controls the page (then the page and its files work offline)."""
    for _i in range(100):
        if phone.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        phone.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def test_entries_made_offline_sync_once_and_a_conflict_reaches_the_pk(page, new_page):
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    head = make_user("office_head", office)
    officer = make_user("officer", office, username="pk.uji", full_name="Putu Uji Petugas")
    supervisor = make_user("site_supervisor", office, username="pengawas.uji", full_name="Wayan Uji Pengawas")
    partner = PartnerFactory(office=office, name="Pokmas Lipas Uji")
    make_membership(supervisor, partner)
    site = make_site(
        office, partner, supervisors=[supervisor], actor=head, name="Pantai Uji Mertasari",
        latitude="-8.700000", longitude="115.260000",
    )  # fmt: skip
    worker = make_order(make_client(office, officer, full_name="Made Uji Satu"), actor=officer, site=site)
    overlapping = make_order(
        make_client(office, officer, full_name="Komang Uji Dua"), actor=officer, site=site
    )
    absent = make_order(make_client(office, officer, full_name="Nyoman Uji Tiga"), actor=officer, site=site)
    pin_worker = services.pin_issue(actor=officer, order=worker)
    pin_overlapping = services.pin_issue(actor=officer, order=overlapping)
    today = timezone.localdate(timezone=ZoneInfo(office.time_zone))
    PlannedSession.objects.create(
        office=office, order=worker, site=site, day=today, starts_at=time(8), ends_at=time(12), created_by=officer
    )  # fmt: skip

    # The supervisor opens the app online once: the page is kept for offline use. The phone's own
    # zone is on another day than the office: the entries are dated by the office's day.
    phone = new_page(phone=True, time_zone=zone_on_another_day(office.time_zone))
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": -8.7004, "longitude": 115.2603})
    browser_login(phone, supervisor.username, PASSWORD)
    phone.goto("/sentences/supervisor/")
    expect(phone.locator("main[data-ready=true]")).to_have_count(1)
    expect(_person(phone, worker.pk)).to_contain_text("Made Uji Satu")
    # Today's planned session first, with its times; the others under "not planned today".
    expect(phone.locator("ul.people:not(.people-unplanned) li.person")).to_have_count(1)
    expect(_person(phone, worker.pk).locator(".person-planned")).to_have_text("Direncanakan 08:00–12:00")
    expect(phone.locator(".unplanned-title")).to_be_visible()
    expect(phone.locator("ul.people-unplanned li.person")).to_have_count(2)
    _wait_controlled(phone)

    # The network goes away; the app still opens (the service worker's copy, the kept day list).
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("main[data-ready=true]")).to_have_count(1)
    expect(phone.locator("#net-status")).to_have_class("offline")
    expect(_person(phone, overlapping.pk)).to_contain_text("Komang Uji Dua")

    # Three entries, offline: hours with a photo, the location and the PIN; hours that will
    # overlap the PK's; an absence with its reason.
    card = _person(phone, worker.pk)
    card.locator(".act-arrived").click()
    card.locator("input[name=start]").fill("08:00")
    card.locator("input[name=end]").fill("11:30")
    card.locator("input[name=break_minutes]").fill("30")
    card.locator("input[name=work_done]").fill("Memungut sampah plastik")
    card.locator("input[name=photo]").set_input_files(
        {"name": "kerja.jpg", "mimeType": "image/jpeg", "buffer": _photo_with_metadata()}
    )
    card.locator("input[name=locate]").check()
    card.locator("input[name=pin]").fill(pin_worker)
    card.locator("form.arrived-form button[type=submit]").click()
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "1")

    card = _person(phone, overlapping.pk)
    card.locator(".act-arrived").click()
    card.locator("input[name=start]").fill("09:00")
    card.locator("input[name=end]").fill("11:00")
    card.locator("input[name=pin]").fill(pin_overlapping)
    card.locator("form.arrived-form button[type=submit]").click()
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "2")

    card = _person(phone, absent.pk)
    card.locator(".act-absent").click()
    card.locator("form.absent-form button[type=submit]").click()  # no reason: refused on the phone
    expect(card.locator("form.absent-form .form-error")).to_be_visible()
    card.locator("input[name=absence_reason]").fill("Sakit, ada surat dokter")
    card.locator("form.absent-form button[type=submit]").click()
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "3")
    expect(_person(phone, absent.pk).locator(".person-entries li")).to_have_count(1)
    assert SiteVisit.objects.count() == 0  # nothing left the phone

    # Meanwhile the PK credits hours for the second person that overlap the supervisor's entry.
    ledger_services.hours_work_add(
        actor=officer, order=overlapping,
        data={"work_date": today, "start": time(8), "end": time(10), "break_minutes": 0},
    )  # fmt: skip

    # The network returns. The first delivery reaches the server but its answer is lost (the
    # phone keeps its queue); the phone sends the same entries again, and the server answers
    # from what it stored the first time.
    deliveries: list[str] = []
    lost: list[bool] = []

    def lose_first_answer(route) -> None:
        deliveries.append(route.request.post_data or "")
        if len(deliveries) == 1:
            route.fetch()  # the server stores the entries...
            route.abort()  # ...but the phone never hears back
            lost.append(True)
        else:
            route.continue_()

    phone.route(SYNC_URL, lose_first_answer)
    phone.context.set_offline(False)
    expect(phone.locator("#net-status")).to_have_class("online")
    for _i in range(100):
        if lost:
            break
        phone.wait_for_timeout(100)
    assert len(deliveries) == 1 and lost
    assert SiteVisit.objects.count() == 3  # stored by the lost delivery
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "3")  # the phone still waits

    with phone.expect_response(
        lambda r: r.url.endswith("/supervisor/sync") and r.request.method == "POST"
    ) as answer:
        phone.locator("#sync-now").click()
    results = answer.value.json()["results"]
    assert len(deliveries) == 2 and deliveries[0] == deliveries[1]  # the very same entries, same ids
    assert [r["replay"] for r in results] == [True, True, True]
    expect(phone.locator("#queue-status")).to_have_attribute("data-waiting", "0")

    # Stored once: one credited entry with its hours, one conflict, one absence.
    assert SiteVisit.objects.count() == 3
    credited = SiteVisit.objects.get(order=worker)
    assert credited.state == "credited" and credited.entry.credited_minutes == 180
    assert credited.location_ok is True and credited.pin_confirmed
    assert HoursEntry.objects.filter(order=worker).count() == 1
    assert {v.work_date for v in SiteVisit.objects.all()} == {today}  # the office's day, not the phone's
    assert SiteVisit.objects.get(order=absent).state == "recorded"
    conflict = SiteVisit.objects.get(order=overlapping)
    assert conflict.state == "conflict" and HoursEntry.objects.filter(order=overlapping).count() == 1
    # The photo arrived after the entry, without its metadata.
    for _i in range(100):
        credited.refresh_from_db()
        if credited.photo:
            break
        phone.wait_for_timeout(100)
    with Image.open(credited.photo.path) as stored:
        assert not stored.getexif() and "comment" not in stored.info
    expect(_person(phone, overlapping.pk).locator(".entry.state-conflict")).to_have_count(1)

    # The PK sees the conflict on the order's page and accepts it into the ledger.
    browser_login(page, officer.username, PASSWORD)
    page.goto(f"/sentences/{overlapping.pk}/")
    entry = page.locator(f"li.field-entry[data-entry='{conflict.client_uuid}']")
    expect(entry.locator(".conflict-reason")).to_be_visible()
    expect(entry).to_contain_text("Wayan Uji Pengawas")
    with page.expect_navigation():
        entry.locator("button[value=accept]").click()
    expect(page.locator(".msg-success")).to_be_visible()
    conflict.refresh_from_db()
    assert conflict.state == "accepted" and conflict.decided_by == officer
    assert HoursEntry.objects.filter(order=overlapping).count() == 2
    expect(page.locator(f"li.field-entry[data-entry='{conflict.client_uuid}'] .decide-form")).to_have_count(0)
