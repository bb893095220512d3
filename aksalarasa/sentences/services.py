"""Writes of community sentences: keyword-only, typed, atomic; every record names its writer.

Orders and sites are versioned records (django-simple-history; edits through
core.history.save_versioned). The hours ledger is append-only: a new entry, chained to the
previous one by its hash (ledger.py); a correction is a new entry with a reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client, Litmas
from aksalarasa.clients.services import client_create
from aksalarasa.core.history import save_versioned
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Partner, PartnerMembership
from aksalarasa.sentences import ledger, rules
from aksalarasa.sentences.models import HoursEntry, SentenceOrder, ServiceSite, Suitability

SITE_FIELDS = (
    "name",
    "kind",
    "address",
    "village_code",
    "latitude",
    "longitude",
    "work_kinds",
    "capacity_per_day",
    "opening_days",
    "opens_at",
    "closes_at",
    "safety_notes",
    "equipment",
    "mou_number",
    "mou_start",
    "mou_end",
    "non_commercial",
    "active",
)
ORDER_FIELDS = (
    "sentence_type",
    "court",
    "case_number",
    "case_registered_on",
    "decision_number",
    "decision_date",
    "final_on",
    "article",
    "threatened_months",
    "hours_ordered",
    "hours_per_day",
    "period_months",
    "start_date",
    "replaced_prison_days",
    "replaced_fine",
    "prosecutor_office",
    "general_conditions",
    "special_conditions",
    "notes",
)
SUITABILITY_FIELDS = (
    *[name for factor in Suitability.FACTORS for name in (factor, f"{factor}_note")],
    "recommendation",
    "recommendation_reason",
    "hours_recommended",
    "consent_explained_at",
    "consent_given",
)


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field, []).append(message)
        raise ValidationError(errors)


# --- sites ------------------------------------------------------------------------------------


def _site_check(*, office: Office, data: dict[str, Any]) -> tuple[Partner | None, list[User]]:
    problems: list[tuple[str, str]] = []
    if not data.get("non_commercial"):
        problems.append(
            (
                "non_commercial",
                _(
                    "A site is accepted only with its declaration that the work is not commercial (UU 1/2023 Art. 85(3))."
                ),
            )
        )
    partner = data.get("partner")
    if partner is not None and partner.office_id != office.pk:
        problems.append(("partner", _("Choose a partner of this office.")))
    supervisors = list(data.get("supervisors") or [])
    members = set(
        PartnerMembership.objects.filter(user__in=supervisors, partner__office=office).values_list(
            "user_id", flat=True
        )
    )
    if partner is not None:
        members = set(
            PartnerMembership.objects.filter(user__in=supervisors, partner=partner).values_list(
                "user_id", flat=True
            )
        )
    if any(user.pk not in members for user in supervisors):
        problems.append(("supervisors", _("Site supervisors are staff accounts of the site's partner.")))
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and opens >= closes:
        problems.append(("closes_at", _("The site closes after it opens.")))
    start, end = data.get("mou_start"), data.get("mou_end")
    if start and end and start > end:
        problems.append(("mou_end", _("The MoU ends after it starts.")))
    if not data.get("opening_days"):
        problems.append(("opening_days", _("Choose at least one opening day.")))
    _raise(problems)
    return partner, supervisors


@transaction.atomic
def site_create(*, actor: User, office: Office, data: dict[str, Any]) -> ServiceSite:
    partner, supervisors = _site_check(office=office, data=data)
    if ServiceSite.objects.filter(office=office, name=data["name"]).exists():
        raise ValidationError({"name": [_("This office already has a site with this name.")]})
    site = ServiceSite(office=office, partner=partner, regency=data["regency"])
    for name in SITE_FIELDS:
        if name in data:
            setattr(site, name, data[name])
    save_versioned(site, actor=actor)
    site.supervisors.set(supervisors)
    return site


@transaction.atomic
def site_update(
    *, actor: User, site: ServiceSite, data: dict[str, Any], expected_version: int
) -> ServiceSite:
    office = site.office
    partner, supervisors = _site_check(office=office, data=data)
    if ServiceSite.objects.filter(office=office, name=data["name"]).exclude(pk=site.pk).exists():
        raise ValidationError({"name": [_("This office already has a site with this name.")]})
    fields = [name for name in SITE_FIELDS if name in data]
    for name in fields:
        setattr(site, name, data[name])
    site.partner, site.regency = partner, data["regency"]
    site.supervisors.set(supervisors)  # rolled back with the rest if the version check fails
    save_versioned(
        site, actor=actor, expected_version=expected_version, update_fields=[*fields, "partner", "regency"]
    )
    return site


# --- orders -----------------------------------------------------------------------------------


def order_check(*, office_id: int, data: dict[str, Any], credited_minutes: int = 0) -> None:
    decision = rules.Decision(
        sentence_type=data.get("sentence_type", ""),
        threatened_months=data.get("threatened_months"),
        hours_ordered=data.get("hours_ordered"),
        hours_per_day=data.get("hours_per_day"),
        period_months=data.get("period_months"),
        replaced_prison_days=data.get("replaced_prison_days"),
        replaced_fine=data.get("replaced_fine"),
        general_conditions=data.get("general_conditions") or "",
    )
    problems = rules.order_problems(decision)
    site = data.get("site")
    if site is not None and site.office_id != office_id:
        problems.append(("site", _("Choose a site of this office.")))
    if site is not None and data.get("sentence_type") != rules.COMMUNITY_SERVICE:
        problems.append(("site", _("Only community service is worked at a site.")))
    if (
        credited_minutes > (data.get("hours_ordered") or 0) * 60
        and data.get("sentence_type") == rules.COMMUNITY_SERVICE
    ):
        problems.append(("hours_ordered", _("More hours are already credited than this order would allow.")))
    registered, decided = data.get("case_registered_on"), data.get("decision_date")
    if registered and decided and registered > decided:
        problems.append(("decision_date", _("The decision comes after the case was registered.")))
    start = data.get("start_date")
    if start and decided and start < decided:
        problems.append(("start_date", _("The sentence starts on or after the decision date.")))
    _raise(problems)


def _order_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in ORDER_FIELDS if name in data}
    if data.get("sentence_type") == rules.SUPERVISION:
        values["hours_ordered"] = values["hours_per_day"] = None
    for name in ("general_conditions", "special_conditions", "notes"):
        values[name] = values.get(name) or ""
    return values


@transaction.atomic
def order_create(*, actor: User, client: Client, data: dict[str, Any]) -> SentenceOrder:
    """Enter a court decision for a client of the actor's office; the legal limits are checked."""
    order_check(office_id=client.office_id, data=data)
    if SentenceOrder.objects.filter(
        office_id=client.office_id, decision_number=data["decision_number"]
    ).exists():
        raise ValidationError(
            {"decision_number": [_("This decision number is already entered at this office.")]}
        )
    order = SentenceOrder(
        office_id=client.office_id, client=client, site=data.get("site"), **_order_values(data)
    )
    save_versioned(order, actor=actor)
    return order


