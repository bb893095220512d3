"""Property-based fuzzing of every API operation, as every role (schemathesis over the WSGI app).

What it does
------------
* The world: the `tiny` preset of the synthetic generator (two offices in two regions with every
  record type and state), plus what the generator leaves out (a guidance group, MPA participants,
  event teams, an office questionnaire, a community-sentence site and order). It is built once per module inside a transaction that is
  rolled back at the end.
* The actors: one personal API token per role of office A (national and regional viewers, office
  head, both section heads, an adult-section and a child-section PK, program team, partner staff,
  administrator) and the head of office B, in another region. The fuzz runs once per actor
  (parametrized); each actor's run is one savepoint, rolled back afterwards, so actors do not see
  each other's writes (an actor's own writes do accumulate across its operations).
* Aiming: schemathesis generates every operation's path, query and body from the OpenAPI document;
  `_aim` then points, with probabilities drawn by Hypothesis (so shrinking and replay work), each
  id at a real row: coherent sets of path ids (an assessment of that program, a card of that
  workshop, a row of that event's part) of office A, of office B, a mix of the two, an id that
  exists nowhere, or the generated value left as it is. Ids inside bodies and queries (client_id,
  service_id, session_id, item_ids, program, ...) are aimed the same way, and a body's `version`
  is often set to the target's current version, so the requests get past "not found" and "stale"
  into validation, saving and scoping.
* Seeds: before its generated cases, each of the partner's three referral operations (accept,
  record a session, report) is sent valid, with the legal next state and the current version, for
  the partner staff's own referrals, as every actor (a property test's explicit examples): random
  bodies almost never hit that one legal combination, and the fuzz had saved nothing as partner staff.
* Checks for every answer: no 5xx, a status code the operation documents, the documented content
  type, a body matching the documented schema. After each actor's run: no row of an office the
  actor may not see changed, appeared or disappeared (a hash of every row of every table that
  belongs to an office, through its foreign keys to `Office`), and for viewers that may only read
  an office (national, regional), nothing of it changed but the access log.

The numbers
-----------
131 operations x 13 actors = 1,703 runs. FUZZ_EXAMPLES (default 6) examples per operation and actor
give about 10,000 requests; one request with its checks costs about 15 ms here, so each database
pass takes about two and a half minutes of the `make test` budget (the SQLite and PostgreSQL passes
run side by side). Depth comes from aiming, not from numbers: six aimed examples reach more code
than the 25 unaimed ones before. Runs are derandomized (Hypothesis derives its choices from the
test), so a failure reproduces on the next run; raise FUZZ_EXAMPLES locally (e.g. 50) for a deeper,
still reproducible, search.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, models
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aksalarasa.accounts import services as account_services
from aksalarasa.accounts.models import User
from aksalarasa.offices.models import Office
from config.wsgi import application
from tests.scale_world import tiny_world

pytestmark = pytest.mark.django_db  # each actor's run in a savepoint of the module's world transaction

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
MISSING_ID = 987654321
LIMIT = 12  # real rows per object type and office to aim at
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# Loaded once at collection (the schema is static; pytest-django has set Django up by then).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


# --- The actors ------------------------------------------------------------------------------
# actor -> (username in the `tiny` world, offices it may see: the others must not change at all)
ACTORS: dict[str, str] = {
    "national": "scale.national",
    "regional": "",  # the viewer of office A's region
    "office_head": "s000.kabapas",
    "section_head_adult": "s000.kasi.bkd",
    "section_head_child": "s000.kasi.bka",
    "officer_adult": "",  # the first adult-section PK of office A
    "officer_child": "",  # the first child-section PK of office A
    "program_team": "s000.tim",
    "partner_staff": "s000.mitra",
    "admin": "s000.admin",
    "other_office_head": "s001.kabapas",
}
# Write operations that must have saved something at least once in a run (a floor that catches an
# aiming that stopped working; measured with the default FUZZ_EXAMPLES, minus a margin).
REACH = {"office_head": 15, "officer_adult": 3, "partner_staff": 2}
READ_ONLY = {"national": ("A", "B"), "regional": ("A",)}  # offices a viewer reads but never changes


# --- Which office a row belongs to -------------------------------------------------------------
def office_path(model: type[models.Model], depth: int = 0) -> str | None:
    """The lookup from `model` to the Office its rows belong to, or None: a direct `office` key, else
    the shortest path through the records it belongs to. A key to a person (created_by, officer,
    history_user) says who did something, not whose record it is: it is followed only when the
    model has no other way to an office (a personal token). A history row belongs where the
    record it copies does."""
    if model is Office:
        return "pk"
    original = getattr(model, "instance_type", None)  # django-simple-history's historical model
    if original is not None and depth == 0:
        path = office_path(original)
        return "id" if path == "pk" else path
    if depth > 3:
        return None
    fks = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.name != "history_user"
    ]
    for f in fks:
        if f.related_model is Office:
            return f.name
    best: str | None = None
    for people in (False, True):
        for f in fks:
            if f.related_model is model or (f.related_model is User) != people:
                continue
            inner = office_path(f.related_model, depth + 1)
            if inner is not None:
                candidate = f"{f.name}__{inner}"
                if best is None or candidate.count("__") < best.count("__"):
                    best = candidate
        if best is not None:
            return best
    return None


def office_owned_models() -> list[tuple[type[models.Model], str]]:
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model._meta.app_label in {"sessions", "admin", "contenttypes"}:
            continue
        path = office_path(model)
        if path is not None:
            out.append((model, path))
    return out


# Written by whoever holds a person's private link, whatever the caller's role: a complaint raised
# through the own view's token (no API operation of staff writes these; the Kasi answers on the page).
PUBLIC_WRITES = frozenset({"sentences.PlacementComplaint", "sentences.HistoricalPlacementComplaint"})


def snapshot(office: Office, *, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """A hash of every row of every office-owned table that belongs to `office`, per model."""
    digest: dict[str, str] = {}
    for model, path in office_owned_models():
        label = model._meta.label
        if label in skip or label in PUBLIC_WRITES:
            continue
        names = [f.attname for f in model._meta.concrete_fields]
        rows = model._base_manager.filter(**{path: office.pk}).order_by("pk").values_list(*names)
        digest[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


def cross_links(offices: dict[str, Office]) -> dict[str, int]:
    """How many rows of one office point (by a foreign key) at a record of the other office, per
    model and key: a write must never tie office A's records to office B's."""
    owned = dict(office_owned_models())
    counts: dict[str, int] = {}
    for model, path in owned.items():
        for f in model._meta.concrete_fields:
            target = f.related_model if isinstance(f, models.ForeignKey) else None
            if target is None or target is Office or target not in owned or f.name == "history_user":
                continue
            if path == f.name or path.startswith(f"{f.name}__"):
                continue  # the key the row belongs to its office through
            inner = owned[target]
            for own, other in (("A", "B"), ("B", "A")):
                lookup = f"{f.name}__{inner}" if inner != "pk" else f.name
                n = model._base_manager.filter(**{path: offices[own].pk, lookup: offices[other].pk}).count()
                counts[f"{model._meta.label}.{f.name} {own}->{other}"] = n
    return counts


# --- The world ---------------------------------------------------------------------------------
@dataclass
class World:
    offices: dict[str, Office]
    tokens: dict[str, str]
    users: dict[str, User]
    ids: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)  # (kind, A|B) -> rows


def _aim_tables() -> dict[str, tuple[str, dict[str, str]]]:
    """Object kind -> (model label, {path parameter: lookup from the model}). The first entry of
    the mapping names the kind's own id; the others its parents (coherent with it)."""
    return {
        "office": ("offices.Office", {"office_id": "pk"}),
        "client": ("clients.Client", {"client_id": "pk"}),
        "litmas": ("clients.Litmas", {"litmas_id": "pk"}),
        "session": ("guidance.GuidanceSession", {"session_id": "pk"}),
        "group": ("guidance.GuidanceGroup", {"group_id": "pk"}),
        "partner": ("partners.Partner", {"partner_id": "pk"}),
        "service": ("partners.PartnerService", {"service_id": "pk"}),
        "referral": ("partners.Referral", {"referral_id": "pk"}),
        "program": ("programs.Program", {"program_id": "pk"}),
        "assessment": ("programs.Assessment", {"assessment_id": "pk", "program_id": "program_id"}),
        "assessment_item": (
            "programs.AssessmentItem",
            {"item_id": "pk", "assessment_id": "assessment_id", "program_id": "assessment__program_id"},
        ),
        "workshop": ("programs.PlanningWorkshop", {"workshop_id": "pk", "program_id": "program_id"}),
        "cluster": (
            "programs.Cluster",
            {"cluster_id": "pk", "workshop_id": "workshop_id", "program_id": "workshop__program_id"},
        ),
        "card": (
            "programs.Card",
            {"card_id": "pk", "workshop_id": "workshop_id", "program_id": "workshop__program_id"},
        ),
        "contacts": ("programs.Contact", {"record_id": "pk", "program_id": "program_id"}),
        "partners": ("programs.ProgramPartner", {"record_id": "pk", "program_id": "program_id"}),
        "groups": ("programs.StakeholderGroup", {"record_id": "pk", "program_id": "program_id"}),
        "closing-activities": ("programs.ClosingActivity", {"record_id": "pk", "program_id": "program_id"}),
        "actions": ("programs.PlanAction", {"record_id": "pk", "program_id": "plan__program_id"}),
        "event": ("events.Event", {"event_id": "pk"}),
        "checklist": ("events.ChecklistItem", {"item_id": "pk", "event_id": "event_id"}),
        "roles": ("events.EventRole", {"item_id": "pk", "event_id": "event_id"}),
        "agenda": ("events.AgendaItem", {"item_id": "pk", "event_id": "event_id"}),
        "handed": ("events.HandedItem", {"item_id": "pk", "event_id": "event_id"}),
        "registration": ("events.Registration", {"registration_id": "pk", "event_id": "event_id"}),
        "team": ("events.Team", {"team_id": "pk", "event_id": "event_id"}),
        "administration": ("evidence.Administration", {"pk": "pk", "program_id": "program_id"}),
        "instrument_version": ("evidence.InstrumentVersion", {"instrument_version": "pk"}),
        "staff": ("accounts.User", {"user_id": "pk"}),
        "order": ("sentences.SentenceOrder", {"order_id": "pk"}),
        "site": ("sentences.ServiceSite", {"site_id": "pk"}),
        "planned": ("sentences.PlannedSession", {"planned_id": "pk"}),
        "unavailable": ("sentences.UnavailableTime", {"unavailable_id": "pk"}),
        "compliance_event": ("sentences.ComplianceEvent", {"compliance_event_id": "pk"}),
        "sentence_letter": ("sentences.SentenceLetter", {"letter_id": "pk"}),
        "visit": ("sentences.SiteVisit", {"visit_id": "client_uuid"}),
        # The person's private link: only its hash is stored, so the world keeps the tokens it
        # issued (_world replaces these rows with them).
        "own_link": ("sentences.PersonLink", {"token": "token_hash"}),
        "invitation": ("events.Invitation", {"invitation_id": "pk"}),
    }


