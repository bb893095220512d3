"""Reads of clients, supervision periods and Litmas. Every read takes the viewer and goes through
`visible_to(viewer)`; national and regional viewers get counts only, never identities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import can
from aksalarasa.clients.masking import can_see_identity, client_label, identity_condition
from aksalarasa.clients.models import Client, ImportRun, Litmas, OfficerAssignment, Supervision
from aksalarasa.core.suppression import suppress_table
from aksalarasa.offices.models import Office


def _current_period(field: str) -> Subquery:
    """A field of the client's current supervision period (latest-starting active, else latest)."""
    active = Supervision.objects.filter(client=OuterRef("pk"), status=Supervision.Status.ACTIVE)
    return Subquery(active.order_by("-start").values(field)[:1])


def _latest_period(field: str) -> Subquery:
    return Subquery(Supervision.objects.filter(client=OuterRef("pk")).order_by("-start").values(field)[:1])


def client_list(*, viewer: User, filters: dict | None = None) -> QuerySet[Client]:
    """The clients the viewer may see, with their current supervision period annotated.

    The officers come in a second statement for the rows read (prefetch), not in a join: joined,
    PostgreSQL hashed every user of the country before sorting the office's clients and keeping a
    page (3.3 of the client list's 7 ms on the national preset)."""
    from django.db.models.functions import Coalesce

    filters = filters or {}
    qs = (
        Client.objects.visible_to(viewer)
        .select_related("office", "regency")
        .prefetch_related("officer")
        .annotate(
            current_program=Coalesce(_current_period("program_type"), _latest_period("program_type")),
            current_status=Coalesce(_current_period("status"), _latest_period("status")),
            current_end=Coalesce(_current_period("end"), _latest_period("end")),
        )
    )
    if q := filters.get("q"):
        qs = qs.filter(search_condition(viewer=viewer, q=q.strip()))
    if category := filters.get("category"):
        qs = qs.filter(category=category)
    if officer := filters.get("officer"):
        qs = qs.filter(officer_id=officer)
    if status := filters.get("status"):
        qs = qs.filter(current_status__isnull=True) if status == "none" else qs.filter(current_status=status)
    if program := filters.get("program_type"):
        qs = qs.filter(current_program=program)
    if office := filters.get("office"):
        qs = qs.filter(office_id=office)
    from aksalarasa.clients.forms import ClientFilterForm

    order = ClientFilterForm.SORTS.get(filters.get("sort") or "name", "full_name")
    return qs.order_by(order, "pk")


def search_condition(*, viewer: User, q: str) -> Q:
    """A search by name, register number or NIK matches a client only where the viewer sees what was
    searched: names and register numbers of the clients whose identity they see, and of adults
    (shown by name to staff who see them at all; partner staff excepted, whose names depend on the
    referral); NIK only with full identity. A child outside the viewer's reach, or another office's
    client, answers like a key that exists nowhere (tests/test_lookups.py)."""
    identity = identity_condition(viewer)
    named = identity if viewer.role_partner_staff else identity | ~Q(category=Client.Category.CHILD)
    condition = (Q(full_name__icontains=q) | Q(register_number__icontains=q)) & named
    if q.isdigit():
        condition |= Q(nik__startswith=q) & identity
    return condition


def no_contact_candidate(*, viewer: User, client: Client, register_number: str) -> Client | None:
    """The client of `client`'s office with this register number that `viewer` may name in a
    no-contact order: anyone they may see, and any adult client of the office (a co-defendant
    supervised by another PK); a child client only for the child section (BKA) or their own PK.
    A child's number typed by anyone else answers as a number that exists nowhere."""
    reachable = Q(category=Client.Category.ADULT) | Q(pk__in=Client.objects.visible_to(viewer).values("pk"))
    if viewer.section == User.Section.CHILD:
        reachable |= Q(category=Client.Category.CHILD)
    return (
        Client.objects.filter(reachable, office_id=client.office_id, register_number=register_number)
        .exclude(pk=client.pk)
        .first()
    )


def client_get_for_viewer(*, viewer: User, pk: int) -> Client:
    """The client, or 404 for a client the viewer may not see (never 403: that would reveal it)."""
    client = (
        Client.objects.visible_to(viewer).select_related("office", "officer", "regency").filter(pk=pk).first()
    )
    if client is None:
        raise Http404
    return client


