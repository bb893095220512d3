"""The permission matrix: every URL pattern and every API operation x every actor x every object.

How it works
------------
* The cases come from the project itself: every pattern of the URL resolver (Django's admin
  included) and every operation of the OpenAPI document (`/api/v1/openapi.json`). A pattern or an
  operation without an entry in ROUTES fails `test_every_route_has_an_expectation` by name, so a
  new route is walked from the day it is added.
* ROUTES says, in domain terms, which object a route touches and what it does with it per method
  ("client: read", "program: edit"). RULES says which role may do what to what, and how far its
  scope reaches (its own clients, its section, its office, its region, everywhere). The expected
  status of each case is derived from these two tables, never written as a number per row:
  allowed -> a success, a redirect or a validation answer (200/201/204/302/400/409/422);
  not allowed, another office's record or a missing id -> 404 (never 403);
  anonymous -> the login page (pages) or 401 (API).
* Actors: each demo role at office A (the section head twice: adult section BKD and child section
  BKA), a superuser, an anonymous visitor and the head of office B (another region), who walks
  the same URLs with office B as "own" and office A as "other".
* Objects: one of the actor's own office (for client records: an adult client of the officer
  actor, so that "own clients" and "own section" hold), the same kind of record of the other
  office, and an id that does not exist. "Not yours" and "missing" must give the same 404 with the
  same body (the bodies are compared).
* Methods: GET, and every state-changing method the route accepts (an empty form or JSON body with
  a valid CSRF token: the check runs through the real CSRF middleware). A state change aimed at
  another office's record or a missing id must change nothing: the counts of every table and the
  foreign record's row are compared before and after. Each case runs in a savepoint that is rolled
  back, so the shared world stays the same for every case.
* Child clients: every response body of every case is searched for the full name of office A's
  child client; only the child section (BKA), the child's own officer, the office head and
  superusers may see it (pages and API alike show initials to everyone else).

Cost: the world (two offices from the `tiny` generator preset) is built once per module inside a
transaction that is rolled back at the end; each case is one request. The walk is not database
specific (it exercises views and selectors, whose filters are plain ORM lookups run the same way
on both engines), but it is cheap enough to run on both databases; see README "Roles and scoping".

Adding a route: add a line to ROUTES naming the object kind (a key of `Bundle.objects`) and the
action per method; add a rule to RULES (aksalarasa/accounts/permissions.py) if the action is new. Public pages use `PUBLIC`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from aksalarasa.accounts import services as account_services
from aksalarasa.accounts.models import User
from aksalarasa.accounts.permissions import (
    ALL,
    EVERYONE,
    MEMBER,
    MINE,
    NONE,
    OFFICE,
    OWNER,
    PARTNER,
    PUBLIC,
    REGION,
    RULES,
    SECTION,
    SUPERVISES,
    TAKES_PART,
)
from aksalarasa.clients.models import Client, ImportRun, Litmas, NoContact, Supervision
from aksalarasa.events.models import AgendaItem, ChecklistItem, Event, Invitation, Registration
from aksalarasa.evidence.models import Administration, Response
from aksalarasa.guidance.models import GuidanceGroup, GuidanceSession
from aksalarasa.offices.models import Office, Region
from aksalarasa.partners.models import Partner, PartnerMembership, PartnerService, Referral
from aksalarasa.programs.models import (
    Assessment,
    AssessmentParticipant,
    Card,
    Cluster,
    Contact,
    PlanningWorkshop,
    Program,
    ProgramMember,
    ProgramPartner,
)
from aksalarasa.sentences import compliance_services
from aksalarasa.sentences import person as sentence_person
from aksalarasa.sentences import services as sentence_services
from aksalarasa.sentences.models import PlacementComplaint, PlannedSession, SiteVisit, UnavailableTime
from aksalarasa.sentences.supervisor import services as supervisor_services
from tests.factories import order_data
from tests.scale_world import tiny_world

pytestmark = pytest.mark.django_db  # each test in a savepoint of the module's world transaction

MISSING_ID = 987654321
MISSING_KEY = "zzzzzzzzzzzz"

# --- The role table (domain terms) lives in the product: aksalarasa/accounts/permissions.py ---------
# Views, the API and every visible_to read it; this test derives each expected answer from it.

# --- The actors --------------------------------------------------------------------------------
ACTORS = [
    "anonymous",
    "national",
    "regional",
    "office_head",
    "section_head",
    "section_head_child",
    "officer",
    "program_team",
    "partner_staff",
    "admin",
    "site_supervisor",
    "superuser",
    "other_office",
]
ROLE_OF = {"section_head_child": "section_head", "other_office": "office_head"}
# Which of the narrow scopes hold for each actor's "own" records (see Bundle: the adult client is the
# officer actor's; the program team and partner staff are on the program; the partner is the partner
# staff's own). The child-section head's section does not hold: the own client is an adult.
FACTS = {
    "office_head": {OFFICE, SECTION, MINE, OWNER},
    "section_head": {OFFICE, SECTION},
    "section_head_child": {OFFICE},
    "officer": {OFFICE, SECTION, MINE},
    "program_team": {OFFICE, MEMBER},
    "partner_staff": {OFFICE, PARTNER, TAKES_PART},
    "admin": {OFFICE},
    "site_supervisor": {OFFICE, SUPERVISES},  # supervises the own office's site (Bundle)
    "superuser": {OFFICE, SECTION, MINE, MEMBER, PARTNER, TAKES_PART, SUPERVISES},
    "other_office": {OFFICE, SECTION, MINE, OWNER},
}
# Who may see the child client's full name (everyone else sees initials).
SEES_CHILD_NAME = {"office_head", "section_head_child", "superuser", "child_officer"}


def allowed(actor: str, resource: str, action: str, which: str) -> bool:
    """The role table applied to one case: may `actor` do `action` to `resource` of office `which`
    ("own", "other", "missing", or "none" for a route without a record)?"""
    if which == "missing":
        return False
    rule = RULES[resource][action]
    if PUBLIC in rule:
        return True
    if actor == "anonymous":
        return False
    if resource == "admin":
        return actor == "superuser"
    if actor == "superuser":
        scope = rule.get("superuser", ALL)
    else:
        scope = rule.get(ROLE_OF.get(actor, actor)) or rule.get(EVERYONE)
    if scope is None or scope == NONE:
        return False
    if scope in (ALL, EVERYONE):
        return True
    if which == "other":
        return False
    if scope == REGION or which == "none":
        return True
    return scope in FACTS.get(actor, set())


# --- The routes (domain terms) ----------------------------------------------------------------
@dataclass(frozen=True)
class R:
    """A route: the object kind its record parameter points at (a key of Bundle.objects, or None)
    and, per method, "resource:action"."""

    obj: str | None = None
    get: str | None = None
    post: str | None = None
    patch: str | None = None
    put: str | None = None
    delete: str | None = None
    note: str = ""
    absent: str = ""  # why an allowed actor may also get 404 on its own record (a state the world lacks)
    refusal: int = 404  # the answer to anyone not allowed (always the same for "not yours" and "missing")

    def methods(self) -> dict[str, str]:
        return {
            m.upper(): getattr(self, m) for m in ("get", "post", "patch", "put", "delete") if getattr(self, m)
        }


def rw(obj: str | None, resource: str, action: str = "edit") -> R:
    """A form page: GET shows the form, POST saves it; both need the right to change."""
    return R(obj, get=f"{resource}:{action}", post=f"{resource}:{action}")


def ro(obj: str | None, resource: str) -> R:
    return R(obj, get=f"{resource}:read")


def wo(obj: str | None, resource: str) -> R:
    return R(obj, post=f"{resource}:edit")


ROUTES: dict[str, R] = {
    # core and accounts
    "core:home": ro(None, "home"),
    "core:set_language": R(post="public:submit"),
    "core:healthz": ro(None, "public"),
    "accounts:login": R(get="public:read", post="public:submit"),
    "accounts:login_verify": R(get="public:read", post="public:submit"),
    "accounts:logout": R(post="public:submit"),
    "accounts:profile": R(get="account:self", post="account:self"),
    "accounts:password_change": R(get="account:self", post="account:self"),
    "accounts:second_factor_setup": R(get="account:self", post="account:self"),
    "accounts:recovery_codes_new": R(post="account:self", absent="two-factor login is not set up"),
    "accounts:second_factor_disable": R(post="account:self"),
    "accounts:api_token_create": R(post="account:self"),
    "accounts:api_token_revoke": R("token", post="token:edit"),
    "accounts:staff_list": ro(None, "staff"),
    "accounts:staff_create": rw(None, "staff", "create"),
    "accounts:staff_detail": ro("staff", "staff"),
    "accounts:staff_edit": R("staff", get="staff:edit", post="staff:edit"),
    "accounts:staff_reset_password": wo("staff", "staff"),
    # offices, audit, dashboards
    "offices:list": ro(None, "office"),
    "offices:detail": ro("office", "office"),
    "offices:edit": R("office", get="office:edit", post="office:edit"),
    "offices:region_children": ro(None, "regions"),
    "offices:region_search": ro(None, "public"),  # place names: the public registration form asks too
    "audit:access_log": ro(None, "audit"),
    "dashboards:office": ro(None, "office_dashboard"),
    "dashboards:aggregate": ro(None, "aggregates"),
    "dashboards:sentences": ro(None, "sentence_dashboard"),
    # clients
    "clients:list": ro(None, "list"),
    "clients:export": ro(None, "client_list"),
    "clients:create": R(get="client:create", post="client:create"),
    "clients:counts": ro(None, "counts"),
    "clients:breaches": R(get="breach:read", post="breach:edit"),
    "clients:import": R(get="import:read", post="import:edit"),
    "clients:import_progress": R(
        "import_run", get="import_progress:read", note="polled; a stranger's token answers like a missing one"
    ),
    "clients:import_template": ro(None, "client_import"),
    "clients:litmas_list": ro(None, "list"),
    "clients:litmas_submit": wo("litmas", "litmas"),
    "clients:litmas_document": R("litmas", get="litmas:read", absent="the generated Litmas has no document"),
    "clients:detail": ro("client", "client"),
    "clients:edit": rw("client", "client"),
    "clients:photo": R("client", get="client:read", absent="the client has no photo"),
    "clients:photo_edit": wo("client", "client"),
    "clients:reassign": R("client", get="client:manage", post="client:manage"),
    "clients:supervision_create": rw("client", "client"),
    "clients:supervision_edit": rw("client", "client"),
    "clients:litmas_create": rw("client", "litmas"),
    "clients:no_contact_add": wo("client", "client"),
    "clients:no_contact_remove": wo("client", "client"),
    "clients:subject_export": ro("client", "subject_export"),
    # guidance
    "guidance:caseload": ro(None, "caseload"),
    "guidance:caseload_export": ro(None, "list"),
    "guidance:section": ro(None, "section_view"),
    "guidance:office": ro(None, "office_view"),
    "guidance:client_sessions": ro("client", "client_sessions"),
    "guidance:client_record": rw("client", "session"),
    "guidance:schedule_edit": rw("client", "session"),
    "guidance:session_detail": ro("session", "session"),
    "guidance:session_record": rw("session", "session"),
    "guidance:session_reschedule": wo("session", "session"),
    "guidance:concern_resolve": R("session", post="session:edit", absent="the session has no open concern"),
    "guidance:session_ics": ro("session", "session"),
    "guidance:group_list": R(get="group:list"),
    "guidance:group_create": rw(None, "group", "create"),
    "guidance:group_detail": R("group", get="group:read", post="group:edit"),
    # partners and referrals
    "partners:partner_list": ro(None, "partner_list"),
    "partners:partner_create": rw(None, "partner", "create"),
    "partners:directory": ro(None, "public"),
    "partners:partner_detail": ro("partner", "partner"),
    "partners:partner_edit": rw("partner", "partner"),
    "partners:service_create": rw("partner", "partner"),
    "partners:partner_staff": rw("partner", "partner_accounts"),
    "partners:partner_staff_unlink": wo("partner", "partner_accounts"),
    "partners:service_edit": rw("service", "partner"),
    "partners:service_suggest": R(get="suggest:read", absent="needs ?client="),
    "partners:referral_list": R(get="referral:list"),
    "partners:referral_create": R(get="referral:create", post="referral:create", absent="needs ?client="),
    "partners:referral_detail": ro("referral", "referral"),
    "partners:referral_transition": wo("referral", "referral"),
    "partners:session_create": rw("referral", "partner_side"),
    "partners:report_create": rw("referral", "partner_side"),
    "partners:report_certificate": R("referral", get="referral:read", absent="no certificate uploaded"),
    "partners:notification_list": ro(None, "list"),
    # programs
    "programs:list": ro(None, "list"),
    "programs:create": rw(None, "program", "create"),
    "programs:vote_start": R(get="public:read", post="public:submit"),
    "programs:vote_open": R(
        "assessment_code", get="public:read", post="public:submit", absent="voting closed"
    ),
    "programs:ballot": R("ballot", get="public:read", post="public:submit"),
    "programs:cards_start": R(get="public:read", post="public:submit"),
    "programs:cards_open": R("workshop_code", get="public:read", post="public:submit", absent="cards closed"),
    # events
    "events:list": ro(None, "list"),
    "events:create": rw("program", "event"),
    "events:public": R("event", get="public:read", post="public:submit"),
    "events:public_registered": R(
        "event", get="public:read", absent="only right after registering (session)"
    ),
    # evidence
    "evidence:home": ro(None, "evidence"),
    "evidence:instruments": R(
        get="instrument_list:read", post="instrument_list:read", note="POST is ignored"
    ),
    "evidence:new_version": wo("instrument", "instrument"),
    "evidence:version": R("version", get="instrument:read", post="instrument:read", note="POST is ignored"),
    "evidence:item_add": wo("version", "instrument"),
    "evidence:publish": wo("version", "instrument"),
    "evidence:item_edit": rw("item", "instrument"),
    # community sentences
    "sentences:order_list": ro(None, "order_list"),
    "sentences:order_create": rw(None, "sentence_order", "create"),
    "sentences:order_detail": ro("order", "sentence_order"),
    "sentences:order_edit": rw("order", "sentence_order"),
    "sentences:hours_add": wo("order", "sentence_order"),
    "sentences:hours_correct": wo("order", "sentence_order"),
    "sentences:suitability": rw("cs_litmas", "litmas"),
    "sentences:site_list": ro(None, "site_list"),
    "sentences:site_create": rw(None, "site", "create"),
    "sentences:site_detail": ro("site", "site"),
    "sentences:site_edit": rw("site", "site"),
    "sentences:plan": ro("order", "work_plan"),
    "sentences:plan_propose": wo("order", "work_plan"),
    "sentences:plan_session_add": wo("order", "work_plan"),
    "sentences:plan_unavailable_add": wo("order", "work_plan"),
    "sentences:plan_session_edit": rw("planned", "work_plan"),
    "sentences:plan_session_delete": wo("planned", "work_plan"),
    "sentences:plan_unavailable_delete": wo("unavailable", "work_plan"),
    "sentences:own_page": R("own_token", get="public:read", post="public:submit"),
    "sentences:own_link": wo("order", "work_plan"),
    "sentences:complaint_list": ro(None, "placement_complaint"),
    "sentences:complaint_detail": rw("complaint", "placement_complaint"),
    "sentences:event_create": rw("order", "sentence_order"),
    "sentences:event_evidence": R(
        "compliance_event", get="sentence_order:read", absent="the event's evidence is a note, not a file"
    ),
    "sentences:event_reason": rw("compliance_event", "sentence_order"),
    "sentences:warning_create": wo("order", "sentence_order"),
    "sentences:breach_report": rw("order", "sentence_order"),
    "sentences:order_complete": rw("order", "sentence_order"),
    "sentences:check_create": rw("sv_order", "sentence_order"),
    "sentences:advice_create": rw("sv_order", "sentence_order"),
    "sentences:letter_download": ro("letter", "sentence_order"),
    # the site supervisor's phone app (sentences/supervisor)
    "sentences:supervisor_app": ro(None, "site_visit"),
    "sentences:supervisor_sw": ro(None, "public"),  # no data; the browser fetches it like a static file
    "sentences:supervisor_manifest": ro(None, "public"),  # browsers fetch manifests without cookies
    "sentences:pin_issue": wo("order", "sentence_order"),
    "sentences:visit_decide": wo("visit", "sentence_order"),
    "sentences:visit_photo": R("visit", get="visit_photo:read", absent="the entry has no photo"),
    # Django's admin (every other admin: pattern is "admin:read"/"admin:edit": superusers only)
    "admin:login": R(get="public:read", post="public:submit"),
    "admin:logout": R(post="public:submit"),
    # API documents
    "api:openapi-json": ro(None, "public"),
    "api:openapi-view": ro(None, "public"),
    "api:api-root": R(note="django-ninja's root: 404 for everyone"),
}
# Program sub-pages all touch the program record.
for _name in (
    "detail initiation assessments assessment assessment_projector planning workshop workshop_projector "
    "intervention evaluation termination"
).split():
    ROUTES[f"programs:{_name}"] = ro("program", "program")
for _name in (
    "edit stage_move member_add member_remove record_add record_delete assessment_item_add "
    "assessment_participant_add assessment_voting assessment_tally assessment_priorities action_plan_save "
    "workshop_create workshop_cluster_add workshop_cluster_rename workshop_card_assign workshop_cards_toggle "
    "workshop_resolve indicators_save evaluation_save handover_save referral_link"
).split():
    ROUTES[f"programs:{_name}"] = wo("program", "program")
ROUTES["programs:report_texts"] = R("program", get="program:read", post="program:edit")
ROUTES["events:detail"] = ro("event", "event")
for _name in "registrations registration_qr checkin teams interactions".split():
    ROUTES[f"events:{_name}"] = R("event", get="event_staff:read")
ROUTES["events:flags"] = R("event", post="event:edit", absent="no flag named")
ROUTES["events:invitation_request"] = wo("event", "event")
ROUTES["events:invitation_decide"] = rw("invitation", "invitation", "decide")
for _name in "edit part_add part part_update part_delete part_move checklist_toggle".split():
    ROUTES[f"events:{_name}"] = wo("event", "event")
ROUTES["evidence:qr"] = R("administration", get="evidence:read", absent="the administration is closed")
ROUTES["evidence:public"] = R("public_token", get="public:read", post="public:submit", absent="closed")
ROUTES["evidence:public_thanks"] = R("response", get="public:read", absent="closed")
for _name in "program analysis report_pdf export_xlsx report_docx administration".split():
    ROUTES[f"evidence:{_name}"] = ro(
        "program"
        if _name in {"program", "analysis", "report_pdf", "export_xlsx", "report_docx"}
        else "administration",
        "evidence",
    )
for _name in "toggle enter".split():
    ROUTES[f"evidence:{_name}"] = wo("administration", "evidence")

# API operations: path -> (object kind, resource); GET reads, every other method edits.
API: dict[str, tuple[str | None, str]] = {
    "/api/v1/me": (None, "account"),
    "/api/v1/offices": (None, "office"),
    "/api/v1/offices/{office_id}": ("office", "office"),
    "/api/v1/regions": (None, "regions"),
    "/api/v1/regions/regencies": (None, "regions"),
    "/api/v1/clients": (None, "client"),
    "/api/v1/clients/{client_id}": ("client", "client"),
    "/api/v1/clients/{client_id}/supervisions": ("client", "client"),
    "/api/v1/litmas": (None, "caseload"),
    "/api/v1/litmas/{litmas_id}/document": ("litmas", "litmas"),
    "/api/v1/guidance/clients/{client_id}/sessions": ("client", "client_sessions"),
    "/api/v1/guidance/sessions/{session_id}": ("session", "session"),
    "/api/v1/guidance/sessions": (None, "session"),
    "/api/v1/guidance/sessions/{session_id}/record": ("session", "session"),
    "/api/v1/guidance/sessions/{session_id}/reschedule": ("session", "session"),
    "/api/v1/guidance/caseload": (None, "caseload"),
    "/api/v1/guidance/groups": (None, "group"),
    "/api/v1/guidance/groups/{group_id}": ("group", "group"),
    "/api/v1/guidance/groups/{group_id}/record": ("group", "group"),
    "/api/v1/partners": (None, "partner"),
    "/api/v1/partners/{partner_id}": ("partner", "partner"),
    "/api/v1/services": (None, "partner"),
    "/api/v1/clients/{client_id}/service-suggestions": ("client", "suggest"),
    "/api/v1/referrals": (None, "referral"),
    "/api/v1/referrals/counts": (None, "referral"),
    "/api/v1/referrals/{referral_id}": ("referral", "referral"),
    "/api/v1/referrals/{referral_id}/transition": ("referral", "referral"),
    "/api/v1/referrals/{referral_id}/sessions": ("referral", "partner_side"),
    "/api/v1/referrals/{referral_id}/report": ("referral", "partner_side"),
    "/api/v1/programs": (None, "program"),
    "/api/v1/events": (None, "event"),
    "/api/v1/programs/{program_id}/events": ("program", "event"),
    "/api/v1/public/events/{event_id}": ("event", "public"),
    "/api/v1/public/events/{event_id}/registrations": ("event", "public"),
    "/api/v1/evidence/instruments": (None, "instrument_list"),
    "/api/v1/evidence/programs/{program_id}/administrations": ("program", "evidence"),
    "/api/v1/evidence/administrations": (None, "evidence"),
    "/api/v1/evidence/administrations/{pk}": ("administration", "evidence"),
    "/api/v1/evidence/administrations/{pk}/responses": ("administration", "evidence"),
    "/api/v1/evidence/programs/{program_id}/analysis": ("program", "evidence"),
    "/api/v1/sentences/orders": (None, "sentence_order"),
    "/api/v1/sentences/orders/{order_id}": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/hours": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/corrections": ("order", "sentence_order"),
    "/api/v1/sentences/sites": (None, "site"),
    "/api/v1/sentences/sites/{site_id}": ("site", "site"),
    "/api/v1/sentences/orders/{order_id}/plan": ("order", "work_plan"),
    "/api/v1/sentences/orders/{order_id}/plan/propose": ("order", "work_plan"),
    "/api/v1/sentences/orders/{order_id}/plan/sessions": ("order", "work_plan"),
    "/api/v1/sentences/orders/{order_id}/plan/unavailable": ("order", "work_plan"),
    "/api/v1/sentences/plan/sessions/{planned_id}": ("planned", "work_plan"),
    "/api/v1/sentences/plan/unavailable/{unavailable_id}": ("unavailable", "work_plan"),
    "/api/v1/sentences/orders/{order_id}/compliance": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/compliance-events": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/condition-checks": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/letters": ("order", "sentence_order"),
    "/api/v1/sentences/orders/{order_id}/completion": ("order", "sentence_order"),
    "/api/v1/sentences/letters/{letter_id}/document": ("letter", "sentence_order"),
    "/api/v1/sentences/compliance-events/{compliance_event_id}": ("compliance_event", "sentence_order"),
    "/api/v1/public/sentences/me/{token}": ("own_token", "public"),
    "/api/v1/public/sentences/me/{token}/complaints": ("own_token", "public"),
    "/api/v1/sentences/supervisor/day": (None, "site_visit"),
    "/api/v1/sentences/supervisor/sync": (None, "site_visit"),
    "/api/v1/sentences/supervisor/visits/{visit_id}/photo": ("visit_uuid", "site_visit"),
}
for _path in (
    "{program_id} /stage /members /records/{kind} /records/{kind}/{record_id} /assessments "
    "/assessments/{assessment_id} /assessments/{assessment_id}/items /assessments/{assessment_id}/participants "
    "/assessments/{assessment_id}/voting /assessments/{assessment_id}/tally "
    "/assessments/{assessment_id}/priorities /workshops /workshops/{workshop_id} "
    "/workshops/{workshop_id}/cards /workshops/{workshop_id}/clusters /workshops/{workshop_id}/clusters/{cluster_id} "
    "/workshops/{workshop_id}/cards/{card_id} /workshops/{workshop_id}/resolution /action-plan /evaluation "
    "/indicators /handover /referrals"
).split():
    API["/api/v1/programs/" + ("" if _path.startswith("{") else "{program_id}") + _path] = (
        "program",
        "program",
    )
STAFF_PARTS = {"/registrations", "/checkin", "/teams", "/teams/move", "/interactions", "/invitations"}
for _path in (
    " /agenda /parts/{part} /parts/{part}/{item_id} /parts/{part}/{item_id}/move /registrations /checkin "
    "/teams /teams/move /interactions /invitations"
).split(" "):
    API["/api/v1/events/{event_id}" + _path] = ("event", "event_staff" if _path in STAFF_PARTS else "event")


API["/api/v1/invitations/pending"] = (None, "invitation")
API["/api/v1/invitations/{invitation_id}/accept"] = ("invitation", "invitation")
API["/api/v1/invitations/{invitation_id}/decline"] = ("invitation", "invitation")


# --- The world ---------------------------------------------------------------------------------
@dataclass
class Bundle:
    """The records of one office that URLs point at."""

    office: Office
    objects: dict[str, Any] = field(default_factory=dict)


def _first(qs):
    obj = qs.order_by("pk").first()
    assert obj is not None, f"the matrix world has no {qs.model.__name__}"
    return obj


def _bundle(
    office: Office, officer: User, partner_staff: User, team: User, supervisor: User | None = None
) -> Bundle:
    from aksalarasa.evidence.models import Instrument, InstrumentVersion, Item, Subscale

    client = _first(Client.objects.filter(office=office, category="adult", officer=officer))
    child = _first(Client.objects.filter(office=office, category="child"))
    head = _first(User.objects.filter(office=office, role_office_head=True))
    partner = _first(Partner.objects.filter(office=office, memberships__user=partner_staff))
    program = _first(
        Program.objects.filter(office=office, assessments__isnull=False, workshops__isnull=False).distinct()
    )
    # The team is the program-team actor alone (editing rights); partner staff take part through their
    # organisation (read only).
    ProgramMember.objects.filter(program=program).delete()
    ProgramMember.objects.create(office=office, program=program, user=team, role="koordinator", can_edit=True)
    ProgramPartner.objects.get_or_create(program=program, partner=partner, defaults={"role": "mitra"})
    # The referral the partner staff work on is one of the officer actor's client, in progress.
    referral = _first(Referral.objects.filter(office=office, service__partner=partner))
    Referral.objects.filter(pk=referral.pk).update(
        client=client, partner=partner, status="in_progress", sent_at=program.created_at
    )
    referral.refresh_from_db()
    litmas = Litmas.objects.filter(client=client).first() or _first(
        Litmas.objects.filter(client__office=office)
    )
    Litmas.objects.filter(pk=litmas.pk).update(client=client, officer=officer)
    assessment = _first(Assessment.objects.filter(program=program))
    workshop = _first(PlanningWorkshop.objects.filter(program=program))
    event = _first(
        Event.objects.filter(office=office, agenda__isnull=False, checklist__isnull=False).distinct()
    )
    administration = _first(Administration.objects.filter(office=office))
    participant = AssessmentParticipant.objects.filter(assessment=assessment).first()
    if participant is None:
        participant = AssessmentParticipant.objects.create(
            assessment=assessment,
            name="Peserta uji",
            group="client",
            sex="f",
            ballot_token=f"matrix-ballot-{office.pk}",
        )
    instrument = Instrument.objects.create(
        key=f"matrix-{office.pk}", office=office, name_id="Angket uji", name_en="Test form", audience="client"
    )
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=1,
        label_min_id="Tidak",
        label_min_en="No",
        label_max_id="Ya",
        label_max_en="Yes",
    )
    subscale = Subscale.objects.create(
        instrument_version=version, key="umum", name_id="Umum", name_en="General"
    )
    item = Item.objects.create(
        instrument_version=version, subscale=subscale, key="b1", text_id="Pernyataan", text_en="Statement"
    )
    token, _raw = account_services.api_token_create(user=head, name="matrix")
    site = sentence_services.site_create(
        actor=head,
        office=office,
        data={
            "name": f"Lokasi uji {office.pk}", "kind": "partner", "partner": partner, "address": "Jl. Pantai",
            "regency": office.work_area.first() or Region.objects.get(code="51.71"), "work_kinds": "kebersihan",
            "capacity_per_day": 5, "opening_days": "12345", "opens_at": time(8), "closes_at": time(16),
            "non_commercial": True, "supervisors": [partner_staff], "active": True,
        },
    )  # fmt: skip
    if supervisor is not None:  # the site supervisor actor: a person of the partner, on the site
        PartnerMembership.objects.create(partner=partner, user=supervisor, created_by=head)
        site.supervisors.add(supervisor)
    order = sentence_services.order_create(actor=head, client=client, data=order_data(site=site))
    sv_order = sentence_services.order_create(
        actor=head, client=client, data=order_data(
            sentence_type="supervision", hours_ordered=None, hours_per_day=None, replaced_prison_days=None,
            period_months=12, general_conditions="Tidak melakukan tindak pidana lagi",
        ),
    )  # fmt: skip
    cs_event = compliance_services.compliance_event_record(
        actor=head, order=order, data={
            "kind": "absence", "occurred_on": order.start_date, "valid_reason": False, "evidence_note": "uji",
        },
    )  # fmt: skip
    letter = compliance_services.warning_letter_create(actor=head, order=order, event=cs_event)
    own_token = sentence_person.link_issue(actor=head, order=order)
    # An entry from the site without the person's PIN: a conflict waiting for the PK.
    visit = supervisor_services.visit_sync_one(
        actor=supervisor or partner_staff, order=order,
        item={"id": uuid.uuid4(), "order_id": order.pk, "site_id": site.pk, "work_date": order.start_date,
              "attendance": "arrived", "start": time(8), "end": time(10), "break_minutes": 0},
    )  # fmt: skip
    visit_row = SiteVisit.objects.get(client_uuid=visit.id)
    cs_litmas = Litmas.objects.create(
        office=office, client=client, purpose="community_sentence", requested_on=order.decision_date,
        due_date=order.decision_date, officer=officer,
    )  # fmt: skip
    objects = {
        "office": office,
        "client": client,
        "child": child,
        "supervision": _first(Supervision.objects.filter(client=client)),
        "no_contact": NoContact.objects.create(
            office=office, client=client, person_name="Saksi Uji", reason="uji"
        ),
        "litmas": litmas,
        "session": _first(
            GuidanceSession.objects.filter(office=office, client=client).exclude(kind="partner")
        ),
        "group": GuidanceGroup.objects.create(
            office=office,
            officer=officer,
            title="Kelompok uji",
            kind="personality",
            place="office",
            scheduled_at=program.created_at,
        ),  # fmt: skip
        "partner": partner,
        "service": _first(PartnerService.objects.filter(partner=partner)),
        "membership": _first(PartnerMembership.objects.filter(partner=partner)),
        "referral": referral,
        "program": program,
        "member": ProgramMember.objects.get(program=program),
        "contact": Contact.objects.create(
            program=program,
            date=program.start,
            people="Kepala desa",
            institution="Desa",
            purpose="uji",
            created_by=head,
        ),  # fmt: skip
        "assessment": assessment,
        "assessment_code": assessment.code,
        "ballot": participant.ballot_token,
        "workshop": workshop,
        "workshop_code": workshop.code,
        "cluster": _first(Cluster.objects.filter(workshop=workshop)),
        "card": _first(Card.objects.filter(workshop=workshop)),
        "event": event,
        "agenda": _first(AgendaItem.objects.filter(event=event)),
        "checklist": _first(ChecklistItem.objects.filter(event=event)),
        "registration_code": _first(Registration.objects.filter(event=event)).code,
        "invitation": Invitation.objects.create(
            office=office, event=event, client=client, requested_by=head, note="uji"
        ),  # fmt: skip
        "administration": administration,
        "public_token": administration.public_token,
        "response": _first(Response.objects.filter(administration=administration)),
        "instrument": instrument,
        "version": version,
        "default_version": _first(
            InstrumentVersion.objects.filter(instrument__office=None, status="published")
        ),
        "item": item,
        "staff": _first(User.objects.filter(office=office, role_officer=True).exclude(pk=officer.pk)),
        "token": token,
        "site": site,
        "order": order,
        "planned": PlannedSession.objects.create(
            office=office,
            order=order,
            site=site,
            day=order.end_date,
            starts_at=time(8),
            ends_at=time(10),
            created_by=head,
        ),
        "own_token": own_token,
        "complaint": PlacementComplaint.objects.create(
            office=office, order=order, site=site, kind="safety", text="Tidak ada alat pelindung."
        ),
        "unavailable": UnavailableTime.objects.create(
            office=office, order=order, weekday="1", starts_at=time(7), ends_at=time(8), reason="work"
        ),
        "sv_order": sv_order,
        "compliance_event": cs_event,
        "letter": letter,
        "cs_litmas": cs_litmas,
        "visit": visit_row,
        "visit_uuid": str(visit_row.client_uuid),
        "import_run": ImportRun.objects.create(
            token=f"matrix-run-{office.pk}", office=office, user=head, kind="clients", filename="uji.csv"
        ).token,
    }
    return Bundle(office=office, objects=objects)


@dataclass
class World:
    users: dict[str, User | None]
    own: dict[str, Bundle]  # actor -> the bundle of the actor's office
    other: dict[str, Bundle]
    child_name: str
    tables: list[str]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from tiny_world(django_db_blocker, 11, _world)


def _world() -> World:
    office_a, office_b = Office.objects.filter(code__startswith="scale-").order_by("code")
    assert office_a.regional_office_id != office_b.regional_office_id
    staff_a = User.objects.filter(office=office_a)
    # The child's own officer is someone the matrix does not walk, so that the officer actor (an adult
    # client's PK) proves that the child's name stays masked for other PKs of the office.
    child_officer = User.objects.create(
        username="matrix.pk.bka", full_name="PK Anak", office=office_a, role_officer=True, section="child",
        officer_grade="muda", password=make_password(None),
    )  # fmt: skip
    users: dict[str, User | None] = {
        "anonymous": None,
        "national": User.objects.get(username="scale.national"),
        "regional": User.objects.get(role_regional=True, regional_office=office_a.regional_office),
        "office_head": staff_a.get(username="s000.kabapas"),
        "section_head": staff_a.get(username="s000.kasi.bkd"),
        "section_head_child": staff_a.get(username="s000.kasi.bka"),
        "officer": staff_a.filter(role_officer=True, section="adult").order_by("username").first(),
        "program_team": staff_a.get(username="s000.tim"),
        "partner_staff": staff_a.get(username="s000.mitra"),
        "admin": staff_a.get(username="s000.admin"),
        "site_supervisor": User.objects.create(
            username="matrix.pengawas",
            full_name="Pengawas Lokasi",
            office=office_a,
            role_site_supervisor=True,
            password=make_password(None),
        ),  # fmt: skip
        "superuser": User.objects.create(
            username="matrix.root", is_superuser=True, is_staff=True, full_name="Root"
        ),
        "other_office": User.objects.get(username="s001.kabapas"),
    }
    Client.objects.filter(office=office_a, category="child").update(officer=child_officer)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=users["superuser"], name="matrix", confirmed=True)
    b_officer = (
        User.objects.filter(office=office_b, role_officer=True, section="adult").order_by("username").first()
    )
    a = _bundle(
        office_a, users["officer"], users["partner_staff"], users["program_team"], users["site_supervisor"]
    )
    b = _bundle(
        office_b, b_officer, User.objects.get(username="s001.mitra"), User.objects.get(username="s001.tim")
    )
    own = {actor: (b if actor == "other_office" else a) for actor in ACTORS}
    other = {actor: (a if actor == "other_office" else b) for actor in ACTORS}
    # Sessions and the look-up rate-limit counters (core.LookupCount) change on any request, refused or not.
    # Not state: the session, and the look-up rate counters (core.LookupCount), which count every
    # look-up by a key, refused or not.
    tables = sorted(
        t for t in connection.introspection.table_names() if t not in ("django_session", "core_lookup_count")
    )
    return World(users, own, other, a.objects["child"].full_name, tables)


# --- Enumerating the routes ------------------------------------------------------------------
def url_patterns(patterns=None, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    """(route key, pattern) for every URL pattern of the project; django-ninja's operations are walked
    through the OpenAPI document instead (they share one pattern per path)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            if getattr(pattern.callback, "__module__", "") == "ninja.operation":
                continue
            name = pattern.name or str(pattern.pattern)  # Django's admin has unnamed redirects
            yield f"{ns}{name}", prefix + str(pattern.pattern)