AIM = _aim_tables()
RECORD_KINDS = ("contacts", "partners", "groups", "closing-activities", "actions")
PARTS = ("checklist", "roles", "agenda", "handed")
# Body and query fields holding ids -> object kind.
ID_FIELDS = {
    "client_id": "client",
    "client": "client",
    "client_ids": "client",
    "other_ids": "client",
    "officer": "staff",
    "officer_id": "staff",
    "user_id": "staff",
    "service_id": "service",
    "session_id": "session",
    "referral_id": "referral",
    "registration_id": "registration",
    "team_id": "team",
    "item_id": "assessment_item",
    "item_ids": "assessment_item",
    "cluster_id": "cluster",
    "program": "program",
    "event": "event",
    "partner": "partner",
    "instrument_version": "instrument_version",
    "site_id": "site",
    "site": "site",
    "partner_id": "partner",
    "supervisor_ids": "staff",
}


# Operations whose body is a free-form object checked by the page's form: a valid body to start
# from (the generated keys are laid over it, and some of its values are replaced by fuzz), so that
# these operations reach saving too. Keyed by (method, path[, part or record kind]).
TEMPLATES: dict[tuple[str, ...], dict[str, Any]] = {
    ("POST", "/api/v1/clients"): {
        "register_number": "FZ-0001", "full_name": "Klien Fuzz", "sex": "M", "birth_date": "1990-05-17",
        "officer": 0, "consent_community": True,
    },
    ("POST", "/api/v1/clients/{client_id}/supervisions"): {
        "program_type": "pb", "start": "2026-01-05", "end": "2026-12-31", "status": "active",
    },
    ("POST", "/api/v1/programs/{program_id}/events"): {
        "name": "Kegiatan fuzz", "theme": "Uji", "place": "Balai banjar", "start": "2026-12-20T09:00",
        "end": "2026-12-20T11:00", "capacity": 30, "registration_open": True,
    },
    ("POST", "/api/v1/events/{event_id}/agenda"): {"position": 0, "starts_at": "09:00", "title": "Sesi fuzz"},
    ("agenda",): {"position": 0, "starts_at": "09:00", "ends_at": "09:30", "title": "Sesi fuzz", "lead": ""},
    ("POST", "/api/v1/sentences/sites"): {
        "name": "Lokasi fuzz", "kind": "public_place", "address": "Jl. Pantai", "regency": "51.71",
        "work_kinds": "kebersihan", "capacity_per_day": 4, "opening_days": [1, 2, 3], "opens_at": "08:00",
        "closes_at": "15:00", "non_commercial": True,
    },
    ("PUT", "/api/v1/sentences/sites/{site_id}"): {
        "name": "Lokasi fuzz", "kind": "public_place", "address": "Jl. Pantai", "regency": "51.71",
        "work_kinds": "kebersihan", "capacity_per_day": 4, "opening_days": [1, 2, 3], "opens_at": "08:00",
        "closes_at": "15:00", "non_commercial": True, "version": 1,
    },
    ("PUT", "/api/v1/sentences/orders/{order_id}"): {
        "sentence_type": "community_service", "court": "PN Denpasar", "case_number": "1/Pid.B/2026/FZ",
        "case_registered_on": "2026-09-01", "decision_number": "1/Pid.B/2026/FZ/Put",
        "decision_date": "2026-10-01", "article": "Pasal 476", "threatened_months": 36, "hours_ordered": 120,
        "hours_per_day": 4, "period_months": 6, "start_date": "2026-10-15", "replaced_prison_days": 90,
        "prosecutor_office": "Kejari Denpasar", "status": "active", "version": 1,
    },
    ("checklist",): {"kind": "venue", "title": "Kursi", "owner": "Tim", "done": False},
    ("roles",): {"kind": "mc", "person": "Pembawa acara"},
    ("handed",): {"item": "Kaos", "quantity": 2, "recipient": "Peserta"},
    ("contacts",): {
        "kind": "contact", "date": "2026-06-01", "people": "Kepala desa", "institution": "Desa",
        "stakeholder_role": "", "purpose": "Perkenalan", "agreement": "",
    },
    ("partners",): {"partner": 0, "name": "", "role": "Pelatih"},
    ("groups",): {"kind": "interest", "name": "Pemuda", "description": ""},
    ("closing-activities",): {"date": "2026-07-01", "description": "Penutupan"},
    ("actions",): {"title": "Langkah", "owner": "Tim", "due": "2026-07-01", "resources": "", "cost": 0, "hours": 1},
}  # fmt: skip
TEMPLATE_PATHS = {
    "/api/v1/programs/{program_id}/records/{kind}": "kind",
    "/api/v1/events/{event_id}/parts/{part}": "part",
    "/api/v1/events/{event_id}/parts/{part}/{item_id}": "part",
}


