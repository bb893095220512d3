"""Community-sentence figures (issue 18, item 10): active orders, hours ordered against hours done,
completion and breach rates, by office, by partner and by service site, for office, Kanwil and
national viewers; and the sites to check.

Who sees what: the role table's "sentence_dashboard" rule says who may open the page; the offices it
covers are `Office.objects.visible_to(viewer)` (an office's heads their office, a Kanwil its region,
national viewers every office).

Small cells: beyond one office (Kanwil and national viewers) every count goes through
`core.suppression.suppress_table` with every printed sum as a line: each row's total of its
statuses, each column's total, and the nesting of the three tables (an office is the sum of its
partners and of its sites, a partner the sum of its sites), so no hidden count can be worked out by
subtracting visible ones, inside a table or across two. Hours are shown only where the row's number
of orders is shown (they follow its hidden cells, total included), and a rate only where both its
completed and in-breach counts are shown. An office's own staff read their own figures whole, as on
the office dashboard.

Cancelled orders are not counted. Completion and breach rates are shares of the orders that ended
(completed or in breach), hidden under 5 such orders (`dashboards.selectors.rate`).

Sites to check: people placed at the site complained about it through their own page (safety,
dignity, commercial use: person_models.PlacementComplaint; only the count is shown, never who or
what, and beyond one office a count under the small-cell threshold reads "fewer than 5"); its MoU is
missing or has ended (UU 1/2023 Art. 85(3) asks for non-commercial work under an agreement), or it
is run by a company (PT/CV), where the work may look commercial. A site's name names no person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.core.suppression import SMALL_CELL, is_small, suppress_table
from aksalarasa.dashboards.selectors import rate
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Partner
from aksalarasa.sentences.models import HoursEntry, PlacementComplaint, SentenceOrder, ServiceSite

STATUSES = ("active", "completed", "breach")
COLUMNS = (*STATUSES, "total")
NO_SITE = "none"  # orders not placed at a site yet
OWN_SITES = "own"  # sites without a partner (the office's Griya Abhipraya, public places)


def can_see_sentence_dashboard(user: User) -> bool:
    return can(user, "sentence_dashboard", "read")


@dataclass
class Row:
    """One printed row: counts of orders by status (None = hidden), hours and rates."""

    key: tuple
    label: str
    office: str = ""
    partner: str = ""
    active: int | None = 0
    completed: int | None = 0
    breach: int | None = 0
    total: int | None = 0
    hours_ordered: int | None = 0
    hours_done: float | None = 0
    completion_rate: float | None = None
    breach_rate: float | None = None
    flags: list[str] = field(default_factory=list)
    site_id: int | None = None


@dataclass
class SiteFlag:
    site: ServiceSite
    office: str
    reasons: list[str]


@dataclass
class SentenceDashboard:
    scope: str  # the office's name, the Kanwil's, or "all offices"
    suppressed: bool
    offices: list[Row]
    partners: list[Row]
    sites: list[Row]
    total: Row
    flagged: list[SiteFlag]
    as_of: datetime


@dataclass
class _Counts:
    active: int = 0
    completed: int = 0
    breach: int = 0
    hours_ordered: int = 0
    minutes_done: int = 0

    def add(self, other: _Counts) -> None:
        for name in ("active", "completed", "breach", "hours_ordered", "minutes_done"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def total(self) -> int:
        return self.active + self.completed + self.breach


# The kinds of a person's complaint that flag the site they name (person_models.PlacementComplaint).
COMPLAINT_KINDS = ("safety", "dignity", "commercial")


def complaint_counts(site_ids: Iterable[int]) -> dict[int, int]:
    """Per site, the complaints people placed there raised about it (safety, dignity, commercial
    use), open or handled; one query. Only counts leave here: never who complained, nor the text."""
    rows = (
        PlacementComplaint.objects.filter(site_id__in=list(site_ids), kind__in=COMPLAINT_KINDS)
        .values_list("site_id")
        .annotate(n=Count("pk"))
    )
    return {site_id: n for site_id, n in rows}


def complaint_flag(n: int, *, suppressed: bool) -> str:
    """The flag's words. Beyond one office a count under SMALL_CELL is not printed (it could point at
    the person who complained, on a site with few people placed): the flag says only "fewer than"."""
    if suppressed and is_small(n):
        return _("People placed here complained (safety, dignity or commercial use): fewer than %(k)s") % {
            "k": SMALL_CELL
        }
    return _("People placed here complained (safety, dignity or commercial use): %(n)s") % {"n": n}


def site_flags(site: ServiceSite, today: date, *, complaints: int = 0, suppressed: bool = False) -> list[str]:
    """Why a site needs a look (see the module's docstring); empty when none."""
    reasons = []
    if complaints:
        reasons.append(complaint_flag(complaints, suppressed=suppressed))
    if not site.mou_number or site.mou_end is None:
        reasons.append(_("No MoU on record"))
    elif site.mou_end < today:
        reasons.append(_("MoU ended"))
    partner = site.partner
    if partner is not None and partner.legal_form == Partner.LegalForm.COMPANY:
        reasons.append(_("Run by a company (PT/CV): check the work is not commercial"))
    return reasons


def _scope_label(viewer: User, offices: list[Office]) -> str:
    if viewer.is_superuser or viewer.role_national:
        return _("All offices")
    if viewer.role_regional and viewer.regional_office_id:
        return str(viewer.regional_office)
    return offices[0].name if offices else ""


def sentence_dashboard(*, viewer: User) -> SentenceDashboard:
    """The figures of the offices the viewer may see; a fixed number of queries."""
    offices = list(Office.objects.visible_to(viewer).select_related("regional_office").order_by("name"))
    office_ids = [o.pk for o in offices]
    suppressed = len(offices) > 1 or viewer.role_national or viewer.role_regional or viewer.is_superuser
    today = timezone.localdate()
    sites = list(
        ServiceSite.objects.filter(office_id__in=office_ids)
        .select_related("partner")
        .order_by("office_id", "name")
    )
    orders = SentenceOrder.objects.filter(office_id__in=office_ids).exclude(
        status=SentenceOrder.Status.CANCELLED
    )
    complained = complaint_counts(site.pk for site in sites)
    counts: dict[tuple[int, int | None], _Counts] = defaultdict(_Counts)  # (office, site) -> counts
    for office_id, site_id, status, n, hours in orders.values_list("office_id", "site_id", "status").annotate(
        n=Count("pk"), ordered=Sum("hours_ordered", default=0)
    ):
        c = counts[(office_id, site_id)]
        if status in STATUSES:
            setattr(c, status, getattr(c, status) + n)
        c.hours_ordered += hours or 0
    done = (
        HoursEntry.objects.filter(order__in=orders)
        .values_list("order__office_id", "order__site_id")
        .annotate(minutes=Sum("credited_minutes", default=0))
    )
    for office_id, site_id, minutes in done:
        counts[(office_id, site_id)].minutes_done += minutes or 0

    # The three nested tables: office > partner > site (with "own sites" and "no site yet").
    office_name = {o.pk: o.name for o in offices}
    site_rows: dict[tuple, _Counts] = {}
    partner_rows: dict[tuple, _Counts] = {}
    office_rows: dict[tuple, _Counts] = {("office", o.pk): _Counts() for o in offices}
    site_parent: dict[tuple, tuple] = {}
    partner_parent: dict[tuple, tuple] = {}
    labels: dict[tuple, tuple[str, str, str]] = {("office", o.pk): (o.name, "", "") for o in offices}
    site_by_key: dict[tuple, ServiceSite] = {}
    for site in sites:
        partner_key = (
            ("partner", site.partner_id) if site.partner_id else ("partner", OWN_SITES, site.office_id)
        )
        key: tuple = ("site", site.pk)
        site_rows[key] = counts.get((site.office_id, site.pk), _Counts())
        site_parent[key] = partner_key
        site_by_key[key] = site
        partner_rows.setdefault(partner_key, _Counts())
        partner_parent[partner_key] = ("office", site.office_id)
        partner_name = site.partner.name if site.partner else _("Office's own sites and public places")
        labels[partner_key] = (partner_name, office_name[site.office_id], "")
        labels[key] = (site.name, office_name[site.office_id], partner_name)
    for office in offices:
        unplaced = counts.get((office.pk, None))
        if unplaced is None:
            continue
        key, partner_key = ("site", NO_SITE, office.pk), ("partner", NO_SITE, office.pk)
        site_rows[key], site_parent[key] = unplaced, partner_key
        partner_rows[partner_key], partner_parent[partner_key] = _Counts(), ("office", office.pk)
        labels[key] = labels[partner_key] = (_("Not placed at a site yet"), office.name, "")
    for key, c in site_rows.items():
        partner_rows[site_parent[key]].add(c)
    for key, c in partner_rows.items():
        office_rows[partner_parent[key]].add(c)
    grand = _Counts()
    for c in office_rows.values():
        grand.add(c)
    everything = {**office_rows, **partner_rows, **site_rows, ("total",): grand}

    # One suppression over the three tables: every printed sum is a line.
    cells = {(key, col): (getattr(c, col)) for key, c in everything.items() for col in COLUMNS}
    lines: list[tuple[tuple, list[tuple]]] = []
    for key in everything:
        lines.append(((key, "total"), [(key, s) for s in STATUSES]))
    partners_of: dict[tuple, list[tuple]] = defaultdict(list)
    sites_of: dict[tuple, list[tuple]] = defaultdict(list)  # an office's or a partner's sites
    for partner_key, office_key in partner_parent.items():
        partners_of[office_key].append(partner_key)
    for site_key, partner_key in site_parent.items():
        sites_of[partner_key].append(site_key)
        sites_of[partner_parent[partner_key]].append(site_key)
    for col in COLUMNS:
        for level in (office_rows, partner_rows, site_rows):
            lines.append(((("total",), col), [(key, col) for key in level]))
        for office_key in office_rows:
            lines.append(((office_key, col), [(k, col) for k in partners_of[office_key]]))
            lines.append(((office_key, col), [(k, col) for k in sites_of[office_key]]))
        for partner_key in partner_rows:
            lines.append(((partner_key, col), [(k, col) for k in sites_of[partner_key]]))
    shown = suppress_table(cells, lines) if suppressed else dict(cells)

    def build(key: tuple) -> Row:
        c = everything[key]
        label, office, partner = labels.get(key, (_("Total"), "", ""))
        row = Row(key=key, label=label, office=office, partner=partner)
        for col in COLUMNS:
            setattr(row, col, shown[(key, col)])
        if row.total is not None:
            row.hours_ordered = c.hours_ordered
            row.hours_done = round(c.minutes_done / 60, 1)
        else:
            row.hours_ordered = row.hours_done = None
        if row.completed is not None and row.breach is not None:
            ended = c.completed + c.breach
            row.completion_rate, row.breach_rate = rate(c.completed, ended), rate(c.breach, ended)
        site = site_by_key.get(key)
        if site is not None:
            row.site_id = site.pk
            row.flags = site_flags(
                site, today, complaints=complained.get(site.pk, 0), suppressed=bool(suppressed)
            )
        return row

    flagged = [
        SiteFlag(site=site, office=office_name[site.office_id], reasons=reasons)
        for site in sites
        if (
            reasons := site_flags(
                site, today, complaints=complained.get(site.pk, 0), suppressed=bool(suppressed)
            )
        )
    ]
    return SentenceDashboard(
        scope=_scope_label(viewer, offices),
        suppressed=bool(suppressed),
        offices=[build(k) for k in office_rows],
        partners=[build(k) for k in _ordered(partner_rows, labels)],
        sites=[build(k) for k in _ordered(site_rows, labels)],
        total=build(("total",)),
        flagged=flagged,
        as_of=timezone.now(),
    )


def _ordered(rows: Iterable[tuple], labels: dict[tuple, tuple[str, str, str]]) -> list[tuple]:
    """By office, then by name, the "not placed" row last in its office."""
    return sorted(rows, key=lambda k: (labels[k][1], k[1] == NO_SITE, labels[k][0].casefold()))
