"""Writes of the site supervisor's phone app: the sync of queued visits, the PK's decision on a
conflict, the person's placement PIN. Keyword-only, typed, atomic; every record names its writer.

A sync is idempotent on the id the phone made (SiteVisit.client_uuid): a replay answers what the
first delivery stored, and two deliveries at once store one row (the batch's order rows are locked
before its ids are looked up, and the unique constraint is the net under that). A batch is read
once and written in one insert per table, whatever its size. Hours go to the ledger through
sentences.services.hours_work_append (the same legal checks as the PK's form); anything that needs
a person's judgement (the order closed meanwhile, hours overlapping the ledger, no PIN
confirmation, away from the site, a legal limit) is kept as a conflict for the order's PK.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Min, OuterRef, Subquery, Sum
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.photos import CleanPhoto
from aksalarasa.core.history import save_many, save_versioned
from aksalarasa.sentences import compliance_services
from aksalarasa.sentences import services as ledger_services
from aksalarasa.sentences.models import HoursEntry, SentenceOrder
from aksalarasa.sentences.plan_models import PlannedSession
from aksalarasa.sentences.supervisor.models import PlacementPin, SiteVisit
from aksalarasa.sentences.supervisor.selectors import supervised_orders

PIN_DIGITS = 6


def site_radius_m() -> int:
    """How far from a site's map point an entry may be made (AKSALARASA_SITE_RADIUS_M, metres)."""
    return int(getattr(settings, "AKSALARASA_SITE_RADIUS_M", 300))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Great-circle distance in metres (haversine on a 6371 km sphere)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * 6_371_000 * math.asin(math.sqrt(a)))


# --- the person's PIN -------------------------------------------------------------------------


@transaction.atomic
def pin_issue(*, actor: User, order: SentenceOrder) -> str:
    """A new PIN for the person placed by `order` (replacing any earlier one). Returns the digits:
    the caller shows them once; only the hash is stored."""
    if not order.is_community_service:
        raise ValidationError(_("A PIN is given only for community service."))
    digits = "".join(secrets.choice("0123456789") for _i in range(PIN_DIGITS))
    PlacementPin.objects.update_or_create(
        order=order,
        defaults={"pin_hash": pin_hash(digits), "issued_by": actor, "issued_at": timezone.now()},
    )
    return digits


PIN_HMAC = "pin-hmac-sha256"


def pin_hash(digits: str, salt: str | None = None) -> str:
    """What is stored of a PIN: "pin-hmac-sha256$<salt>$<HMAC-SHA256 keyed with SECRET_KEY>".

    Not a password hasher: a sync checks one PIN per entry (50 in a batch), and argon2 at its
    production cost (about 0.25 s and 100 MiB each) made a batch cost seconds of CPU. Against a
    6-digit PIN a slow hash buys little anyway (a million candidates are tried offline in days);
    the server-side key does: without SECRET_KEY the stored value reveals nothing, and online
    guessing is what the sync's scope and the PK's decision on every unconfirmed entry limit."""
    salt = salt or secrets.token_hex(8)
    digest = salted_hmac(f"{PIN_HMAC}:{salt}", digits, algorithm="sha256").hexdigest()
    return f"{PIN_HMAC}${salt}${digest}"


def _pin_matches(pin: str, stored: str) -> bool:
    if not stored.startswith(PIN_HMAC + "$"):
        return check_password(pin, stored)  # a PIN issued before the keyed hash (argon2)
    salt = stored.split("$")[1]
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(
            stored,
            f"{PIN_HMAC}${salt}$"
            + salted_hmac(f"{PIN_HMAC}:{salt}", pin, secret=key, algorithm="sha256").hexdigest(),
        )
        for key in keys
    )


def _pin_ok(pin: str, stored: str | None) -> bool:
    return bool(stored and pin and pin.isdigit() and len(pin) <= 12 and _pin_matches(pin, stored))


def pin_check(*, order: SentenceOrder, pin: str) -> bool:
    stored = PlacementPin.objects.filter(order=order).values_list("pin_hash", flat=True).first()
    return _pin_ok(pin, stored)


# --- the sync ---------------------------------------------------------------------------------


