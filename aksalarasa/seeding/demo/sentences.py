"""Demo data for community sentences (idempotent; see aksalarasa/seeding/demo/__init__.py).

Three service sites of Bapas Kelas I Denpasar: the beach at Mertasari, Sanur Kauh, kept with a
Pokmas Lipas (the place of the AKSALARASA clean-up); the office's Griya Abhipraya; and the
garden and kitchen of Yayasan Gerasa. Twelve fictional court decisions for the demo's adult
clients: community service at the three sites (one completed and closed with its completion
letter; one in breach: three absences without a valid reason, a warning letter and the breach
report) and supervision sentences with monthly condition checks. Decision numbers, people, hours and the Pokmas are invented.
"""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, Litmas
from aksalarasa.clients.services import litmas_request
from aksalarasa.offices.models import Region
from aksalarasa.partners import services as partner_services
from aksalarasa.partners.models import Partner, PartnerMembership
from aksalarasa.seeding.demo import DemoContext
from aksalarasa.sentences import compliance_services, services
from aksalarasa.sentences.models import (
    HoursEntry,
    PersonLink,
    PlacementPin,
    PlannedSession,
    SentenceOrder,
    ServiceSite,
    Suitability,
)
from aksalarasa.sentences.person import token_hash
from aksalarasa.sentences.supervisor import selectors as supervisor_selectors
from aksalarasa.sentences.supervisor import services as supervisor_services

POKMAS = "Pokmas Lipas Segara Kauh"
SUPERVISOR = ("pengawas.segara", "Wayan Segara Putra")
# The placement PIN of every demo person at a site (the site app asks for it; fiction, like the demo).
DEMO_PIN = "246810"

# name, kind, partner, address, village, lat, lon, work, capacity, days, opens, closes, safety, equipment, MoU
SITES = [
    (
        "Pantai Mertasari, Sanur Kauh",
        "public_place",
        POKMAS,
        "Pantai Mertasari, Jl. Mertasari, Sanur Kauh, Denpasar Selatan",
        "51.71.01.2010",
        Decimal("-8.711400"),
        Decimal("115.255800"),
        "membersihkan pantai, memilah sampah plastik, menanam cemara laut",
        8,
        "67",
        time(7, 0),
        time(13, 0),
        "Bekerja sebelum panas terik; minum air tiap jam; tidak masuk ke air; sarung tangan untuk sampah tajam.",
        "Sarung tangan, karung sampah terpilah, penjepit sampah, topi, air minum",
        "MoU/PKS-LIPAS/BAPAS-DPS/2026/003",
    ),
    (
        "Griya Abhipraya Bapas Denpasar",
        "griya_abhipraya",
        None,
        "Kompleks Bapas Kelas I Denpasar, Denpasar Timur",
        "51.71.02.1006",
        None,
        None,
        "berkebun, merawat taman, membuat kompos",
        6,
        "12345",
        time(8, 0),
        time(15, 0),
        "Alat kebun disimpan di gudang setelah dipakai; sepatu tertutup.",
        "Cangkul, sekop, sarung tangan, gerobak",
        "",
    ),
    (
        "Kebun dan Dapur Pelatihan Yayasan Gerasa",
        "partner",
        "Yayasan Gerasa",
        "Kebun pelatihan Yayasan Gerasa, Denpasar",
        "51.71.01.1003",
        Decimal("-8.697000"),
        Decimal("115.222000"),
        "merawat kebun sayur, membersihkan dapur pelatihan",
        4,
        "1234",
        time(9, 0),
        time(14, 0),
        "Tidak memakai alat dapur listrik tanpa pendamping.",
        "Celemek, sarung tangan, alat kebun",
        "MoU/GERASA/BAPAS-DPS/2026/011",
    ),
]

