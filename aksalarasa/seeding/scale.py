"""Synthetic data at scale for benchmarks (`manage.py generate_scale`).

Deterministic by seed: every row is derived from `random.Random(f"{seed}:{office}:{what}")`, so the same
seed and sizes give the same data whatever else is in the database (primary keys aside). Ids are reserved
up front (the table's sequence on PostgreSQL), so children point at parents without reading anything
back; rows go in with COPY on PostgreSQL and bulk_create in batches elsewhere.

Covered: regional offices, offices with work areas, staff of every role per office (plus national and
regional viewers and one partner-staff account per partner), clients, supervision periods, officer
assignments, Litmas, guidance sessions; partners with regions, services, agreements and memberships;
referrals in every state of the transition table with their ReferralEvent timeline, partner sessions
(GuidanceSession kind=partner + ReferralSession), end-of-service reports with goal ratings and the
officers' notifications; programs spread over the seven stages with team, stage changes and the records
of each stage reached (contacts, partners, groups, MPA with problems and tallies, TOP workshop with
clusters and cards, action plan, indicators totalling 100 %, evaluation, closing, handover, program
referrals); events with checklist, roles, agenda and handed items; registrations (consenting clients,
residents, others) with codes unique per event and check-ins for most of those of events held;
before/after administrations of the default instruments with responses (clients by identity, residents
by the hash of a self-chosen code) and one answer per item, scored as services.response_submit does.

Not generated: MPA participants and individual votes, teams and interactions of events, report-in
schedules and guidance groups, audit/access logs. History tables (django-simple-history) are not
filled: synthetic rows have no edit history.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from time import perf_counter
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, Litmas, OfficerAssignment, Supervision
from aksalarasa.events.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AgendaItem,
    CheckIn,
    ChecklistItem,
    Event,
    EventRole,
    HandedItem,
    Registration,
)
from aksalarasa.events.services import ip_hash as events_ip_hash
from aksalarasa.evidence.models import Administration, Answer, InstrumentVersion, Response
from aksalarasa.evidence.services import code_hash as evidence_code_hash
from aksalarasa.evidence.services import instruments_install_defaults
from aksalarasa.evidence.stats import ItemSpec, score_subscales
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.guidance.summaries import client_summaries_refresh
from aksalarasa.offices.models import Office, Region, RegionalOffice
from aksalarasa.offices.selectors import region_children
from aksalarasa.partners.models import (
    Notification,
    Partner,
    PartnerMembership,
    PartnerService,
    Referral,
    ReferralEvent,
    ReferralSession,
    ServiceReport,
    ServiceReportOutcome,
    Side,
    Status,
    transition_find,
)
from aksalarasa.programs.models import (
    SHORT_CODE_ALPHABET,
    STAGE_ORDER,
    ActionPlan,
    Assessment,
    AssessmentItem,
    Card,
    ClosingActivity,
    Cluster,
    Contact,
    Evaluation,
    Indicator,
    PlanAction,
    PlanningWorkshop,
    Program,
    ProgramHandover,
    ProgramMember,
    ProgramPartner,
    ProgramReferral,
    StageChange,
    StakeholderGroup,
    Tally,
)
from aksalarasa.seeding.scale_sentences import generate_sentences, orders_per_office

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
    partners_per_office: int
    referrals_per_office: int
    programs_per_office: int
    registrations_per_office: int
    responses_per_office: int
    orders_per_office: int


# Per client, as in `national`: 1 referral per 6 clients, 1 program per 100, 1 registration per client
# and 4 responses per 3 clients (50,000 / 3,000 / 300,000 / 400,000 for 300,000 clients).
PER_CLIENT = {"referrals": 1 / 6, "programs": 0.01, "registrations": 1.0, "responses": 4 / 3}


def derived(clients_per_office: int) -> dict[str, int]:
    """The other per-office sizes, proportional to the clients (the `national` ratios)."""
    return {
        "partners_per_office": max(2, min(8, clients_per_office // 400)),
        "referrals_per_office": max(8, round(clients_per_office * PER_CLIENT["referrals"])),
        "programs_per_office": max(4, round(clients_per_office * PER_CLIENT["programs"])),
        "registrations_per_office": round(clients_per_office * PER_CLIENT["registrations"]),
        "responses_per_office": round(clients_per_office * PER_CLIENT["responses"]),
        "orders_per_office": orders_per_office(clients_per_office),
    }


PRESETS = {
    # tiny: every state, stage and table at least once across its two offices (the tests use it).
    "tiny": Preset(2, 12, 4, partners_per_office=2, referrals_per_office=6, programs_per_office=4,
                   registrations_per_office=16, responses_per_office=20, orders_per_office=4),
    "small": Preset(4, 500, 13.3, **derived(500)),
    "medium": Preset(10, 2_000, 13.3, **derived(2_000)),
    # 94 x 3,192 = 300,048 clients; x 13.3 = ~4,000,000 sessions; 94 x 532 = 50,008 referrals;
    # 94 x 32 = 3,008 programs; 94 x 3,192 = 300,048 registrations; 94 x 4,256 = 400,064 responses;
    # 94 x 106 = 9,964 community-sentence orders with about 1,000,000 ledger lines.
    "national": Preset(94, 3_192, 13.3, **derived(3_192)),
}  # fmt: skip

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
    """Rows per table and the seconds spent inserting them (COPY or bulk_create; building the rows
    in Python is counted in the total, not per table)."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n

    def __getitem__(self, table: str) -> int:
        return self.counts.get(table, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        out = []
        for table, n in self.counts.items():
            secs = self.seconds.get(table)
            rate = f"  ({secs:.2f} s inserting, {n / secs:,.0f} rows/s)" if secs and n else ""
            out.append(f"{table}: {n:,}{rate}")
        return out


def office_plan(seed: int, index: int) -> dict:
    """The office itself: name, code, class, time zone; deterministic."""
    rng = random.Random(f"{seed}:{index}:office")
    return {
        "code": f"{CODE_PREFIX}{index:03d}",
        "name": f"Bapas Sintetis {index + 1:03d}",
        "office_class": "I" if rng.random() < 0.3 else "II",
        "time_zone": rng.choice(["Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    }


def staff_plan(index: int, n_officers: int, n_partner_staff: int = 1) -> list[dict]:
    """Every role of an office: head, two section heads, officers (adult and child), program team,
    partner staff (one account per partner) and administrator."""
    p = f"s{index:03d}"
    rows = [
        {"username": f"{p}.kabapas", "role_office_head": True},
        {"username": f"{p}.kasi.bkd", "role_section_head": True, "section": "adult"},
        {"username": f"{p}.kasi.bka", "role_section_head": True, "section": "child"},
        {"username": f"{p}.tim", "role_program_team": True},
        {"username": f"{p}.mitra", "role_partner_staff": True},
        {"username": f"{p}.admin", "role_admin": True},
    ]
    for j in range(1, n_partner_staff):
        rows.append({"username": f"{p}.mitra{j:02d}", "role_partner_staff": True})
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
    n = max(1, round(rng.gauss(per_client, per_client / 4)))  # int() would cut the mean by 0.5
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


# --- generic inserts: reserved ids, COPY on PostgreSQL, bulk_create elsewhere --------------------


class Inserter:
    """Inserts rows given as {attname: value} dicts, with ids reserved up front so that children can
    point at parents without reading anything back. On PostgreSQL the ids come from the table's
    sequence (nextval) and the rows go in with COPY; elsewhere ids follow the table's maximum and the
    rows go in with bulk_create. Every insert is timed per table (Report.seconds)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pg = connection.vendor == "postgresql"
        self.next_id: dict[str, int] = {}

    def ids(self, model: type[models.Model], n: int) -> list[int]:
        if n <= 0:
            return []
        table = model._meta.db_table
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
                )
                return [row[0] for row in cursor.fetchall()]
        # Rows inserted without reserved ids (the guidance sessions) move the maximum too.
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        first = max(self.next_id.get(table, 1), top + 1)
        self.next_id[table] = first + n
        return list(range(first, first + n))

    def put(self, model: type[models.Model], rows: list[dict], name: str | None = None) -> None:
        name = name or model._meta.db_table
        self.report.add(name, len(rows))
        if not rows:
            return
        started = perf_counter()
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in rows[0]]
        defaults = {}
        for f in fields:
            if f.attname in rows[0] or f.primary_key:
                continue
            if f.has_default() and callable(f.default):
                raise ValueError(
                    f"{model.__name__}.{f.attname}: give a value (its default is not deterministic)"
                )
            defaults[f.attname] = f.get_default()
        if self.pg:
            columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in fields)
            json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(
                            [
                                json.dumps(row[f.attname] if f.attname in row else defaults[f.attname])
                                if f.attname in json_fields
                                else row.get(f.attname, defaults.get(f.attname))
                                for f in fields
                            ]
                        )
        else:
            objs = [model(**{**defaults, **row}) for row in rows]
            model._default_manager.bulk_create(objs, batch_size=BATCH)
        self.report.seconds[name] = self.report.seconds.get(name, 0.0) + perf_counter() - started


# --- partners, services, memberships, referrals ------------------------------------------------

PARTNER_FORMS = [
    ("Yayasan", "yayasan"), ("Pokmas Lipas", "community"), ("Koperasi", "koperasi"),
    ("Perkumpulan", "perkumpulan"), ("Pasraman", "religious"), ("CV", "company"),
    ("Dinas Sosial", "government"), ("Lembaga", "other"),
]  # fmt: skip
PARTNER_WORDS = [
    "Harapan Baru", "Bina Mandiri", "Karya Sejahtera", "Tunas Bangsa", "Santi Dharma", "Sinar Kasih",
    "Cahaya Baru", "Bakti Nusa", "Mitra Sehat", "Jaya Abadi", "Sekar Wangi", "Taman Ilmu",
]  # fmt: skip
FOCUS = [
    "vocational training", "religious guidance", "family counselling", "addiction counselling",
    "child protection", "employment", "education", "health",
]  # fmt: skip
# name, kind, for children, for adults
SERVICE_SPECS = [
    ("Pelatihan menjahit", "vocational", True, True),
    ("Pelatihan las dan bengkel", "vocational", False, True),
    ("Pelatihan tata boga", "vocational", True, True),
    ("Pembinaan rohani mingguan", "religious", True, True),
    ("Konseling keluarga", "counselling", True, True),
    ("Konseling adiksi", "health", False, True),
    ("Kejar paket B/C", "education", True, True),
    ("Penempatan kerja", "employment", False, True),
    ("Pendampingan psikososial anak", "counselling", True, False),
    ("Pemeriksaan kesehatan dasar", "health", True, True),
]
# Every state of the referral transition table, with a realistic weight; the paths that reach them
# are checked against TRANSITIONS (partners.models) when the data is planned.
STATE_WEIGHTS = {
    Status.DRAFT: 4, Status.SENT: 6, Status.ACCEPTED: 6, Status.DECLINED: 6, Status.IN_PROGRESS: 20,
    Status.COMPLETED: 40, Status.DROPPED_OUT: 10, Status.CANCELLED: 8,
}  # fmt: skip
STATES = list(STATE_WEIGHTS)
REASONS: dict[str, str] = {
    Status.DECLINED: "Kuota pelatihan bulan ini sudah penuh.",
    Status.CANCELLED: "Klien pindah domisili; rujukan dibatalkan.",
    Status.DROPPED_OUT: "Klien tidak hadir tiga kali berturut-turut.",
    Status.IN_PROGRESS: "Sesi pertama di mitra dicatat",
    Status.COMPLETED: "Laporan akhir layanan diserahkan",
}
GOALS = [
    "Klien menyelesaikan pelatihan", "Klien memperoleh sertifikat keterampilan", "Klien rutin hadir",
    "Klien mendapat pekerjaan", "Hubungan klien dengan keluarga membaik", "Klien bebas dari zat adiktif",
]  # fmt: skip
SHARED = ["category", "name", "phone", "sex"]  # sorted, as referral_create stores them
RECOMMENDATION = "Klien dapat melanjutkan secara mandiri."


def referral_path(state: str, rng: random.Random) -> list[tuple[str, str]]:
    """(target, side) moves from creation to `state`, every one allowed by the transition table."""
    o, p = Side.OFFICE, Side.PARTNER
    paths: dict[str, list[tuple[Status, Side]]] = {
        Status.DRAFT: [],
        Status.SENT: [(Status.SENT, o)],
        Status.ACCEPTED: [(Status.SENT, o), (Status.ACCEPTED, p)],
        Status.DECLINED: [(Status.SENT, o), (Status.DECLINED, p)],
        Status.IN_PROGRESS: [(Status.SENT, o), (Status.ACCEPTED, p), (Status.IN_PROGRESS, p)],
        Status.COMPLETED: [(Status.SENT, o), (Status.ACCEPTED, p), (Status.IN_PROGRESS, p), (Status.COMPLETED, p)],
    }  # fmt: skip
    if state in paths:
        moves = paths[state]
    elif state == Status.DROPPED_OUT:
        moves = [(Status.SENT, o), (Status.ACCEPTED, p)]
        if rng.random() < 0.7:
            moves.append((Status.IN_PROGRESS, p))
        moves.append((Status.DROPPED_OUT, rng.choice([o, p])))
    else:  # cancelled: by the office, from draft, sent or accepted
        moves = [(Status.SENT, o), (Status.ACCEPTED, p)][: rng.randint(0, 2)] + [(Status.CANCELLED, o)]
    source = Status.DRAFT
    for target, side in moves:
        move = transition_find(source, target, side)
        assert move is not None, (source, target, side)  # the paths above follow TRANSITIONS
        source = target
    return [(str(t), str(s)) for t, s in moves]


@dataclass
class OfficeData:
    """What the later steps of one office need: its staff and its clients' plan rows with ids."""

    office: Office
    index: int
    area: list[Region]
    head: User
    team: User
    officers: list[User]
    partner_staff: list[User]
    clients: list[dict]  # client_rows() with "pk" and "officer_id" added, in register-number order
    partners: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)


def generate_partners(ins: Inserter, seed: int, od: OfficeData, n_partners: int) -> None:
    rng = random.Random(f"{seed}:{od.index}:partners")
    ids = ins.ids(Partner, n_partners)
    partners, regions, services, memberships = [], [], [], []
    for k, pk in enumerate(ids):
        prefix, legal_form = PARTNER_FORMS[k % len(PARTNER_FORMS)]
        word = PARTNER_WORDS[(k + od.index) % len(PARTNER_WORDS)]
        suffix = f" {k // len(PARTNER_WORDS) + 1}" if k >= len(PARTNER_WORDS) else ""
        status = "active"
        if n_partners >= 4 and k == n_partners - 1:
            status = "ended"
        elif n_partners >= 6 and k == n_partners - 2:
            status = "suspended"
        start = TODAY - timedelta(days=rng.randint(60, 900))
        end = start + timedelta(days=rng.randint(365, 1460))
        if status == "ended":
            end = min(end, TODAY - timedelta(days=rng.randint(1, 50)))
        partners.append(
            {
                "id": pk, "office_id": od.office.pk, "name": f"{prefix} {word}{suffix}",
                "legal_form": legal_form, "focus_areas": ", ".join(rng.sample(FOCUS, 2)),
                "address": f"Jl. {rng.choice(MIDDLE)} No. {rng.randint(1, 200)}",
                "contact_person": name(rng), "contact_phone": f"+62813{rng.randint(10_000_000, 99_999_999)}",
                "contact_email": f"kontak{k}@mitra{od.index:03d}.example.id",
                "agreement_number": f"PKS/{od.office.code.upper()}/{start.year}/{k + 1:03d}",
                "agreement_start": start, "agreement_end": end, "status": status,
                "public_listing": rng.random() < 0.5, "public_description": "Mitra pembimbingan klien Bapas.",
                "version": 1,
            }
        )  # fmt: skip
        for region in od.area:
            regions.append({"partner_id": pk, "region_id": region.pk})
        for j, (sname, kind, children, adults) in enumerate(rng.sample(SERVICE_SPECS, rng.randint(2, 4))):
            services.append(
                {
                    "partner_id": pk, "name": sname, "kind": kind, "for_children": children,
                    "for_adults": adults, "capacity": rng.randint(5, 25),
                    "schedule": f"{rng.choice(['Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat'])} 09.00-12.00",
                    "place": f"Sekretariat {prefix} {word}", "description": "",
                    "active": j == 0 or rng.random() < 0.9, "version": 1,
                    "_partner_status": status,
                }
            )  # fmt: skip
        memberships.append(
            {
                "user_id": od.partner_staff[k].pk, "partner_id": pk, "created_at": aware(start, 2),
                "created_by_id": od.head.pk,
            }
        )  # fmt: skip
    ins.put(Partner, partners, "partners")
    ins.put(Partner.regions.through, regions, "partner regions")
    for s, pk in zip(services, ins.ids(PartnerService, len(services)), strict=True):
        s["id"] = pk
    ins.put(
        PartnerService, [{k: v for k, v in s.items() if not k.startswith("_")} for s in services], "services"
    )
    ins.put(PartnerMembership, memberships, "memberships")
    od.partners = partners
    od.services = services


def generate_referrals(ins: Inserter, seed: int, od: OfficeData, n_referrals: int, offices: int) -> None:
    """Referrals in every state, each with its ReferralEvent timeline; partner sessions (a
    GuidanceSession of kind partner and its link) from "in progress" on; the end-of-service report
    with one rating per goal for completed ones; the officer's notifications of partner moves."""
    rng = random.Random(f"{seed}:{od.index}:referrals")
    staff_of = {p["id"]: od.partner_staff[k] for k, p in enumerate(od.partners)}
    open_services = [s for s in od.services if s["active"] and s["_partner_status"] == "active"]
    if not open_services or not od.clients:
        return
    referrals, events, sessions, reports, outcomes, notices = [], [], [], [], [], []
    ids = ins.ids(Referral, n_referrals)
    now = aware(TODAY, 4)
    for k, pk in enumerate(ids):
        forced = k * offices + od.index  # the first referrals of the offices, together, take every state
        state = (
            STATES[forced]
            if forced < len(STATES)
            else rng.choices(STATES, weights=list(STATE_WEIGHTS.values()))[0]
        )
        client = od.clients[rng.randrange(len(od.clients))]
        eligible = [
            s
            for s in open_services
            if (s["for_children"] if client["category"] == "child" else s["for_adults"])
        ]
        if not eligible:  # no open service takes this category: refer an adult instead
            adults = [c for c in od.clients if c["category"] == "adult"] or od.clients
            client = adults[rng.randrange(len(adults))]
            eligible = [s for s in open_services if s["for_adults"]] or open_services
        service = rng.choice(eligible)
        moves = referral_path(state, rng)
        created = aware(min(client["start"] + timedelta(days=rng.randint(3, 90)), TODAY), rng.randint(1, 8))
        times = [created]
        for target, _side in moves:
            gap = rng.randint(30, 120) if target == Status.COMPLETED else rng.randint(1, 10)
            times.append(times[-1] + timedelta(days=gap, hours=rng.randint(0, 3)))
        shift = max(timedelta(0), times[-1] - now)
        times = [t - shift for t in times]
        partner_user = staff_of[service["partner_id"]]
        officer_id = client["officer_id"]
        goals = rng.sample(GOALS, rng.randint(1, 3))
        sent_at = None
        events.append({"referral_id": pk, "source": "", "target": Status.DRAFT, "actor_id": officer_id,
                       "at": times[0], "reason": ""})  # fmt: skip
        source = str(Status.DRAFT)
        reason = ""
        progress_at = None
        for (target, side), at in zip(moves, times[1:], strict=True):
            reason = REASONS.get(target, "") if (target in REASONS) else ""
            actor = officer_id if side == Side.OFFICE else partner_user.pk
            events.append({"referral_id": pk, "source": source, "target": target, "actor_id": actor, "at": at,
                           "reason": reason})  # fmt: skip
            if target == Status.SENT:
                sent_at = at
            if target == Status.IN_PROGRESS:
                progress_at = at
            if side == Side.PARTNER and target in (
                Status.ACCEPTED,
                Status.DECLINED,
                Status.DROPPED_OUT,
                Status.COMPLETED,
            ):
                notices.append(
                    (officer_id, pk, target, RECOMMENDATION if target == Status.COMPLETED else reason, at)
                )
            source = target
        referrals.append(
            {
                "id": pk, "office_id": od.office.pk, "client_id": client["pk"], "service_id": service["id"],
                "partner_id": service["partner_id"], "referred_by_id": officer_id,
                "reason": f"Klien membutuhkan {service['name'].lower()}.", "need_kind": service["kind"],
                "goals": "\n".join(goals), "shared_fields": SHARED if client["consent_community"] else [],
                "status": state, "status_reason": reason, "created_at": times[0], "sent_at": sent_at,
                "updated_at": times[-1], "version": 1,
            }
        )  # fmt: skip
        if progress_at is not None:
            end = times[-1] if state != Status.IN_PROGRESS else now
            n = rng.randint(1, 4)
            span = max(1, int((end - progress_at).total_seconds() // 86400))
            for s in range(n):
                at = progress_at + timedelta(days=0 if s == 0 else rng.randint(1, span))
                if at > now:
                    continue
                concern = rng.random() < 0.03
                attended = s == 0 or rng.random() < 0.85
                sessions.append(
                    {
                        "referral_id": pk, "office_id": od.office.pk, "client_id": client["pk"],
                        "officer_id": officer_id, "kind": "partner", "place": "partner_site", "scheduled_at": at,
                        "outcome": "attended" if attended else "unexcused",
                        "engagement": rng.randint(2, 4) if attended else None, "concern": concern,
                        "concern_text": "Klien tampak tertekan, mohon tindak lanjut PK." if concern else "",
                        "response": "Aktif mengikuti kegiatan." if attended else "",
                        "recorded_at": at + timedelta(hours=1), "recorded_by_id": partner_user.pk, "version": 1,
                    }
                )  # fmt: skip
                if concern:
                    notices.append(
                        (officer_id, pk, "concern", "Klien tampak tertekan.", at + timedelta(hours=1))
                    )
        if state == Status.COMPLETED:
            reports.append({"referral_id": pk, "recommendation": RECOMMENDATION,
                            "certificate": "", "submitted_by_id": partner_user.pk, "submitted_at": times[-1]})  # fmt: skip
            for position, goal in enumerate(goals):
                rating = rng.choices(["achieved", "partly", "not_achieved"], weights=[6, 3, 1])[0]
                outcomes.append(
                    {"goal": goal, "rating": rating, "evidence": "", "position": position, "_ref": pk}
                )
    ins.put(Referral, referrals, "referrals")
    ins.put(ReferralEvent, events, "referral events")
    session_ids = ins.ids(GuidanceSession, len(sessions))
    links = [
        {"referral_id": s.pop("referral_id"), "session_id": sid}
        for s, sid in zip(sessions, session_ids, strict=True)
    ]
    for session, sid in zip(sessions, session_ids, strict=True):
        session["id"] = sid
    ins.put(GuidanceSession, sessions, "partner sessions")
    ins.put(ReferralSession, links, "referral sessions")
    report_ids = dict(
        zip([r["referral_id"] for r in reports], ins.ids(ServiceReport, len(reports)), strict=True)
    )
    ins.put(ServiceReport, [{"id": report_ids[r["referral_id"]], **r} for r in reports], "service reports")
    ins.put(
        ServiceReportOutcome,
        [{"report_id": report_ids[o.pop("_ref")], **o} for o in outcomes],
        "service report outcomes",
    )
    old = now - timedelta(days=14)
    ins.put(
        Notification,
        [
            {"recipient_id": rid, "referral_id": ref, "kind": kind, "detail": detail[:300], "created_at": at,
             "read_at": at + timedelta(days=1) if at < old else None}
            for rid, ref, kind, detail, at in notices
        ],
        "notifications",
    )  # fmt: skip
    od.referrals = referrals


# --- programs and their stage records ----------------------------------------------------------

PROGRAM_THEMES = [
    ("Aksi Sadar Lingkungan Bersama Klien", "ASRI"), ("Klien Berdaya, Warga Menerima", "KLIDAWA"),
    ("Gotong Royong Membangun Desa", "GORODESA"), ("Keterampilan untuk Kemandirian", "KUKM"),
    ("Anak Berhadapan Hukum Kembali Sekolah", "ABHSEKOLAH"), ("Pasar Karya Klien", "PASKARYA"),
    ("Olahraga Bersama Warga", "ORGAWA"), ("Bank Sampah Komunitas", "BASAKOM"),
]  # fmt: skip
STAGE_WEIGHTS = [2, 2, 2, 2, 5, 3, 4]  # most programs are running or done; every stage is present
INDICATOR_SETS = [
    [("Motivasi klien meningkat", 30, "manual"), ("Stigma warga berkurang", 30, "manual"),
     ("Klien undangan hadir di kegiatan", 40, "event_checkin")],
    [("Klien menyelesaikan kegiatan", 25, "manual"), ("Warga terlibat aktif", 25, "manual"),
     ("Kehadiran klien di kegiatan", 35, "event_checkin"), ("Mitra melanjutkan program", 15, "manual")],
    [("Interaksi klien dan warga meningkat", 50, "manual"), ("Kehadiran klien undangan", 50, "event_checkin")],
]  # fmt: skip
CHECKLIST = [
    ("officials", "Menghubungi pejabat dan para PK"), ("speaker", "Menghubungi narasumber"),
    ("clients", "Mengundang klien melalui PK (dengan persetujuan)"), ("venue", "Menyiapkan lokasi"),
    ("tools", "Menyiapkan perlengkapan"), ("food", "Menyiapkan konsumsi"),
]  # fmt: skip
ROLE_KINDS = ["mc", "floor", "prayer", "documentation", "speaker"]
AGENDA = [
    (0, "Registrasi peserta"), (10, "Doa bersama"), (15, "Sambutan Kepala Bapas"), (25, "Sambutan kepala desa"),
    (35, "Materi dari narasumber"), (65, "Permainan kelompok klien dan warga"), (90, "Kerja bakti bersama"),
    (115, "Penutup dan foto bersama"),
]  # fmt: skip
BANJARS = ["Banjar Kaja", "Banjar Kelod", "Banjar Tengah", "Banjar Kangin", "Banjar Kauh", "Dusun Krajan"]
OTHER_GROUPS = ["officer", "official", "partner", "speaker", "guest"]


def short_code(prefix: str, n: int, width: int = 6) -> str:
    """A code from SHORT_CODE_ALPHABET that no service draws: services draw 6 characters, these are
    longer (prefix + width), so generated and real codes never clash."""
    digits = []
    for _ in range(width):
        n, r = divmod(n, len(SHORT_CODE_ALPHABET))
        digits.append(SHORT_CODE_ALPHABET[r])
    return prefix + "".join(reversed(digits))


def generate_programs(ins: Inserter, seed: int, od: OfficeData, n_programs: int, offices: int) -> list[dict]:
    """Programs spread over the seven stages with their team, stage changes and the records of every
    stage reached: contacts, partners and groups, an MPA with problems and tallies, a TOP workshop
    with clusters and cards, an action plan, indicators totalling 100 %, an evaluation, closing
    activities, the handover and links to the office's referrals."""
    rng = random.Random(f"{seed}:{od.index}:programs")
    ids = ins.ids(Program, n_programs)
    rows: dict[str, list[dict]] = {k: [] for k in (
        "programs", "members", "stages", "contacts", "ppartners", "groups", "assessments", "items",
        "tallies", "workshops", "clusters", "cards", "plans", "actions", "indicators", "evaluations",
        "closing", "handovers", "preferrals",
    )}  # fmt: skip
    team_pool = od.officers[:]
    ref_pool = [r["id"] for r in od.referrals if r["status"] in (Status.COMPLETED, Status.IN_PROGRESS)]
    programs = []
    for k, pk in enumerate(ids):
        g = od.index * n_programs + k  # unique over the run: makes the MPA and TOP codes unique
        forced = k * offices + od.index  # the first programs of the offices, together, take every stage
        stage_ix = forced if forced < len(STAGE_ORDER) else rng.choices(range(7), weights=STAGE_WEIGHTS)[0]
        title, acronym = PROGRAM_THEMES[(k + od.index) % len(PROGRAM_THEMES)]
        start = TODAY - timedelta(days=rng.randint(20 + stage_ix * 40, 120 + stage_ix * 90))
        end = start + timedelta(days=rng.randint(150, 420))
        if stage_ix == 6:
            end = min(end, TODAY - timedelta(days=rng.randint(0, 60)))
            end = max(end, start + timedelta(days=30))
        created = aware(start, 2)
        program = {
            "id": pk, "office_id": od.office.pk, "title": f"{title} {k + 1}", "acronym": f"{acronym}-{k + 1}",
            "theme": title, "goal": "Meningkatkan interaksi sosial dan motivasi klien serta mengurangi stigma warga.",
            "benefits": "Klien diterima kembali oleh masyarakat.", "problems_addressed": "Stigma terhadap klien.",
            "intervention_type": "Kegiatan bersama", "method": "Community organisation/community development",
            "technique": "Kerja bakti bersama", "resource_systems": "Bapas, desa, mitra", "start": start,
            "end": end, "stage": STAGE_ORDER[stage_ix], "created_by_id": od.team.pk, "created_at": created,
            "version": 1,
        }  # fmt: skip
        rows["programs"].append(program)
        programs.append({**program, "_stage": stage_ix})
        members = [(od.team, "Koordinator")] + [
            (u, "Fasilitator") for u in rng.sample(team_pool, min(2, len(team_pool)))
        ]
        for user, role in members:
            rows["members"].append({"office_id": od.office.pk, "program_id": pk, "user_id": user.pk, "role": role,
                                    "can_edit": True})  # fmt: skip
        span = max(1, (min(end, TODAY) - start).days)
        moves = [aware(start + timedelta(days=span * (s + 1) // (stage_ix + 2)), 3) for s in range(stage_ix)]
        for s, at in enumerate(moves):
            rows["stages"].append({"office_id": od.office.pk, "program_id": pk, "from_stage": STAGE_ORDER[s],
                                   "to_stage": STAGE_ORDER[s + 1], "at": at, "actor_id": od.team.pk, "reason": ""})  # fmt: skip
        reached = [created, *moves]  # when the program reached each stage so far

        def day(stage: int, reached: list[datetime] = reached) -> date:
            return reached[stage].date() + timedelta(days=rng.randint(0, 5))

        for c in range(2):
            rows["contacts"].append({"program_id": pk, "kind": "contact" if c == 0 else "relation", "date": day(0),
                                     "people": name(rng), "institution": f"Desa {rng.choice(MIDDLE)}",
                                     "stakeholder_role": "Kepala desa" if c == 0 else "Tokoh masyarakat",
                                     "purpose": "Memperkenalkan program.", "agreement": "Bersedia mendukung.",
                                     "created_by_id": od.team.pk})  # fmt: skip
        if stage_ix >= 1:
            for p in rng.sample(od.partners, min(2, len(od.partners))):
                rows["ppartners"].append(
                    {"program_id": pk, "partner_id": p["id"], "name": "", "role": "Narasumber"}
                )
            rows["groups"] += [
                {"program_id": pk, "kind": "interest", "name": "Perangkat desa", "description": ""},
                {"program_id": pk, "kind": "target", "name": "Klien dan warga sekitar", "description": ""},
            ]
        if stage_ix >= 2:
            aid = g  # the global program number makes the codes unique
            chosen = stage_ix >= 3
            rows["assessments"].append({"program_id": pk, "title": "MPA bersama warga", "date": day(2),
                                        "place": "Balai banjar", "facilitator": od.team.full_name, "method": "dot",
                                        "votes_per_person": 3, "code": short_code("SA", aid), "voting_open": False,
                                        "priorities_chosen_at": moves[2] if chosen else None, "_items": []})  # fmt: skip
            for n_item, (kind, text) in enumerate([
                ("problem", "Stigma warga terhadap klien"), ("problem", "Klien kurang percaya diri"),
                ("problem", "Sampah di ruang publik"), ("problem", "Pengangguran klien"),
                ("potential", "Banjar aktif bergotong royong"), ("potential", "Mitra pelatihan tersedia"),
            ]):  # fmt: skip
                votes = [rng.randint(0, 12) for _ in range(3)] if kind == "problem" else [0, 0, 0]
                rows["assessments"][-1]["_items"].append(
                    {"kind": kind, "title": text, "causes": "", "effects": "", "is_priority": chosen and n_item < 2,
                     "rank": n_item + 1 if chosen and n_item < 2 else None,
                     "votes_at_choice": sum(votes) if chosen and kind == "problem" else None, "_votes": votes}
                )  # fmt: skip
        if stage_ix >= 3:
            rows["workshops"].append({"program_id": pk, "date": day(3), "focus_question": "Apa yang dapat kita lakukan bersama?",
                                      "context": "", "facilitator": od.team.full_name, "code": short_code("SW", g),
                                      "cards_open": False, "resolution": "Kerja bakti dan pelatihan bersama.",
                                      "version": 1})  # fmt: skip
            rows["plans"].append({"program_id": pk, "victory": "Klien dan warga bekerja bersama.",
                                  "current_reality": "Warga masih ragu.", "commitment": "Satu kegiatan bersama.",
                                  "commitment_date": end, "team": od.team.full_name, "version": 1})  # fmt: skip
            for weight_set in [INDICATOR_SETS[g % len(INDICATOR_SETS)]]:
                for criterion, weight, source in weight_set:
                    achieved = Decimal(rng.randint(40, 100)) if stage_ix >= 5 else None
                    rows["indicators"].append({"program_id": pk, "criterion": criterion, "weight": weight,
                                               "target": "", "measurement": "", "data_source": "",
                                               "source": source, "achievement": achieved})  # fmt: skip
        if stage_ix >= 5:
            rows["evaluations"].append({"program_id": pk, "goal_achievement": "Sebagian besar tercapai.",
                                        "benefit_achievement": "Klien lebih diterima.", "strengths": "Dukungan desa",
                                        "weaknesses": "Waktu terbatas", "opportunities": "Mitra baru",
                                        "threats": "Cuaca", "version": 1})  # fmt: skip
        if stage_ix == 6:
            rows["closing"].append(
                {"program_id": pk, "date": end, "description": "Ramah tamah dan ucapan terima kasih"}
            )
            rows["handovers"].append({"program_id": pk, "report_to": "Kepala Bapas", "report_date": end,
                                      "report_document": f"Laporan {acronym}-{k + 1}", "owner_institution": "Desa",
                                      "owner_person": "Kepala desa", "next_steps": "Kerja bakti bulanan",
                                      "follow_up_date": end + timedelta(days=90), "version": 1})  # fmt: skip
            for ref in rng.sample(ref_pool, min(2, len(ref_pool))):
                rows["preferrals"].append({"program_id": pk, "referral_id": ref, "note": "Rujukan lanjutan"})
    ins.put(Program, rows["programs"], "programs")
    ins.put(ProgramMember, rows["members"], "program members")
    ins.put(StageChange, rows["stages"], "stage changes")
    ins.put(Contact, rows["contacts"], "contacts")
    ins.put(ProgramPartner, rows["ppartners"], "program partners")
    ins.put(StakeholderGroup, rows["groups"], "stakeholder groups")
    items, tallies = [], []
    for a, aid in zip(rows["assessments"], ins.ids(Assessment, len(rows["assessments"])), strict=True):
        a["id"] = aid
        for item, iid in zip(a["_items"], ins.ids(AssessmentItem, len(a["_items"])), strict=True):
            items.append(
                {"id": iid, "assessment_id": aid, **{k: v for k, v in item.items() if not k.startswith("_")}}
            )
            for group, count in zip(["client", "resident", "official"], item["_votes"], strict=True):
                if count:
                    tallies.append({"item_id": iid, "group": group, "count": count})
    ins.put(
        Assessment,
        [{k: v for k, v in a.items() if k != "_items"} for a in rows["assessments"]],
        "assessments",
    )
    ins.put(AssessmentItem, items, "assessment items")
    ins.put(Tally, tallies, "tallies")
    clusters, cards = [], []
    for w, wid in zip(rows["workshops"], ins.ids(PlanningWorkshop, len(rows["workshops"])), strict=True):
        w["id"] = wid
        cids = ins.ids(Cluster, 3)
        for c, cid in enumerate(cids):
            clusters.append({"id": cid, "workshop_id": wid, "symbol": "ABC"[c],
                             "name": ["Kebersihan", "Keterampilan", "Kebersamaan"][c]})  # fmt: skip
        for c in range(9):
            cards.append({"workshop_id": wid, "text": f"Gagasan {c + 1}", "author": "", "cluster_id": cids[c % 3],
                          "created_at": aware(w["date"], 3)})  # fmt: skip
    ins.put(PlanningWorkshop, rows["workshops"], "workshops")
    ins.put(Cluster, clusters, "clusters")
    ins.put(Card, cards, "cards")
    actions = []
    for plan, plan_id in zip(rows["plans"], ins.ids(ActionPlan, len(rows["plans"])), strict=True):
        plan["id"] = plan_id
        for step in range(3):
            actions.append({"plan_id": plan_id, "title": ["Survei lokasi", "Rapat panitia", "Pelaksanaan"][step],
                            "owner": od.team.full_name, "due": plan["commitment_date"] - timedelta(days=30 - step * 10),
                            "resources": "", "cost": 500_000 * (step + 1), "hours": Decimal("4.0")})  # fmt: skip
    ins.put(ActionPlan, rows["plans"], "action plans")
    ins.put(PlanAction, actions, "plan actions")
    ins.put(Indicator, rows["indicators"], "indicators")
    ins.put(Evaluation, rows["evaluations"], "evaluations")
    ins.put(ClosingActivity, rows["closing"], "closing activities")
    ins.put(ProgramHandover, rows["handovers"], "handovers")
    ins.put(ProgramReferral, rows["preferrals"], "program referrals")
    return programs


# --- events, registrations, check-ins ------------------------------------------------------------


def generate_events(
    ins: Inserter, seed: int, od: OfficeData, programs: list[dict], n_registrations: int
) -> list[dict]:
    """Events of the programs at the intervention stage or later, with checklist, roles, agenda and
    items handed over; registrations of consenting clients (by their officer), residents and others,
    with codes unique per event; check-ins for most registrations of the events already held."""
    rng = random.Random(f"{seed}:{od.index}:events")
    running = [p for p in programs if p["_stage"] >= 4]
    plan = []
    for p in running:
        for e in range(1 + (rng.random() < 0.4)):
            plan.append((p, e))
    if not plan:
        return []
    consenting = [c for c in od.clients if c["consent_community"]]
    ids = ins.ids(Event, len(plan))
    now = aware(TODAY, 4)
    events: list[dict[str, Any]] = []
    parts: dict[str, list[dict[str, Any]]] = {"checklist": [], "roles": [], "agenda": [], "handed": []}
    regs, checkins = [], []
    per_event = n_registrations / len(plan)
    taken_total = 0
    for n_event, ((p, e), pk) in enumerate(zip(plan, ids, strict=True)):
        latest = min(p["end"], TODAY + timedelta(days=40))
        if p["_stage"] >= 5:
            latest = min(latest, TODAY - timedelta(days=20))
        span = max(1, (latest - p["start"]).days)
        day = p["start"] + timedelta(days=rng.randint(span // 3, span))
        start = aware(day, 7)  # 15:00 WITA
        end = start + timedelta(hours=2)
        done = end < now
        village = rng.choice(od.villages) if od.villages else ""
        events.append(
            {
                "id": pk, "office_id": od.office.pk, "program_id": p["id"],
                "name": f"Kegiatan bersama {p['acronym']}" + (f" ({e + 1})" if e else ""), "theme": p["theme"],
                "description": "Klien dan warga bekerja bersama.", "place": f"Balai {rng.choice(BANJARS)}",
                "village_code": village, "start": start, "end": end, "organising_team": "Tim program",
                "target_participants": "Klien dan warga", "resource_system": "Bapas dan mitra",
                "guests": "Kepala desa", "published": done or rng.random() < 0.8, "registration_open": not done,
                "capacity": None if rng.random() < 0.5 else 400, "done": done, "created_by_id": od.team.pk,
                "created_at": start - timedelta(days=30), "version": 1,
            }
        )  # fmt: skip
        for pos, (kind, title) in enumerate(CHECKLIST):
            parts["checklist"].append({"event_id": pk, "kind": kind, "title": title, "owner": "Tim program",
                                       "done": done or rng.random() < 0.5, "position": pos})  # fmt: skip
        for kind in ROLE_KINDS:
            parts["roles"].append({"event_id": pk, "kind": kind, "person": name(rng)})
        for pos, (minutes, title) in enumerate(AGENDA):
            at = (datetime.combine(day, time(15, 0)) + timedelta(minutes=minutes)).time()
            parts["agenda"].append(
                {"event_id": pk, "position": pos, "starts_at": at, "title": title, "lead": ""}
            )
        parts["handed"].append({"event_id": pk, "item": "Tempat sampah", "quantity": rng.randint(2, 8),
                                "recipient": "Desa"})  # fmt: skip
        # Registrations: the remaining budget spread over the remaining events.
        n = max(1, round(per_event * (n_event + 1)) - taken_total)
        taken_total += n
        n_clients = min(len(consenting), round(n * rng.uniform(0.25, 0.4)))
        chosen = rng.sample(consenting, n_clients)
        n_other = max(0, round(n * 0.06))
        groups = ["client"] * n_clients + [rng.choice(OTHER_GROUPS) for _ in range(n_other)]
        groups += ["resident"] * max(0, n - len(groups))
        codes: set[str] = set()
        for r, group in enumerate(groups):
            while True:
                code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if code not in codes:
                    codes.add(code)
                    break
            created = start - timedelta(days=rng.randint(1, 25), minutes=rng.randint(0, 600))
            reg: dict[str, Any] = {
                "event_id": pk, "office_id": od.office.pk, "group": group, "code": code, "name": "", "phone": "",
                "email": "", "village_code": "", "banjar": "", "sex": "", "consent_data": True, "client_id": None,
                "user_id": None, "registered_by_id": None, "ip_hash": "", "created_at": created,
            }  # fmt: skip
            if group == "client":
                client = chosen[r]
                reg.update(client_id=client["pk"], registered_by_id=client["officer_id"])
            elif group == "resident":
                public = rng.random() < 0.7
                reg.update(
                    name=name(rng), phone=f"+62857{rng.randint(10_000_000, 99_999_999)}", sex=rng.choice("MF"),
                    village_code=village, banjar=rng.choice(BANJARS),
                    ip_hash=events_ip_hash(f"198.51.{od.index % 256}.{rng.randint(1, 254)}") if public else "",
                    registered_by_id=None if public else od.team.pk,
                )  # fmt: skip
            else:
                reg.update(name=name(rng), registered_by_id=od.team.pk)
            reg["_client"] = chosen[r] if group == "client" else None
            reg["_event"] = events[-1]
            regs.append(reg)
    ins.put(Event, events, "events")
    ins.put(ChecklistItem, parts["checklist"], "checklist items")
    ins.put(EventRole, parts["roles"], "event roles")
    ins.put(AgendaItem, parts["agenda"], "agenda items")
    ins.put(HandedItem, parts["handed"], "handed items")
    for reg, rid in zip(regs, ins.ids(Registration, len(regs)), strict=True):
        reg["id"] = rid
        event = reg["_event"]
        if event["done"] and rng.random() < (0.75 if reg["group"] == "client" else 0.85):
            checkins.append({"event_id": event["id"], "registration_id": rid,
                             "at": event["start"] + timedelta(minutes=rng.randint(-20, 40)), "by_id": od.team.pk,
                             "source": rng.choice(["scan", "scan", "typed", "list"]), "client_uuid": None})  # fmt: skip
            reg["_checked_in"] = True
    ins.put(
        Registration, [{k: v for k, v in r.items() if not k.startswith("_")} for r in regs], "registrations"
    )
    ins.put(CheckIn, checkins, "check-ins")
    return regs


# --- evidence: administrations, responses, answers ---------------------------------------------


@dataclass(frozen=True)
class InstrumentPlan:
    version_id: int
    scale_min: int
    scale_max: int
    items: tuple[tuple[int, str, str, bool], ...]  # (item id, key, subscale key, reverse)

    @classmethod
    def load(cls, key: str) -> InstrumentPlan:
        version = (
            InstrumentVersion.objects.filter(instrument__key=key, status=InstrumentVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is None:
            raise LookupError(
                f"no published version of the instrument {key!r} (manage.py evidence_install_instruments)"
            )
        items = tuple(
            (i.pk, i.key, i.subscale.key, i.reverse)
            for i in version.items.select_related("subscale").order_by("position", "pk")
        )
        return cls(version.pk, version.scale_min, version.scale_max, items)

    def answer(self, levels: dict[str, float], rng: random.Random) -> tuple[list[tuple[int, int]], dict]:
        """Answers around a person's level on each subscale (reverse items answered in mirror) and
        the subscale scores exactly as services.response_submit computes them."""
        values = {}
        for _pk, key, sub, reverse in self.items:
            value = min(self.scale_max, max(self.scale_min, round(levels[sub] + rng.gauss(0, 0.6))))
            values[key] = self.scale_min + self.scale_max - value if reverse else value
        specs = [ItemSpec(key, sub, reverse) for _pk, key, sub, reverse in self.items]
        scores = score_subscales(values, specs, scale_min=self.scale_min, scale_max=self.scale_max)
        return [(pk, values[key]) for pk, key, _s, _r in self.items], scores


def generate_evidence(
    ins: Inserter, seed: int, od: OfficeData, regs: list[dict], n_responses: int, instruments: dict
) -> None:
    """Before/after administrations of the default instruments for every event held, clients and
    residents; responses from registered clients (entered on paper by their officer, linked by
    identity) and residents (online, paired by the hash of a self-chosen code, a few of whom lose
    their code), with one answer per item."""
    rng = random.Random(f"{seed}:{od.index}:evidence")
    by_event: dict[int, list[dict]] = {}
    for reg in regs:
        if reg["_event"]["done"] and reg["group"] in ("client", "resident"):
            by_event.setdefault(reg["_event"]["id"], []).append(reg)
    eligible = sum(len(v) for v in by_event.values())
    if not eligible:
        return
    p = min(0.9, n_responses / (2 * eligible))
    p_before, p_after = min(1.0, p * 1.1), p * 0.9
    admins: list[dict[str, Any]] = []
    responses: list[tuple[dict[str, Any], list[tuple[int, int]]]] = []
    answers: list[dict[str, Any]] = []
    now = aware(TODAY, 4)
    for event_id, people in by_event.items():
        event = people[0]["_event"]
        admin_ids = {}
        for group in ("client", "resident"):
            for point in ("before", "after"):
                aid = ins.ids(Administration, 1)[0]
                admin_ids[(group, point)] = aid
                token = hashlib.sha256(
                    f"scale:{seed}:{od.index}:{event_id}:{group}:{point}".encode()
                ).hexdigest()
                admins.append(
                    {
                        "id": aid, "office_id": od.office.pk, "program_id": event["program_id"], "event_id": event_id,
                        "instrument_version_id": instruments[group].version_id, "group": group, "point": point,
                        "title": f"Kuesioner {'klien' if group == 'client' else 'warga'} "
                        f"{'sebelum' if point == 'before' else 'sesudah'} {event['name']}",
                        "public_token": f"sc{token[:30]}", "open": event["end"] > now - timedelta(days=30),
                        "created_by_id": od.team.pk, "created_at": event["start"] - timedelta(days=10), "version": 1,
                    }
                )  # fmt: skip
        for n, reg in enumerate(people):
            group = reg["group"]
            plan = instruments[group]
            subs = sorted({s for _pk, _k, s, _r in plan.items})
            base = {s: rng.uniform(2.0, 3.4) for s in subs}
            gain = {s: rng.gauss(0.5, 0.45) for s in subs}
            code = f"{reg['name'].split()[-1].upper() if reg['name'] else 'KODE'}{n:04d}"
            for point, prob in (("before", p_before), ("after", p_after)):
                if rng.random() >= prob:
                    continue
                levels = base if point == "before" else {s: base[s] + gain[s] for s in subs}
                at = (
                    event["start"] - timedelta(days=rng.randint(1, 5))
                    if point == "before"
                    else min(now, event["end"] + timedelta(days=rng.randint(0, 14)))
                )
                values, scores = plan.answer(levels, rng)
                row = {
                    "office_id": od.office.pk, "administration_id": admin_ids[(group, point)], "client_id": None,
                    "code_hash": "", "channel": "online", "entered_by_id": None, "submitted_at": at, "scores": scores,
                }  # fmt: skip
                if group == "client":
                    row.update(
                        client_id=reg["client_id"],
                        channel="paper",
                        entered_by_id=reg["_client"]["officer_id"],
                    )
                else:
                    used = (
                        code if point == "before" or rng.random() >= 0.05 else f"LAIN{n:04d}"
                    )  # a lost code
                    row["code_hash"] = evidence_code_hash(program_id=event["program_id"], code=used)
                responses.append((row, values))
    ins.put(Administration, admins, "administrations")
    response_ids = ins.ids(Response, len(responses))
    rows = []
    for (row, values), rid in zip(responses, response_ids, strict=True):
        rows.append({"id": rid, **row})
        answers.extend({"response_id": rid, "item_id": item, "value": value} for item, value in values)
    ins.put(Response, rows, "responses")
    ins.put(Answer, answers, "answers")


# --- the whole run -------------------------------------------------------------------------------


def office_villages(area: list[Region]) -> list[str]:
    """Up to 20 villages (desa/kelurahan) of the office's first regency, from the bundled data."""
    if not area:
        return []
    districts = region_children(area[0].code)
    return [v["code"] for v in region_children(districts[0]["code"])[:20]] if districts else []


def generate(
    *,
    offices: int,
    clients_per_office: int,
    sessions_per_client: float = 13.3,
    seed: int = 1,
    partners_per_office: int | None = None,
    referrals_per_office: int | None = None,
    programs_per_office: int | None = None,
    registrations_per_office: int | None = None,
    responses_per_office: int | None = None,
    orders_per_office: int | None = None,
    resume: bool = False,
    log=None,
) -> Report:
    """Generate the data. Sizes left out are proportional to the clients (derived()).

    Each office is one transaction. A second run on the same database is refused (codes `scale-NNN`
    are taken) unless `resume`: then the offices already there are skipped and the others generated,
    which gives the same data as an uninterrupted run if the seed and sizes are the same."""
    if not resume and Office.objects.filter(code__startswith=CODE_PREFIX).exists():
        raise ValueError(
            "scale data already present (offices with code scale-*): use a fresh database or --resume"
        )
    sizes = derived(clients_per_office)
    n_partners = partners_per_office if partners_per_office is not None else sizes["partners_per_office"]
    n_referrals = referrals_per_office if referrals_per_office is not None else sizes["referrals_per_office"]
    n_programs = programs_per_office if programs_per_office is not None else sizes["programs_per_office"]
    n_regs = (
        registrations_per_office
        if registrations_per_office is not None
        else sizes["registrations_per_office"]
    )
    n_responses = responses_per_office if responses_per_office is not None else sizes["responses_per_office"]
    n_orders = orders_per_office if orders_per_office is not None else sizes["orders_per_office"]
    n_partners = max(1, n_partners)
    log = log or (lambda msg: None)
    run_started = perf_counter()
    report = Report()
    ins = Inserter(report)
    password = make_password(BENCH_PASSWORD)
    provinces = list(Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"))
    regencies: dict[str, list[Region]] = {}
    for regency in Region.objects.filter(level=Region.Level.REGENCY).order_by("code"):
        regencies.setdefault(cast(str, regency.parent_id), []).append(regency)
    provinces = [p for p in provinces if regencies.get(p.code)]
    if not provinces:
        raise ValueError("no regions loaded: run migrate first")
    with transaction.atomic():
        instruments_install_defaults()
    instruments = {
        "client": InstrumentPlan.load("client-interaction-motivation"),
        "resident": InstrumentPlan.load("resident-attitude"),
    }
    kanwil: dict[str, RegionalOffice] = {}
    _national, created = User.objects.get_or_create(
        username="scale.national",
        defaults={"full_name": "Pengamat Nasional", "role_national": True, "password": password},
    )
    report.add("staff", int(created))
    done = set(Office.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True))
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
            report.add("staff", int(created))
        plan = office_plan(seed, i)
        if plan["code"] in done:  # --resume: this office was committed by an earlier run
            continue
        # One transaction per office: an interrupted run keeps the offices it finished.
        with transaction.atomic():
            office = Office.objects.create(regional_office=kanwil[province.code], **plan)
            # Offices in the same province share its regencies round-robin (two each at least).
            regs = regencies[province.code]
            area = [regs[(i // len(provinces) * 2 + j) % len(regs)] for j in range(min(2, len(regs)))]
            office.work_area.set(area)
            report.add("offices", 1)
            n_officers = max(2, clients_per_office // 40)
            staff = [
                User(
                    office=office,
                    full_name=name(random.Random(f"{seed}:{i}:{s['username']}")),
                    password=password,
                    **s,
                )  # fmt: skip
                for s in staff_plan(i, n_officers, n_partners)
            ]
            User.objects.bulk_create(staff)
            report.add("staff", len(staff))
            staff = list(User.objects.filter(office=office).order_by("username"))
            by_name = {u.username: u for u in staff}
            officers = [u for u in staff if u.role_officer]
            by_section = {
                "adult": [u for u in officers if u.section == "adult"],
                "child": [u for u in officers if u.section == "child"],
            }
            p = f"s{i:03d}"
            od = OfficeData(
                office=office,
                index=i,
                area=area,
                head=by_name[f"{p}.kabapas"],
                team=by_name[f"{p}.tim"],
                officers=officers,
                partner_staff=[by_name[f"{p}.mitra"]]
                + [by_name[f"{p}.mitra{j:02d}"] for j in range(1, n_partners)],
                clients=[],
                villages=office_villages(area),
            )
            rows = client_rows(seed, i, clients_per_office)
            for b in range(0, len(rows), BATCH):
                chunk = rows[b : b + BATCH]
                officers_of = []
                objs = []
                for r in chunk:
                    pool = by_section[r["category"]] or by_section["adult"]
                    officer = pool[int(r["officer_slot"] * len(pool))]
                    officers_of.append(officer)
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
                started = perf_counter()
                clients = Client.objects.bulk_create(objs, batch_size=BATCH)
                if clients[0].pk is None:  # backends without RETURNING
                    by_reg = dict(
                        Client.objects.filter(office=office, register_number__in=[r["register_number"] for r in chunk])
                        .values_list("register_number", "pk")
                    )  # fmt: skip
                    for c in clients:
                        c.pk = by_reg[c.register_number]
                report.seconds["clients"] = report.seconds.get("clients", 0.0) + perf_counter() - started
                report.add("clients", len(clients))
                sups, assigns, inqs, sessions = [], [], [], []
                for r, client, officer in zip(chunk, clients, officers_of, strict=True):
                    od.clients.append({**r, "pk": client.pk, "officer_id": officer.pk})
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
                            Litmas(
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
                batches: list[tuple[type[models.Model], list[Any], str]] = [
                    (Supervision, sups, "supervisions"),
                    (OfficerAssignment, assigns, "assignments"),
                    (Litmas, inqs, "litmas"),
                ]
                for model, objs_, table in batches:
                    started = perf_counter()
                    model._default_manager.bulk_create(objs_, batch_size=BATCH)
                    report.seconds[table] = report.seconds.get(table, 0.0) + perf_counter() - started
                    report.add(table, len(objs_))
                started = perf_counter()
                insert_sessions(sessions)
                report.seconds["sessions"] = report.seconds.get("sessions", 0.0) + perf_counter() - started
                report.add("sessions", len(sessions))
            generate_partners(ins, seed, od, n_partners)
            generate_referrals(ins, seed, od, n_referrals, offices)
            programs = generate_programs(ins, seed, od, n_programs, offices)
            registrations = generate_events(ins, seed, od, programs, n_regs)
            generate_evidence(ins, seed, od, registrations, n_responses, instruments)
            generate_sentences(ins, seed, od, n_orders, TODAY)
            started = perf_counter()  # the roll-ups read these (guidance.summaries)
            report.add(
                "guidance summaries", client_summaries_refresh(clients=Client.objects.filter(office=office))
            )
            report.seconds["guidance summaries"] = (
                perf_counter() - started + report.seconds.get("guidance summaries", 0.0)
            )
        log(
            f"office {i + 1}/{offices}: {report['clients']:,} clients, {report['sessions']:,} sessions, "
            f"{report['referrals']:,} referrals, {report['registrations']:,} registrations, "
            f"{report['responses']:,} responses, {report['sentence orders']:,} sentence orders, "
            f"{report['hours entries']:,} hours entries ({perf_counter() - run_started:.0f} s)"
        )
    if connection.vendor == "postgresql":
        # The project's tables only: a bare ANALYZE also takes the shared catalogs (pg_database,
        # pg_authid...), whose locks every database of the cluster shares, and inside a transaction
        # that stays open (a test's world) it held up every other database's ANALYZE until it ended.
        quote = connection.ops.quote_name
        tables = ", ".join(quote(t) for t in sorted(connection.introspection.table_names()))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    return report
