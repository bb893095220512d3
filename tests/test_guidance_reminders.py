"""Reminders (WhatsApp text in Indonesian, RFC 5545 calendar file) and the report-in scheduler."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

from django.utils import timezone, translation

from aksalarasa.guidance import reminders, services
from aksalarasa.guidance.models import GuidanceSession, ReportInSchedule
from tests.factories import GuidanceSessionFactory, OfficeFactory, make_guidance_client, make_user

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def _session(office, **extra):
    officer = make_user("officer", office, full_name="Putu Eka Pengingat")
    client = make_guidance_client(office, officer, full_name="Made Wira Klien", phone="0812-3456-7890")
    # Monday 30 November 2026, 09.30 WITA = 01.30 UTC
    at = datetime(2026, 11, 30, 9, 30, tzinfo=WITA)
    return GuidanceSessionFactory(client=client, scheduled_at=at, **extra)


def test_whatsapp_link_is_indonesian_in_the_office_zone_whatever_the_ui_language(db):
    office = OfficeFactory(name="Bapas Kelas I Denpasar", time_zone="Asia/Makassar", address="Jl. Uji 1")
    session = _session(office)
    with translation.override("en"):
        link = reminders.whatsapp_link(session)
    parsed = urlparse(link)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "wa.me", "/6281234567890")
    text = parse_qs(parsed.query)["text"][0]
    assert "Senin, 30 November 2026 pukul 09.30 WITA" in text
    assert "wajib lapor" in text and "Bapas Kelas I Denpasar (Jl. Uji 1)" in text
    assert "Putu Eka Pengingat" in text and text.startswith("Halo Made,")


def test_same_moment_reads_in_wib_for_a_java_office(db):
    office = OfficeFactory(time_zone="Asia/Jakarta")
    session = _session(office, place="home")
    text = reminders.whatsapp_message(session)
    assert "pukul 08.30 WIB" in text and "rumah Anda" in text


def test_no_link_without_a_usable_phone(db):
    office = OfficeFactory()
    session = _session(office)
    session.client.phone = "tidak ada"
    assert reminders.whatsapp_link(session) == ""


def test_ics_follows_rfc5545(db):
    office = OfficeFactory(
        name="Bapas Kelas I Denpasar dengan nama kantor yang panjang sekali untuk melipat baris"
    )
    session = _session(office)
    body = reminders.session_ics(session, host="bapas.example", now=datetime(2026, 11, 27, tzinfo=WITA))
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert f"UID:guidance-session-{session.pk}@bapas.example" in unfolded
    assert "DTSTART:20261130T013000Z" in unfolded and "DTEND:20261130T023000Z" in unfolded
    assert "DTSTAMP:20261126T160000Z" in unfolded
    assert "SUMMARY:Wajib lapor · Bapas Kelas I Denpasar dengan nama kantor" in unfolded
    assert "LOCATION:" in unfolded and "Made" not in unfolded


def test_scheduler_creates_up_to_n_weeks_and_is_idempotent(db):
    office = OfficeFactory()
    officer = make_user("officer", office)
    client = make_guidance_client(office, officer)
    now = timezone.now()
    schedule = ReportInSchedule.objects.create(
        office=office, client=client, every_days=7, first_at=now - timedelta(days=20, hours=1)
    )
    created = services.schedule_generate(schedule=schedule, weeks_ahead=4, now=now)
    assert len(created) == 4
    assert all(now < s.scheduled_at <= now + timedelta(weeks=4) for s in created)
    assert all(s.officer == officer and s.kind == "report_in" for s in created)
    assert services.schedule_generate(schedule=schedule, weeks_ahead=4, now=now) == []
    assert GuidanceSession.objects.filter(schedule=schedule).count() == 4
    assert GuidanceSession.history.filter(schedule_id=schedule.pk).count() == 4  # history rows written
    schedule.until = timezone.localdate(now + timedelta(days=10))
    schedule.save()
    later = services.schedule_generate(schedule=schedule, weeks_ahead=8, now=now + timedelta(days=1))
    assert later == []  # nothing beyond the end date
    schedule.active = False
    assert services.schedule_generate(schedule=schedule, weeks_ahead=12, now=now) == []


def test_daily_command_generates_for_every_active_schedule_once(db):
    from io import StringIO

    from django.core.management import call_command

    office = OfficeFactory()
    client = make_guidance_client(office, make_user("officer", office))
    ReportInSchedule.objects.create(
        office=office, client=client, every_days=14, first_at=timezone.now() + timedelta(hours=2)
    )
    out = StringIO()
    call_command("guidance_generate_report_ins", "--weeks", "4", stdout=out)
    assert out.getvalue().startswith("2 ")
    call_command("guidance_generate_report_ins", "--weeks", "4", stdout=out)
    assert GuidanceSession.objects.filter(client=client).count() == 2