def api_operations() -> list[tuple[str, str]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


# URL parameter -> the object kind of the bundle it points at (or a fixed value).
PARAMS: dict[str, str] = {
    "client_pk": "client",
    "supervision_pk": "supervision",
    "entry_pk": "no_contact",
    "membership_pk": "membership",
    "member_id": "member",
    "record_id": "contact",
    "assessment_id": "assessment",
    "workshop_id": "workshop",
    "cluster_id": "cluster",
    "card_id": "card",
    "program_id": "program",
    "event_id": "event",
    "item_id": "agenda",
    "office_id": "office",
    "client_id": "client",
    "litmas_id": "litmas",
    "session_id": "session",
    "group_id": "group",
    "partner_id": "partner",
    "referral_id": "referral",
    "service_id": "service",
    "instrument_version_id": "version",
    "instrument_version": "default_version",
    "order_id": "order",
    "site_id": "site",
    "planned_id": "planned",
    "unavailable_id": "unavailable",
    "letter_id": "letter",
    "compliance_event_id": "compliance_event",
    "visit_id": "visit_uuid",
}
FIXED = {"fmt": "csv", "part": "agenda"}
BY_ROUTE = {  # parameters whose meaning depends on the route
    ("events:checklist_toggle", "item"): "checklist",
    ("events:part_update", "item"): "agenda",
    ("events:part_delete", "item"): "agenda",
    ("events:part_move", "item"): "agenda",
    ("events:registration_qr", "code"): "registration_code",
    ("events:public_registered", "code"): "registration_code",
    ("clients:subject_export", "fmt"): "=json",
    ("sentences:own_page", "token"): "own_token",
    ("sentences:letter_download", "fmt"): "=docx",
}


def _value(bundle: Bundle, kind: str) -> Any:
    obj = bundle.objects[kind]
    return getattr(obj, "pk", obj)


def fill(key: str, names: list[str], obj: str | None, bundle: Bundle, which: str) -> dict[str, Any]:
    """The URL parameters of one case: the primary record (obj) is own/other/missing; the others
    are records of the same office that belong to it."""
    kwargs: dict[str, Any] = {}
    for name in names:
        if name == "kind":
            kwargs[name] = (
                "contacts" if key.startswith("/api/") else ("clients" if "import" in key else "contact")
            )
        elif name in FIXED and (key, name) not in BY_ROUTE:
            kwargs[name] = FIXED[name]
        else:
            kind = BY_ROUTE.get((key, name)) or PARAMS.get(name) or obj
            if kind.startswith("="):
                kwargs[name] = kind[1:]
                continue
            assert kind, f"{key}: no object for parameter {name}"
            kwargs[name] = _value(bundle, kind)
            if which == "missing" and kind == obj:
                kwargs[name] = MISSING_KEY if isinstance(kwargs[name], str) else MISSING_ID
    return kwargs


@dataclass(frozen=True)
class Case:
    key: str  # URL name or "METHOD /api/v1/path"
    method: str
    url: str
    which: str  # own / other / missing / none
    api: bool
    resource: str
    action: str
    absent: str = ""
    refusal: int = 404
    body: str = ""
    obj: str | None = None


def cases_of(key: str, world: World, actor: str) -> Iterator[Case]:
    from django.urls import reverse

    if key.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ")):
        method, path = key.split(" ", 1)
        obj, resource = API[path]
        action = "read" if method == "GET" else "edit"
        if (
            obj is None
            and method == "GET"
            and resource not in ("account", "public", "regions", "instrument_list")
        ):
            resource, action = "list", "read"  # a list filtered to what the caller may see
        elif obj is None and method == "POST" and "create" in RULES[resource]:
            action = "create"
        if resource in ("account", "public", "regions", "home"):
            action = {
                "account": "self",
                "public": "read" if method == "GET" else "submit",
                "regions": "read",
                "home": "read",
            }[resource]
        names = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
        for which in ("own", "other", "missing") if obj else ("none",):
            bundle = world.other[actor] if which == "other" else world.own[actor]
            url = path.format(**fill(path, names, obj, bundle, which))
            body = json.loads(API_BODIES.get(key, "{}"))
            for name in body:  # ids in the body point at the actor's own office's records
                kind = PARAMS.get(name) or PARAMS.get(f"{name}_id")
                if kind and isinstance(body[name], int):
                    body[name] = _value(world.own[actor], kind)
            body.update(API_BODY_FIELDS.get(key, {}))
            if which == "none" and "client_id" in body:
                which = "own"  # the body names the actor's own client: the narrow scopes apply
            absent = API_ABSENT.get(path, "")
            yield Case(
                key, method, url, which, True, resource, action, absent, body=json.dumps(body), obj=obj
            )
        return
    route = ROUTES.get(key) or R(get="admin:read", post="admin:edit")
    pattern = dict(url_patterns())[key]
    import re

    names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    for method, what in route.methods().items():
        resource, action = what.split(":")
        if key.startswith("admin:") and resource == "admin":
            yield Case(key, method, _admin_url(key, pattern), "none", False, resource, action)
            continue
        for which in ("own", "other", "missing") if route.obj else ("none",):
            bundle = world.other[actor] if which == "other" else world.own[actor]
            url = reverse(key, kwargs=fill(key, names, route.obj, bundle, which))
            yield Case(
                key, method, url, which, False, resource, action, route.absent, route.refusal, obj=route.obj
            )


def _admin_url(key: str, pattern: str) -> str:
    """An admin URL with the first stored row of the admin's model (superusers see every office)."""
    import re

    value = _admin_value(key, "object_id")
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "accounts" if m.group(1) == "app_label" else value, pattern)
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "accounts", path)
    path = re.sub(r"\([^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _admin_value(key: str, name: str) -> str:
    from django.contrib import admin

    if name == "app_label":
        return "clients"
    for model in admin.site._registry:
        meta = model._meta
        if key.startswith(f"admin:{meta.app_label}_{meta.model_name}_"):
            row = model._default_manager.order_by("pk").first()
            return str(row.pk) if row else str(MISSING_ID)
    return "1"


def _sample(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value that passes the schema (required fields only), so that a state-changing
    API call gets past payload validation and reaches the scope check."""
    if "$ref" in schema:
        return _sample(components[schema["$ref"].rsplit("/", 1)[-1]], components, depth + 1)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [o for o in schema[combo] if o.get("type") != "null"] or schema[combo]
            return _sample(options[0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type", "object")
    fmt = schema.get("format", "")
    if kind == "object":
        required = schema.get("required", [])
        return {n: _sample(schema["properties"][n], components, depth + 1) for n in required if depth < 6}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if fmt == "date":
        return "2026-11-02"
    if fmt == "date-time":
        return "2026-11-02T09:00:00+08:00"
    return "Uji"


def _api_bodies() -> dict[str, str]:
    from config.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    bodies = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                bodies[f"{method.upper()} {path}"] = json.dumps(_sample(content["schema"], components))
    return bodies


API_BODIES = _api_bodies()
# Fields whose valid values the schema does not say (checked by the form behind the operation).
API_BODY_FIELDS = {
    "POST /api/v1/sentences/sites": {"opens_at": "08:00", "closes_at": "15:00"},
    "PUT /api/v1/sentences/sites/{site_id}": {"opens_at": "08:00", "closes_at": "15:00"},
    "POST /api/v1/sentences/orders/{order_id}/hours": {"start": "08:00", "end": "09:00"},
    "POST /api/v1/sentences/orders/{order_id}/plan/sessions": {"starts_at": "08:00", "ends_at": "09:00"},
    "PUT /api/v1/sentences/plan/sessions/{planned_id}": {"starts_at": "08:00", "ends_at": "09:00"},
    "POST /api/v1/sentences/orders/{order_id}/plan/unavailable": {
        "weekday": 1,
        "starts_at": "08:00",
        "ends_at": "09:00",
        "reason": "work",
    },
    "POST /api/v1/programs/{program_id}/assessments/{assessment_id}/participants": {
        "group": "client",
        "sex": "f",
    },
}
API_ABSENT = {"/api/v1/litmas/{litmas_id}/document": "the generated Litmas has no document"}


# --- Running one case ------------------------------------------------------------------------
CSRF = _get_new_csrf_string()
OK = {200, 201, 204, 301, 302, 303, 400, 409, 422}


def http_client(user: User | None) -> HttpClient:
    client = HttpClient(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    return client


def send(client: HttpClient, case: Case):
    saved = {k: v.value for k, v in client.cookies.items()}
    try:
        if case.method == "GET":
            return client.get(case.url)
        if case.api:
            return client.generic(
                case.method, case.url, case.body, content_type="application/json", HTTP_X_CSRFTOKEN=CSRF
            )
        return client.generic(
            case.method, case.url, "", content_type="application/x-www-form-urlencoded", HTTP_X_CSRFTOKEN=CSRF
        )
    finally:
        client.cookies.clear()
        for k, v in saved.items():
            client.cookies[k] = v


def snapshot(world: World, case: Case, bundle: Bundle) -> tuple:
    """What a refused request must leave as it was: the world's tables and the record it names.

    PostgreSQL: the rows this transaction inserted, updated or deleted in the world's tables
    (pg_stat_xact_user_tables counts them for the open transaction, every attempt included): one
    cheap query, and stricter than row counts, since an update shows too. SQLite: each table's
    row count (cheap there; SQLite keeps no such statistics)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
                "WHERE relname = ANY(%s)",
                [world.tables],
            )
        else:
            qn = connection.ops.quote_name
            cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in world.tables))
        counts = cursor.fetchone()
    route_obj = API[case.key.split(" ", 1)[1]][0] if case.api else ROUTES[case.key].obj
    obj = bundle.objects.get(route_obj) if route_obj else None
    row = None
    if hasattr(obj, "pk"):
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        row = model_to_dict(fresh) if fresh else None
    return counts, json.dumps(row, default=str, sort_keys=True)