def _template(case) -> dict[str, Any] | None:
    method, path = case.operation.method.upper(), case.operation.path
    if path in TEMPLATE_PATHS:
        return TEMPLATES.get((str(case.path_parameters.get(TEMPLATE_PATHS[path])),))
    return TEMPLATES.get((method, path))


FUZZ_VALUE = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.none(),
    st.booleans(),
    st.sampled_from(["", "2026-13-40", "25:61"]),
)


def _from_template(case, data) -> None:
    """Half of the time, start a free-form body from a valid one: the generated keys are laid over
    it, and each of its values is replaced by a fuzzed one with a chance of one in four."""
    template = _template(case)
    if template is None or not isinstance(case.body, dict) or not data.draw(st.booleans()):
        return
    body = dict(template)
    for name in body:
        if data.draw(st.integers(0, 3)) == 0:
            body[name] = data.draw(FUZZ_VALUE)
    body.update(case.body)
    if "register_number" in body and body["register_number"] == template.get("register_number"):
        body["register_number"] = f"FZ-{data.draw(st.integers(0, 99999)):05d}"
    case.body = body


def _rows(kind: str, office: Office) -> list[dict[str, Any]]:
    label, params = AIM[kind]
    model = apps.get_model(label)
    path = office_path(model)
    qs = model._base_manager.all()
    if kind == "instrument_version":  # the shared default questionnaires and the office's own
        qs = qs.filter(models.Q(instrument__office=office) | models.Q(instrument__office__isnull=True))
    else:
        qs = qs.filter(**{path: office.pk})
    values = qs.order_by("pk").values_list(*params.values())[:LIMIT]
    return [dict(zip(params, row, strict=True)) for row in values]


