"""Who may do what, and how far: the one role table (domain.md, "Roles and what each may see").

`RULES[resource][action][role]` names a reach, in domain terms. Views, the API, every model's
`visible_to(user)` and the permission matrix (tests/test_permissions.py) read this table; nothing
else writes a list of roles.

Reaches, from the widest: ALL (every office), REGION (the offices of the viewer's region),
OFFICE (own office), SECTION (own office, clients of the viewer's section: BKD adults, BKA
children), MINE (the officer's own clients), MEMBER (programs the user is on the team of),
PARTNER (the partner staff's own organisation and what it was sent), TAKES_PART (programs the
partner staff's organisation takes part in), OWNER (the person the record belongs to), SUPERVISES
(the sites a site supervisor supervises and the people placed there). NONE is
an explicit nobody (a superuser override for office-bound pages: a superuser has no office);
EVERYONE is any signed-in person; PUBLIC also anonymous visitors.

Each model says what a reach means for its rows (a filter per reach, next to the model) and
`reach_filter` joins them over the person's roles. A reach a model does not define grants nothing:
the rule fails closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.db.models import Q

from aksalarasa.accounts.roles import Role

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User

ALL, REGION, OFFICE, SECTION, MINE, MEMBER, PARTNER = (
    "all",
    "region",
    "office",
    "section",
    "mine",
    "member",
    "partner",
)
OWNER = "owner"
SUPERVISES = "supervises"
TAKES_PART = "takes_part"
NONE = "none"
EVERYONE = "everyone"
PUBLIC = "public"
SUPERUSER = "superuser"  # a key of a rule: what a superuser gets (default ALL)

HEADS: dict[str, str] = {Role.OFFICE_HEAD: OFFICE, Role.ADMIN: OFFICE}
GUIDANCE: dict[str, str] = {Role.OFFICE_HEAD: OFFICE, Role.SECTION_HEAD: SECTION, Role.OFFICER: MINE}
OFFICE_STAFF: dict[str, str] = {
    r: OFFICE for r in (Role.OFFICE_HEAD, Role.SECTION_HEAD, Role.OFFICER, Role.PROGRAM_TEAM, Role.ADMIN)
}
PROGRAM_READERS: dict[str, str] = {
    Role.NATIONAL: ALL,
    Role.REGIONAL: REGION,
    Role.OFFICE_HEAD: OFFICE,
    Role.SECTION_HEAD: OFFICE,
    Role.OFFICER: OFFICE,
    Role.ADMIN: OFFICE,
    Role.PROGRAM_TEAM: MEMBER,
    Role.PARTNER_STAFF: TAKES_PART,
}

Rule = Mapping[str, str]

RULES: dict[str, dict[str, Rule]] = {
    "account": {"self": {EVERYONE: EVERYONE}},
    "token": {"edit": {EVERYONE: OWNER, "superuser": OWNER}},
    "list": {"read": {EVERYONE: EVERYONE}},  # a list filtered to what the viewer may see (maybe empty)
    "client_list": {
        "read": {EVERYONE: EVERYONE, "national": NONE, "regional": NONE}
    },  # exports: no counts view
    "counts": {"read": {"national": ALL, "regional": REGION}},
    "public": {"read": {PUBLIC: PUBLIC}, "submit": {PUBLIC: PUBLIC}},
    "home": {"read": {EVERYONE: EVERYONE}},
    "staff": {
        "read": {
            "national": ALL,
            "regional": REGION,
            "office_head": OFFICE,
            "section_head": OFFICE,
            "admin": OFFICE,
        },
        "edit": HEADS,
        "create": {**HEADS, "superuser": NONE},
    },
    "import_progress": {"read": {EVERYONE: OWNER, "superuser": OWNER}},
    "office": {
        "read": {EVERYONE: OFFICE, "national": ALL, "regional": REGION},
        "edit": HEADS,
    },
    "regions": {"read": {EVERYONE: EVERYONE}},
    "audit": {"read": {"office_head": OFFICE}},
    "client": {
        "read": {**GUIDANCE, "partner_staff": PARTNER},
        "edit": GUIDANCE,
        "create": {**GUIDANCE, "superuser": NONE},
        "manage": {"office_head": OFFICE, "section_head": SECTION},
    },
    "breach": {
        "read": {"office_head": OFFICE, "superuser": NONE},
        "edit": {"office_head": OFFICE, "superuser": NONE},
    },
    "import": {"read": {**GUIDANCE, "superuser": NONE}, "edit": {**GUIDANCE, "superuser": NONE}},
    "client_import": {"read": {"office_head": OFFICE, "section_head": OFFICE, "superuser": NONE}},
    "subject_export": {"read": {"office_head": OFFICE, "officer": MINE}},
    "litmas": {"read": GUIDANCE, "edit": GUIDANCE},
    # A program team's request to invite a client to its event: the client's own PK decides.
    "invitation": {
        "decide": {"officer": MINE, "superuser": NONE},
        "edit": {"officer": MINE, "superuser": NONE},
    },
    "session": {
        "read": GUIDANCE,
        "edit": GUIDANCE,
        "resolve": {"office_head": OFFICE, "section_head": SECTION},  # concerns go up to the heads
    },
    "client_sessions": {
        "read": {**GUIDANCE, "partner_staff": PARTNER}
    },  # partners: the attendance they record
    "caseload": {"read": {"officer": OFFICE}},
    "section_view": {"read": {"section_head": OFFICE, "superuser": NONE}},
    "office_view": {"read": {"office_head": OFFICE, "superuser": NONE}},
    "group": {
        "read": {"officer": MINE},
        "edit": {"officer": MINE},
        "create": {**GUIDANCE, "superuser": NONE},
        "list": {**GUIDANCE, "officer": OFFICE},
    },
    "partner_list": {"read": {"national": ALL, "regional": REGION, **OFFICE_STAFF}},
    "partner": {
        "read": {"national": ALL, "regional": REGION, **OFFICE_STAFF, "partner_staff": PARTNER},
        "edit": {"office_head": OFFICE, "section_head": OFFICE, "admin": OFFICE, "program_team": OFFICE},
        "create": {
            "office_head": OFFICE,
            "section_head": OFFICE,
            "admin": OFFICE,
            "program_team": OFFICE,
            "superuser": NONE,
        },
    },
    "partner_accounts": {
        "read": {"office_head": OFFICE, "admin": OFFICE},
        "edit": {"office_head": OFFICE, "admin": OFFICE},
    },
    "referral": {
        "read": {**GUIDANCE, "partner_staff": PARTNER},
        "edit": {**GUIDANCE, "partner_staff": PARTNER},
        "list": {**GUIDANCE, "section_head": OFFICE, "officer": OFFICE, "partner_staff": PARTNER},
        "create": GUIDANCE,
    },
    "suggest": {"read": GUIDANCE},  # services to suggest when an officer refers a client
    "partner_side": {"edit": {"partner_staff": PARTNER, "superuser": NONE}},
    "event_staff": {"read": OFFICE_STAFF, "edit": OFFICE_STAFF},  # attendance and the end-of-service report
    "program": {
        "read": PROGRAM_READERS,
        "edit": {"office_head": OFFICE, "program_team": MEMBER},
        "create": {"office_head": OFFICE, "program_team": OFFICE, "superuser": NONE},
    },
    "event": {
        "read": PROGRAM_READERS,
        "manage": OFFICE_STAFF,  # registrations, check-in, teams, interactions: the office's staff
        "edit": {**OFFICE_STAFF, "program_team": MEMBER},  # a team member with edit rights
    },
    # Individual questionnaire answers (aggregates follow "evidence"): program team, partners and
    # the national and regional viewers see aggregates only.
    "response": {
        "read": {"office_head": OFFICE, "section_head": OFFICE, "admin": OFFICE, "officer": MINE},
    },
    "evidence": {
        "read": {**PROGRAM_READERS, Role.PARTNER_STAFF: NONE},
        "edit": {**OFFICE_STAFF, "program_team": MEMBER},
    },
    # An office's own questionnaires are its own; the shared defaults are listed to every staff member.
    "instrument_list": {"read": {"national": ALL, "regional": REGION, **OFFICE_STAFF}},
    "instrument": {
        "read": OFFICE_STAFF,
        "edit": {"office_head": OFFICE, "admin": OFFICE, "program_team": OFFICE},
    },
    "office_dashboard": {
        "read": {"office_head": OFFICE, "section_head": OFFICE, "admin": OFFICE, "superuser": NONE}
    },
    "aggregates": {"read": {"national": ALL, "regional": REGION}},
    # Community-sentence figures (dashboards/sentences.py): an office's heads their office, a Kanwil
    # its region, national viewers every office; counts beyond one office are suppressed.
    "sentence_dashboard": {
        "read": {
            "national": ALL,
            "regional": REGION,
            "office_head": OFFICE,
            "section_head": OFFICE,
            "admin": OFFICE,
        }
    },
    # Community sentences: the order is the case file (the client's guidance staff); service sites are
    # read like partners (partner staff: their organisation's sites and the sites they supervise);
    # the names at a site: its supervisors and the office's guidance staff (sentences.scoping).
    "order_list": {"read": {"office_head": OFFICE, "section_head": OFFICE, "officer": OFFICE}},
    "sentence_order": {"read": GUIDANCE, "edit": GUIDANCE, "create": {**GUIDANCE, "superuser": NONE}},
    # The work plan of an order (planned sessions, the person's unavailable times): its guidance staff.
    "work_plan": {"read": GUIDANCE, "edit": GUIDANCE},
    # A complaint the person raised about their placement reaches the office head and the client's
    # section head (Kasi), never the PK, the site or the partner.
    "placement_complaint": {
        "read": {"office_head": OFFICE, "section_head": SECTION},
        "edit": {"office_head": OFFICE, "section_head": SECTION},
    },
    "site_list": {"read": {"national": ALL, "regional": REGION, **OFFICE_STAFF, "partner_staff": PARTNER}},
    "site": {
        "read": {"national": ALL, "regional": REGION, **OFFICE_STAFF, "partner_staff": PARTNER},
        "edit": {"office_head": OFFICE, "section_head": OFFICE, "admin": OFFICE},
        "create": {"office_head": OFFICE, "section_head": OFFICE, "admin": OFFICE, "superuser": NONE},
    },
    # The site supervisor's phone app (sentences/supervisor): the day list of their own sites' people
    # (name, masked for children; hours), arrived/absent, times, work done, photo, location, the
    # person's PIN. Never the order, the case or the client record. What they send goes to the ledger
    # or, on a conflict, to the order's PK ("sentence_order: edit").
    "site_visit": {
        "read": {"site_supervisor": SUPERVISES},
        "create": {"site_supervisor": SUPERVISES, "superuser": NONE},
        "edit": {"site_supervisor": SUPERVISES, "superuser": NONE},
    },
    # A work photo: the supervisor who may see the site and the order's guidance staff.
    "visit_photo": {"read": {**GUIDANCE, "site_supervisor": SUPERVISES}},
    "admin": {"read": {}, "edit": {}},  # Django's admin: superusers only
}


def reaches(user: User, resource: str, action: str) -> frozenset[str]:
    """The reaches `user`'s roles give for `action` on `resource` (the union over their roles)."""
    rule = RULES[resource][action]
    if PUBLIC in rule:
        return frozenset({PUBLIC})
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return frozenset({rule.get(SUPERUSER, ALL)}) - {NONE}
    found = {rule[role] for role in user.roles if role in rule}
    if EVERYONE in rule and not found:
        found.add(rule[EVERYONE])
    return frozenset(found) - {NONE}