def expectation(actor: str, case: Case) -> str:
    """One of: "ok"; "ok-or-404" (allowed, but the world may lack the state: R.absent); "404";
    "refused" (403 or 404: the actor may read the record, or there is no record, so a 403 hides
    nothing); "login" / "401" (anonymous); "admin-login" (Django's admin)."""
    if allowed(actor, case.resource, case.action, case.which):
        if case.resource == "admin":
            return "admin-ok"
        return "ok-or-404" if case.absent else "ok"
    if case.resource == "admin":
        return "admin-login"
    if case.resource == "public":
        return str(case.refusal)
    if actor == "anonymous":
        return "401" if case.api else "login"
    if case.refusal != 404:
        return str(case.refusal)
    reader = READS.get(case.obj or "", case.resource)
    if "read" not in RULES[reader]:
        reader = case.resource
    if case.which == "none" or ("read" in RULES[reader] and allowed(actor, reader, "read", case.which)):
        return "refused"
    return "404"


# The resource whose "read" says whether an actor may see a record of this kind at all: a refusal
# to someone who may see it can be 403 (nothing to hide); to anyone else it must be 404.
READS = {
    "instrument": "instrument", "version": "instrument", "item": "instrument",
    "client": "client", "session": "session", "group": "group", "litmas": "litmas", "partner": "partner",
    "service": "partner", "referral": "referral", "program": "program", "event": "event",
    "administration": "evidence", "office": "office", "staff": "staff",
    "planned": "work_plan", "unavailable": "work_plan", "complaint": "placement_complaint",
    "order": "sentence_order", "site": "site", "cs_litmas": "litmas", "sv_order": "sentence_order",
    "compliance_event": "sentence_order", "letter": "sentence_order",
    "visit": "visit_photo", "visit_uuid": "site_visit",
}  # fmt: skip


