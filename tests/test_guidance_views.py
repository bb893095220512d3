"""Guidance pages: recording on one screen (HTMX row update), validation, reschedule, concerns,
reminders, the roll-ups, exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.audit.models import AccessLog
from aksalarasa.guidance.models import GuidanceSession, ReportInSchedule
from tests.factories import GuidanceSessionFactory, make_guidance_client, make_user

NOW = timezone.now()


@pytest.fixture
def world(office_a):
    officer = make_user("officer", office_a, full_name="Putu Uji")
    client = make_guidance_client(office_a, officer, full_name="Wayan Klien Satu")
    due = GuidanceSessionFactory(client=client, scheduled_at=NOW - timedelta(hours=1))
    return {"officer": officer, "client": client, "due": due}


def _local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _record_data(**extra) -> dict:
    data = {"version": "1", "kind": "report_in", "place": "office", "outcome": "attended", "engagement": "3"}
    data.update(extra)
    return data


def test_caseload_page_lists_flagged_clients_first(client, world, office_a):
    officer = world["officer"]
    calm = make_guidance_client(office_a, officer, full_name="Aaa Tenang")
    GuidanceSessionFactory(
        client=calm, scheduled_at=NOW - timedelta(days=2), outcome="attended", engagement=3
    )
    client.force_login(officer)
    response = client.get(reverse("guidance:caseload"))
    html = response.content.decode()
    assert response.status_code == 200
    # "Wayan" (never attended: no-contact flag) comes before "Aaa" (no flags) despite the alphabet.
    assert html.index("Wayan Klien Satu") < html.index("Aaa Tenang")
    assert 'data-flag="no_contact"' in html
    assert "<svg" in html


def test_htmx_record_returns_the_updated_caseload_row(client, world):
    client.force_login(world["officer"])
    url = reverse("guidance:client_record", args=[world["client"].pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert f'hx-target="#client-{world["client"].pk}"' in form.content.decode()
    next_at = NOW + timedelta(days=14)
    response = client.post(
        url,
        _record_data(engagement="4", client_said="Sudah bekerja", next_at=_local_input(next_at)),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tbody id="client-{world["client"].pk}"')
    assert 'data-flag="no_contact"' not in html  # attended just now
    assert "100%" in html
    due = GuidanceSession.objects.get(pk=world["due"].pk)
    assert (due.outcome, due.engagement, due.client_said, due.version) == ("attended", 4, "Sudah bekerja", 2)
    assert due.recorded_by == world["officer"]
    nxt = GuidanceSession.objects.get(client=world["client"], outcome="")
    assert abs((nxt.scheduled_at - next_at).total_seconds()) < 60


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"engagement": ""}, "engagement"),
        ({"outcome": "excused", "engagement": "3"}, "engagement"),
        ({"outcome": "not_held", "engagement": ""}, "not_held_reason"),
        ({"outcome": "rescheduled", "engagement": ""}, "next_at"),
        ({"concern": "on", "concern_text": " "}, "concern_text"),
        ({"engagement": "7"}, "engagement"),
        ({"outcome": "teleported"}, "outcome"),
    ],
)
def test_bad_record_input_rerenders_with_errors_and_changes_nothing(client, world, extra, field):
    client.force_login(world["officer"])
    url = reverse("guidance:session_record", args=[world["due"].pk])
    response = client.post(url, _record_data(**extra))
    assert response.status_code == 422
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    due = GuidanceSession.objects.get(pk=world["due"].pk)
    assert (due.outcome, due.version) == ("", 1)
    assert GuidanceSession.objects.count() == 1


def test_htmx_record_with_errors_reopens_the_form_in_the_row(client, world):
    client.force_login(world["officer"])
    url = reverse("guidance:client_record", args=[world["client"].pk])
    response = client.post(url, _record_data(engagement=""), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx only: the row comes back with the open form
    assert "errorlist" in html and "<form" in html


def test_stale_version_is_refused_without_overwriting(client, world):
    client.force_login(world["officer"])
    url = reverse("guidance:session_record", args=[world["due"].pk])
    assert client.post(url, _record_data(engagement="2")).status_code == 302
    stale = client.post(url, _record_data(engagement="4"))
    assert stale.status_code == 422
    assert stale.context["form"].non_field_errors()
    assert GuidanceSession.objects.get(pk=world["due"].pk).engagement == 2


def test_recording_with_no_appointment_due_creates_a_session_now(client, world):
    world["due"].delete()
    client.force_login(world["officer"])
    response = client.post(reverse("guidance:client_record", args=[world["client"].pk]), _record_data())
    assert response.status_code == 302
    session = GuidanceSession.objects.get(client=world["client"])
    assert session.outcome == "attended"
    assert abs((session.scheduled_at - timezone.now()).total_seconds()) < 120


def test_attendance_cannot_be_recorded_for_a_future_day(client, world):
    later = GuidanceSessionFactory(client=world["client"], scheduled_at=NOW + timedelta(days=3))
    client.force_login(world["officer"])
    response = client.post(reverse("guidance:session_record", args=[later.pk]), _record_data())
    assert response.status_code == 422
    assert response.context["form"].errors["outcome"]


def test_rescheduled_outcome_keeps_the_old_appointment_and_links_the_new(client, world):
    client.force_login(world["officer"])
    new_at = NOW + timedelta(days=2)
    response = client.post(
        reverse("guidance:session_record", args=[world["due"].pk]),
        _record_data(outcome="rescheduled", engagement="", next_at=_local_input(new_at)),
    )
    assert response.status_code == 302
    old = GuidanceSession.objects.get(pk=world["due"].pk)
    assert old.outcome == "rescheduled"
    assert old.rescheduled_to is not None and old.rescheduled_to.outcome == ""


def test_reschedule_action_moves_an_upcoming_appointment(client, world):
    upcoming = GuidanceSessionFactory(client=world["client"], scheduled_at=NOW + timedelta(days=1))
    client.force_login(world["officer"])
    url = reverse("guidance:session_reschedule", args=[upcoming.pk])
    bad = client.post(url, {"version": "1", "new_at": _local_input(NOW - timedelta(days=1))})
    assert bad.status_code == 422
    response = client.post(url, {"version": "1", "new_at": _local_input(NOW + timedelta(days=5))})
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.outcome == "rescheduled" and upcoming.rescheduled_to_id
    history = client.get(reverse("guidance:session_detail", args=[upcoming.pk])).content.decode()
    assert "Putu Uji" in history  # the change history names who moved it


def test_section_head_sees_and_resolves_a_concern(client, world, office_a):
    head = make_user("section_head", office_a, section="adult", full_name="Kasi Uji")
    worry = GuidanceSessionFactory(
        client=world["client"],
        scheduled_at=NOW - timedelta(days=1),
        outcome="attended",
        engagement=2,
        concern=True,
        concern_text="Mengaku diancam teman lama",
    )
    client.force_login(world["officer"])
    denied = client.post(
        reverse("guidance:concern_resolve", args=[worry.pk]), {"version": "1", "resolution": "ok"}
    )
    assert denied.status_code == 404  # officers raise concerns; heads resolve them
    client.force_login(head)
    page = client.get(reverse("guidance:section")).content.decode()
    assert "Mengaku diancam teman lama" in page
    empty = client.post(
        reverse("guidance:concern_resolve", args=[worry.pk]), {"version": "1", "resolution": " "}
    )
    assert empty.status_code == 422
    done = client.post(
        reverse("guidance:concern_resolve", args=[worry.pk]),
        {"version": "1", "resolution": "Dirujuk ke konselor", "back": "section"},
    )
    assert done.status_code == 302
    worry.refresh_from_db()
    assert worry.concern_resolved_by == head and worry.concern_resolution == "Dirujuk ke konselor"
    assert "Mengaku diancam teman lama" not in client.get(reverse("guidance:section")).content.decode()


def test_open_concerns_come_ten_to_a_page_newest_first_with_the_client_named(client, world, office_a):
    head = make_user("section_head", office_a, section="adult", language="en")
    for day in range(12):
        GuidanceSessionFactory(
            client=world["client"],
            scheduled_at=NOW - timedelta(days=day + 1),
            outcome="attended",
            engagement=2,
            concern=True,
            concern_text=f"Kekhawatiran nomor {day:02d}",
        )
    client.force_login(head)
    first = client.get(reverse("guidance:section")).content.decode()
    shown = [f"Kekhawatiran nomor {d:02d}" for d in range(12) if f"Kekhawatiran nomor {d:02d}" in first]
    assert shown == [f"Kekhawatiran nomor {d:02d}" for d in range(10)]  # the newest ten
    assert "12 open concerns, newest first" in first and "concerns=2#concerns-h" in first
    assert world["client"].full_name in first
    second = client.get(reverse("guidance:section"), {"concerns": "2", "flag": "concern"}).content.decode()
    assert "Kekhawatiran nomor 10" in second and "Kekhawatiran nomor 11" in second
    assert "Kekhawatiran nomor 09" not in second
    assert "flag=concern&amp;concerns=1#concerns-h" in second  # the other filters are kept
    for junk in ("0", "-1", "x", "999999999999"):
        assert client.get(reverse("guidance:section"), {"concerns": junk}).status_code == 200


def test_upcoming_session_offers_whatsapp_and_ics(client, world):
    upcoming = GuidanceSessionFactory(client=world["client"], scheduled_at=NOW + timedelta(days=3))
    client.force_login(world["officer"])
    page = client.get(reverse("guidance:client_sessions", args=[world["client"].pk])).content.decode()
    assert "https://wa.me/6281234567890?text=" in page
    ics = client.get(reverse("guidance:session_ics", args=[upcoming.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    body = ics.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "Wayan" not in body  # no client name in a calendar file


def test_client_sessions_page_is_logged_as_a_read(client, world):
    client.force_login(world["officer"])
    client.get(reverse("guidance:client_sessions", args=[world["client"].pk]))
    assert AccessLog.objects.filter(
        user=world["officer"], object_type="clients.client", object_id=str(world["client"].pk)
    ).exists()


def test_schedule_form_creates_the_next_report_ins_once(client, world):
    client.force_login(world["officer"])
    url = reverse("guidance:schedule_edit", args=[world["client"].pk])
    data = {
        "every_days": "14",
        "first_at": _local_input(NOW + timedelta(days=1)),
        "place": "office",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert ReportInSchedule.objects.count() == 1
    created = GuidanceSession.objects.filter(client=world["client"], schedule__isnull=False)
    assert created.count() == 4  # days 1, 15, 29, 43 within eight weeks
    bad = client.post(url, {**data, "every_days": "0"})
    assert bad.status_code == 422


def test_caseload_export_csv_is_masked_and_logged(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("guidance:caseload_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == world["client"].register_number and rows[1][1] == "Wayan Klien Satu"
    assert AccessLog.objects.filter(action="export", object_id=str(world["client"].pk)).exists()
    xlsx = client.get(reverse("guidance:caseload_export", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert client.get(reverse("guidance:caseload_export", args=["pdf"])).status_code == 404


def test_office_view_rolls_up_per_section_and_officer(client, world, office_a):
    head = make_user("office_head", office_a)
    child_officer = make_user("officer", office_a, section="child", full_name="Ketut Uji")
    make_guidance_client(office_a, child_officer, category="child", full_name="Anak Uji")
    client.force_login(head)
    response = client.get(reverse("guidance:office"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Putu Uji" in html and "Ketut Uji" in html
    rollup = response.context["rollup"]
    assert rollup.by_section["adult"].clients == 1 and rollup.by_section["child"].clients == 1


def test_head_can_open_an_officers_caseload_but_an_officer_cannot_open_a_colleagues(client, world, office_a):
    colleague = make_user("officer", office_a)
    client.force_login(colleague)
    assert client.get(reverse("guidance:caseload") + f"?officer={world['officer'].pk}").status_code == 404
    head = make_user("section_head", office_a, section="adult")
    client.force_login(head)
    response = client.get(reverse("guidance:caseload") + f"?officer={world['officer'].pk}")
    assert response.status_code == 200
    assert "Wayan Klien Satu" in response.content.decode()


def test_a_head_recording_from_an_officers_caseload_goes_back_to_that_caseload(client, world, office_a):
    """The record link of a row carries the caseload it came from: a section head reading an
    officer's caseload is sent back there (the officer's own caseload page is 404 for a head)."""
    import re

    head = make_user("section_head", office_a, section="adult")
    client.force_login(head)
    caseload = reverse("guidance:caseload") + f"?officer={world['officer'].pk}"
    page = client.get(caseload).content.decode()
    link = re.search(r'class="btn" href="([^"]+\?next=caseload[^"]*)"', page).group(1).replace("&amp;", "&")
    record = client.get(link)
    back = re.search(r'<a href="([^"]+)">← ', record.content.decode()).group(1).replace("&amp;", "&")
    assert back == caseload and client.get(back).status_code == 200
    saved = client.post(link, _record_data())
    assert saved.status_code == 302 and saved["Location"] == caseload


def test_nav_and_home_point_an_officer_to_the_caseload(client, world):
    client.force_login(world["officer"])
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("guidance:caseload") in home
    assert "Wayan Klien Satu" in home  # the flagged client is listed on the home block


def test_recording_a_session_offers_the_scheduled_appointment_and_completes_it(client, office_a):
    """Issue 17 item 14: with an appointment set for later, recording a session now offers to record
    against it; chosen, the appointment is completed (moved to now), not duplicated."""
    officer = make_user("officer", office_a)
    person = make_guidance_client(office_a, officer, full_name="Ketut Janji")
    later = GuidanceSessionFactory(client=person, scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(officer)
    url = reverse("guidance:client_record", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Janji temu sudah dijadwalkan" in page
    assert f'value="{later.pk}"' in page and "checked" in page.split(f'value="{later.pk}"')[1][:40]

    next_at = _local_input(timezone.now() + timedelta(days=9))
    response = client.post(url, _record_data(appointment=str(later.pk), next_at=next_at))
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.outcome == "attended" and later.engagement == 3
    assert abs(later.scheduled_at - timezone.now()) < timedelta(minutes=5)
    sessions = GuidanceSession.objects.filter(client=person)
    assert sessions.count() == 2  # the completed appointment and the next one, nothing else
    assert sessions.filter(outcome="").count() == 1


def test_a_separate_session_keeps_the_scheduled_appointment(client, office_a):
    officer = make_user("officer", office_a)
    person = make_guidance_client(office_a, officer, full_name="Made Terpisah")
    later = GuidanceSessionFactory(client=person, scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(officer)
    url = reverse("guidance:client_record", args=[person.pk])
    assert client.post(url, _record_data(appointment="")).status_code == 302
    later.refresh_from_db()
    assert later.outcome == ""
    assert GuidanceSession.objects.filter(client=person, outcome="attended").exclude(pk=later.pk).count() == 1