def client_detail_related(*, viewer: User, client: Client) -> dict:
    """The rows the detail page shows with the client: each a single query. A client named on the
    no-contact list is shown by the label `viewer` may see (a child's initials outside the child
    section)."""
    no_contacts = list(client.no_contacts.select_related("other_client").order_by("pk"))
    for entry in no_contacts:
        entry.other_label = client_label(entry.other_client, viewer) if entry.other_client else ""
    return {
        "supervisions": list(Supervision.objects.filter(client=client).order_by("-start")),
        "assignments": list(
            OfficerAssignment.objects.filter(client=client)
            .select_related("officer", "assigned_by")
            .order_by("-start")
        ),
        "litmas_list": list(
            Litmas.objects.filter(client=client).select_related("officer").order_by("-requested_on")
        ),
        "no_contacts": no_contacts,
    }


def supervision_list(*, viewer: User, client: Client | None = None) -> QuerySet[Supervision]:
    qs = Supervision.objects.visible_to(viewer).select_related("client")
    if client is not None:
        qs = qs.filter(client=client)
    return qs.order_by("-start", "pk")


def supervision_get_for_viewer(*, viewer: User, client: Client, pk: int) -> Supervision:
    supervision = Supervision.objects.visible_to(viewer).filter(client=client, pk=pk).first()
    if supervision is None:
        raise Http404
    return supervision