OWN_TOKENS: dict[int, str] = {}  # office id -> the raw token of its person's link (_extras)


def _extras(office: Office) -> None:
    """Records the generator does not make: a guidance group, MPA participants, event teams and an
    office questionnaire with a draft version."""
    from aksalarasa.clients.models import Client
    from aksalarasa.events import services as event_services
    from aksalarasa.events.models import Event
    from aksalarasa.evidence.models import Instrument, InstrumentVersion, Item, Subscale
    from aksalarasa.guidance import services as guidance_services
    from aksalarasa.programs import services as program_services
    from aksalarasa.programs.models import Assessment

    officer = (
        User.objects.filter(office=office, role_officer=True, section="adult", clients__isnull=False)
        .order_by("username")
        .first()
    )
    assert officer is not None
    clients = list(
        Client.objects.filter(officer=officer, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )[:2]
    guidance_services.group_create(
        actor=officer,
        title="Kelompok fuzz",
        kind="personality",
        place="office",
        scheduled_at=Event.objects.order_by("pk").first().start,  # type: ignore[union-attr]
        participants=clients,
    )
    for assessment in Assessment.objects.filter(program__office=office).order_by("pk")[:2]:
        program_services.assessment_participant_add(
            assessment=assessment, name="Peserta", group="client", sex="f"
        )
    head = User.objects.get(office=office, role_office_head=True)
    for event in (
        Event.objects.filter(office=office, registrations__isnull=False).distinct().order_by("pk")[:2]
    ):
        event_services.teams_form(event=event, actor=head, team_count=2)
    # An invitation to an event for one of the PK's clients, waiting for the PK.
    from aksalarasa.events.models import Invitation

    invited = Event.objects.filter(office=office).order_by("pk").first()
    Invitation.objects.create(
        office=office, event=invited, client_id=clients[0], officer=officer, requested_by=head
    )
    # Community sentences: a service site and an order for one of the PK's clients.
    from tests.factories import make_order, make_site

    site = make_site(office, actor=head)
    order = make_order(Client.objects.get(pk=clients[0]), actor=head, site=site)
    # Its work plan: a planned session on the period's last day and a declared unavailable time.
    from aksalarasa.sentences.models import PlannedSession, UnavailableTime

    PlannedSession.objects.create(
        office=office, order=order, site=site, day=order.end_date, starts_at=time(8), ends_at=time(10),
        created_by=head,
    )  # fmt: skip
    UnavailableTime.objects.create(
        office=office, order=order, weekday="1", starts_at=time(7), ends_at=time(8), reason="work"
    )
    # A non-compliance event and a warning letter about it (compliance_api.py aims at both).
    from aksalarasa.sentences import compliance_services

    event = compliance_services.compliance_event_record(
        actor=head, order=order,
        data={"kind": "absence", "occurred_on": order.start_date, "valid_reason": False, "evidence_note": "Fuzz"},
    )  # fmt: skip
    compliance_services.warning_letter_create(actor=head, order=order, event=event)
    # The person's private link (the own-view operations aim at its token).
    from aksalarasa.sentences import person

    OWN_TOKENS[office.pk] = person.link_issue(actor=head, order=order)
    # An entry from the site's phone app (a conflict: no PIN), for the photo upload to aim at.
    import datetime
    import uuid

    from aksalarasa.sentences.supervisor import services as supervisor_services

    supervisor_services.visit_sync_one(
        actor=head, order=order,
        item={"id": uuid.uuid4(), "order_id": order.pk, "site_id": site.pk, "work_date": order.start_date,
              "attendance": "arrived", "start": datetime.time(8), "end": datetime.time(10), "break_minutes": 0},
    )  # fmt: skip
    instrument = Instrument.objects.create(
        key=f"fuzz-{office.pk}", office=office, name_id="Angket", name_en="Form", audience="client"
    )
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=1, label_min_id="Tidak", label_min_en="No", label_max_id="Ya",
        label_max_en="Yes",
    )  # fmt: skip
    subscale = Subscale.objects.create(
        instrument_version=version, key="umum", name_id="Umum", name_en="General"
    )
    Item.objects.create(
        instrument_version=version, subscale=subscale, key="b1", text_id="Butir", text_en="Item"
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built unscoped (conftest's runtest wrapper covers fixture setup); requests run scoped."""
    yield from tiny_world(django_db_blocker, 11, _world)


def _world() -> World:
    office_a, office_b = Office.objects.filter(code__startswith="scale-").order_by("code")
    assert office_a.regional_office_id != office_b.regional_office_id
    offices = {"A": office_a, "B": office_b}
    for office in (office_a, office_b):
        _extras(office)
    staff_a = User.objects.filter(office=office_a)
    users: dict[str, User] = {}
    for actor, username in ACTORS.items():
        if username:
            users[actor] = User.objects.get(username=username)
    users["regional"] = User.objects.get(role_regional=True, regional_office=office_a.regional_office)
    users["officer_adult"] = staff_a.filter(role_officer=True, section="adult").order_by("username").first()  # type: ignore[assignment]
    # The generator's small offices have no child-section PK: one takes over office A's child clients.
    from aksalarasa.clients.models import Client

    users["officer_child"] = User.objects.create(
        username="fuzz.pk.bka", full_name="PK Anak Fuzz", office=office_a, role_officer=True, section="child",
        officer_grade="muda",
    )  # fmt: skip
    Client.objects.filter(office=office_a, category="child").update(officer=users["officer_child"])
    tokens = {
        actor: account_services.api_token_create(user=user, name="fuzz")[1] for actor, user in users.items()
    }
    w = World(offices=offices, tokens=tokens, users=users)
    for kind in AIM:
        for key, office in offices.items():
            w.ids[(kind, key)] = _rows(kind, office)
        assert w.ids[(kind, "A")] or w.ids[(kind, "B")], f"the fuzz world has no {kind}"
    w.ids[("partner_referral", "A")] = _partner_referrals(users["partner_staff"])
    for key, office in offices.items():
        w.ids[("own_link", key)] = [{"token": OWN_TOKENS[office.pk]}]
    return w


def _partner_referrals(user: User) -> list[dict[str, Any]]:
    """Referrals to the partner staff's own organisation, two in each state it acts in (sent: accept
    or decline; accepted and in progress: sessions, the report): the seeds' targets."""
    from aksalarasa.partners.models import Referral

    mine = Referral.objects.filter(service__partner__memberships__user=user)
    rows = []
    for status in ("sent", "accepted", "in_progress"):
        rows += list(mine.filter(status=status).order_by("pk").values_list("pk", flat=True)[:2])
    assert rows, "the partner staff of the fuzz world has no referral to act on"
    return [{"referral_id": pk} for pk in rows]


# --- Aiming a generated case at real rows ------------------------------------------------------
def _path_kind(case) -> str | None:
    """The object kind whose ids (and parents') fill the operation's path."""
    names = list(case.path_parameters or {})
    if not names:
        return None
    if "record_id" in names:
        kind = str(case.path_parameters.get("kind"))
        return kind if kind in RECORD_KINDS else "contacts"
    if "item_id" in names:
        part = str(case.path_parameters.get("part"))
        return part if part in PARTS else "agenda"
    leaf = names[-1] if names[-1] not in ("kind", "part") else names[-2]
    for kind, (_label, params) in AIM.items():
        if next(iter(params)) == leaf:
            return kind
    raise AssertionError(f"{case.operation.label}: no object kind for path parameter {leaf}")


def _pick(data, world: World, kind: str, where: str) -> dict[str, Any]:
    rows = world.ids[(kind, where)] or world.ids[(kind, "B" if where == "A" else "A")]
    return data.draw(st.sampled_from(rows))


def _aim(case, data, world: World) -> None:
    kind = _path_kind(case)
    if kind is not None:
        where = data.draw(st.sampled_from(["A", "A", "A", "B", "B", "mixed", "missing", "generated"]))
        if where in ("A", "B"):
            chosen = _pick(data, world, kind, where)
        elif where == "mixed":  # the leaf of one office under the parents of the other
            chosen = {
                **_pick(data, world, kind, "B"),
                **{k: v for k, v in _pick(data, world, kind, "A").items() if k != next(iter(AIM[kind][1]))},
            }
        elif where == "missing":
            chosen = {next(iter(AIM[kind][1])): MISSING_ID}
        else:
            chosen = {}
        for name, value in chosen.items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
        if "record_id" in case.path_parameters and where in ("A", "B", "mixed"):
            case.path_parameters["kind"] = kind
        if "item_id" in case.path_parameters and where in ("A", "B", "mixed"):
            case.path_parameters["part"] = kind
        elif "part" in case.path_parameters and data.draw(st.booleans()):
            case.path_parameters["part"] = data.draw(st.sampled_from(PARTS))
    _from_template(case, data)
    for container in (case.query, case.body):
        _aim_ids(container, data, world)
    _aim_version(case, data, kind)


def _aim_ids(container: Any, data, world: World) -> None:
    """Point id fields of a body or query (and of the dicts in its lists) at real rows, often."""
    if isinstance(container, list):
        for entry in container:
            _aim_ids(entry, data, world)
        return
    if not isinstance(container, dict):
        return
    for name in list(container):
        value = container[name]
        kind = ID_FIELDS.get(name)
        if kind is not None and data.draw(st.integers(0, 3)) > 0:
            where = data.draw(st.sampled_from(["A", "A", "B"]))
            real = st.sampled_from(world.ids[(kind, where)] or world.ids[(kind, "A")]).map(
                lambda row: next(iter(row.values()))
            )
            if isinstance(value, list):
                container[name] = data.draw(st.lists(real, max_size=4))
            elif isinstance(value, int | str) or value is None:
                container[name] = data.draw(real)
        elif isinstance(value, list | dict):
            _aim_ids(value, data, world)
    if "session_id" in container and "version" in container and isinstance(container["session_id"], int):
        _set_version(container, "guidance.GuidanceSession", container["session_id"], data)


def _set_version(body: dict, label: str, pk: Any, data) -> None:
    if not data.draw(st.booleans()):
        return
    try:
        version = (
            apps.get_model(label)._base_manager.filter(pk=int(pk)).values_list("version", flat=True).first()
        )
    except (TypeError, ValueError, OverflowError):
        return
    if version is not None:
        body["version"] = version


def _aim_version(case, data, kind: str | None) -> None:
    """Send the target's current version half of the time (a stale one is answered 409)."""
    if kind is None or not isinstance(case.body, dict):
        return
    label = AIM[kind][0]
    model = apps.get_model(label)
    if "version" not in {f.name for f in model._meta.concrete_fields}:
        return
    pk = case.path_parameters.get(next(iter(AIM[kind][1])))
    if "version" in case.body or data.draw(st.booleans()):
        _set_version(case.body, label, pk, data)


# --- The fuzz ----------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def wsgi_in_test_transaction():
    """Serve the WSGI app inside the test's transaction.

    Django closes "old" connections at the start and end of every request; inside the test's
    transaction that would close the connection the test runs in (Django's own test client
    disconnects these handlers the same way).
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _seeds() -> dict[tuple[str, str], Callable[[Any], dict[str, Any]]]:
    """Valid requests sent before the generated ones, like a property test's explicit examples: the
    partner's side of a referral is three operations on a few rows, each needing the one legal next
    state and the current version, which random bodies almost never hit (the fuzz saved nothing as
    partner staff). Sent as every actor: only the partner's own staff may save them."""
    from django.utils import timezone

    nxt = {"sent": "accepted", "accepted": "in_progress", "in_progress": "completed"}
    return {
        ("POST", "/api/v1/referrals/{referral_id}/transition"): lambda r: {
            "target": nxt.get(r.status, "accepted"), "version": r.version, "reason": "",
        },
        ("POST", "/api/v1/referrals/{referral_id}/sessions"): lambda r: {
            "scheduled_at": timezone.now().isoformat(), "outcome": "attended", "engagement": 3, "version": r.version,
        },
        ("POST", "/api/v1/referrals/{referral_id}/report"): lambda r: {
            "recommendation": "Lanjutkan", "ratings": [], "version": r.version,
        },
    }  # fmt: skip


SEEDS = _seeds()


def _seed(operation, token: str, world: World, reached: dict[str, set[int]]) -> None:
    body_for = SEEDS.get((operation.method.upper(), operation.path))
    if body_for is None:
        return
    from aksalarasa.partners.models import Referral

    for row in world.ids[("partner_referral", "A")]:
        referral = Referral._base_manager.get(pk=row["referral_id"])
        case = operation.Case(
            path_parameters={"referral_id": referral.pk},
            body=body_for(referral),
            media_type="application/json",
        )
        response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
        reached.setdefault(operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS)


def _fuzz(operation, token: str, world: World, reached: dict[str, set[int]]) -> None:
    strategy = operation.as_strategy()

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(data=st.data())
    def run(data) -> None:
        case = data.draw(strategy)
        _aim(case, data, world)
        # identity: the WSGI transport does not undo GZipMiddleware's compression
        response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
        reached.setdefault(operation.label, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()


def _guarded(world: World, actor: str) -> dict[str, dict[str, str]]:
    sees = READ_ONLY.get(actor)
    if sees is None:
        own = "B" if actor == "other_office_head" else "A"
        return {key: snapshot(office) for key, office in world.offices.items() if key != own}
    out = {key: snapshot(office) for key, office in world.offices.items() if key not in sees}
    for key in sees:  # read, never changed: only the access log may grow
        out[f"{key} (read only)"] = snapshot(world.offices[key], skip=frozenset({"audit.AccessLog"}))
    return out


def _short(exc: BaseException) -> str:
    """The failure's lines without schemathesis's long schema excerpts (the curl line is kept)."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    keep = [line for line in lines if not line.startswith((" " * 12, " " * 16, " " * 20))]
    return "\n".join(keep[:24])


@pytest.mark.parametrize("actor", list(ACTORS))
def test_api_fuzzed_as_every_role(actor: str, world: World):
    """0 server errors, every answer as documented, and no row of an office the actor may not
    change was touched. Failures are collected over every operation and reported together."""
    before = _guarded(world, actor)
    links = cross_links(world.offices)
    failures: list[str] = []
    reached: dict[str, set[int]] = {}
    for operation in OPERATIONS:
        try:
            _seed(operation, world.tokens[actor], world, reached)
            _fuzz(operation, world.tokens[actor], world, reached)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failing operation is reported, not just the first
            failures.append(f"{operation.label}: {type(exc).__name__}: {_short(exc)}")
    after = _guarded(world, actor)
    changed = [
        f"{key}: {label}"
        for key in before
        for label in before[key]
        if before[key][label] != after[key].get(label)
    ]
    assert not failures, f"{len(failures)} operations failed as {actor}:\n" + "\n\n".join(failures)
    assert not changed, f"rows of an office {actor} may not change were changed: {changed}"
    tied = {k: (links[k], n) for k, n in cross_links(world.offices).items() if n != links.get(k)}
    assert not tied, f"as {actor}, rows of one office now point at the other's (before, after): {tied}"
    saved = sorted(
        label for label, codes in reached.items() if not label.startswith("GET") and codes & {200, 201, 204}
    )
    print(f"\n{actor}: {len(reached)} operations, {len(saved)} writes saved at least once: {saved}")
    if actor in REACH:  # the aiming works: the office's widest writers get past 404 and 422 into saving
        assert len(saved) >= REACH[actor], f"only {len(saved)} write operations saved anything as {actor}"


def test_the_fuzzer_reaches_every_operation(client):
    """A guard: the fuzz above walks each operation of the published schema, and aims at every
    path parameter it has."""
    published = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {(method.upper(), path) for path, item in published.items() for method in item}
    assert {(op.method.upper(), op.path) for op in OPERATIONS} == operations
    assert len(operations) >= 90
    known = {name for _label, params in AIM.values() for name in params} | {"kind", "part"}
    for path in published:
        names = {p.strip("{}") for p in path.split("/") if p.startswith("{")}
        assert names <= known, f"{path}: no real rows to aim {names - known} at"


def test_a_foreign_write_is_seen(world: World):
    """The snapshot notices a changed, an added and a removed row of an office."""
    from aksalarasa.clients.models import Client

    office = world.offices["B"]
    before = snapshot(office)
    client = Client.objects.filter(office=office).order_by("pk").first()
    Client.objects.filter(pk=client.pk).update(notes="changed by someone else")
    assert snapshot(office)["clients.Client"] != before["clients.Client"]
    assert snapshot(world.offices["A"]) == snapshot(world.offices["A"])
