"""Demo data for the events app (idempotent and seeded; see aksalarasa/seeding/demo/__init__.py).

The AKSALARASA community event of 16 June 2023 at Pantai Mertasari, Sanur (15.00-17.00 WITA): a
talk by a psychologist, games and a beach clean-up with clients, residents and the village head of
Sanur Kauh. Place, date, times, the kinds of roles, the checklist and the order of the agenda follow
the public facts of the reference case (paraphrased); every person's name is invented, and the
participants, check-ins, teams and interactions are fiction (the case reports no numbers).
"""

from __future__ import annotations

import datetime
import random

from aksalarasa.events import services
from aksalarasa.events.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AgendaItem,
    CheckIn,
    ChecklistItem,
    Event,
    EventRole,
    Group,
    HandedItem,
    Interaction,
    Registration,
)
from aksalarasa.programs.models import Program
from aksalarasa.seeding.demo import DemoContext

WITA = datetime.timezone(datetime.timedelta(hours=8))
DAY = datetime.date(2023, 6, 16)
SANUR_KAUH = "51.71.01.2010"

CHECKLIST = [
    ("officials", "Menghubungi pejabat struktural dan para PK Bapas", "Koordinator tim"),
    ("speaker", "Menghubungi psikolog sebagai narasumber", "Koordinator tim"),
    ("clients", "Mengundang klien melalui PK masing-masing (dengan persetujuan klien)", "PK pembimbing"),
    ("venue", "Menyiapkan lokasi di Pantai Mertasari bersama kepala dusun", "Koordinator lapangan"),
    ("tools", "Menyiapkan alat kebersihan, kantong sampah dan pengeras suara", "Seksi perlengkapan"),
    ("food", "Menyiapkan konsumsi untuk seluruh peserta", "Seksi konsumsi"),
]
ROLES = [
    ("mc", "Ni Kadek Ayu Paramita"),
    ("floor", "I Made Dwi Antara"),
    ("prayer", "I Gede Surya Pratama"),
    ("documentation", "Ni Komang Tri Wahyuni"),
    ("speaker", "Luh Putu Indah Cahyani, M.Psi., Psikolog"),
]
AGENDA = [
    ("15:00", "Registrasi peserta", "Panitia"),
    ("15:10", "Doa bersama dan menyanyikan Indonesia Raya", "Petugas doa"),
    ("15:15", "Sambutan Kepala Bapas Kelas I Denpasar", "Kepala Bapas"),
    ("15:25", "Sambutan Kepala Desa Sanur Kauh", "Kepala Desa Sanur Kauh"),
    ("15:35", "Penyerahan tempat sampah kepada Desa Sanur Kauh", "Tim program"),
    ("15:40", "Foto bersama", "Dokumentasi"),
    ("15:45", "Sosialisasi bersama klien: materi dari psikolog", "Narasumber"),
    ("16:15", "Tanya jawab dan permainan", "MC"),
    ("16:30", "Bakti sosial: bersih-bersih Pantai Mertasari bersama klien dan warga", "Koordinator lapangan"),
    ("16:55", "Penutup dan dokumentasi", "MC"),
]
HANDED = [
    ("Tempat sampah", 4, "Desa Sanur Kauh"),
    ("Kantong sampah", 100, "Peserta bakti sosial"),
    ("Sarung tangan kerja", 60, "Peserta bakti sosial"),
    ("Sapu lidi", 20, "Banjar di sekitar Pantai Mertasari"),
]
FIRST = ["Wayan", "Made", "Nyoman", "Ketut", "Putu", "Kadek", "Komang", "Gede", "Luh", "Nengah"]
GIVEN = [
    "Artawan",
    "Sudarsana",
    "Wiranata",
    "Suarjana",
    "Yasmini",
    "Sriasih",
    "Darmayasa",
    "Anggreni",
    "Mahendra",
    "Purnami",
    "Budiasa",
    "Sukadana",
    "Rustini",
    "Swastika",
    "Adnyani",
    "Parwata",
    "Sumertha",
    "Dewantari",
    "Oka",
    "Astiti",
    "Wiguna",
    "Kartini",
    "Santika",
    "Juliantari",
    "Arsana",
]
BANJARS = ["Banjar Mertasari", "Banjar Kelod", "Banjar Tengah", "Banjar Kaja", "Banjar Pekandelan"]