def verdict(response, expected: str, case: Case) -> bool:
    status = response.status_code
    location = response.get("Location", "")
    if case.resource == "public" and expected == "ok":
        return status in OK
    if expected == "ok-or-404" and status == 404:
        return True
    if expected == "admin-ok":  # Django's own answers: read-only admins refuse adding (403), etc.
        return status < 500 and not location.startswith("/django-admin/login/")
    if expected in ("ok", "ok-or-404"):
        return status in OK and not location.startswith(("/accounts/login/", "/django-admin/login/"))
    if expected == "refused":
        return status in (403, 404)
    if expected == "login":
        return status == 302 and location.startswith("/accounts/login/")
    if expected == "admin-login":
        return status == 302 and location.startswith("/django-admin/login/")
    return status == int(expected)


# --- The tests -------------------------------------------------------------------------------
def _keys() -> list[str]:
    ui = [key for key, _pattern in url_patterns()]
    api = [f"{method} {path}" for method, path in api_operations()]
    return ui + api


ALL_KEYS = _keys()


def test_every_route_has_an_expectation(capsys):
    """A URL pattern or API operation without an entry in ROUTES / API fails here, by name."""
    ui = [key for key, _p in url_patterns()]
    missing = [k for k in ui if not k.startswith("admin:") and k not in ROUTES]
    missing += [f"{m} {p}" for m, p in api_operations() if p not in API]
    assert not missing, f"routes without an expectation in tests/test_permissions.py: {missing}"
    stale = sorted(set(ROUTES) - set(ui)) + sorted(set(API) - {p for _m, p in api_operations()})
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(ui)} URL patterns ({sum(k.startswith('admin:') for k in ui)} of "
            f"django-admin) and {len(api_operations())} API operations walked, 100 %"
        )


