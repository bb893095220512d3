"""Demo data for the programs app (idempotent; see aksalarasa/seeding/demo/__init__.py).

The AKSALARASA program of Bapas Kelas I Denpasar, every stage except the event itself (the events
loader adds the 16 June 2023 event at Pantai Mertasari and reads ctx.objects["aksalarasa_program"]).
Dates, places, roles, the four problems, the two potentials, the two priorities, the indicator
weights and the handover follow the public facts of the reference case, paraphrased; every person's
name is invented, the vote counts, costs and hours are fiction (the case reports none).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db.models import Model

from aksalarasa.programs import services
from aksalarasa.programs.models import (
    ActionPlan,
    Assessment,
    AssessmentItem,
    AssessmentParticipant,
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
    Stage,
    StageChange,
    StakeholderGroup,
    Vote,
)
from aksalarasa.seeding.demo import DemoContext

D = datetime.date


def _get_or_create(
    ctx: DemoContext, what: str, model: type[Model], lookup: dict[str, Any], defaults: dict[str, Any]
) -> Any:
    row, created = model._default_manager.get_or_create(**lookup, defaults=defaults)
    ctx.count(what, created)
    return row


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A time in Denpasar (WITA, UTC+8) stored in UTC."""
    return datetime.datetime(
        day.year, day.month, day.day, hour, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )


def load(ctx: DemoContext) -> None:
    denpasar = ctx.objects["denpasar"]
    users = {key[5:]: value for key, value in ctx.objects.items() if key.startswith("user:")}
    head, team = users["kabapas.dps"], users["tim.program"]
    program = _program(ctx, denpasar, team)
    ctx.objects["aksalarasa_program"] = program
    _team(ctx, program, users)
    _initiation(ctx, program, users)
    _organising(ctx, program, ctx.objects.get("partners", {}))
    _assessment(ctx, program)
    _planning(ctx, program, team)
    _evaluation(ctx, program)
    _termination(ctx, program, head)
    _stage_moves(ctx, program, team)


def _program(ctx: DemoContext, office, team) -> Program:
    return _get_or_create(
        ctx,
        "programs",
        Program,
        {"office": office, "acronym": "AKSALARASA"},
        {
            "title": "Aksi Sadar Lingkungan Bersama Bapas Kelas I Denpasar",
            "theme": "Sosialisasi dan bakti sosial: aksi sadar lingkungan bersama klien dan warga",
            "goal": (
                "Membuat klien lebih aktif bergaul dengan warga, menjalin hubungan baik dengan lingkungannya, "
                "dan menumbuhkan kepercayaan warga kepada klien sehingga stigma berkurang."
            ),
            "benefits": (
                "Klien kembali bersemangat mengikuti pembimbingan dari Bapas maupun Pokmas Lipas.\n"
                "Warga mengenal peran Pokmas Lipas yang bermitra dengan Bapas.\n"
                "Aparat penegak hukum mengetahui pilihan pembimbingan yang tersedia melalui Pokmas Lipas.\n"
                "Lebih banyak warga dan kelompok warga ikut serta dalam pembimbingan klien."
            ),
            "problems_addressed": (
                "Motivasi klien mengikuti pembimbingan rendah.\n"
                "Interaksi antara klien dan warga dalam pembimbingan kurang."
            ),
            "intervention_type": "Reintegrasi sosial",
            "method": "Sosialisasi",
            "technique": "Sosialisasi langsung kepada klien dan kegiatan bersama warga",
            "resource_systems": "Bapas Kelas I Denpasar; Pokmas Lipas Yayasan Gerasa; Desa Sanur Kauh",
            "start": D(2023, 5, 30),
            "end": D(2023, 7, 12),
            "stage": Stage.INITIATION,
            "created_by": team,
            # The report's cover letter and closing texts (fictional letter number).
            "report_letter_number": "W20.PAS.PAS.7-PK.01.05-0417",
            "report_place": "Denpasar",
            "conclusions": (
                "Klien yang ikut kegiatan bersama warga lebih sering hadir dan lebih aktif dalam pembimbingan; "
                "angka lengkapnya ada di lampiran statistik."
            ),
            "recommendations": (
                "Jadikan kegiatan bersama warga bagian tetap dari pembimbingan, dengan Pokmas Lipas sebagai "
                "penyelenggara bergilir."
            ),
        },
    )