# sentence, site index (None: supervision), hours, per day, months, started days ago, prison days,
# fine, article, threat (months), status, hours to credit
ORDERS = [
    ("community_service", 0, 120, 4, 6, 70, 90, None, "Pasal 476 UU 1/2023", 36, "active", 48),
    ("community_service", 0, 80, 4, 4, 40, None, 7_500_000, "Pasal 521 UU 1/2023", 30, "active", 20),
    ("community_service", 0, 40, 4, 2, 60, 30, None, "Pasal 407 UU 1/2023", 24, "completed", 40),
    ("community_service", 1, 160, 4, 6, 120, 120, None, "Pasal 476 UU 1/2023", 36, "breach", 60),
    ("community_service", 1, 60, 3, 3, 20, None, 5_000_000, "Pasal 316 UU 1/2023", 12, "active", 9),
    ("community_service", 1, 100, 4, 5, 45, 75, None, "Pasal 466 UU 1/2023", 30, "active", 28),
    ("community_service", 2, 90, 3, 6, 30, 60, None, "Pasal 492 UU 1/2023", 48, "active", 12),
    ("community_service", 2, 24, 4, 1, 10, None, 2_000_000, "Pasal 331 UU 1/2023", 6, "active", 8),
    ("community_service", 0, 200, 6, 6, 5, 150, None, "Pasal 476 UU 1/2023", 36, "active", 0),
    ("supervision", None, None, None, 24, 90, None, None, "Pasal 466 UU 1/2023", 30, "active", 0),
    ("supervision", None, None, None, 12, 150, None, None, "Pasal 436 UU 1/2023", 12, "active", 0),
    ("supervision", None, None, None, 18, 30, None, None, "Pasal 492 UU 1/2023", 48, "active", 0),
]


def load(ctx: DemoContext) -> None:
    denpasar = ctx.objects["denpasar"]
    head = ctx.objects["user:kabapas.dps"]
    today = timezone.localdate()
    pokmas = _pokmas(ctx, denpasar, head, today)
    supervisor = _supervisor(ctx, denpasar, pokmas, head)
    partners = {POKMAS: pokmas, "Yayasan Gerasa": Partner.objects.get(office=denpasar, name="Yayasan Gerasa")}
    gerasa_staff = ctx.objects.get("user:mitra.gerasa")
    sites = []
    for (
        name,
        kind,
        partner_name,
        address,
        village,
        lat,
        lon,
        work,
        cap,
        days,
        opens,
        closes,
        safety,
        kit,
        mou,
    ) in SITES:
        site = ServiceSite.objects.filter(office=denpasar, name=name).first()
        ctx.count("service sites", site is None)
        if site is None:
            partner = partners.get(partner_name) if partner_name else None
            staff = (
                [supervisor] if partner is pokmas else ([gerasa_staff] if partner and gerasa_staff else [])
            )
            site = services.site_create(
                actor=head,
                office=denpasar,
                data={
                    "name": name, "kind": kind, "partner": partner, "address": address,
                    "regency": Region.objects.get(code="51.71"), "village_code": village, "latitude": lat,
                    "longitude": lon, "work_kinds": work, "capacity_per_day": cap, "opening_days": days,
                    "opens_at": opens, "closes_at": closes, "safety_notes": safety, "equipment": kit,
                    "mou_number": mou, "mou_start": today - timedelta(days=200) if mou else None,
                    "mou_end": today + timedelta(days=530) if mou else None, "non_commercial": True,
                    "supervisors": staff, "active": True,
                },
            )  # fmt: skip
        sites.append(site)
    clients = list(
        Client.objects.filter(
            office=denpasar, category="adult", officer__isnull=False, anonymised_at__isnull=True
        )
        .select_related("officer")
        .order_by("register_number")[: len(ORDERS)]
    )
    for index, (plan, client) in enumerate(zip(ORDERS, clients, strict=False)):
        _order(ctx, index, plan, client, sites, today)
    _suitability(ctx, clients[-1] if clients else None, today)
    _everyday(ctx, denpasar, supervisor, timezone.localdate(timezone=ZoneInfo(denpasar.time_zone)))


def own_token(order: SentenceOrder) -> str:
    """The demo person's private link token (fiction, like DEMO_PIN: a real link is random and shown
    once): /sentences/me/demo-<decision's first number>/, e.g. /sentences/me/demo-102/."""
    return f"demo-{order.decision_number.split('/')[0]}"


