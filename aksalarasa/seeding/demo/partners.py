"""Demo data for the partners app (idempotent; see aksalarasa/seeding/demo/__init__.py).

Yayasan Gerasa is the partner named in the reference case (child protection; vocational training
in bartending, cake making and garments). The other partners, their people and agreement numbers
are invented. Referrals cover every state; one in progress has two recorded partner sessions.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import cast

from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client
from aksalarasa.offices.models import Region
from aksalarasa.partners import services
from aksalarasa.partners.models import Partner, PartnerMembership, PartnerService, Referral, Status
from aksalarasa.partners.selectors import sharing_allowed
from aksalarasa.seeding.demo import DemoContext

# name, legal form, focus, regions, contact, phone, agreement no., start offset, end offset (days), public
PARTNERS = [
    (
        "Yayasan Gerasa",
        "yayasan",
        "perlindungan anak, pelatihan vokasi",
        ["51.71", "51.03"],
        "Ni Luh Ayu Kartika",
        "+6281338001122",
        "PKS/BAPAS-DPS/2025/014",
        -300,
        430,
        True,
        "Perlindungan anak dan pelatihan keterampilan: bartender, pembuatan kue, garmen.",
    ),
    (
        "Kelompok Pembinaan Rohani Santi Dharma",
        "religious",
        "religious counselling, family counselling",
        ["51.04", "51.71"],
        "Ida Bagus Made Suarjana",
        "+6281999012345",
        "PKS/BAPAS-DPS/2024/031",
        -320,
        45,  # ends within 60 days: the warning shows
        True,
        "Pembinaan rohani dan konseling keluarga di Gianyar.",
    ),
    (
        "Koperasi Karya Mandiri Badung",
        "koperasi",
        "employment, job placement, hospitality",
        ["51.03", "51.71", "51.02"],
        "I Gede Wiranata",
        "+6281237654321",
        "PKS/BAPAS-DPS/2025/022",
        -120,
        600,
        False,
        "",
    ),
    (
        "Yayasan Bina Sehat Singaraja",
        "yayasan",
        "health, addiction counselling",
        ["51.08", "51.01"],
        "dr. Putu Ratna Widyasari",
        "+6281805556677",
        "PKS/BAPAS-DPS/2025/009",
        -200,
        500,
        True,
        "Konseling adiksi dan layanan kesehatan dasar di Buleleng dan Jembrana.",
    ),
]

# partner, name, kind, children, adults, capacity, schedule, place, description
SERVICES = [
    (
        "Yayasan Gerasa",
        "Pelatihan bartender",
        "vocational",
        True,
        False,
        8,
        "Selasa & Kamis 14.00-17.00",
        "Denpasar Barat",
        "Untuk klien anak usia 16 tahun ke atas.",
    ),
    (
        "Yayasan Gerasa",
        "Pelatihan pembuatan kue",
        "vocational",
        True,
        True,
        10,
        "Senin & Rabu 09.00-12.00",
        "Denpasar Barat",
        "Tata boga: kue tradisional Bali dan kue modern.",
    ),
    (
        "Yayasan Gerasa",
        "Pelatihan menjahit garmen",
        "vocational",
        True,
        True,
        6,
        "Jumat 09.00-15.00",
        "Denpasar Barat",
        "Menjahit dan produksi garmen.",
    ),
    (
        "Kelompok Pembinaan Rohani Santi Dharma",
        "Pembinaan rohani mingguan",
        "religious",
        True,
        True,
        20,
        "Minggu 08.00-10.00",
        "Ubud, Gianyar",
        "",
    ),
    (
        "Kelompok Pembinaan Rohani Santi Dharma",
        "Konseling keluarga",
        "counselling",
        True,
        True,
        6,
        "Dengan janji",
        "Gianyar",
        "",
    ),
    (
        "Koperasi Karya Mandiri Badung",
        "Penempatan kerja pariwisata",
        "employment",
        False,
        True,
        12,
        "Setiap hari kerja",
        "Kuta, Badung",
        "Penempatan di hotel dan restoran mitra.",
    ),
    (
        "Koperasi Karya Mandiri Badung",
        "Pelatihan barista",
        "vocational",
        False,
        True,
        8,
        "Sabtu 09.00-13.00",
        "Mengwi, Badung",
        "",
    ),
    (
        "Yayasan Bina Sehat Singaraja",
        "Konseling adiksi",
        "health",
        False,
        True,
        10,
        "Rabu 13.00-16.00",
        "Singaraja, Buleleng",
        "Konseling NAPZA dan alkohol.",
    ),
    (
        "Yayasan Bina Sehat Singaraja",
        "Pemeriksaan kesehatan dasar",
        "health",
        True,
        True,
        25,
        "Bulan pertama setiap bulan",
        "Singaraja, Buleleng",
        "",
    ),
]

# (target state, partner, service, reason marker, need kind, goals)
REFERRALS = [
    (
        Status.IN_PROGRESS,
        "Yayasan Gerasa",
        "Pelatihan pembuatan kue",
        "Butuh keterampilan untuk bekerja setelah masa bimbingan.",
        "vocational",
        "Menyelesaikan pelatihan 12 pertemuan\nMembuat dan menjual kue sendiri",
    ),
    (
        Status.SENT,
        "Yayasan Gerasa",
        "Pelatihan menjahit garmen",
        "Tertarik menjahit; ingin membantu usaha keluarga.",
        "vocational",
        "Menyelesaikan pelatihan dasar menjahit",
    ),
    (
        Status.ACCEPTED,
        "Yayasan Gerasa",
        "Pelatihan bartender",
        "Minat di bidang perhotelan; perlu kegiatan terstruktur sore hari.",
        "vocational",
        "Hadir minimal 80% pertemuan",
    ),
    (
        Status.COMPLETED,
        "Yayasan Gerasa",
        "Pelatihan pembuatan kue",
        "Perlu kegiatan produktif dan rasa percaya diri.",
        "vocational",
        "Menyelesaikan pelatihan\nPercaya diri tampil di depan kelompok",
    ),
    (
        Status.DECLINED,
        "Yayasan Gerasa",
        "Pelatihan menjahit garmen",
        "Ingin belajar menjahit.",
        "vocational",
        "",
    ),
    (
        Status.DROPPED_OUT,
        "Yayasan Gerasa",
        "Pelatihan bartender",
        "Butuh kegiatan setelah sekolah.",
        "vocational",
        "Hadir rutin",
    ),
    (
        Status.DRAFT,
        "Koperasi Karya Mandiri Badung",
        "Penempatan kerja pariwisata",
        "Mencari pekerjaan tetap di Badung.",
        "employment",
        "Mendapat pekerjaan tetap",
    ),
    (
        Status.CANCELLED,
        "Yayasan Bina Sehat Singaraja",
        "Konseling adiksi",
        "Riwayat penggunaan alkohol.",
        "health",
        "Tidak minum selama 3 bulan",
    ),
]

# the moves that lead to each target (partner-side moves by mitra.gerasa)
PATHS = {
    Status.DRAFT: [],
    Status.SENT: [Status.SENT],
    Status.ACCEPTED: [Status.SENT, Status.ACCEPTED],
    Status.DECLINED: [Status.SENT, Status.DECLINED],
    Status.IN_PROGRESS: [Status.SENT, Status.ACCEPTED],  # sessions move it on
    Status.COMPLETED: [Status.SENT, Status.ACCEPTED],  # sessions, then the report
    Status.DROPPED_OUT: [Status.SENT, Status.ACCEPTED, Status.DROPPED_OUT],
    Status.CANCELLED: [Status.SENT, Status.CANCELLED],
}
REASONS = {
    Status.DECLINED: "Kelas menjahit penuh sampai bulan depan.",
    Status.DROPPED_OUT: "Tidak hadir tiga kali berturut-turut tanpa kabar.",
    Status.CANCELLED: "Klien pindah domisili ke luar wilayah kerja.",
}


def load(ctx: DemoContext) -> None:
    denpasar = ctx.objects["denpasar"]
    head = ctx.objects["user:kabapas.dps"]
    today = timezone.localdate()
    partners: dict[str, Partner] = {}
    for name, legal, focus, regions, person, phone, number, start, end, public, description in PARTNERS:
        partner = Partner.objects.filter(office=denpasar, name=name).first()
        ctx.count("partners", partner is None)
        if partner is None:
            partner = services.partner_create(
                office=denpasar,
                actor=head,
                data={
                    "name": name,
                    "legal_form": legal,
                    "focus_areas": focus,
                    "regions": Region.objects.filter(code__in=regions),
                    "contact_person": person,
                    "contact_phone": phone,
                    "agreement_number": number,
                    "agreement_start": today + timedelta(days=start),
                    "agreement_end": today + timedelta(days=end),
                    "status": Partner.Status.ACTIVE,
                    "public_listing": public,
                    "public_description": description,
                },
            )
        partners[name] = partner
    ctx.objects["partners"] = partners
    service_map: dict[tuple[str, str], PartnerService] = {}
    for partner_name, name, kind, children, adults, capacity, schedule, place, description in SERVICES:
        partner = partners[partner_name]
        service = PartnerService.objects.filter(partner=partner, name=name).first()
        ctx.count("partner services", service is None)
        if service is None:
            service = services.service_create(
                partner=partner,
                actor=head,
                data={
                    "name": name,
                    "kind": kind,
                    "for_children": children,
                    "for_adults": adults,
                    "capacity": capacity,
                    "schedule": schedule,
                    "place": place,
                    "description": description,
                },
            )
        service_map[(partner_name, name)] = service
    staff = ctx.objects.get("user:mitra.gerasa")
    if staff is not None and not PartnerMembership.objects.filter(user=staff).exists():
        services.membership_link(partner=partners["Yayasan Gerasa"], user=staff, actor=head)
        ctx.count("partner staff links", True)
    if staff is not None:
        _referrals(ctx, service_map, staff)


def _clients(ctx: DemoContext) -> list[Client]:
    denpasar = ctx.objects["denpasar"]
    clients = ctx.objects.get("clients") or Client.objects.filter(office=denpasar)
    return sorted(
        (c for c in clients if c.office_id == denpasar.pk and c.officer_id and c.anonymised_at is None),
        key=lambda c: c.register_number,
    )


def _referrals(ctx: DemoContext, service_map: dict, staff) -> None:
    clients = _clients(ctx)
    if not clients:
        return
    rng = random.Random(20260616)  # the AKSALARASA event day: deterministic choices
    used: set[int] = set()
    now = timezone.now()
    for target, partner_name, service_name, reason, need_kind, goals in REFERRALS:
        service = service_map[(partner_name, service_name)]
        existing = Referral.objects.filter(
            service=service, reason=reason, office=ctx.objects["denpasar"]
        ).first()
        if existing is not None:
            used.add(existing.client_id)
            continue
        eligible = [c for c in clients if service.eligible_for(c.category) and c.pk not in used]
        if not eligible:
            eligible = [c for c in clients if service.eligible_for(c.category)]
        if not eligible:
            continue
        client = eligible[rng.randrange(len(eligible))] if len(eligible) > 1 else eligible[0]
        used.add(client.pk)
        officer = cast(User, client.officer)  # the demo's clients all have an officer
        shared = ["name", "phone", "category"] if sharing_allowed(client) else []
        referral = services.referral_create(
            client=client,
            service=service,
            actor=officer,
            reason=reason,
            need_kind=need_kind,
            goals=goals,
            shared_fields=shared,
        )
        ctx.count("referrals", True)
        for step in PATHS[target]:
            side_actor = staff if step in (Status.ACCEPTED, Status.DECLINED) else officer
            if step == Status.DROPPED_OUT:
                side_actor = staff
            services.referral_transition(
                referral=referral,
                actor=side_actor,
                target=step,
                expected_version=referral.version,
                reason=REASONS.get(step, ""),
            )
        if target in (Status.IN_PROGRESS, Status.COMPLETED):
            for days, engagement, response, concern in (
                (14, 2, "Masih pemalu, mengikuti instruksi dengan baik.", ""),
                (7, 3, "Mulai bertanya dan membantu teman kelompok.", ""),
            ):
                services.partner_session_record(
                    referral=referral,
                    actor=staff,
                    scheduled_at=(now - timedelta(days=days)).replace(minute=0, second=0, microsecond=0),
                    outcome="attended",
                    engagement=engagement,
                    response=response,
                    concern=bool(concern),
                    concern_text=concern,
                    expected_version=referral.version,
                )
                referral.refresh_from_db(fields=["status", "version"])
                ctx.count("partner sessions", True)
        if target == Status.COMPLETED:
            services.service_report_submit(
                referral=referral,
                actor=staff,
                recommendation="Lanjutkan ke magang di toko kue mitra; perlu pendampingan saat mulai bekerja.",
                ratings=[
                    {"rating": "achieved", "evidence": "Hadir 11 dari 12 pertemuan; lulus ujian praktik."},
                    {"rating": "partly", "evidence": "Mulai berani presentasi, masih perlu dorongan."},
                ],
                expected_version=referral.version,
            )
