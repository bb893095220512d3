"""Synthetic data at scale for benchmarks (`manage.py generate_scale`).

Deterministic by seed: every row is derived from `random.Random(f"{seed}:{office}:{what}")`, so the same
seed and sizes give the same data whatever else is in the database. Rows go in with bulk_create in
batches; on PostgreSQL the guidance sessions (the biggest table by far) go in with COPY.

Covered so far: regional offices, offices with work areas, staff of every role per office (plus national
and regional viewers), clients, supervision periods, officer assignments, Litmas and guidance sessions.
Partners, programs, events and evidence are NOT generated yet (see docs/scaling.md).

History tables (django-simple-history) are not filled: synthetic rows have no edit history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, OfficerAssignment, SocialInquiry, Supervision
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.offices.models import Office, Region, RegionalOffice

CODE_PREFIX = "scale-"
BATCH = 5_000
# The password of every generated staff member (a benchmark database is throwaway by definition).
BENCH_PASSWORD = "bench-password-not-for-production"
TODAY = date(2026, 11, 1)  # a fixed "today" so that the data does not depend on the clock


@dataclass(frozen=True)
class Preset:
    offices: int
    clients_per_office: int
    sessions_per_client: float


PRESETS = {
    "tiny": Preset(offices=2, clients_per_office=12, sessions_per_client=4),
    "small": Preset(offices=4, clients_per_office=500, sessions_per_client=13.3),
    "medium": Preset(offices=10, clients_per_office=2_000, sessions_per_client=13.3),
    # 94 x 3,192 = 300,048 clients; x 13.3 = ~4,000,000 sessions.
    "national": Preset(offices=94, clients_per_office=3_192, sessions_per_client=13.3),
}

FIRST = [
    "I Made", "I Wayan", "I Nyoman", "I Ketut", "I Gede", "I Komang", "Ni Made", "Ni Wayan", "Ni Nyoman",
    "Ni Ketut", "Ni Luh", "Ni Komang", "Agus", "Budi", "Dewi", "Rina", "Sari", "Yusuf", "Rudi", "Andi",
]  # fmt: skip
MIDDLE = [
    "Adi", "Bagus", "Cahya", "Darma", "Eka", "Gita", "Indra", "Jaya", "Krisna", "Laksmi", "Mahendra",
    "Purnama", "Rai", "Sastra", "Tirta", "Utama", "Wira", "Yasa", "Arta", "Sudarsana",
]  # fmt: skip
LAST = [
    "Pratama", "Saputra", "Putri", "Wibawa", "Suryani", "Kusuma", "Astawa", "Dharma", "Lestari", "Santika",
    "Wijaya", "Permana", "Anggreni", "Merta", "Sedana", "Wulandari", "Arsana", "Yudistira", "Sukma",
]  # fmt: skip
SESSION_KINDS = ["report_in"] * 6 + ["personality", "independence", "home_visit", "supervision"]
PLACES = {"report_in": "office", "personality": "office", "independence": "community",
          "home_visit": "home", "supervision": "home"}  # fmt: skip
OUTCOMES = ["attended"] * 14 + ["late"] * 2 + ["excused", "unexcused", "not_held", "rescheduled"]
PROGRAM_TYPES = ["pb", "pb", "cb", "cmb", "assimilation", "conditional", "other"]


def name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(MIDDLE)} {rng.choice(LAST)}"


def aware(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@dataclass
class Report:
    offices: int = 0
    staff: int = 0
    clients: int = 0
    supervisions: int = 0
    assignments: int = 0
    inquiries: int = 0
    sessions: int = 0

    def lines(self) -> list[str]:
        return [f"{k}: {v:,}" for k, v in self.__dict__.items()]


def office_plan(seed: int, index: int) -> dict:
    """The office itself: name, code, class, time zone; deterministic."""
    rng = random.Random(f"{seed}:{index}:office")
    return {
        "code": f"{CODE_PREFIX}{index:03d}",
        "name": f"Bapas Sintetis {index + 1:03d}",
        "office_class": "I" if rng.random() < 0.3 else "II",
        "time_zone": rng.choice(["Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    }


def staff_plan(index: int, n_officers: int) -> list[dict]:
    """Every role of an office: head, two section heads, officers (adult and child), program team,
    partner staff and administrator."""
    p = f"s{index:03d}"
    rows = [
        {"username": f"{p}.kabapas", "role_office_head": True},
        {"username": f"{p}.kasi.bkd", "role_section_head": True, "section": "adult"},
        {"username": f"{p}.kasi.bka", "role_section_head": True, "section": "child"},
        {"username": f"{p}.tim", "role_program_team": True},
        {"username": f"{p}.mitra", "role_partner_staff": True},
        {"username": f"{p}.admin", "role_admin": True},
    ]
    for j in range(n_officers):
        section = "child" if j % 5 == 4 else "adult"
        rows.append(
            {"username": f"{p}.pk{j:03d}", "role_officer": True, "section": section, "officer_grade": "muda"}
        )
    return rows


def client_rows(seed: int, index: int, n: int) -> list[dict]:
    """The clients of one office with their supervision, Litmas and session plan; pure function."""
    rng = random.Random(f"{seed}:{index}:clients")
    rows = []
    for k in range(n):
        child = rng.random() < 0.15
        age = rng.randint(12, 17) if child else rng.randint(18, 70)
        start = TODAY - timedelta(days=rng.randint(0, 700))
        end = start + timedelta(days=rng.randint(180, 900))
        status = "active" if end >= TODAY else rng.choice(["completed", "completed", "revoked"])
        rows.append(
            {
                "register_number": f"SC{index:03d}-{k:06d}",
                "full_name": name(rng),
                "sex": rng.choice("MF"),
                "birth_date": start - timedelta(days=age * 365 + rng.randint(0, 300)),
                "category": "child" if child else "adult",
                "phone": f"+62812{rng.randint(10_000_000, 99_999_999)}",
                "consent_community": rng.random() < 0.7,
                "program_type": "diversion" if child and rng.random() < 0.5 else rng.choice(PROGRAM_TYPES),
                "start": start,
                "end": end,
                "status": status,
                "litmas": rng.random() < 0.35,
                "litmas_submitted": rng.random() < 0.85,
                "officer_slot": rng.random(),
                "session_seed": rng.getrandbits(32),
            }
        )
    return rows


def session_rows(row: dict, per_client: float) -> list[tuple]:
    """(kind, place, scheduled_at, outcome, engagement, concern, concern_resolved) of one client."""
    rng = random.Random(row["session_seed"])
    n = max(1, int(rng.gauss(per_client, per_client / 4)))
    span = (row["end"] - row["start"]).days
    step = max(1, span // n)
    out = []
    for s in range(n):
        day = row["start"] + timedelta(days=s * step + rng.randint(0, 3))
        kind = rng.choice(SESSION_KINDS)
        at = aware(day, rng.randint(1, 8), rng.choice([0, 15, 30, 45]))  # 09:00-16:00 WITA in UTC
        if day < TODAY:
            outcome = rng.choice(OUTCOMES)
            engagement = rng.randint(1, 4) if outcome in ("attended", "late") else None
            concern = outcome in ("attended", "late") and rng.random() < 0.03
            resolved = concern and rng.random() < 0.7
        else:
            outcome, engagement, concern, resolved = "", None, False, False
        out.append((kind, PLACES[kind], at, outcome, engagement, concern, resolved))
    return out


SESSION_COLUMNS = [
    "office_id", "client_id", "officer_id", "kind", "place", "scheduled_at", "outcome", "not_held_reason",
    "engagement", "client_said", "response", "concern", "concern_text", "concern_resolved_at",
    "concern_resolved_by_id", "concern_resolution", "notes", "recorded_at", "recorded_by_id", "version",
]  # fmt: skip


def session_tuple(office_id: int, client_id: int, officer_id: int, s: tuple) -> tuple:
    kind, place, at, outcome, engagement, concern, resolved = s
    recorded = bool(outcome)
    return (
        office_id, client_id, officer_id, kind, place, at, outcome,
        "client" if outcome == "not_held" else "",
        engagement,
        "Sehat, bekerja di bengkel." if recorded else "",
        "Kooperatif." if engagement and engagement >= 3 else "",
        concern,
        "Tidak membayar kontrakan, tertekan." if concern else "",
        at + timedelta(days=7) if resolved else None,
        officer_id if resolved else None,
        "Dirujuk ke mitra konseling." if resolved else "",
        "",
        at + timedelta(hours=1) if recorded else None,
        officer_id if recorded else None,
        1,
    )  # fmt: skip


def insert_sessions(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = GuidanceSession._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(SESSION_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    objs = []
    for row in rows:
        values = dict(zip(SESSION_COLUMNS, row, strict=True))
        objs.append(GuidanceSession(**values))
    GuidanceSession.objects.bulk_create(objs, batch_size=BATCH)


def generate(
    *, offices: int, clients_per_office: int, sessions_per_client: float = 13.3, seed: int = 1, log=None
) -> Report:
    """Generate the data; refuses to run twice on the same database (codes `scale-NNN` are taken)."""
    if Office.objects.filter(code__startswith=CODE_PREFIX).exists():
        raise ValueError("scale data already present (offices with code scale-*): use a fresh database")
    log = log or (lambda msg: None)
    report = Report()
    password = make_password(BENCH_PASSWORD)
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    regencies: dict[str, list[Region]] = {}
    for r in Region.objects.filter(level=Region.Level.REGENCY).order_by("code"):
        regencies.setdefault(r.parent_id, []).append(r)
    provinces = [p for p in provinces if regencies.get(p.code)]
    if not provinces:
        raise ValueError("no regions loaded: run migrate first")
    with transaction.atomic():
        kanwil: dict[str, RegionalOffice] = {}
        _national, created = User.objects.get_or_create(
            username="scale.national",
            defaults={"full_name": "Pengamat Nasional", "role_national": True, "password": password},
        )
        report.staff += int(created)
        for i in range(offices):
            province = provinces[i % len(provinces)]
            if province.code not in kanwil:
                kanwil[province.code], _ = RegionalOffice.objects.get_or_create(
                    code=f"{CODE_PREFIX}kanwil-{province.code}",
                    defaults={"name": f"Kanwil Sintetis {province.name}", "province": province},
                )
                _viewer, created = User.objects.get_or_create(
                    username=f"scale.kanwil.{province.code}",
                    defaults={
                        "full_name": f"Pengamat {province.name}", "role_regional": True,
                        "regional_office": kanwil[province.code], "password": password,
                    },
                )  # fmt: skip
                report.staff += int(created)
            plan = office_plan(seed, i)
            office = Office.objects.create(regional_office=kanwil[province.code], **plan)
            # Offices in the same province share its regencies round-robin (two each at least).
            regs = regencies[province.code]
            area = [regs[(i // len(provinces) * 2 + j) % len(regs)] for j in range(min(2, len(regs)))]
            office.work_area.set(area)
            report.offices += 1
            n_officers = max(2, clients_per_office // 40)
            staff = [
                User(
                    office=office,
                    full_name=name(random.Random(f"{seed}:{i}:{s['username']}")),
                    password=password,
                    **s,
                )  # fmt: skip
                for s in staff_plan(i, n_officers)
            ]
            User.objects.bulk_create(staff)
            report.staff += len(staff)
            staff = list(User.objects.filter(office=office, role_officer=True).order_by("username"))
            by_section = {
                "adult": [u for u in staff if u.section == "adult"],
                "child": [u for u in staff if u.section == "child"],
            }
            rows = client_rows(seed, i, clients_per_office)
            for b in range(0, len(rows), BATCH):
                chunk = rows[b : b + BATCH]
                officers = []
                objs = []
                for r in chunk:
                    pool = by_section[r["category"]] or by_section["adult"]
                    officer = pool[int(r["officer_slot"] * len(pool))]
                    officers.append(officer)
                    objs.append(
                        Client(
                            office=office,
                            register_number=r["register_number"],
                            full_name=r["full_name"],
                            sex=r["sex"],
                            birth_date=r["birth_date"],
                            category=r["category"],
                            regency=area[int(r["officer_slot"] * 1000) % len(area)],
                            phone=r["phone"],
                            consent_community=r["consent_community"],
                            consent_share_partners=r["consent_community"],
                            guardian_consent=r["category"] == "child",
                            officer=officer,
                            created_at=aware(r["start"], 2),
                        )  # fmt: skip
                    )
                clients = Client.objects.bulk_create(objs, batch_size=BATCH)
                if clients[0].pk is None:  # backends without RETURNING
                    by_reg = dict(
                        Client.objects.filter(office=office, register_number__in=[r["register_number"] for r in chunk])
                        .values_list("register_number", "pk")
                    )  # fmt: skip
                    for c in clients:
                        c.pk = by_reg[c.register_number]
                sups, assigns, inqs, sessions = [], [], [], []
                for r, client, officer in zip(chunk, clients, officers, strict=True):
                    sups.append(
                        Supervision(
                            office=office,
                            client=client,
                            program_type=r["program_type"],
                            start=r["start"],
                            end=r["end"],
                            status=r["status"],
                        )  # fmt: skip
                    )
                    assigns.append(
                        OfficerAssignment(
                            office=office,
                            client=client,
                            officer=officer,
                            start=aware(r["start"], 2),
                            end=aware(r["end"], 2) if r["status"] != "active" else None,
                        )  # fmt: skip
                    )
                    if r["litmas"]:
                        requested = r["start"] - timedelta(days=20)
                        due = requested + timedelta(days=3 if r["category"] == "child" else 7)
                        inqs.append(
                            SocialInquiry(
                                office=office,
                                client=client,
                                officer=officer,
                                purpose="diversion" if r["program_type"] == "diversion" else "parole",
                                requested_on=requested,
                                due_date=due,
                                submitted_on=due - timedelta(days=1) if r["litmas_submitted"] else None,
                                recommendation="Layak diberikan program." if r["litmas_submitted"] else "",
                            )  # fmt: skip
                        )
                    for s in session_rows(r, sessions_per_client):
                        sessions.append(session_tuple(office.pk, client.pk, officer.pk, s))
                Supervision.objects.bulk_create(sups, batch_size=BATCH)
                OfficerAssignment.objects.bulk_create(assigns, batch_size=BATCH)
                SocialInquiry.objects.bulk_create(inqs, batch_size=BATCH)
                insert_sessions(sessions)
                report.clients += len(clients)
                report.supervisions += len(sups)
                report.assignments += len(assigns)
                report.inquiries += len(inqs)
                report.sessions += len(sessions)
            log(f"office {i + 1}/{offices}: {report.clients:,} clients, {report.sessions:,} sessions")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return report
