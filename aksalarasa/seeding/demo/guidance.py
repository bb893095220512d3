"""Demo guidance: a year of sessions for the Denpasar demo clients (fiction on the reference case).

The pattern follows the problems the cadets found at Bapas Kelas I Denpasar: many clients "just
show up" (engagement 2), a group avoids (unexcused absences, engagement 1), motivation declines
over the year, and guidance is centred in the office (few community contacts). Some concerns are
open; every client has a report-in in the next two weeks, so reminders show.

Two monthly group sessions held in Denpasar (recorded) and the next one are added (found again by
title). Idempotent: a client that already has sessions is skipped. Deterministic: each client's random
stream is seeded by its register number.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from aksalarasa.clients.models import Client, NoContact
from aksalarasa.core.history import save_many
from aksalarasa.guidance.models import GuidanceGroup, GuidanceSession, Kind, Outcome, Place, ReportInSchedule
from aksalarasa.guidance.summaries import client_summaries_refresh
from aksalarasa.seeding.demo import DemoContext

DAYS_OF_HISTORY = 365
# Assigned in turn (clients sorted by register number), so any slice of clients keeps the mix:
# half "just show up", a fifth decline, a fifth take part, a tenth avoid.
PROFILES = [
    "passive",
    "declining",
    "passive",
    "engaged",
    "passive",
    "avoider",
    "passive",
    "declining",
    "passive",
    "engaged",
]

SAID = [
    "Masih bekerja sebagai buruh bangunan di Badung.",
    "Belum dapat pekerjaan tetap, bantu orang tua di warung.",
    "Sudah ikut kegiatan banjar bulan ini.",
    "Mengeluh jarak ke kantor jauh dan ongkos mahal.",
    "Ingin ikut pelatihan barista atau tata boga.",
    "Tidak banyak bicara, menjawab seperlunya.",
    "Cerita soal anaknya yang baru masuk sekolah.",
    "Merasa malu bertemu tetangga.",
]
RESPONSES = [
    "Mendengarkan, tetapi pasif.",
    "Aktif bertanya tentang pelatihan kerja.",
    "Menjawab singkat, sering melihat ponsel.",
    "Menyusun rencana mencari kerja bersama PK.",
    "Terlihat lelah dan kurang bersemangat.",
]
CONCERNS = [
    "Mengaku kehilangan pekerjaan dan mulai bergaul lagi dengan teman lama.",
    "Keluarga melaporkan klien sering tidak pulang.",
    "Klien menyebut ada tekanan dari pihak korban.",
]


def _weekday(moment: datetime) -> datetime:
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _at(day, hour: int, minute: int, zone) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _attendance(profile: str, progress: float, rng: random.Random) -> tuple[str, int | None]:
    """Outcome and engagement for one expected session; progress runs 0 (a year ago) to 1 (now)."""
    roll = rng.random()
    if profile == "avoider":
        if roll < 0.45:
            return Outcome.UNEXCUSED, None
        if roll < 0.55:
            return Outcome.EXCUSED, None
        return (Outcome.LATE if roll < 0.75 else Outcome.ATTENDED), 1 if rng.random() < 0.7 else 2
    if profile == "declining":
        if roll < 0.05 + 0.35 * progress:
            return Outcome.UNEXCUSED, None
        level = 3 if progress < 0.35 else (2 if progress < 0.75 else rng.choice([1, 2]))
        return (Outcome.LATE if rng.random() < 0.2 else Outcome.ATTENDED), level
    if profile == "engaged":
        if roll < 0.05:
            return Outcome.EXCUSED, None
        return Outcome.ATTENDED, rng.choice([3, 3, 4])
    # passive: comes, sits, goes
    if roll < 0.08:
        return Outcome.UNEXCUSED, None
    if roll < 0.14:
        return Outcome.EXCUSED, None
    return (Outcome.LATE if rng.random() < 0.15 else Outcome.ATTENDED), 2 if rng.random() < 0.7 else 3


def _client_sessions(
    client: Client, profile: str, zone, now: datetime
) -> tuple[list[GuidanceSession], ReportInSchedule]:
    rng = random.Random(f"aksalarasa-guidance-{client.register_number}")
    every = 14 if client.category == Client.Category.CHILD else 28
    today = timezone.localdate(now)
    start = today - timedelta(days=DAYS_OF_HISTORY)
    day = start + timedelta(days=rng.randrange(every))
    sessions: list[GuidanceSession] = []
    counter = 0
    while True:
        moment = _weekday(_at(day, rng.choice([8, 9, 10, 11, 13]), rng.choice([0, 30]), zone))
        if moment >= now:
            break
        counter += 1
        progress = (day - start).days / DAYS_OF_HISTORY
        kind, place = Kind.REPORT_IN, Place.OFFICE
        if counter % 4 == 0:
            kind = rng.choice([Kind.PERSONALITY, Kind.INDEPENDENCE])
            place = Place.COMMUNITY if rng.random() < 0.12 else Place.OFFICE
        elif counter % 7 == 0:
            kind, place = Kind.HOME_VISIT, Place.HOME
        session = GuidanceSession(
            office_id=client.office_id,
            client=client,
            officer_id=client.officer_id,
            kind=kind,
            place=place,
            scheduled_at=moment,
            recorded_at=moment + timedelta(hours=2),
            recorded_by_id=client.officer_id,
        )
        if rng.random() < 0.04:
            session.outcome = Outcome.NOT_HELD
            session.not_held_reason = rng.choice(["client", "officer", "logistics"])
        else:
            session.outcome, session.engagement = _attendance(profile, progress, rng)
        if session.engagement is not None:
            session.client_said = rng.choice(SAID)
            session.response = rng.choice(RESPONSES)
        sessions.append(session)
        day += timedelta(days=every)
    # An open concern on the latest attended session of some drifting clients; a resolved one too.
    attended = [s for s in sessions if s.engagement is not None]
    if attended and profile in ("avoider", "declining") and rng.random() < 0.4:
        worry = attended[-1]
        worry.concern, worry.concern_text = True, rng.choice(CONCERNS)
    if len(attended) > 6 and rng.random() < 0.15:
        old = attended[-6]
        old.concern, old.concern_text = True, rng.choice(CONCERNS)
        old.concern_resolved_at = old.scheduled_at + timedelta(days=3)
        old.concern_resolved_by_id = client.officer_id
        old.concern_resolution = "Dibahas dengan keluarga; klien dirujuk ke konselor."
    # The next report-in within two weeks, from the recurring schedule.
    upcoming = _weekday(_at(today + timedelta(days=1 + rng.randrange(13)), rng.choice([9, 10, 13]), 0, zone))
    schedule = ReportInSchedule(
        office_id=client.office_id, client=client, every_days=every, first_at=upcoming, place=Place.OFFICE
    )
    sessions.append(
        GuidanceSession(
            office_id=client.office_id,
            client=client,
            officer_id=client.officer_id,
            kind=Kind.REPORT_IN,
            place=Place.OFFICE,
            scheduled_at=upcoming,
        )
    )
    return sessions, schedule


def load(ctx: DemoContext) -> None:
    clients = ctx.objects.get("clients")
    if clients is None:
        denpasar = ctx.objects.get("denpasar")
        clients = list(Client.objects.filter(office=denpasar)) if denpasar else []
    clients = [c for c in clients if c.officer_id and c.anonymised_at is None]
    done = set(
        GuidanceSession.objects.filter(client__in=[c.pk for c in clients]).values_list("client_id", flat=True)
    )
    todo = sorted((c for c in clients if c.pk not in done), key=lambda c: (c.office_id, c.register_number))
    if not todo:
        _load_groups(ctx, clients)
        return
    now = timezone.now()
    zones = {}
    all_sessions: list[GuidanceSession] = []
    schedules: list[ReportInSchedule] = []
    for index, client in enumerate(todo):
        if client.office_id not in zones:
            from zoneinfo import ZoneInfo

            zones[client.office_id] = ZoneInfo(client.office.time_zone)
        profile = PROFILES[index % len(PROFILES)]
        sessions, schedule = _client_sessions(client, profile, zones[client.office_id], now)
        all_sessions.extend(sessions)
        schedules.append(schedule)
    schedules = save_many(schedules, model=ReportInSchedule, actor=None, reason="demo")
    by_client = {s.client_id: s for s in schedules}
    for session in all_sessions:
        if session.outcome == "" and session.kind == Kind.REPORT_IN:
            session.schedule = by_client.get(session.client_id)
    save_many(all_sessions, model=GuidanceSession, actor=None, reason="demo", batch_size=500)
    client_summaries_refresh(clients=[client.pk for client in clients])
    ctx.created["guidance sessions"] = ctx.created.get("guidance sessions", 0) + len(all_sessions)
    ctx.created["report-in schedules"] = ctx.created.get("report-in schedules", 0) + len(schedules)
    _load_groups(ctx, clients)


# --- group sessions ---------------------------------------------------------------------------------

# (title, kind, place, days from today, local time, notes): two held (recorded), one ahead.
GROUPS = [
    (
        "Bimbingan kelompok bulanan Denpasar: motivasi kerja",
        Kind.PERSONALITY,
        Place.COMMUNITY,
        -42,
        time(15, 0),
        "Di balai banjar; diskusi pengalaman mencari kerja setelah bebas.",
    ),
    (
        "Bimbingan kelompok bulanan Denpasar: kemandirian dan usaha kecil",
        Kind.INDEPENDENCE,
        Place.PARTNER_SITE,
        -14,
        time(15, 0),
        "Bersama Yayasan Gerasa: latihan menyusun rencana usaha sederhana.",
    ),
    (
        "Bimbingan kelompok bulanan Denpasar: berikutnya",
        Kind.PERSONALITY,
        Place.COMMUNITY,
        16,
        time(15, 0),
        "",
    ),
]
GROUP_SIZE = 6


def _group_participants(clients: list[Client]) -> list[Client]:
    """Adult clients of one officer (the first adult's, by register number), never two who are on each
    other's no-contact list."""

    adults = sorted(
        (c for c in clients if c.category == Client.Category.ADULT and c.officer_id),
        key=lambda c: c.register_number,
    )
    if not adults:
        return []
    officer_id = adults[0].officer_id
    candidates = [c for c in adults if c.officer_id == officer_id]
    pairs = set(
        NoContact.objects.filter(
            client_id__in=[c.pk for c in candidates], other_client_id__isnull=False
        ).values_list("client_id", "other_client_id")
    )
    chosen: list[Client] = []
    for client in candidates:
        if any((client.pk, other.pk) in pairs or (other.pk, client.pk) in pairs for other in chosen):
            continue
        chosen.append(client)
        if len(chosen) == GROUP_SIZE:
            break
    return chosen if len(chosen) >= 2 else []


def _load_groups(ctx: DemoContext, clients: list[Client]) -> None:
    """Idempotent: a group is found by office and title; only missing participants' sessions are made."""
    from zoneinfo import ZoneInfo

    participants = _group_participants(clients)
    if not participants:
        return
    office = participants[0].office
    zone = ZoneInfo(office.time_zone)
    today = timezone.localdate(timezone.now())
    leader_id = participants[0].officer_id
    if leader_id is None:  # the participants are one officer's clients
        return
    new_sessions: list[GuidanceSession] = []
    for title, kind, place, days, at, notes in GROUPS:
        group = GuidanceGroup.objects.filter(office=office, title=title).first()
        if group is None:
            group = GuidanceGroup.objects.create(
                office=office,
                title=title,
                kind=kind,
                place=place,
                scheduled_at=_weekday(datetime.combine(today + timedelta(days=days), at, tzinfo=zone)),
                officer_id=leader_id,
                notes=notes,
            )
            ctx.count("guidance groups", True)
        present = set(group.sessions.values_list("client_id", flat=True))
        held = group.scheduled_at < timezone.now()
        for client in participants:
            if client.pk in present:
                continue
            session = GuidanceSession(
                office_id=office.pk,
                client=client,
                officer_id=client.officer_id,
                group=group,
                kind=group.kind,
                place=group.place,
                scheduled_at=group.scheduled_at,
            )
            if held:
                rng = random.Random(f"aksalarasa-group-{title}-{client.register_number}")
                roll = rng.random()
                if roll < 0.15:
                    session.outcome = Outcome.UNEXCUSED
                elif roll < 0.25:
                    session.outcome = Outcome.EXCUSED
                else:
                    session.outcome = Outcome.LATE if roll < 0.35 else Outcome.ATTENDED
                    # In a group, some who "just show up" one to one begin to take part.
                    session.engagement = rng.choice([2, 3, 3, 4])
                    session.client_said = rng.choice(SAID)
                    session.response = rng.choice(RESPONSES)
                session.recorded_at = group.scheduled_at + timedelta(hours=3)
                session.recorded_by_id = leader_id
            new_sessions.append(session)
    if new_sessions:
        save_many(new_sessions, model=GuidanceSession, actor=None, reason="demo group session")
        client_summaries_refresh(clients=[session.client_id for session in new_sessions])
        ctx.created["guidance sessions"] = ctx.created.get("guidance sessions", 0) + len(new_sessions)
