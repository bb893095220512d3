"""Community sentences for the synthetic scale data: service sites, court orders and hours ledgers.

Called by `scale.generate` for each office after its partners. The sizes follow the 2025 national
trial (about 100 people per Bapas) and the load target of issue #18 (10,000 orders and 1,000,000
ledger entries on the `national` preset): one order per 30 clients, and about 110 ledger lines per
order on average (an order's hours, worked in sessions of up to four hours, as far as it has
gone; about 1.1 million lines on the national preset). Active orders have their next two weeks
planned (the supervisors' day lists), and the partner staff who supervise a site have the site
supervisor's role. Every order keeps the legal limits of `sentences.rules` (8-240 hours, a period of at most 6
months, at most 8 hours a day; supervision up to 3 years), and every ledger line is chained to the
one before it exactly as `sentences.ledger` computes it, so `ledger.verify` passes on generated
data and the balance is the sum.
"""

from __future__ import annotations

import functools
import math
import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import lokal

from aksalarasa.accounts.models import User
from aksalarasa.sentences import ledger, rules
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite
from aksalarasa.sentences.plan_models import PlannedSession

if TYPE_CHECKING:
    from aksalarasa.seeding.scale import Inserter, OfficeData

ORDERS_PER_CLIENT = 1 / 30
PLAN_DAYS = 14  # active orders have sessions planned from today for two weeks (the day lists)
ENTRIES_PER_ORDER = 100  # on average, over every order (supervision orders have none)
SITE_SPECS = [
    ("Pantai", "public_place", "pembersihan pantai, pemilahan sampah"),
    ("Taman Kota", "public_place", "perawatan taman, penyiraman"),
    ("Balai Banjar", "partner", "perbaikan fasilitas umum, kebersihan"),
    ("Griya Abhipraya", "griya_abhipraya", "pertanian, kerajinan"),
]
WORK_DONE = ["Membersihkan pantai", "Memilah sampah", "Merawat taman", "Mengecat balai", "Menanam bibit"]
STATUS_WEIGHTS = {"active": 55, "completed": 30, "breach": 10, "cancelled": 5}
# How far each status has gone through its hours (a fraction of the hours ordered).
PROGRESS = {"active": (0.2, 0.95), "completed": (1.0, 1.0), "breach": (0.05, 0.6), "cancelled": (0.0, 0.2)}


def orders_per_office(clients_per_office: int) -> int:
    return max(4, math.ceil(clients_per_office * ORDERS_PER_CLIENT))


def _aware(day: date, at: time) -> datetime:
    from aksalarasa.seeding.scale import aware

    return aware(day, at.hour, at.minute)


def generate_sentences(ins: Inserter, seed: int, od: OfficeData, n_orders: int, today: date) -> None:
    rng = random.Random(f"{seed}:{od.index}:sentences")
    sites = _sites(ins, rng, od, today)
    adults = [c for c in od.clients if c["category"] == "adult"]
    if not adults or n_orders <= 0:
        return
    chosen = rng.sample(adults, min(n_orders, len(adults)))
    order_ids = ins.ids(SentenceOrder, len(chosen))
    orders, plans = [], []
    for k, (client, pk) in enumerate(zip(chosen, order_ids, strict=True)):
        supervision = rng.random() < 0.05
        status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
        hours = None if supervision else rng.randint(120, rules.MAX_HOURS)
        # Long sentences get the longest period the law allows (Art. 85(5): 6 months).
        months = rng.randint(6, 24) if supervision else (6 if hours and hours > 160 else rng.randint(4, 6))
        start = today - timedelta(days=rng.randint(90, 180) if status == "active" else rng.randint(190, 400))
        number = f"{k + 1}/Pid.C/{start.year}/PN S{od.index:03d}"
        prison = rng.random() < 0.7
        orders.append(
            {
                "id": pk, "office_id": od.office.pk, "client_id": client["pk"],
                "sentence_type": rules.SUPERVISION if supervision else rules.COMMUNITY_SERVICE,
                "court": f"Pengadilan Negeri Sintetis {od.index:03d}", "case_number": number,
                "case_registered_on": start - timedelta(days=45), "decision_number": number,
                "decision_date": start - timedelta(days=8), "final_on": start - timedelta(days=1),
                "article": "Pasal 476 UU 1/2023", "threatened_months": rng.randint(6, 48),
                "hours_ordered": hours, "hours_per_day": None if supervision else rng.choice([2, 3, 4]),
                "period_months": months, "start_date": start,
                "replaced_prison_days": rng.randint(30, rules.MAX_REPLACED_PRISON_DAYS) if prison and not supervision else None,
                "replaced_fine": None if prison or supervision else rng.randint(1, 10) * 1_000_000,
                "prosecutor_office": f"Kejaksaan Negeri Sintetis {od.index:03d}",
                "general_conditions": "Tidak melakukan tindak pidana lagi." if supervision else "",
                "special_conditions": "Wajib lapor setiap bulan." if supervision else "",
                "site_id": None if supervision else rng.choice(sites)["id"],
                "status": status, "notes": "", "created_at": _aware(start, time(9)), "version": 1,
            }
        )  # fmt: skip
        if not supervision:
            plans.append((orders[-1], client, status))
    entries = []
    for order, client, status in plans:
        entries += _ledger(rng, order, client["officer_id"], status, today)
    ins.put(SentenceOrder, orders, "sentence orders")
    for entry, pk in zip(entries, ins.ids(HoursEntry, len(entries)), strict=True):
        entry["id"] = pk
    _chain(entries)
    ins.put(HoursEntry, entries, "hours entries")
    _plans(ins, [(order, client) for order, client, status in plans if status == "active"], sites, today)


