"""Officer on a phone, Monday morning: flagged clients first, record a report-in with engagement in
one screen, and the caseload row updates in place (HTMX)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aksalarasa.guidance.models import GuidanceSession
from tests.browser.helpers import assert_no_serious_axe_violations
from tests.factories import PASSWORD, GuidanceSessionFactory, OfficeFactory, make_guidance_client, make_user


def test_officer_records_a_report_in_on_a_phone_and_the_row_updates(phone_page, browser_login):
    office = OfficeFactory(name="Bapas Kelas I Uji Peramban")
    officer = make_user("officer", office, username="pk.peramban", full_name="Putu Peramban")
    now = timezone.now()
    calm = make_guidance_client(office, officer, full_name="Agung Rajin Datang")
    GuidanceSessionFactory(
        client=calm, scheduled_at=now - timedelta(days=3), outcome="attended", engagement=3
    )
    drifting = make_guidance_client(office, officer, full_name="Zaenal Jarang Datang")
    GuidanceSessionFactory(client=drifting, scheduled_at=now - timedelta(days=40), outcome="unexcused")
    GuidanceSessionFactory(client=drifting, scheduled_at=now - timedelta(days=33), outcome="unexcused")
    due = GuidanceSessionFactory(client=drifting, scheduled_at=now - timedelta(minutes=30))

    page = phone_page
    # The live server's first request imports every app's URLs and views: on a busy machine that
    # alone can pass the 10-second default, so warm it up with a generous timeout.
    page.goto("/healthz", timeout=90_000)
    browser_login(page, "pk.peramban", PASSWORD)
    page.goto("/guidance/caseload/")
    blocks = page.locator("tbody.client-block")
    assert blocks.count() == 2
    first = blocks.nth(0)
    assert "Zaenal Jarang Datang" in first.inner_text()  # flagged first, although "Z" sorts last
    assert first.locator("[data-flag=unexcused_twice]").count() == 1
    assert first.locator("[data-flag=no_contact]").count() == 1
    assert_no_serious_axe_violations(page, context="caseload on a phone")

    block = page.locator(f"#client-{drifting.pk}")
    block.get_by_role("link", name="Zaenal Jarang Datang").first.wait_for()
    block.locator("a.btn").click()
    form = block.locator("form.record-form")
    form.wait_for()
    # One screen: the whole form fits the phone's width (no sideways scrolling).
    box = form.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    form.locator("input[name=outcome][value=attended]").check()
    form.locator("input[name=engagement][value='3']").check()
    form.locator("textarea[name=client_said]").fill("Sudah dapat kerja di bengkel")
    form.locator("textarea[name=response]").fill("Bercerita dengan semangat")
    assert_no_serious_axe_violations(page, context="record form on a phone")
    with page.expect_response(lambda r: f"/guidance/sessions/{due.pk}/record/" in r.url and r.status == 200):
        form.locator("button[type=submit]").click()

    updated = page.locator(f"#client-{drifting.pk}")
    updated.locator(".caseload-row [role=status], .slot-row [role=status]").first.wait_for()
    assert updated.locator("form.record-form").count() == 0
    assert updated.locator("[data-flag=no_contact]").count() == 0
    assert updated.locator("[data-flag=unexcused_twice]").count() == 0
    assert "1/3" in updated.locator("td.attendance").inner_text()
    assert updated.locator("svg.sparkline").count() == 1
    assert "/guidance/caseload/" in page.url  # updated in place, no navigation

    due.refresh_from_db()
    assert (due.outcome, due.engagement, due.client_said) == ("attended", 3, "Sudah dapat kerja di bengkel")
    assert GuidanceSession.objects.filter(client=drifting).count() == 3