def litmas_list(*, viewer: User, filters: dict | None = None, today: date | None = None) -> QuerySet[Litmas]:
    """Litmas the viewer may see, overdue first, then open by due date, then submitted."""
    from django.db.models import BooleanField, Case, Value, When

    filters = filters or {}
    today = today or timezone.localdate()
    qs = Litmas.objects.visible_to(viewer).select_related("client", "officer", "client__office")
    if viewer.office_id and not (viewer.role_program_team or viewer.role_partner_staff):
        # Redundant with the scope (guidance staff see their own office's clients only), but it
        # lets the (office, submitted, due) index serve instead of a scan of the country's Litmas.
        qs = qs.filter(office_id=viewer.office_id)
    if section := filters.get("section"):
        qs = qs.filter(client__category=section)
    if officer := filters.get("officer"):
        qs = qs.filter(officer_id=officer)
    if filters.get("open"):
        qs = qs.filter(submitted_on__isnull=True)
    overdue = Case(
        When(submitted_on__isnull=True, due_date__lt=today, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    is_open = Case(
        When(submitted_on__isnull=True, then=Value(True)), default=Value(False), output_field=BooleanField()
    )
    return qs.annotate(is_overdue=overdue, is_open=is_open).order_by(
        "-is_overdue", "-is_open", "due_date", "pk"
    )


def litmas_get_for_viewer(*, viewer: User, pk: int) -> Litmas:
    litmas = Litmas.objects.visible_to(viewer).select_related("client", "officer").filter(pk=pk).first()
    if litmas is None:
        raise Http404
    return litmas


# --- who may do what (the views and the API ask these) -------------------------------------


def litmas_document_get(*, viewer: User, pk: int) -> Litmas:
    """A Litmas whose attached document `viewer` may download, else 404.

    The document is a case file that names the client: only the office's guidance staff who see
    the client's identity get it (never program team, partner staff or national and regional
    viewers, who may see a Litmas row at most), and never through a public /media/ address.
    """
    litmas = litmas_get_for_viewer(viewer=viewer, pk=pk)
    if not litmas.document or not can_see_identity(viewer, litmas.client):
        raise Http404
    return litmas


def can_create_client(viewer: User) -> bool:
    return bool(viewer.office_id) and can(viewer, "client", "create")


def can_edit_client(viewer: User, client: Client) -> bool:
    """Own-office guidance staff who can see the client (scoping already applied by the caller)."""
    return can_see_identity(viewer, client) and client.anonymised_at is None


def can_reassign(viewer: User, client: Client) -> bool:
    if viewer.is_superuser:
        return True
    if viewer.office_id != client.office_id:
        return False
    return viewer.role_office_head or (viewer.role_section_head and viewer.section == client.category)


def can_subject_export(viewer: User, client: Client) -> bool:
    """A data-subject access export: the office head or the client's officer."""
    if viewer.is_superuser:
        return True
    return viewer.office_id == client.office_id and (
        viewer.role_office_head or (viewer.role_officer and client.officer_id == viewer.pk)
    )


def office_officers(*, office_id: int, section: str = "") -> list[tuple[int, str]]:
    """Active probation officers of an office (optionally of one section) as form choices."""
    qs = User.objects.filter(office_id=office_id, role_officer=True, is_active=True)
    if section:
        qs = qs.filter(section=section)
    return list(qs.order_by("full_name").values_list("pk", "full_name"))


def reassign_targets(*, viewer: User, client: Client) -> list[tuple[int, str]]:
    """Section heads reassign within their section; office heads (and superusers) anywhere in the office."""
    if viewer.is_superuser or viewer.role_office_head:
        return office_officers(office_id=client.office_id)
    return office_officers(office_id=client.office_id, section=client.category)


def officer_choices_for(*, viewer: User) -> list[tuple[int, str]]:
    """Officers the viewer may pick when creating or filtering: an officer-only user picks themselves."""
    if not viewer.office_id:
        return []
    if viewer.is_superuser or viewer.role_office_head:
        return office_officers(office_id=viewer.office_id)
    if viewer.role_section_head:
        return office_officers(office_id=viewer.office_id, section=viewer.section)
    return [(viewer.pk, viewer.full_name)] if viewer.role_officer else []


# --- counts only, for national and regional viewers -----------------------------------------


@dataclass(frozen=True)
class OfficeCounts:
    office: Office
    total: int | None
    by_category: dict[str, int | None]
    by_program: dict[str, int | None]


def client_counts(*, viewer: User) -> list[OfficeCounts]:
    """Active clients per office, category and program type, cells under 5 suppressed (None).

    Offices come from `Office.objects.visible_to(viewer)`; no client row or name is read out. Two
    aggregate queries whatever the number of offices.
    """
    offices = list(Office.objects.visible_to(viewer).order_by("name"))
    ids = [o.pk for o in offices]
    active = Q(supervisions__status=Supervision.Status.ACTIVE)
    cat_rows = (
        Client.objects.filter(office_id__in=ids, anonymised_at__isnull=True)
        .filter(active)
        .values("office_id", "category")
        .annotate(n=Count("pk", distinct=True))
    )
    prog_rows = (
        Supervision.objects.filter(office_id__in=ids, status=Supervision.Status.ACTIVE)
        .values("office_id", "program_type")
        .annotate(n=Count("client_id", distinct=True))
    )
    cats: dict[int, dict[str, int]] = defaultdict(dict)
    for row in cat_rows:
        cats[row["office_id"]][row["category"]] = row["n"]
    progs: dict[int, dict[str, int]] = defaultdict(dict)
    for prog in prog_rows:
        progs[prog["office_id"]][prog["program_type"]] = prog["n"]
    result = []
    for office in offices:
        cells: dict[tuple[str, str], int] = {("total", ""): sum(cats[office.pk].values())}
        cells |= {("category", c): cats[office.pk].get(c, 0) for c in Client.Category.values}
        cells |= {("program", p): progs[office.pk].get(p, 0) for p in Supervision.ProgramType.values}
        shown = suppress_table(
            cells,
            [
                (("total", ""), [k for k in cells if k[0] == "category"]),
                (("total", ""), [k for k in cells if k[0] == "program"]),
            ],
        )
        result.append(
            OfficeCounts(
                office=office,
                total=shown[("total", "")],
                by_category={k: n for (kind, k), n in shown.items() if kind == "category"},
                by_program={k: n for (kind, k), n in shown.items() if kind == "program"},
            )
        )
    return result


def can_see_counts(viewer: User) -> bool:
    return viewer.is_authenticated and (viewer.is_superuser or viewer.role_national or viewer.role_regional)


# --- form helpers -------------------------------------------------------------------------------


def register_numbers_taken(*, office_id: int, candidate: str, exclude_pk: int | None = None) -> set[str]:
    """{candidate} if another client of the office already has this register number, else empty."""
    if not candidate:
        return set()
    qs = Client.objects.filter(office_id=office_id, register_number=candidate)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return {candidate} if qs.exists() else set()


def office_work_area(*, office_id: int) -> set[str]:
    return set(Office.objects.get(pk=office_id).work_area.values_list("code", flat=True))


def client_initial(*, client: Client) -> dict:
    from aksalarasa.clients.services import CLIENT_FIELDS

    initial = {name: getattr(client, name) for name in CLIENT_FIELDS if name != "regency_id"}
    initial["regency"] = client.regency_id or ""
    return initial


def section_mismatch(*, viewer: User, birth_date: date) -> str | None:
    """A section head who is not also office head registers clients of their own section only."""
    from django.utils.translation import gettext as _

    from aksalarasa.clients import rules

    if viewer.is_superuser or viewer.role_office_head or not viewer.role_section_head:
        return None
    category = rules.category_for(birth_date, timezone.localdate())
    if viewer.section and category != viewer.section:
        if category == "child":
            return _("This is a child client: the child section (BKA) registers them.")
        return _("This is an adult client: the adult section (BKD) registers them.")
    return None


def import_run_get(*, viewer: User, token: str) -> ImportRun:
    """The viewer's own import run (the page polls its progress). Anyone else's run, and a token
    that was never used, raise the same 404: the answer tells nothing about other people's imports
    (while the upload is still running the page keeps its "Checking rows…" text: htmx swaps 2xx
    answers only)."""
    run = ImportRun.objects.filter(token=token[:40], user=viewer).first()
    if run is None:
        raise Http404
    return run