@dataclass
class SyncResult:
    id: uuid.UUID
    state: str  # a SiteVisit.State, or "invalid" (nothing stored) or "refused" (another's id)
    replay: bool = False
    conflict: str = ""
    errors: list[str] = field(default_factory=list)
    credited_minutes: int = 0


def _result(visit: SiteVisit, *, replay: bool) -> SyncResult:
    return SyncResult(
        id=visit.client_uuid,
        state=visit.state,
        replay=replay,
        conflict="\n".join(visit.conflict_reasons),
        credited_minutes=visit.entry.credited_minutes if visit.entry_id and visit.entry else 0,
    )


def _problems(item: dict[str, Any], today: date) -> list[str]:
    """What makes an entry unusable as sent (the phone checks the same before queuing it)."""
    problems = []
    if item["work_date"] > today:
        problems.append(_("An entry is made on the day of the work or later, not before."))
    if item["attendance"] == SiteVisit.Attendance.ABSENT:
        if not (item.get("absence_reason") or "").strip():
            problems.append(_("Say why the person is absent."))
        return problems
    start, end = item.get("start"), item.get("end")
    if start is None or end is None:
        problems.append(_("Give the start and the end of the work."))
    elif end <= start:
        problems.append(_("The work ends after it starts."))
    else:
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if not 0 <= (item.get("break_minutes") or 0) < minutes:
            problems.append(_("The breaks are shorter than the time between start and end."))
    return problems


@dataclass
class _Ledger:
    """What a batch knows of one order's ledger: read once, with the order row locked, and kept
    current as the batch credits hours (one person's entries of several days come in one batch).
    The head of the hash chain, the balance, each batch day's minutes and its work (for overlaps)."""

    head: tuple[int, str] | None = None
    balance: int = 0
    day_minutes: dict[date, int] = field(default_factory=dict)
    work: list[tuple[datetime, datetime]] = field(default_factory=list)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return any(s < end and e > start for s, e in self.work)

    def add(self, entry: HoursEntry) -> None:
        assert entry.start_at is not None and entry.end_at is not None
        self.head = (entry.sequence, entry.entry_hash)
        self.balance += entry.credited_minutes
        self.day_minutes[entry.work_date] = self.day_minutes.get(entry.work_date, 0) + entry.credited_minutes
        self.work.append((entry.start_at, entry.end_at))


def _ledgers(order_ids: list[int], days: set[date]) -> dict[int, _Ledger]:
    """Each order's _Ledger in three statements, whatever the batch's size. Work never crosses its
    day (its start and end are times of its work_date), so only the batch's days can overlap."""
    ledgers = {pk: _Ledger() for pk in order_ids}
    entries = HoursEntry.objects.filter(order_id__in=order_ids)
    for order_id, total in (
        entries.values("order_id").annotate(total=Sum("credited_minutes")).values_list("order_id", "total")
    ):
        ledgers[order_id].balance = total or 0
    last = entries.filter(order_id=OuterRef("order_id")).order_by("-sequence").values("sequence")[:1]
    for order_id, sequence, entry_hash in entries.filter(sequence=Subquery(last)).values_list(
        "order_id", "sequence", "entry_hash"
    ):
        ledgers[order_id].head = (sequence, entry_hash)
    for order_id, day, kind, start, end, minutes in entries.filter(work_date__in=days).values_list(
        "order_id", "work_date", "kind", "start_at", "end_at", "credited_minutes"
    ):
        ledger = ledgers[order_id]
        ledger.day_minutes[day] = ledger.day_minutes.get(day, 0) + minutes
        if kind == HoursEntry.Kind.WORK and start is not None and end is not None:
            ledger.work.append((start, end))
    return ledgers


@dataclass
class _Batch:
    """What one sync reads once for all its entries (the orders' rows locked first)."""

    orders: dict[int, SentenceOrder]
    stored: dict[uuid.UUID, SiteVisit]  # visits already stored under the entries' ids
    pins: dict[int, str]
    first_planned: dict[tuple[int, date], time]  # the day's first planned start, per order
    ledgers: dict[int, _Ledger]


