"""Reminders for upcoming sessions: a WhatsApp click-to-chat link and an iCalendar file.

Nothing is sent by the system: the officer opens the link and presses send. The message goes to
the client, so it is always in Bahasa Indonesia whatever the officer's UI language, and it gives
the time in the office's zone with its abbreviation (WIB/WITA/WIT).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from urllib.parse import quote

from django.utils import timezone
from lokal import normalize_phone

from aksalarasa.guidance.models import GuidanceSession

SESSION_MINUTES = 60
ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
KIND_ID = {
    "report_in": "wajib lapor",
    "personality": "bimbingan kepribadian",
    "independence": "bimbingan kemandirian",
    "home_visit": "kunjungan rumah",
    "supervision": "pengawasan",
    "partner": "kegiatan di mitra",
}
PLACE_ID = {
    "office": "kantor",
    "community": "lokasi di masyarakat",
    "home": "rumah Anda",
    "partner_site": "tempat mitra",
    "online": "daring (online)",
}


def local_parts(moment: datetime, zone_name: str) -> tuple[datetime, str]:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    return local, ZONE_ABBREVIATIONS.get(zone_name, "UTC")


def date_id(moment: datetime, zone_name: str) -> str:
    """'Senin, 30 November 2026 pukul 09.00 WITA' in the office's zone."""
    local, abbreviation = local_parts(moment, zone_name)
    return (
        f"{DAYS_ID[local.weekday()]}, {local.day} {MONTHS_ID[local.month - 1]} {local.year} "
        f"pukul {local:%H.%M} {abbreviation}"
    )


def place_id(session: GuidanceSession) -> str:
    if session.place == "office":
        address = f" ({session.office.address})" if session.office.address else ""
        return f"{session.office.name}{address}"
    return PLACE_ID.get(session.place, session.place)


def whatsapp_digits(phone: str) -> str:
    """The wa.me number: digits only, country code first (62...). Empty when unusable."""
    if not phone:
        return ""
    try:
        normalized = normalize_phone(phone)
    except Exception:  # lokal raises on numbers it cannot read
        return ""
    digits = "".join(ch for ch in (normalized or "") if ch.isdigit())
    return digits if digits.startswith("62") and len(digits) >= 10 else ""


def whatsapp_message(session: GuidanceSession) -> str:
    client_name = session.client.full_name.split()[0] if session.client.full_name else ""
    officer = session.officer.full_name if session.officer else "petugas Bapas"
    return (
        f"Halo {client_name}, ini pengingat dari {session.office.name}. "
        f"Jadwal {KIND_ID.get(session.kind, session.kind)} Anda: "
        f"{date_id(session.scheduled_at, session.office.time_zone)}, tempat: {place_id(session)}. "
        f"Pembimbing Kemasyarakatan: {officer}. "
        "Mohon hadir tepat waktu. Jika berhalangan, mohon kabari kami lewat pesan ini. Terima kasih."
    )


def whatsapp_link(session: GuidanceSession) -> str:
    """https://wa.me/<digits>?text=<message>, or '' when the client has no usable phone number."""
    digits = whatsapp_digits(session.client.phone)
    if not digits:
        return ""
    return f"https://wa.me/{digits}?text={quote(whatsapp_message(session), safe='')}"


# --- iCalendar (RFC 5545), written by hand --------------------------------------------------------


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1): CRLF then one space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    limit = 75
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with a space
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def session_ics(session: GuidanceSession, *, host: str = "aksalarasa", now: datetime | None = None) -> str:
    """One VEVENT for the appointment. The client's name is left out: calendars get synced to
    third-party services, and a guidance appointment reveals a criminal record."""
    now = now or timezone.now()
    start = session.scheduled_at
    end = start + timedelta(minutes=SESSION_MINUTES)
    kind = KIND_ID.get(session.kind, session.kind)
    officer = session.officer.full_name if session.officer else ""
    description = f"Jadwal {kind}, {date_id(start, session.office.time_zone)}."
    if officer:
        description += f" Pembimbing Kemasyarakatan: {officer}."
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Aksalarasa//Guidance//ID",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:guidance-session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_ics_escape(f'{kind.capitalize()} · {session.office.name}')}",
        f"LOCATION:{_ics_escape(place_id(session))}",
        f"DESCRIPTION:{_ics_escape(description)}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT2H",
        f"DESCRIPTION:{_ics_escape(kind.capitalize())}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