def can(user: User, resource: str, action: str) -> bool:
    """May `user` do `action` to some `resource` at all (how far: `reaches`, `reach_filter`)?"""
    return bool(reaches(user, resource, action))


ReachFilters = Mapping[str, Callable[["User", str], Q | None]]


def reach_filter(user: User, resource: str, action: str, filters: ReachFilters, prefix: str = "") -> Q | None:
    """The rows of `resource` that `user` may `action`, as a Q over a relation (`prefix`, e.g.
    "client__"): the union of `filters[reach]` over the person's reaches. None means every row
    (a reach of ALL or EVERYONE). A reach the model defines no filter for grants nothing."""
    found = reaches(user, resource, action)
    if found & {ALL, EVERYONE, PUBLIC}:
        return None
    condition = Q(**{f"{prefix}pk__in": []})
    for reach in sorted(found):
        make = filters.get(reach)
        extra = make(user, prefix) if make is not None else None
        if extra is not None:
            condition |= extra
    return condition


def nothing(prefix: str = "") -> Q:
    return Q(**{f"{prefix}pk__in": []})


def can_in_office(
    user: User, resource: str, action: str, office_id: int | None, *, member: Callable[[], bool] | None = None
) -> bool:
    """May `user` do `action` to a record of office `office_id`? Anywhere with ALL; in their own
    office with OFFICE, SECTION or MINE (the record's finer rule, section or caseload, is its
    `visible_to`, which the caller has applied); with MEMBER when `member()` holds (the program's
    team member who may edit)."""
    found = reaches(user, resource, action)
    if found & {ALL, EVERYONE}:
        return True
    if not found or not user.office_id or user.office_id != office_id:
        return False
    if found & {OFFICE, SECTION, MINE}:
        return True
    return MEMBER in found and member is not None and member()


def own_office(user: User, prefix: str = "") -> Q | None:
    """The OFFICE reach of any model with an `office`: rows of the person's own office."""
    return Q(**{f"{prefix}office_id": user.office_id}) if user.office_id else None


def own_region(user: User, prefix: str = "") -> Q | None:
    """The REGION reach of any model with an `office`: rows of the offices of the person's region."""
    if not user.regional_office_id:
        return None
    return Q(**{f"{prefix}office__regional_office_id": user.regional_office_id})