@transaction.atomic
def order_create_with_client(
    *, actor: User, office: Office, client_data: dict[str, Any], data: dict[str, Any]
) -> SentenceOrder:
    """A court decision for a person not yet registered: the client is registered first (the clients
    app's service), then the order; a refused order registers nobody (one transaction)."""
    order_check(office_id=office.pk, data=data)
    client = client_create(actor=actor, office=office, data=client_data)
    return order_create(actor=actor, client=client, data=data)


@transaction.atomic
def order_update(
    *, actor: User, order: SentenceOrder, data: dict[str, Any], expected_version: int
) -> SentenceOrder:
    credited = order.hours.aggregate(total=Sum("credited_minutes"))["total"] or 0
    order_check(office_id=order.office_id, data=data, credited_minutes=credited)
    if (
        SentenceOrder.objects.filter(office_id=order.office_id, decision_number=data["decision_number"])
        .exclude(pk=order.pk)
        .exists()
    ):
        raise ValidationError(
            {"decision_number": [_("This decision number is already entered at this office.")]}
        )
    values = _order_values(data)
    for name, value in values.items():
        setattr(order, name, value)
    order.site = data.get("site")
    order.status = data.get("status") or order.status
    save_versioned(
        order, actor=actor, expected_version=expected_version, update_fields=[*values, "site", "status"]
    )
    return order


# --- suitability (the community-sentence Litmas) ----------------------------------------------


