"""In Chromium, the PK decides later whether an absence the site supervisor recorded had a valid
reason: the form opens inside the order's compliance section (htmx) and the saved decision shows."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aksalarasa.sentences.models import ComplianceEvent
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
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]


def test_the_pk_marks_a_site_absence_valid_in_the_compliance_section(page):
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    head = make_user("office_head", office)
    officer = make_user("officer", office, username="pk.alasan", full_name="Putu Uji Petugas")
    supervisor = make_user("site_supervisor", office, full_name="Wayan Uji Pengawas")
    partner = PartnerFactory(office=office, name="Pokmas Lipas Uji")
    make_membership(supervisor, partner)
    site = make_site(office, partner, supervisors=[supervisor], actor=head, name="Pantai Uji")
    order = make_order(make_client(office, officer, full_name="Made Uji Absen"), actor=officer, site=site)
    today = timezone.localdate(timezone=ZoneInfo(office.time_zone))
    services.visits_sync(
        actor=supervisor,
        items=[{"id": uuid.uuid4(), "order_id": order.pk, "site_id": site.pk, "work_date": today,
                "attendance": "absent", "absence_reason": "Sakit demam"}],
    )  # fmt: skip
    event = ComplianceEvent.objects.get()

    browser_login(page, officer.username, PASSWORD)
    page.goto(f"/sentences/{order.pk}/")
    row = page.locator(f"#event-{event.pk}")
    expect(row).to_contain_text("Menunggu keputusan Anda")
    expect(row).to_contain_text("Dari catatan pengawas lokasi")
    row.get_by_role("link", name="Putuskan alasannya").click()
    form = page.locator("#event-reason-slot form")
    expect(form).to_be_visible()
    form.get_by_label("alasan yang sah").select_option("yes")
    form.get_by_label("catatan keputusan").fill("Surat dokter diterima")
    form.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator(f"#event-{event.pk}")).not_to_contain_text("Menunggu keputusan Anda")
    expect(page.locator(f"#event-{event.pk}")).to_contain_text("Surat dokter diterima")
    event.refresh_from_db()
    assert event.valid_reason and not event.reason_pending and event.version == 2