def _code(seed: str, taken: set[str]) -> str:
    rng = random.Random(f"aksalarasa-event:{seed}")
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _program(ctx: DemoContext):
    program = ctx.objects.get("aksalarasa_program")
    if program is None and "denpasar" in ctx.objects:
        program = Program.objects.filter(office=ctx.objects["denpasar"], acronym="AKSALARASA").first()
    return program


def load(ctx: DemoContext) -> None:
    program = _program(ctx)
    if program is None:
        return
    users = {key[5:]: value for key, value in ctx.objects.items() if key.startswith("user:")}
    team = users.get("tim.program") or program.created_by
    event, created = Event.objects.get_or_create(
        program=program,
        name="Sosialisasi dan Bakti Sosial AKSALARASA",
        start=datetime.datetime(2023, 6, 16, 15, 0, tzinfo=WITA),
        defaults={
            "office_id": program.office_id,
            "theme": "Aksi Sadar Lingkungan Bersama Bapas Kelas I Denpasar",
            "description": (
                "Klien Bapas dan warga bersama-sama menjaga kebersihan Pantai Mertasari, diawali "
                "materi dari psikolog tentang motivasi dan permainan kelompok."
            ),
            "place": "Pantai Mertasari, Sanur",
            "village_code": SANUR_KAUH,
            "end": datetime.datetime(2023, 6, 16, 17, 0, tzinfo=WITA),
            "organising_team": "Tim program AKSALARASA (empat taruna praktikum, didampingi mentor dari Bapas)",
            "target_participants": "Klien Bapas Kelas I Denpasar yang sedang aktif mengikuti pembimbingan; "
            "warga sekitar Pantai Mertasari",
            "resource_system": "Bapas Kelas I Denpasar; Pokmas Lipas mitra Bapas",
            "guests": "Kepala Desa Sanur Kauh; Kepala Dusun Mertasari; psikolog sebagai narasumber",
            "published": True,
            "registration_open": False,
            "done": True,
            "created_by": team,
        },
    )
    ctx.count("events", created)
    _parts(ctx, event)
    regs = _registrations(ctx, event, users)
    _check_ins(ctx, event, regs, team)
    if not event.teams.exists() and regs:
        services.teams_form(event=event, actor=team, team_count=5)
        ctx.count("event teams", True)
    _interactions(ctx, event, team)


def _parts(ctx: DemoContext, event: Event) -> None:
    for position, (kind, title, owner) in enumerate(CHECKLIST, start=1):
        _, made = ChecklistItem.objects.get_or_create(
            event=event, kind=kind, title=title, defaults={"owner": owner, "done": True, "position": position}
        )
        ctx.count("event checklist items", made)
    for kind, person in ROLES:
        _, made = EventRole.objects.get_or_create(event=event, kind=kind, defaults={"person": person})
        ctx.count("event roles", made)
    for position, (at, title, lead) in enumerate(AGENDA, start=1):
        _, made = AgendaItem.objects.get_or_create(
            event=event,
            position=position,
            defaults={"starts_at": datetime.time.fromisoformat(at), "title": title, "lead": lead},
        )
        ctx.count("agenda items", made)
    for item, quantity, recipient in HANDED:
        _, made = HandedItem.objects.get_or_create(
            event=event, item=item, defaults={"quantity": quantity, "recipient": recipient}
        )
        ctx.count("items handed over", made)