def _team(ctx: DemoContext, program: Program, users: dict) -> None:
    for username, role, can_edit in [
        ("tim.program", "Koordinator program", True),
        ("pk.putu", "Fasilitator MPA dan TOP", True),
        ("kasi.bkd", "Pendamping (Kasi BKD)", False),
    ]:
        _get_or_create(
            ctx,
            "program members",
            ProgramMember,
            {"program": program, "user": users[username]},
            {"office": program.office, "role": role, "can_edit": can_edit},
        )


def _initiation(ctx: DemoContext, program: Program, users: dict) -> None:
    head, bkd, bka = users["kabapas.dps"], users["kasi.bkd"], users["kasi.bka"]
    rows = [
        (
            Contact.Kind.CONTACT,
            D(2023, 5, 30),
            f"{head.full_name}, Kepala Subbagian Tata Usaha dan seorang PK Madya",
            "Bapas Kelas I Denpasar",
            "Kepala Bapas dan pejabat struktural",
            "Memperkenalkan tim, menjelaskan maksud dan tujuan praktik bimbingan kemasyarakatan.",
            "Pimpinan Bapas menerima tim dan siap mendukung kegiatan.",
        ),
        (
            Contact.Kind.CONTACT,
            D(2023, 6, 2),
            f"{bkd.full_name} dan {bka.full_name}",
            "Bapas Kelas I Denpasar",
            "Kepala Seksi Bimbingan Klien Dewasa dan Anak",
            "Menggali kendala dalam pembimbingan klien dan membahas jalan keluarnya.",
            "Kedua seksi bersedia membantu menghubungi klien melalui PK masing-masing.",
        ),
        (
            Contact.Kind.CONTACT,
            D(2023, 6, 12),
            "I Wayan Sudarsana Putra",
            "Desa Sanur Kauh",
            "Kepala Desa Sanur Kauh",
            "Memperkenalkan tim dan rencana kegiatan bersama warga di wilayah desa.",
            "Desa siap mendukung dan memberi akses lokasi di Pantai Mertasari.",
        ),
        (
            Contact.Kind.RELATION,
            D(2023, 6, 10),
            "Pengurus Yayasan Gerasa",
            "Pokmas Lipas Yayasan Gerasa",
            "Pokmas Lipas mitra Bapas",
            "Kunjungan silaturahmi dan diskusi informal tentang program yayasan bagi klien.",
            "Yayasan berbagi profil dan programnya serta mendukung rencana kegiatan.",
        ),
        (
            Contact.Kind.RELATION,
            D(2023, 6, 13),
            "I Made Arimbawa",
            "Banjar Mertasari, Desa Sanur Kauh",
            "Kepala Dusun Mertasari",
            "Membangun hubungan dengan perangkat dusun di sekitar lokasi kegiatan.",
            "Kepala dusun siap membantu akses dan mengajak warga.",
        ),
    ]
    for kind, date, people, institution, role, purpose, agreement in rows:
        _get_or_create(
            ctx,
            "program contacts",
            Contact,
            {"program": program, "date": date, "institution": institution, "kind": kind},
            {
                "people": people,
                "stakeholder_role": role,
                "purpose": purpose,
                "agreement": agreement,
                "created_by": program.created_by,
            },
        )


def _organising(ctx: DemoContext, program: Program, partners: dict) -> None:
    gerasa = partners.get("Yayasan Gerasa")
    if gerasa is not None:
        _get_or_create(
            ctx,
            "program partners",
            ProgramPartner,
            {"program": program, "partner": gerasa},
            {"role": "Pokmas Lipas: pembinaan dan pelatihan kemandirian klien anak"},
        )
    for name, role in [
        ("Desa Sanur Kauh", "Perangkat desa: akses lokasi dan ajakan kepada warga"),
        ("Narasumber psikolog", "Materi motivasi bagi klien"),
    ]:
        _get_or_create(
            ctx, "program partners", ProgramPartner, {"program": program, "name": name}, {"role": role}
        )
    for kind, name, description in [
        (
            StakeholderGroup.Kind.INTEREST,
            "Klien Bapas Kelas I Denpasar",
            "Yang paling terkait dengan masalah pembimbingan.",
        ),
        (StakeholderGroup.Kind.INTEREST, "Masyarakat", "Warga sekitar tempat klien tinggal dan berkegiatan."),
        (StakeholderGroup.Kind.TARGET, "Klien pemasyarakatan", "Klien yang aktif mengikuti pembimbingan."),
        (StakeholderGroup.Kind.TARGET, "Bapas Kelas I Denpasar", ""),
        (StakeholderGroup.Kind.TARGET, "Pokmas Lipas", ""),
        (StakeholderGroup.Kind.TARGET, "Masyarakat", ""),
    ]:
        _get_or_create(
            ctx,
            "program groups",
            StakeholderGroup,
            {"program": program, "kind": kind, "name": name},
            {"description": description},
        )