def _everyday(ctx: DemoContext, office, supervisor: User, today: date) -> None:
    """The everyday flow, whatever day the demo is loaded (each part made once, on a re-run only
    what is missing): every running community-service order placed at a site has its past ledger
    days as planned sessions and sessions today and on the next two days (so pengawas.segara's day
    list shows people today); each demo person has an own-page link; and at the beach one person
    was absent yesterday with a reason the PK has still to judge (recorded through the site app's
    sync, which makes the compliance event)."""
    orders = list(
        SentenceOrder.objects.filter(office=office, sentence_type="community_service", site__isnull=False)
        .select_related("site", "client__officer")
        .order_by("decision_number")
    )
    for order in orders:
        officer = order.client.officer or supervisor
        if not PersonLink.objects.filter(order=order).exists():
            PersonLink.objects.create(
                office_id=order.office_id,
                order=order,
                token_hash=token_hash(own_token(order)),
                created_by=officer,
            )
            ctx.count("own-page links", True)
        if order.status != SentenceOrder.Status.ACTIVE:
            continue
        site = order.site
        assert site is not None
        per_day = order.hours_per_day or 4
        end = time(min(8 + per_day, 17), 30)
        days = set(order.hours.filter(kind=HoursEntry.Kind.WORK).values_list("work_date", flat=True))
        days |= {today + timedelta(days=n) for n in range(3) if today + timedelta(days=n) <= order.end_date}
        planned = set(PlannedSession.objects.filter(order=order).values_list("day", flat=True))
        for day in sorted(days - planned):
            PlannedSession.objects.create(
                office_id=order.office_id, order=order, site=site, day=day, starts_at=time(8, 0), ends_at=end,
                created_by=officer,
            )  # fmt: skip
            ctx.count("planned sessions", True)
    yesterday = today - timedelta(days=1)
    supervised = set(supervisor_selectors.supervised_orders(viewer=supervisor).values_list("pk", flat=True))
    candidates = [
        o
        for o in orders
        if o.pk in supervised
        and o.status == SentenceOrder.Status.ACTIVE
        and o.start_date <= yesterday
        and not o.hours.filter(work_date=yesterday).exists()
    ]
    if not candidates:
        return
    absent = candidates[0]
    assert absent.site_id is not None  # placed at a site (the query above)
    if not PlannedSession.objects.filter(order=absent, day=yesterday).exists():
        PlannedSession.objects.create(
            office_id=absent.office_id, order=absent, site_id=absent.site_id, day=yesterday, starts_at=time(8, 0),
            ends_at=time(12, 0), created_by=absent.client.officer or supervisor,
        )  # fmt: skip
    item = {
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"aksalarasa-demo-absence-{absent.decision_number}-{yesterday}"),
        "order_id": absent.pk, "site_id": absent.site_id, "work_date": yesterday, "attendance": "absent",
        "absence_reason": "Sakit demam; keluarga mengabari pengawas lewat telepon",
    }  # fmt: skip
    [result] = supervisor_services.visits_sync(actor=supervisor, items=[item])
    ctx.count("site-app absences", not result.replay)


def _pokmas(ctx: DemoContext, office, head: User, today: date) -> Partner:
    partner = Partner.objects.filter(office=office, name=POKMAS).first()
    ctx.count("community-sentence Pokmas", partner is None)
    if partner is None:
        partner = partner_services.partner_create(
            office=office,
            actor=head,
            data={
                "name": POKMAS, "legal_form": "community",
                "focus_areas": "kebersihan pantai, lingkungan, penerimaan klien di masyarakat",
                "regions": Region.objects.filter(code__in=["51.71"]), "contact_person": SUPERVISOR[1],
                "contact_phone": "+6281234567001", "agreement_number": "PKS/LIPAS/BAPAS-DPS/2026/003",
                "agreement_start": today - timedelta(days=200), "agreement_end": today + timedelta(days=530),
                "status": Partner.Status.ACTIVE, "public_listing": True,
                "public_description": "Kelompok masyarakat peduli pemasyarakatan yang merawat Pantai Mertasari.",
            },
        )  # fmt: skip
    return partner