def _batch_read(items: list[dict[str, Any]]) -> _Batch:
    order_ids = sorted({item["order_id"] for item in items})
    days = {item["work_date"] for item in items}
    orders = {
        o.pk: o
        for o in SentenceOrder.objects.select_for_update(of=("self",))
        .select_related("office", "site")
        .filter(pk__in=order_ids)
        .order_by("pk")  # always the same order of locks: two batches may wait, never deadlock
    }
    stored = {
        v.client_uuid: v
        for v in SiteVisit.objects.filter(client_uuid__in=[item["id"] for item in items]).select_related(
            "entry"
        )
    }
    pins = dict(PlacementPin.objects.filter(order_id__in=order_ids).values_list("order_id", "pin_hash"))
    first_planned = {
        (row["order_id"], row["day"]): row["first"]
        for row in PlannedSession.objects.filter(order_id__in=order_ids, day__in=days)
        .values("order_id", "day")
        .annotate(first=Min("starts_at"))
    }
    return _Batch(orders, stored, pins, first_planned, _ledgers(order_ids, days))


def _conflicts(*, order: SentenceOrder, visit: SiteVisit, ledger: _Ledger) -> list[str]:
    """Why the PK must decide, as SiteVisit.CONFLICTS codes (shown in the reader's language)."""
    assert visit.start_at is not None and visit.end_at is not None
    codes = []
    if order.status != SentenceOrder.Status.ACTIVE:
        codes.append("order_closed")
    if not visit.pin_confirmed:
        codes.append("no_pin")
    if visit.location_ok is False:
        codes.append("away")
    if ledger.overlaps(visit.start_at, visit.end_at):
        codes.append("overlap")
    return codes


def _ledger_data(visit: SiteVisit, zone: ZoneInfo) -> dict[str, Any]:
    assert visit.start_at is not None and visit.end_at is not None
    return {
        "work_date": visit.work_date,
        "start": visit.start_at.astimezone(zone).time(),
        "end": visit.end_at.astimezone(zone).time(),
        "break_minutes": visit.break_minutes,
        "work_done": visit.work_done,
        "site": visit.site,
    }


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def late_after_minutes() -> int:
    """How late against the planned start an arrival becomes a lateness event for the PK
    (AKSALARASA_SITE_LATE_MINUTES, default 30). Thirty minutes: a bus missed or a rainy road is
    ordinary on the way to a site and the minutes are not credited anyway (the ledger counts from the
    arrival); half an hour or more loses a real part of a session and is worth the PK's attention."""
    return int(getattr(settings, "AKSALARASA_SITE_LATE_MINUTES", 30))


def _minutes_late(*, visit: SiteVisit, planned: time | None, zone: ZoneInfo) -> int:
    """Minutes between the day's first planned start and the arrival (0 when unplanned or on time)."""
    if planned is None or visit.start_at is None:
        return 0
    arrived = visit.start_at.astimezone(zone)
    return max(0, (arrived.hour * 60 + arrived.minute) - (planned.hour * 60 + planned.minute))


def _event_from_visit(*, actor: User, order: SentenceOrder, visit: SiteVisit, planned: time | None) -> None:
    """An absence, or an arrival later than late_after_minutes() after the planned start, becomes a
    ComplianceEvent for the order's PK through the one write path (compliance_event_record, with
    history), linked to the visit. Called once, when the visit is first stored: a replay answers the
    stored visit and never comes here (and ComplianceEvent.visit is unique, the net under that).
    An absence always carries the supervisor's reason; whether it is valid is the PK's decision
    (UU 1/2023 Art. 85(7)), so the event waits for it (reason_pending)."""
    if visit.attendance == SiteVisit.Attendance.ABSENT:
        data: dict[str, Any] = {
            "kind": "absence",
            "occurred_on": visit.work_date,
            "reason": visit.absence_reason,
            "reason_pending": True,
        }
    else:
        late = _minutes_late(visit=visit, planned=planned, zone=ZoneInfo(order.office.time_zone))
        if late <= late_after_minutes():
            return  # most arrivals: nothing to record, nothing to build
        data = {"kind": "lateness", "occurred_on": visit.work_date, "minutes_late": late}
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the office's language
        data["evidence_note"] = _("From the site supervisor's entry of %(date)s at %(site)s.") % {
            "date": visit.work_date.isoformat(),
            "site": visit.site.name,
        }
    try:
        with transaction.atomic():
            compliance_services.compliance_event_record(actor=actor, order=order, data=data, visit=visit)
    except ValidationError:
        # the order no longer runs (closed while the entry waited): the visit is a conflict for
        # the PK already, and an event can no longer be recorded against it
        return


