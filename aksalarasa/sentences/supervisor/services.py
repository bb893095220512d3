"""Writes of the site supervisor's phone app: the sync of queued visits, the PK's decision on a
conflict, the person's placement PIN. Keyword-only, typed, atomic; every record names its writer.

A sync is idempotent on the id the phone made (SiteVisit.client_uuid): a replay answers what the
first delivery stored, and two deliveries at once store one row (the order row is locked before the
id is looked up, and the unique constraint is the net under that). Hours go to the ledger through
sentences.services.hours_work_add (the same legal checks as the PK's form); anything that needs a
person's judgement (the order closed meanwhile, hours overlapping the ledger, no PIN confirmation,
away from the site, a legal limit) is kept as a conflict for the order's PK.
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
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.photos import CleanPhoto
from aksalarasa.core.history import save_versioned
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


def pin_check(*, order: SentenceOrder, pin: str) -> bool:
    stored = PlacementPin.objects.filter(order=order).values_list("pin_hash", flat=True).first()
    return bool(stored and pin and pin.isdigit() and len(pin) <= 12 and _pin_matches(pin, stored))


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


def _conflicts(*, order: SentenceOrder, visit: SiteVisit) -> list[str]:
    """Why the PK must decide, as SiteVisit.CONFLICTS codes (shown in the reader's language)."""
    codes = []
    if order.status != SentenceOrder.Status.ACTIVE:
        codes.append("order_closed")
    if not visit.pin_confirmed:
        codes.append("no_pin")
    if visit.location_ok is False:
        codes.append("away")
    overlapping = HoursEntry.objects.filter(
        order_id=order.pk,
        kind=HoursEntry.Kind.WORK,
        start_at__lt=visit.end_at,
        end_at__gt=visit.start_at,
    ).exists()
    if overlapping:
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


def _minutes_late(*, order: SentenceOrder, visit: SiteVisit, zone: ZoneInfo) -> int:
    """Minutes between the day's first planned start and the arrival (0 when unplanned or on time)."""
    planned = (
        PlannedSession.objects.filter(order_id=order.pk, day=visit.work_date)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if planned is None or visit.start_at is None:
        return 0
    arrived = visit.start_at.astimezone(zone)
    return max(0, (arrived.hour * 60 + arrived.minute) - (planned.hour * 60 + planned.minute))


def _event_from_visit(*, actor: User, order: SentenceOrder, visit: SiteVisit) -> None:
    """An absence, or an arrival later than late_after_minutes() after the planned start, becomes a
    ComplianceEvent for the order's PK through the one write path (compliance_event_record, with
    history), linked to the visit. Called once, when the visit is first stored: a replay answers the
    stored visit and never comes here (and ComplianceEvent.visit is unique, the net under that).
    An absence always carries the supervisor's reason; whether it is valid is the PK's decision
    (UU 1/2023 Art. 85(7)), so the event waits for it (reason_pending)."""
    zone = ZoneInfo(order.office.time_zone)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the office's language
        note = _("From the site supervisor's entry of %(date)s at %(site)s.") % {
            "date": visit.work_date.isoformat(),
            "site": visit.site.name,
        }
    if visit.attendance == SiteVisit.Attendance.ABSENT:
        data: dict[str, Any] = {
            "kind": "absence",
            "occurred_on": visit.work_date,
            "reason": visit.absence_reason,
            "reason_pending": True,
            "evidence_note": note,
        }
    else:
        late = _minutes_late(order=order, visit=visit, zone=zone)
        if late <= late_after_minutes():
            return
        data = {
            "kind": "lateness",
            "occurred_on": visit.work_date,
            "minutes_late": late,
            "evidence_note": note,
        }
    try:
        with transaction.atomic(), timezone.override(zone):  # "not in the future" in the office's day
            compliance_services.compliance_event_record(actor=actor, order=order, data=data, visit=visit)
    except ValidationError:
        # the order no longer runs (closed while the entry waited): the visit is a conflict for
        # the PK already, and an event can no longer be recorded against it
        return


def _visit_store(*, actor: User, order: SentenceOrder, item: dict[str, Any]) -> SiteVisit:
    """Store one entry (inside the caller's transaction, with the order row locked)."""
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
        save_versioned(visit, actor=actor)
        _event_from_visit(actor=actor, order=order, visit=visit)
        return visit
    start: time = item["start"]
    end: time = item["end"]
    visit.start_at = datetime.combine(day, start, tzinfo=zone)
    visit.end_at = datetime.combine(day, end, tzinfo=zone)
    visit.break_minutes = int(item.get("break_minutes") or 0)
    visit.pin_confirmed = pin_check(order=order, pin=str(item.get("pin") or ""))
    site = order.site
    lat, lon = item.get("latitude"), item.get("longitude")
    if lat is not None and lon is not None:
        visit.latitude, visit.longitude = Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")
        if site is not None and site.latitude is not None and site.longitude is not None:
            visit.distance_m = distance_m(float(site.latitude), float(site.longitude), lat, lon)
            visit.location_ok = visit.distance_m <= site_radius_m()
    reasons = _conflicts(order=order, visit=visit)
    if not reasons:
        try:
            with transaction.atomic():
                visit.entry = ledger_services.hours_work_add(
                    actor=actor, order=order, data=_ledger_data(visit, zone)
                )
        except ValidationError as error:  # a legal limit of the ledger (its message, as sent)
            reasons = [f"{SiteVisit.RULE_PREFIX}{message}" for message in _messages(error)]
    if reasons:
        visit.state, visit.conflict = SiteVisit.State.CONFLICT, "\n".join(reasons)
    else:
        visit.state = SiteVisit.State.CREDITED
    save_versioned(visit, actor=actor)
    _event_from_visit(actor=actor, order=order, visit=visit)
    return visit


def visit_sync_one(*, actor: User, order: SentenceOrder, item: dict[str, Any]) -> SyncResult:
    """One queued entry; `order` is one the actor supervises (the caller checked the scope)."""
    problems = _problems(item, order.office.today())
    if problems:
        return SyncResult(id=item["id"], state="invalid", errors=problems)
    try:
        with transaction.atomic():
            locked = (
                SentenceOrder.objects.select_for_update(of=("self",))
                .select_related("office", "site")
                .get(pk=order.pk)
            )
            existing = SiteVisit.objects.filter(client_uuid=item["id"]).select_related("entry").first()
            if existing is None:
                return _result(_visit_store(actor=actor, order=locked, item=item), replay=False)
    except IntegrityError:  # a concurrent delivery of the same id stored it first
        existing = SiteVisit.objects.filter(client_uuid=item["id"]).select_related("entry").first()
        if existing is None:
            raise
    if existing.supervisor_id != actor.pk or existing.order_id != order.pk:
        return SyncResult(id=item["id"], state="refused", errors=[_("This id belongs to another entry.")])
    return _result(existing, replay=True)


class OutOfScope(Exception):
    """An entry names an order that is not placed at a site the person supervises."""


def visits_sync(*, actor: User, items: list[dict[str, Any]]) -> list[SyncResult]:
    """Store queued entries, each on its own (one entry's conflict does not hold back the others).
    If any entry names an order the actor does not supervise, nothing is stored (OutOfScope)."""
    order_ids = {item["order_id"] for item in items}
    orders = {
        o.pk: o for o in supervised_orders(viewer=actor).filter(pk__in=order_ids).select_related("office")
    }
    for item in items:
        order = orders.get(item["order_id"])
        if order is None or order.site_id != item["site_id"]:
            raise OutOfScope
    return [visit_sync_one(actor=actor, order=orders[item["order_id"]], item=item) for item in items]


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