def _supervisor(ctx: DemoContext, office, pokmas: Partner, head: User) -> User:
    """The site supervisor's account (made with the other demo accounts) joins the Pokmas."""
    username, _full_name = SUPERVISOR
    user = ctx.objects[f"user:{username}"]
    if not user.role_site_supervisor:  # a demo loaded before the site app: the role it now needs
        user.role_site_supervisor = True
        user.save(update_fields=["role_site_supervisor"])
    if not PartnerMembership.objects.filter(user=user).exists():
        partner_services.membership_link(partner=pokmas, user=user, actor=head)
    return user


def _order(ctx: DemoContext, index: int, plan: tuple, client: Client, sites: list, today: date) -> None:
    kind, site_index, hours, per_day, months, ago, prison, fine, article, threat, status, credit = plan
    number = f"{101 + index}/Pid.B/2026/PN Dps"
    order = SentenceOrder.objects.filter(office_id=client.office_id, decision_number=number).first()
    ctx.count("sentence orders", order is None)
    if order is not None:
        return
    officer = client.officer
    assert officer is not None
    start = today - timedelta(days=ago)
    data = {
        "sentence_type": kind, "court": "Pengadilan Negeri Denpasar",
        "case_number": f"{101 + index}/Pid.B/2026/PN Dps", "case_registered_on": start - timedelta(days=40),
        "decision_number": number, "decision_date": start - timedelta(days=7), "final_on": start - timedelta(days=1),
        "article": article, "threatened_months": threat, "hours_ordered": hours, "hours_per_day": per_day,
        "period_months": months, "start_date": start, "replaced_prison_days": prison, "replaced_fine": fine,
        "prosecutor_office": "Kejaksaan Negeri Denpasar",
        "general_conditions": "Tidak melakukan tindak pidana lagi." if kind == "supervision" else "",
        "special_conditions": "Wajib lapor ke Bapas setiap bulan." if kind == "supervision" else "",
        "site": sites[site_index] if site_index is not None else None,
    }  # fmt: skip
    order = services.order_create(actor=officer, client=client, data=data)
    if order.site_id is not None:  # the person's PIN for the site app, the same for every demo person
        PlacementPin.objects.create(
            order=order, pin_hash=supervisor_services.pin_hash(DEMO_PIN), issued_by=officer
        )
    # Hours in sessions of `per_day` hours, every third day from the start, none in the future.
    day, left = start + timedelta(days=1), credit * 60
    while left > 0 and day < today:
        minutes = min(left, (per_day or 4) * 60)
        end = (8 * 60) + minutes + 30
        services.hours_work_add(
            actor=officer,
            order=order,
            data={
                "work_date": day, "start": time(8, 0), "end": time(end // 60, end % 60), "break_minutes": 30,
                "work_done": "Membersihkan dan memilah sampah" if site_index == 0 else "Merawat kebun",
            },
        )  # fmt: skip
        ctx.count("hours entries", True)
        left -= minutes
        day += timedelta(days=3)
    if status == "breach" and HoursEntry.objects.filter(order=order).exists():
        first = HoursEntry.objects.filter(order=order).order_by("sequence").first()
        services.hours_correction_add(
            actor=officer,
            order=order,
            data={
                "minutes": -30,
                "reason": "Terlambat 30 menit; dicatat penuh oleh pengawas",
                "corrects": first,
            },
        )
    if status == "completed":  # every hour in the ledger: closed, with the completion letter
        compliance_services.order_complete(
            actor=officer, order=order, number=f"W20.PAS.PK-{101 + index}/2026"
        )
        ctx.count("sentence letters", True)
    elif status == "breach":  # three absences without a valid reason, a warning, the breach report
        _breach(ctx, order, officer, start, index)
    elif kind == "supervision":
        _checks(ctx, order, officer, start, today)


def _breach(ctx: DemoContext, order: SentenceOrder, officer: User, start: date, index: int) -> None:
    notes = ["Tidak datang, tanpa kabar", "Tidak datang; keluarga tidak tahu keberadaannya", "Tidak datang"]
    events = []
    for offset, note in zip((2, 5, 8), notes, strict=True):
        event = compliance_services.compliance_event_record(
            actor=officer,
            order=order,
            data={"kind": "absence", "occurred_on": start + timedelta(days=offset), "valid_reason": False,
                  "evidence_note": f"{note} (laporan pengawas lokasi)"},
        )  # fmt: skip
        events.append(event)
        ctx.count("non-compliance events", True)
    compliance_services.compliance_event_record(
        actor=officer,
        order=order,
        data={"kind": "lateness", "occurred_on": start + timedelta(days=11), "minutes_late": 40,
              "valid_reason": True, "reason": "Ban motor bocor", "evidence_note": "Foto ban dikirim ke PK"},
    )  # fmt: skip
    compliance_services.warning_letter_create(
        actor=officer, order=order, event=events[0], number=f"W20.PAS.SP-{101 + index}/2026"
    )
    compliance_services.breach_report_create(
        actor=officer,
        order=order,
        data={"option": "repeat", "number": f"W20.PAS.LP-{101 + index}/2026",
              "recommendation": "Klien masih bekerja harian; disarankan mengulangi sisa jam kerja sosial "
                                "dengan jadwal akhir pekan."},
    )  # fmt: skip
    ctx.count("sentence letters", True)


def _checks(ctx: DemoContext, order: SentenceOrder, officer: User, start: date, today: date) -> None:
    """Monthly checks of the general and the special condition, all met, up to today."""
    day = start + timedelta(days=28)
    while day <= today:
        for condition, text in (("general", ""), ("special", order.special_conditions)):
            compliance_services.condition_check_record(
                actor=officer,
                order=order,
                data={"condition": condition, "condition_text": text, "checked_on": day, "result": "met"},
            )
            ctx.count("condition checks", True)
        day += timedelta(days=30)


def _suitability(ctx: DemoContext, client: Client | None, today: date) -> None:
    """One community-sentence Litmas with the Art. 85(2) factors and the person's consent."""
    if client is None or client.officer is None:
        return
    litmas = Litmas.objects.filter(client=client, purpose=Litmas.Purpose.COMMUNITY_SENTENCE).first()
    if litmas is None:
        litmas = litmas_request(
            actor=client.officer,
            client=client,
            data={"purpose": Litmas.Purpose.COMMUNITY_SENTENCE, "requested_on": today - timedelta(days=3), "officer": client.officer.pk},
        )  # fmt: skip
    if Suitability.objects.filter(litmas=litmas).exists():
        return
    explained_at = timezone.now() - timedelta(days=2)
    data = {
        "admission": "favourable", "admission_note": "Mengakui perbuatan sejak pemeriksaan.",
        "work_ability": "favourable", "work_ability_note": "Sehat; bekerja sebagai buruh harian pagi hari.",
        "consent": "favourable", "consent_note": "Setuju setelah dijelaskan tujuan dan tata caranya.",
        "social_history": "favourable", "social_history_note": "Tinggal bersama keluarga; belum pernah dipidana.",
        "work_safety": "favourable", "work_safety_note": "Lokasi pantai dengan pengawas dan alat pelindung.",
        "belief": "favourable", "belief_note": "Jadwal tidak bentrok dengan hari raya dan persembahyangan.",
        "ability_to_pay": "unfavourable", "ability_to_pay_note": "Penghasilan tidak cukup untuk membayar denda.",
        "recommendation": "community_service", "hours_recommended": 120,
        "recommendation_reason": "Memenuhi syarat Pasal 85; kerja sosial di Pantai Mertasari pada hari Sabtu dan Minggu.",
        "consent_explained_by": client.officer, "consent_explained_at": explained_at, "consent_given": True,
    }  # fmt: skip
    services.suitability_save(actor=client.officer, litmas=litmas, data=data, expected_version=None)
    ctx.count("community-sentence suitability", True)