@transaction.atomic
def suitability_save(
    *, actor: User, litmas: Litmas, data: dict[str, Any], expected_version: int | None
) -> Suitability:
    """Record the Art. 85(2) factors, the recommendation and the informed consent of a Litmas for a
    community sentence. The person's consent names who explained the sentence, and when."""
    if litmas.purpose != Litmas.Purpose.COMMUNITY_SENTENCE:
        raise ValidationError(_("This Litmas is not for a community sentence."))
    explainer = data.get("consent_explained_by")
    problems = []
    if data.get("consent_given") and (explainer is None or not data.get("consent_explained_at")):
        problems.append(
            (
                "consent_given",
                _("Consent counts only after an explanation: say who explained the sentence, and when."),
            )
        )
    if explainer is not None and explainer.office_id != litmas.office_id:
        problems.append(("consent_explained_by", _("Choose a staff member of the client's office.")))
    at = data.get("consent_explained_at")
    if at and at > timezone.now():
        problems.append(("consent_explained_at", _("The explanation cannot be in the future.")))
    _raise(problems)
    suitability = Suitability.objects.filter(litmas=litmas).first()
    values = {name: data[name] for name in SUITABILITY_FIELDS if name in data}
    for name in SUITABILITY_FIELDS:
        if name.endswith("_note") or name == "recommendation_reason":
            values[name] = values.get(name) or ""
    if suitability is None:
        suitability = Suitability(
            office_id=litmas.office_id,
            client_id=litmas.client_id,
            litmas=litmas,
            consent_explained_by=explainer,
            **values,
        )
        save_versioned(suitability, actor=actor)
        return suitability
    for name, value in values.items():
        setattr(suitability, name, value)
    suitability.consent_explained_by = explainer
    save_versioned(
        suitability,
        actor=actor,
        expected_version=expected_version or 0,
        update_fields=[*values, "consent_explained_by"],
    )
    return suitability


# --- the hours ledger -------------------------------------------------------------------------


def ledger_head(order_id: int) -> tuple[int, str] | None:
    """The order's last entry as (sequence, entry_hash), or None for an empty ledger."""
    return (
        HoursEntry.objects.filter(order_id=order_id)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )


def chained(entry: HoursEntry, head: tuple[int, str] | None) -> HoursEntry:
    """`entry` with its place in the chain after `head` (ledger_head's answer, read with the order
    row locked) and its hash; not yet stored."""
    entry.sequence, entry.previous_hash = (head[0] + 1, head[1]) if head else (1, ledger.GENESIS)
    entry.recorded_at = timezone.now()
    entry.entry_hash = ledger.entry_hash(entry)
    return entry


def _append(*, order: SentenceOrder, entry: HoursEntry) -> HoursEntry:
    """Chain `entry` after the order's last entry and store it (the order row is locked first, so
    two writers never take the same sequence number)."""
    save_versioned(chained(entry, ledger_head(order.pk)), actor=entry.recorded_by)  # no history rows
    return entry


def _locked(order: SentenceOrder) -> SentenceOrder:
    """The order with its row locked (not its office's: writers of different orders never wait)."""
    return SentenceOrder.objects.select_for_update(of=("self",)).select_related("office").get(pk=order.pk)


def _day_minutes(order: SentenceOrder, day: date) -> int:
    return order.hours.filter(work_date=day).aggregate(total=Sum("credited_minutes"))["total"] or 0


def _balance(order: SentenceOrder) -> int:
    return order.hours.aggregate(total=Sum("credited_minutes"))["total"] or 0