PROBLEMS = [
    (
        "Motivasi klien mengikuti pembimbingan rendah",
        "Pembimbingan terasa rutin; klien tidak melihat manfaatnya.",
        "Klien datang tanpa semangat dan mudah absen.",
    ),
    (
        "Pembimbingan kurang inovatif",
        "Bentuk kegiatan jarang berganti.",
        "Semangat klien mengikuti pembimbingan turun.",
    ),
    (
        "Klien sekadar hadir dan cenderung menghindar",
        "Klien merasa canggung dan tidak diajak berperan.",
        "Pembimbingan tidak mengubah sikap klien.",
    ),
    (
        "Pembimbingan berpusat di kantor Bapas; interaksi klien dengan warga kurang",
        "Hampir semua kegiatan diadakan di lingkungan Bapas.",
        "Klien jarang bertemu warga; stigma tetap ada.",
    ),
]
POTENTIALS = [
    "Pembimbingan dapat dikemas lebih kreatif dan rekreatif agar klien tertarik",
    "Kerja sama dengan warga sekitar untuk kegiatan bersama klien, mendukung reintegrasi sosial",
]
# (name, group, sex, problem numbers voted for: 3 dots each). Invented people; counts are fiction.
PARTICIPANTS = [
    ("Putu Eka Wirawan", "officer", "M", [1, 1, 2]),
    ("Ni Kadek Sariasih", "officer", "F", [1, 2, 4]),
    ("Komang Adi Saputra", "officer", "M", [1, 2, 2]),
    ("Gede Wahyu Pratama", "client", "M", [4, 4, 3]),
    ("Kadek Rian Saputra", "client", "M", [4, 1, 3]),
    ("Made Yoga Permana", "client", "M", [4, 3, 1]),
    ("Luh Putu Ayu Dewi", "client", "F", [4, 4, 1]),
    ("Wayan Sukarta", "resident", "M", [4, 1, 4]),
    ("Ni Nyoman Suastini", "resident", "F", [4, 3, 1]),
    ("Ketut Yudiana", "partner", "M", [1, 1, 4]),
    ("Ni Luh Gede Wulandari", "official", "F", [1, 4, 2]),
]


def _assessment(ctx: DemoContext, program: Program) -> None:
    assessment = Assessment.objects.filter(program=program, title="Rembug bersama mentor (MPA)").first()
    ctx.count("program assessments", assessment is None)
    if assessment is None:
        assessment = Assessment.objects.create(
            program=program,
            title="Rembug bersama mentor (MPA)",
            date=D(2023, 6, 8),
            place="Bapas Kelas I Denpasar",
            facilitator="Tim praktikum",
            method=Assessment.Method.DOT,
            votes_per_person=3,
            code="AKSMPA",
        )
    problems = []
    for title, causes, effects in PROBLEMS:
        problems.append(
            _get_or_create(
                ctx,
                "assessment items",
                AssessmentItem,
                {"assessment": assessment, "kind": AssessmentItem.Kind.PROBLEM, "title": title},
                {"causes": causes, "effects": effects},
            )
        )
    for title in POTENTIALS:
        _get_or_create(
            ctx,
            "assessment items",
            AssessmentItem,
            {"assessment": assessment, "kind": AssessmentItem.Kind.POTENTIAL, "title": title},
            {},
        )
    rng = random.Random(20230608)
    for name, group, sex, dots in PARTICIPANTS:
        participant = AssessmentParticipant.objects.filter(assessment=assessment, name=name).first()
        ctx.count("assessment participants", participant is None)
        if participant is None:
            token = "demo-" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(20))
            participant = AssessmentParticipant.objects.create(
                assessment=assessment, name=name, group=group, sex=sex, ballot_token=token
            )
        if not Vote.objects.filter(participant=participant).exists():
            counts: dict[int, int] = {}
            for number in dots:
                counts[problems[number - 1].pk] = counts.get(problems[number - 1].pk, 0) + 1
            Vote.objects.bulk_create(
                [Vote(participant=participant, item_id=k, count=v) for k, v in counts.items()]
            )
    if assessment.priorities_chosen_at is None:
        services.priorities_choose(assessment=assessment, item_ids=[problems[0].pk, problems[3].pk])
        Assessment.objects.filter(pk=assessment.pk).update(priorities_chosen_at=_at(D(2023, 6, 14), 11))