def _plans(ins: Inserter, active: list[tuple[dict, dict]], sites: list[dict[str, Any]], today: date) -> None:
    """Sessions planned for the active orders on the sites' working days of the next two weeks,
    every other working day for each person (alternating between people), within each site's
    daily capacity: what the supervisors' day lists show."""
    capacity = {site["id"]: site["capacity_per_day"] for site in sites}
    days = [today + timedelta(days=n) for n in range(PLAN_DAYS) if _work_day(today + timedelta(days=n))]
    taken: dict[tuple[int, date], int] = {}
    rows = []
    for k, (order, client) in enumerate(active):
        hours = min(order["hours_per_day"] or 2, 4)
        for n, day in enumerate(days):
            if (n + k) % 2 or taken.get((order["site_id"], day), 0) >= capacity[order["site_id"]]:
                continue
            taken[order["site_id"], day] = taken.get((order["site_id"], day), 0) + 1
            rows.append(
                {
                    "office_id": order["office_id"], "order_id": order["id"], "site_id": order["site_id"],
                    "day": day, "starts_at": time(8), "ends_at": time(8 + hours),
                    "created_by_id": client["officer_id"], "created_at": _aware(order["start_date"], time(10)),
                    "version": 1,
                }
            )  # fmt: skip
    for row, pk in zip(rows, ins.ids(PlannedSession, len(rows)), strict=True):
        row["id"] = pk
    ins.put(PlannedSession, rows, "planned sessions")


def _sites(ins: Inserter, rng: random.Random, od: OfficeData, today: date) -> list[dict[str, Any]]:
    partners = [p for p in od.partners if p["status"] == "active"] or od.partners
    # The office's first partner keeps its staff account (sNNN.mitra) a plain partner account, as
    # the permission tests and the benchmark use it; the sites are run by the other partners,
    # whose staff supervise them.
    partners = (
        [p for p in partners if od.partners.index(p) != 0]
        or [p for p in od.partners if od.partners.index(p) != 0]
        or partners
    )
    ids = ins.ids(ServiceSite, len(SITE_SPECS))
    sites, supervisors = [], []
    for k, ((label, kind, work), pk) in enumerate(zip(SITE_SPECS, ids, strict=True)):
        partner = None if kind == "griya_abhipraya" else partners[k % len(partners)]
        sites.append(
            {
                "id": pk, "office_id": od.office.pk, "partner_id": partner["id"] if partner else None,
                "name": f"{label} {od.office.name}", "kind": kind, "address": f"Jl. {label} No. {k + 1}",
                "regency_id": od.area[0].pk, "village_code": od.villages[k % len(od.villages)] if od.villages else "",
                "latitude": None, "longitude": None, "work_kinds": work, "capacity_per_day": rng.randint(8, 30),
                "opening_days": "123456", "opens_at": time(7), "closes_at": time(16),
                "safety_notes": "Sarung tangan dan topi wajib.", "equipment": "Sarung tangan, karung, sapu",
                "mou_number": f"MOU/{od.office.code.upper()}/{k + 1:02d}" if partner else "",
                "mou_start": today - timedelta(days=300) if partner else None,
                "mou_end": today + timedelta(days=400) if partner else None,
                "non_commercial": True, "active": True, "version": 1,
            }
        )  # fmt: skip
        if partner is not None:
            staff = od.partner_staff[od.partners.index(partner) % len(od.partner_staff)]
            supervisors.append({"servicesite_id": pk, "user_id": staff.pk})
    ins.put(ServiceSite, sites, "service sites")
    ins.put(ServiceSite.supervisors.through, supervisors, "site supervisors")
    # The partner's staff who supervise a site use the supervisor's phone app (a second role).
    User.objects.filter(pk__in=[row["user_id"] for row in supervisors]).update(role_site_supervisor=True)
    return sites