def credited_minutes(*, start: datetime, end: datetime, break_minutes: int) -> int:
    """Credited minutes = end - start - breaks (whole minutes)."""
    return int((end - start).total_seconds() // 60) - break_minutes


def _work_entry(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> HoursEntry:
    """The unsaved ledger line for a session of work: date, start and end (in the office's time
    zone), breaks; `order` has its office loaded."""
    zone = ZoneInfo(order.office.time_zone)
    day: date = data["work_date"]
    start = datetime.combine(day, data["start"], tzinfo=zone)
    end = datetime.combine(day, data["end"], tzinfo=zone)
    breaks = int(data.get("break_minutes") or 0)
    return HoursEntry(
        office_id=order.office_id,
        order=order,
        kind=HoursEntry.Kind.WORK,
        site=data.get("site") or order.site,
        work_date=day,
        start_at=start,
        end_at=end,
        break_minutes=breaks,
        credited_minutes=credited_minutes(start=start, end=end, break_minutes=breaks),
        work_done=data.get("work_done") or "",
        recorded_by=actor,
    )


def work_problems(
    *, order: SentenceOrder, entry: HoursEntry, minutes_that_day: int, balance: int
) -> list[tuple[str, str]]:
    """The legal checks of a work entry against the order (read with its row locked), the minutes
    already credited on its day and the order's balance: (field, message) pairs, none when lawful."""
    day, minutes = entry.work_date, entry.credited_minutes
    problems: list[tuple[str, str]] = []
    if not order.is_community_service:
        problems.append(("__all__", _("Hours are kept only for community service.")))
    if order.status != SentenceOrder.Status.ACTIVE:
        problems.append(("__all__", _("Hours are credited only to an active order.")))
    if day < order.start_date or day > order.end_date:
        problems.append(
            (
                "work_date",
                _(
                    "The work must fall within the order's period, %(start)s to %(end)s (UU 1/2023 Art. 85(5))."
                )
                % {"start": order.start_date.isoformat(), "end": order.end_date.isoformat()},
            )
        )
    if day > order.office.today():
        problems.append(("work_date", _("Hours are credited after the work, not before.")))
    problems += rules.day_problems(credited_minutes=minutes, minutes_already_that_day=minutes_that_day)
    if minutes > 0 and balance + minutes > order.minutes_ordered:
        problems.append(
            ("end", _("This would credit more than the %(n)s hours ordered.") % {"n": order.hours_ordered})
        )
    if entry.site is not None and entry.site.office_id != order.office_id:
        problems.append(("site", _("Choose a site of this office.")))
    return problems


@transaction.atomic
def hours_work_add(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> HoursEntry:
    """Credit a session of work: date, start and end (in the office's time zone), breaks."""
    order = _locked(order)
    day: date = data["work_date"]
    return hours_work_append(
        actor=actor,
        order=order,
        data=data,
        head=ledger_head(order.pk),
        minutes_that_day=_day_minutes(order, day),
        balance=_balance(order),
    )


def hours_work_append(
    *,
    actor: User,
    order: SentenceOrder,
    data: dict[str, Any],
    head: tuple[int, str] | None,
    minutes_that_day: int,
    balance: int,
    store: bool = True,
) -> HoursEntry:
    """hours_work_add for a caller that holds the order's row lock and has read its ledger's head,
    the minutes of the entry's day and the balance itself (the site app's sync reads them once for
    a whole batch). The same legal checks: ValidationError, with nothing written, when unlawful.
    With store=False the checked, chained line is returned unsaved, for ledger_lines_store."""
    entry = chained(_work_entry(actor=actor, order=order, data=data), head)
    _raise(work_problems(order=order, entry=entry, minutes_that_day=minutes_that_day, balance=balance))
    if store:
        save_versioned(entry, actor=actor)  # a creation: the ledger keeps no history rows
    return entry


def ledger_lines_store(entries: list[HoursEntry]) -> list[HoursEntry]:
    """Store in one insert the lines hours_work_append(store=False) checked and chained (their
    orders' rows locked by the caller, in its transaction); each names its recorder. The ledger
    keeps no history rows, and nothing listens for its saves."""
    return HoursEntry.objects.bulk_create(entries)


@transaction.atomic
def hours_correction_add(*, actor: User, order: SentenceOrder, data: dict[str, Any]) -> HoursEntry:
    """A correction: a signed number of minutes with a reason, optionally naming the entry it corrects.
    The stored entries never change."""
    order = _locked(order)
    minutes = int(data.get("minutes") or 0)
    reason = (data.get("reason") or "").strip()
    corrected = data.get("corrects")
    problems: list[tuple[str, str]] = []
    if minutes == 0:
        problems.append(("minutes", _("A correction changes the balance by some minutes (plus or minus).")))
    if not reason:
        problems.append(("reason", _("Say why the hours are corrected.")))
    if corrected is not None and corrected.order_id != order.pk:
        problems.append(("corrects", _("Choose an entry of this order.")))
    balance = _balance(order)
    if balance + minutes < 0:
        problems.append(("minutes", _("The balance cannot fall below zero.")))
    if balance + minutes > order.minutes_ordered:
        problems.append(
            (
                "minutes",
                _("This would credit more than the %(n)s hours ordered.") % {"n": order.hours_ordered},
            )
        )
    day = corrected.work_date if corrected is not None else data.get("work_date") or order.office.today()
    if minutes > 0:
        problems += [
            ("minutes", message)
            for _field, message in rules.day_problems(
                credited_minutes=minutes, minutes_already_that_day=_day_minutes(order, day)
            )
        ]
    _raise(problems)
    entry = HoursEntry(
        office_id=order.office_id,
        order=order,
        kind=HoursEntry.Kind.CORRECTION,
        site=corrected.site if corrected is not None else None,
        work_date=day,
        credited_minutes=minutes,
        corrects=corrected,
        reason=reason,
        recorded_by=actor,
    )
    return _append(order=order, entry=entry)