def _visit_prepare(*, actor: User, order: SentenceOrder, item: dict[str, Any], batch: _Batch) -> SiteVisit:
    """One new entry as it will be stored (unsaved): its state, and for credited hours its ledger
    line, checked and chained (unsaved too); the order's row is locked by the batch."""
    zone = ZoneInfo(order.office.time_zone)
    day: date = item["work_date"]
    visit = SiteVisit(
        client_uuid=item["id"],
        office_id=order.office_id,
        order=order,
        site=order.site,
        supervisor=actor,
        work_date=day,
        attendance=item["attendance"],
        absence_reason=(item.get("absence_reason") or "").strip()[:300],
        work_done=(item.get("work_done") or "").strip()[:300],
        made_at=item.get("made_at"),
    )
    if visit.attendance == SiteVisit.Attendance.ABSENT:
        visit.state = SiteVisit.State.RECORDED
        return visit
    start: time = item["start"]
    end: time = item["end"]
    visit.start_at = datetime.combine(day, start, tzinfo=zone)
    visit.end_at = datetime.combine(day, end, tzinfo=zone)
    visit.break_minutes = int(item.get("break_minutes") or 0)
    visit.pin_confirmed = _pin_ok(str(item.get("pin") or ""), batch.pins.get(order.pk))
    site = order.site
    lat, lon = item.get("latitude"), item.get("longitude")
    if lat is not None and lon is not None:
        visit.latitude, visit.longitude = Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
        if site is not None and site.latitude is not None and site.longitude is not None:
            visit.distance_m = distance_m(float(site.latitude), float(site.longitude), lat, lon)
            visit.location_ok = visit.distance_m <= site_radius_m()
    ledger = batch.ledgers[order.pk]
    reasons = _conflicts(order=order, visit=visit, ledger=ledger)
    if not reasons:
        try:
            visit.entry = ledger_services.hours_work_append(
                actor=actor,
                order=order,
                data=_ledger_data(visit, zone),
                head=ledger.head,
                minutes_that_day=ledger.day_minutes.get(day, 0),
                balance=ledger.balance,
                store=False,
            )
            ledger.add(visit.entry)
        except ValidationError as error:  # a legal limit of the ledger (its message, as sent)
            reasons = [f"{SiteVisit.RULE_PREFIX}{message}" for message in _messages(error)]
    if reasons:
        visit.state, visit.conflict = SiteVisit.State.CONFLICT, "\n".join(reasons)
    else:
        visit.state = SiteVisit.State.CREDITED
    return visit


def _store_all(*, actor: User, items: list[dict[str, Any]]) -> list[SyncResult]:
    """One transaction for the batch: the orders' rows locked, everything read once, the new
    entries checked in order (each sees the ledger lines of the ones before it), then stored in
    one insert each for the ledger lines, the visits and their history rows; absences and late
    arrivals then become compliance events. An id stored before (or earlier in this batch) answers
    what was stored."""
    batch = _batch_read(items)
    answers: list[tuple[SiteVisit, bool] | SyncResult] = []
    new: list[SiteVisit] = []
    for item in items:
        existing = batch.stored.get(item["id"])
        if existing is None:
            visit = _visit_prepare(actor=actor, order=batch.orders[item["order_id"]], item=item, batch=batch)
            batch.stored[visit.client_uuid] = visit
            new.append(visit)
            answers.append((visit, False))
        elif existing.supervisor_id != actor.pk or existing.order_id != item["order_id"]:
            answers.append(
                SyncResult(id=item["id"], state="refused", errors=[_("This id belongs to another entry.")])
            )
        else:
            answers.append((existing, True))
    if new:
        ledger_services.ledger_lines_store([v.entry for v in new if v.entry is not None])
        save_many(new, model=SiteVisit, actor=actor)
        for visit in new:
            planned = batch.first_planned.get((visit.order_id, visit.work_date))
            _event_from_visit(actor=actor, order=visit.order, visit=visit, planned=planned)
    return [a if isinstance(a, SyncResult) else _result(a[0], replay=a[1]) for a in answers]