CLUSTERS = [
    (
        "Kegiatan bersama warga di luar kantor",
        [
            "Bersih-bersih pantai bersama warga",
            "Kegiatan di lingkungan desa, bukan di kantor",
            "Ajak kepala desa dan warga ikut",
        ],
    ),
    (
        "Materi yang menumbuhkan semangat",
        [
            "Psikolog sebagai narasumber motivasi",
            "Tanya jawab terbuka dengan klien",
            "Cerita klien yang sudah berubah",
        ],
    ),
    (
        "Suasana santai dan menyenangkan",
        ["Permainan kelompok (fun games)", "Makan bersama setelah kegiatan", "Foto bersama"],
    ),
]


def _planning(ctx: DemoContext, program: Program, team) -> None:
    workshop = _get_or_create(
        ctx,
        "program workshops",
        PlanningWorkshop,
        {"program": program, "code": "AKSTOP"},
        {
            "date": D(2023, 6, 11),
            "focus_question": "Kegiatan apa yang membuat klien bersemangat dan bertemu langsung dengan warga?",
            "context": "Dua masalah prioritas dari asesmen: motivasi klien rendah dan interaksi klien dengan warga kurang.",
            "facilitator": "Tim praktikum bersama pendamping",
            "cards_open": False,
            "resolution": (
                "Sosialisasi dan bakti sosial bertema Aksi Sadar Lingkungan di Pantai Mertasari, Sanur: "
                "klien, warga dan perangkat desa membersihkan pantai bersama, dengan psikolog sebagai narasumber."
            ),
        },
    )
    for index, (name, cards) in enumerate(CLUSTERS):
        cluster = _get_or_create(
            ctx, "workshop clusters", Cluster, {"workshop": workshop, "symbol": "ABC"[index]}, {"name": name}
        )
        for text in cards:
            _get_or_create(
                ctx, "workshop cards", Card, {"workshop": workshop, "text": text}, {"cluster": cluster}
            )
    plan = _get_or_create(
        ctx,
        "action plans",
        ActionPlan,
        {"program": program},
        {
            "victory": "Klien dan warga bekerja berdampingan; klien kembali bersemangat mengikuti pembimbingan.",
            "current_reality": "Pembimbingan berlangsung di kantor; klien jarang bertemu warga dan banyak yang pasif.",
            "commitment": (
                "Sosialisasi dan bakti sosial terlaksana di Pantai Mertasari, Sanur, 16 Juni 2023 pukul 15.00–17.00 WITA, "
                "diikuti klien yang aktif dibimbing dan warga sekitar."
            ),
            "commitment_date": D(2023, 6, 16),
            "team": "Koordinator: tim program\nFasilitator: PK\nPendamping: Kasi BKD",
        },
    )
    for title, owner, due, resources, cost, hours in [
        ("Menghubungi pejabat dan PK Bapas", "Koordinator", D(2023, 6, 13), "Surat undangan", 0, "3"),
        ("Menghubungi narasumber", "Koordinator", D(2023, 6, 13), "Telepon, surat", 500000, "2"),
        ("Menghubungi klien melalui PK masing-masing", "PK", D(2023, 6, 14), "Daftar klien aktif", 0, "6"),
        (
            "Menyiapkan tempat dan alat kebersihan",
            "Tim",
            D(2023, 6, 15),
            "Sarung tangan, kantong sampah",
            350000,
            "4",
        ),
        ("Menyiapkan tempat sampah untuk desa", "Tim", D(2023, 6, 15), "Tempat sampah", 750000, "2"),
        (
            "Menyiapkan konsumsi untuk seluruh peserta",
            "Tim",
            D(2023, 6, 16),
            "Nasi kotak, air minum",
            1500000,
            "3",
        ),
    ]:
        _get_or_create(
            ctx,
            "plan actions",
            PlanAction,
            {"plan": plan, "title": title},
            {"owner": owner, "due": due, "resources": resources, "cost": cost, "hours": Decimal(hours)},
        )