@functools.cache
def _work_day(day: date) -> bool:
    """Monday to Saturday (the sites' opening days), not a national holiday (lokal-id's calendar,
    for the years it covers)."""
    if day.isoweekday() == 7:
        return False
    return day.year not in lokal.HOLIDAY_YEARS or lokal.is_working_day(day, cuti_bersama=False, weekend=(0,))


def _ledger(
    rng: random.Random, order: dict, officer_id: int, status: str, today: date
) -> list[dict[str, Any]]:
    """An order's work lines, one a working day (`_work_day`) from its start to the end of its period (never
    past today), of equal length up to 8 hours; a correction now and then (a late start credited in
    full by mistake, taken back)."""
    low, high = PROGRESS[status]
    target = round(order["hours_ordered"] * 60 * rng.uniform(low, high))
    last = min(rules.period_end(order["start_date"], order["period_months"]), today - timedelta(days=1))
    days = [
        order["start_date"] + timedelta(days=n)
        for n in range((last - order["start_date"]).days + 1)
        if _work_day(order["start_date"] + timedelta(days=n))
    ]
    # As many sessions as ENTRIES_PER_ORDER on average over the statuses, as the days allow: one a
    # day, and a morning and an afternoon block (each its own line, at most 4 hours) on some days
    # when the order needs more sessions than its period has working days.
    wanted = max(1, round(ENTRIES_PER_ORDER * 2.6 * target / (rules.MAX_HOURS * 60)))
    count = min(wanted, 2 * len(days))
    if count == 0 or target == 0:
        return []
    doubled = max(0, count - len(days))
    slots: list[tuple[date, time]] = []
    for n, day in enumerate(days):
        if doubled and (n * doubled) // len(days) != ((n + 1) * doubled) // len(days):
            slots += [(day, time(7)), (day, time(11, 30))]
        else:
            slots.append((day, time(8)))
    per_session = min(
        4 * 60 if doubled else rules.MAX_HOURS_PER_DAY * 60, 15 * math.ceil(target / count / 15)
    )
    rows: list[dict[str, Any]] = []
    done = 0
    for day, at in slots[:count]:
        minutes = min(per_session, target - done)
        if minutes <= 0:
            break
        start = _aware(day, at)
        rows.append(
            {
                "office_id": order["office_id"], "order_id": order["id"], "kind": "work",
                "site_id": order["site_id"], "work_date": day, "start_at": start,
                "end_at": start + timedelta(minutes=minutes + 30), "break_minutes": 30,
                "credited_minutes": minutes, "work_done": rng.choice(WORK_DONE), "corrects_id": None,
                "reason": "", "recorded_by_id": officer_id, "recorded_at": start + timedelta(hours=9),
            }
        )  # fmt: skip
        done += minutes
        if len(rows) % 40 == 0:
            rows.append(
                {
                    **rows[-1], "kind": "correction", "start_at": None, "end_at": None, "break_minutes": 0,
                    "credited_minutes": -15, "work_done": "", "reason": "Terlambat 15 menit; dikoreksi",
                    "recorded_at": rows[-1]["recorded_at"] + timedelta(minutes=5), "_corrects": len(rows) - 1,
                }
            )  # fmt: skip
            done -= 15
    per_day = 2 * per_session if doubled else per_session
    order["hours_per_day"] = max(
        order["hours_per_day"] or 1, min(rules.MAX_HOURS_PER_DAY, math.ceil(per_day / 60))
    )
    return rows


def _chain(entries: list[dict[str, Any]]) -> None:
    """Sequence numbers, the corrected line's id, and the hash chain, order by order (entries of one
    order are consecutive and in order)."""
    previous_order, previous_hash, sequence, first = None, ledger.GENESIS, 0, 0
    for index, entry in enumerate(entries):
        if entry["order_id"] != previous_order:
            previous_order, previous_hash, sequence, first = entry["order_id"], ledger.GENESIS, 0, index
        sequence += 1
        position = entry.pop("_corrects", None)
        if position is not None:
            entry["corrects_id"] = entries[first + position]["id"]
        entry["sequence"] = sequence
        entry["previous_hash"] = previous_hash
        entry["entry_hash"] = previous_hash = ledger.entry_hash(SimpleNamespace(**entry))