def _sync(*, actor: User, orders: dict[int, SentenceOrder], items: list[dict[str, Any]]) -> list[SyncResult]:
    """Entries whose orders the caller read through the actor's scope (`orders`). Each entry stands
    on its own: one that is unusable as sent is answered "invalid" and the others are stored; one
    that needs a person's judgement is stored as a conflict for the PK."""
    results: dict[int, SyncResult] = {}
    usable: list[int] = []
    for index, item in enumerate(items):
        problems = _problems(item, orders[item["order_id"]].office.today())
        if problems:
            results[index] = SyncResult(id=item["id"], state="invalid", errors=problems)
        else:
            usable.append(index)
    if usable:
        chosen = [items[index] for index in usable]
        try:
            with transaction.atomic():
                stored = _store_all(actor=actor, items=chosen)
        except IntegrityError:
            # a concurrent delivery stored one of these ids first (SQLite has no row locks to make
            # it wait): the batch was rolled back whole; read again, that entry is now a replay
            with transaction.atomic():
                stored = _store_all(actor=actor, items=chosen)
        results.update(zip(usable, stored, strict=True))
    return [results[index] for index in range(len(items))]


def visit_sync_one(*, actor: User, order: SentenceOrder, item: dict[str, Any]) -> SyncResult:
    """One queued entry; `order` is one the actor supervises (the caller checked the scope)."""
    return _sync(actor=actor, orders={order.pk: order}, items=[{**item, "order_id": order.pk}])[0]


class OutOfScope(Exception):
    """An entry names an order that is not placed at a site the person supervises."""


def visits_sync(*, actor: User, items: list[dict[str, Any]]) -> list[SyncResult]:
    """Store queued entries, each on its own (one entry's conflict does not hold back the others),
    in a fixed number of statements per batch (an absence or a late arrival adds its compliance event).
    If any entry names an order the actor does not supervise, nothing is stored (OutOfScope)."""
    order_ids = {item["order_id"] for item in items}
    orders = {
        o.pk: o for o in supervised_orders(viewer=actor).filter(pk__in=order_ids).select_related("office")
    }
    for item in items:
        order = orders.get(item["order_id"])
        if order is None or order.site_id != item["site_id"]:
            raise OutOfScope
    return _sync(actor=actor, orders=orders, items=items)


@transaction.atomic
def visit_photo_set(*, actor: User, visit: SiteVisit, photo: CleanPhoto) -> SiteVisit:
    """Attach the (re-encoded, metadata-free) work photo; a second upload of the same visit
    replaces nothing (idempotent: the first photo stays)."""
    visit = SiteVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.photo:
        return visit
    visit.photo.save(f"work.{photo.extension}", ContentFile(photo.content), save=False)
    name = visit.photo.name
    try:
        save_versioned(visit, actor=actor, update_fields=["photo"], reason="photo")
    except Exception:
        visit.photo.storage.delete(name or "")
        raise
    return visit


# --- the PK decides a conflict ---------------------------------------------------------------


@transaction.atomic
def visit_decide(
    *, actor: User, visit: SiteVisit, accept: bool, note: str, expected_version: int
) -> SiteVisit:
    """Accept (the hours go to the ledger, under the legal checks) or reject a conflicting entry."""
    if visit.state != SiteVisit.State.CONFLICT:
        raise ValidationError(_("This entry was already decided."))
    note = (note or "").strip()[:300]
    if not accept and not note:
        raise ValidationError({"note": [_("Say why the entry is rejected.")]})
    fields = ["state", "decided_by", "decided_at", "decision_note"]
    if accept:
        order = visit.order
        zone = ZoneInfo(visit.office.time_zone)
        visit.entry = ledger_services.hours_work_add(actor=actor, order=order, data=_ledger_data(visit, zone))
        fields.append("entry")
    visit.state = SiteVisit.State.ACCEPTED if accept else SiteVisit.State.REJECTED
    visit.decided_by, visit.decided_at, visit.decision_note = actor, timezone.now(), note
    save_versioned(visit, actor=actor, expected_version=expected_version, update_fields=fields)
    return visit