@pytest.fixture(scope="module")
def clients(world, django_db_blocker) -> dict[str, HttpClient]:
    with django_db_blocker.unblock():
        return {actor: http_client(world.users[actor]) for actor in ACTORS}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("key", ALL_KEYS)
def test_route(key, world, clients, django_db_blocker):
    if key.startswith("admin:") is False and key not in ROUTES and key.split(" ", 1)[-1] not in API:
        pytest.fail(f"{key} has no expectation (see test_every_route_has_an_expectation)")
    failures: list[str] = []
    child = world.child_name.encode()
    with django_db_blocker.unblock():
        for actor in ACTORS:
            not_found: dict[tuple[str, str], bytes] = {}
            for case in cases_of(key, world, actor):
                bundle = world.other[actor] if case.which == "other" else world.own[actor]
                foreign = case.which in ("other", "missing") and case.method != "GET"
                expected = expectation(actor, case)
                with transaction.atomic():
                    before = snapshot(world, case, bundle) if foreign and expected != "ok" else None
                    response = send(clients[actor], case)
                    body = _body(response)
                    after = snapshot(world, case, bundle) if before is not None else None
                    transaction.set_rollback(True)
                where = f"{actor} {case.method} {case.url} ({case.which})"
                if not verdict(response, expected, case):
                    failures.append(
                        f"{where}: {response.status_code} {response.get('Location', '')}, expected {expected}: {body[:160]!r}"
                    )
                if before != after:
                    failures.append(f"{where}: answered {response.status_code} but changed the database")
                if child in body and actor not in SEES_CHILD_NAME:
                    failures.append(f"{where}: shows the child client's full name")
                if expected == str(case.refusal) and response.status_code == case.refusal:
                    not_found[(case.method, case.which)] = body.replace(case.url.encode(), b"<url>")
            for method in {m for m, _w in not_found}:
                other, missing = not_found.get((method, "other")), not_found.get((method, "missing"))
                if other is not None and missing is not None and other != missing:
                    failures.append(
                        f"{actor} {method} {key}: 'not yours' and 'missing' give different 404 bodies"
                    )
    assert not failures, f"{len(failures)} failing cases:\n" + "\n".join(failures)