def _registrations(ctx: DemoContext, event: Event, users: dict) -> list[Registration]:
    taken = set(Registration.objects.filter(event=event).values_list("code", flat=True))
    regs: list[Registration] = []
    clients = [
        c
        for c in ctx.objects.get("clients", [])
        if c.office_id == event.office_id and c.consent_community and c.officer_id and c.anonymised_at is None
    ][:20]
    for client in clients:
        reg = Registration.objects.filter(event=event, client=client).first()
        if reg is None:
            reg = Registration.objects.create(
                event=event,
                office_id=event.office_id,
                group=Group.CLIENT,
                client=client,
                code=_code(f"client:{client.register_number}", taken),
                consent_data=True,
                registered_by_id=client.officer_id,
                created_at=datetime.datetime(2023, 6, 14, 10, 0, tzinfo=WITA),
            )
            ctx.count("event registrations", True)
        regs.append(reg)
    rng = random.Random(20230616)
    residents = []
    for index in range(25):
        first = FIRST[index % len(FIRST)]
        residents.append((f"{first} {GIVEN[index]}", rng.choice(BANJARS)))
    people = [(name, Group.RESIDENT, banjar, None) for name, banjar in residents]
    people += [
        ("Kepala Desa Sanur Kauh", Group.OFFICIAL, "", None),
        ("Kepala Dusun Mertasari", Group.OFFICIAL, "", None),
        ("Luh Putu Indah Cahyani, M.Psi., Psikolog", Group.SPEAKER, "", None),
        ("Perwakilan Pokmas Lipas", Group.PARTNER, "", None),
    ]
    for username in ("pk.putu", "pk.ketut", "pk.nyoman", "tim.program"):
        if username in users:
            people.append((users[username].full_name, Group.OFFICER, "", users[username]))
    for name, group, banjar, user in people:
        reg = Registration.objects.filter(event=event, name=name, group=group).first()
        if reg is None:
            reg = Registration.objects.create(
                event=event,
                office_id=event.office_id,
                group=group,
                name=name,
                user=user,
                village_code=SANUR_KAUH if group == Group.RESIDENT else "",
                banjar=banjar,
                code=_code(f"{group}:{name}", taken),
                consent_data=True,
                created_at=datetime.datetime(2023, 6, 15, 19, 0, tzinfo=WITA),
            )
            ctx.count("event registrations", True)
        regs.append(reg)
    return regs


def _check_ins(ctx: DemoContext, event: Event, regs: list[Registration], actor) -> None:
    done = set(CheckIn.objects.filter(event=event).values_list("registration_id", flat=True))
    rows = []
    for index, reg in enumerate(regs):
        if reg.pk in done:
            continue
        at = datetime.datetime(2023, 6, 16, 14, 40, tzinfo=WITA) + datetime.timedelta(seconds=37 * index)
        rows.append(CheckIn(event=event, registration=reg, at=at, by=actor, source=CheckIn.Source.SCAN))
    CheckIn.objects.bulk_create(rows)
    for _row in rows:
        ctx.count("check-ins", True)


def _interactions(ctx: DemoContext, event: Event, actor) -> None:
    if event.interactions.exists():
        return
    members = (
        Registration.objects.filter(event=event, team_member__isnull=False)
        .values_list("pk", "group", "team_member__team_id")
        .order_by("pk")
    )
    by_team: dict[int, dict[str, list[int]]] = {}
    for pk, group, team_id in members:
        side = "client" if group == Group.CLIENT else "other"
        by_team.setdefault(team_id, {"client": [], "other": []})[side].append(pk)
    rng = random.Random(16062023)
    pairs: set[tuple[int, int]] = set()
    teams = sorted(by_team.items())
    for _round in range(200):
        if len(pairs) >= 40 or not teams:
            break
        _team_id, sides = teams[_round % len(teams)]
        if not sides["client"] or not sides["other"]:
            continue
        a, b = rng.choice(sides["client"]), rng.choice(sides["other"])
        pairs.add((min(a, b), max(a, b)))
    at = datetime.datetime(2023, 6, 16, 16, 50, tzinfo=WITA)
    Interaction.objects.bulk_create(
        [
            Interaction(event=event, first_id=a, second_id=b, recorded_by=actor, at=at)
            for a, b in sorted(pairs)
        ],
        ignore_conflicts=True,
    )
    for _pair in pairs:
        ctx.count("interactions", True)