def _evaluation(ctx: DemoContext, program: Program) -> None:
    for criterion, weight, target, measurement, source, data_source in [
        (
            "Semangat dan motivasi klien yang aktif dibimbing meningkat",
            30,
            "Klien lebih bersemangat mengikuti pembimbingan",
            "Perubahan sikap klien dalam pembimbingan setelah kegiatan",
            Indicator.Source.MANUAL,
            "Catatan pembimbingan PK",
        ),
        (
            "Keterlibatan klien di masyarakat meningkat",
            30,
            "Stigma warga terhadap klien berkurang",
            "Penerimaan warga terhadap klien di lingkungannya",
            Indicator.Source.MANUAL,
            "Kuesioner warga",
        ),
        (
            "Tersedia wadah bagi klien untuk berinteraksi dan berperan di masyarakat",
            40,
            "Klien yang diundang hadir dan ikut kegiatan bersama warga",
            "Bagian klien undangan yang check-in di kegiatan",
            Indicator.Source.EVENT_CHECKIN,
            "Daftar hadir kegiatan",
        ),
    ]:
        _get_or_create(
            ctx,
            "indicators",
            Indicator,
            {"program": program, "criterion": criterion},
            {
                "weight": weight,
                "target": target,
                "measurement": measurement,
                "source": source,
                "data_source": data_source,
            },
        )
    _get_or_create(
        ctx,
        "evaluations",
        Evaluation,
        {"program": program},
        {
            "goal_achievement": (
                "Ada kegiatan yang menumbuhkan semangat klien mengikuti pembimbingan.\n"
                "Ada wadah bagi klien untuk bertemu warga dan berperan aktif; warga ikut mendukung reintegrasi klien."
            ),
            "benefit_achievement": (
                "Klien mengikuti kegiatan dengan antusias.\n"
                "Warga dan perangkat desa mengenal peran Pokmas Lipas yang bermitra dengan Bapas."
            ),
            "strengths": "Klien antusias karena kegiatan di luar kantor\nWarga dan kepala desa ikut serta\nDukungan pimpinan Bapas",
            "weaknesses": "Kegiatan hanya dua jam, sekali saja\nHasil belum diukur dengan angka",
            "opportunities": "Pokmas Lipas mitra dapat melanjutkan kegiatan\nDesa siap memberi akses lokasi",
            "threats": "Stigma warga terhadap klien\nKehadiran klien bergantung pada ajakan PK",
        },
    )


def _termination(ctx: DemoContext, program: Program, head) -> None:
    for description in [
        "Menyampaikan bahwa praktik telah selesai dan berharap program dilanjutkan",
        "Berterima kasih kepada pegawai, pejabat Bapas dan Pokmas Lipas",
        "Menyerahkan plakat kenang-kenangan kepada Kepala Bapas",
        "Serah terima laporan kelompok kepada Bapas",
    ]:
        _get_or_create(
            ctx,
            "closing activities",
            ClosingActivity,
            {"program": program, "description": description},
            {"date": D(2023, 7, 12)},
        )
    _get_or_create(
        ctx,
        "program handovers",
        ProgramHandover,
        {"program": program},
        {
            "report_to": f"{head.full_name}, Kepala Bapas Kelas I Denpasar",
            "report_date": D(2023, 7, 12),
            "report_document": "Laporan kelompok praktik bimbingan kemasyarakatan AKSALARASA",
            "owner_institution": "Bapas Kelas I Denpasar",
            "owner_person": "Seksi Bimbingan Klien Dewasa",
            "next_steps": (
                "Melanjutkan dan mengembangkan AKSALARASA dalam kegiatan pembimbingan klien.\n"
                "Menyusun program peningkatan motivasi agar klien bersemangat mengikuti pembimbingan."
            ),
            "follow_up_date": D(2023, 10, 12),
        },
    )


STAGE_DATES = [
    (Stage.INITIATION, Stage.ORGANISING, D(2023, 6, 10)),
    (Stage.ORGANISING, Stage.ASSESSMENT, D(2023, 6, 10)),
    (Stage.ASSESSMENT, Stage.PLANNING, D(2023, 6, 14)),
    (Stage.PLANNING, Stage.INTERVENTION, D(2023, 6, 15)),
    (Stage.INTERVENTION, Stage.EVALUATION, D(2023, 6, 19)),
    (Stage.EVALUATION, Stage.TERMINATION, D(2023, 7, 10)),
]


def _stage_moves(ctx: DemoContext, program: Program, team) -> None:
    if program.stage_changes.exists():
        return
    for source, target, day in STAGE_DATES:
        StageChange.objects.create(
            office=program.office,
            program=program,
            from_stage=source,
            to_stage=target,
            actor=team,
            at=_at(day, 16),
        )
        ctx.count("stage changes", True)
    Program.objects.filter(pk=program.pk).update(stage=Stage.TERMINATION)
    program.refresh_from_db()
