"""Who sees which offices and which staff accounts: the exact rows, for every role.

The rules are those of `OfficeQuerySet.visible_to` and `UserQuerySet.visible_to`. The expected
sets below are written out by hand (not recomputed with the same logic), and compared with
equality: a row too many is a leak, a row too few is a bug.

The world: office A and its sibling outpost A2 under one regional office, office B under another;
one account per role at A and at B, an officer at A2, a second regional viewer of A's region,
a superuser, an inactive account at A, and the anonymous visitor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser

from aksalarasa.accounts import services as account_services
from aksalarasa.accounts.models import User
from aksalarasa.offices.models import Office
from tests.conftest import ROLES
from tests.factories import OfficeFactory, UserFactory, make_user

OFFICE_ROLES = ["office_head", "section_head", "officer", "program_team", "partner_staff", "admin"]
STAFF_BROWSERS = {"superuser", "national", "regional", "office_head", "section_head", "admin"}


@dataclass
class World:
    offices: dict[str, Office]
    people: dict[str, User]

    def viewer(self, name: str) -> User | AnonymousUser:
        return AnonymousUser() if name == "anonymous" else self.people[name]

    def office_names(self, offices) -> set[str]:
        by_pk = {o.pk: name for name, o in self.offices.items()}
        return {by_pk[o.pk if isinstance(o, Office) else int(o)] for o in offices}

    def people_names(self, users) -> set[str]:
        by_pk = {u.pk: name for name, u in self.people.items()}
        return {by_pk[u.pk if isinstance(u, User) else int(u)] for u in users}


@pytest.fixture
def world(office_a, office_b) -> World:
    assert office_a.regional_office_id != office_b.regional_office_id
    office_a2 = OfficeFactory(
        name="Pos Bapas Alpha Dua",
        office_class=Office.OfficeClass.POST,
        regional_office=office_a.regional_office,
    )
    people: dict[str, User] = {}
    for role in ROLES:
        people[f"{role}_a"] = make_user(role, office_a)
        people[f"{role}_b"] = make_user(role, office_b)
    people["regional_a_colleague"] = make_user("regional", office_a)
    people["officer_a2"] = make_user("officer", office_a2)
    people["superuser"] = UserFactory(office=None, is_superuser=True, is_staff=True)
    people["inactive_a"] = make_user("office_head", office_a, is_active=False)
    return World(offices={"A": office_a, "A2": office_a2, "B": office_b}, people=people)


# --- The expected rows, by hand -------------------------------------------------------------

ALL_OFFICES = {"A", "A2", "B"}
EXPECTED_OFFICES: dict[str, set[str]] = {
    "anonymous": set(),
    "inactive_a": set(),
    "superuser": ALL_OFFICES,
    "national_a": ALL_OFFICES,
    "national_b": ALL_OFFICES,
    "regional_a": {"A", "A2"},
    "regional_a_colleague": {"A", "A2"},
    "regional_b": {"B"},
    "officer_a2": {"A2"},
    **{f"{role}_a": {"A"} for role in OFFICE_ROLES},
    **{f"{role}_b": {"B"} for role in OFFICE_ROLES},
}

STAFF_A = {f"{role}_a" for role in OFFICE_ROLES} | {"inactive_a"}
STAFF_B = {f"{role}_b" for role in OFFICE_ROLES}
STAFF_A2 = {"officer_a2"}
VIEWERS_A = {"regional_a", "regional_a_colleague"}
EVERYONE = STAFF_A | STAFF_B | STAFF_A2 | VIEWERS_A | {"regional_b", "national_a", "national_b", "superuser"}

EXPECTED_STAFF: dict[str, set[str]] = {
    "anonymous": set(),
    "inactive_a": set(),
    "superuser": EVERYONE,
    "national_a": EVERYONE,
    "national_b": EVERYONE,
    # Their region's offices' staff and their region's viewers; never national viewers.
    "regional_a": STAFF_A | STAFF_A2 | VIEWERS_A,
    "regional_a_colleague": STAFF_A | STAFF_A2 | VIEWERS_A,
    "regional_b": STAFF_B | {"regional_b"},
    # Office staff see their colleagues (inactive ones included), not the sibling outpost.
    **{f"{role}_a": STAFF_A for role in OFFICE_ROLES if role != "partner_staff"},
    **{f"{role}_b": STAFF_B for role in OFFICE_ROLES if role != "partner_staff"},
    "officer_a2": STAFF_A2,
    # Partner staff see only themselves.
    "partner_staff_a": {"partner_staff_a"},
    "partner_staff_b": {"partner_staff_b"},
}
VIEWERS = sorted(EXPECTED_OFFICES)


def _logged_out(viewer: str) -> bool:
    """Anonymous, or an account that has been deactivated (its session no longer counts)."""
    return viewer in {"anonymous", "inactive_a"}


def test_the_tables_cover_every_account_of_the_world(world):
    assert set(EXPECTED_OFFICES) == set(world.people) | {"anonymous"}
    assert set(EXPECTED_STAFF) == set(EXPECTED_OFFICES)
    assert set(world.people) == EVERYONE


def _role(name: str) -> str:
    """'section_head_a' -> 'section_head'; 'superuser' -> 'superuser'."""
    for role in ROLES:
        if name.startswith(role + "_"):
            return role
    return name


def _can_browse_staff(name: str) -> bool:
    return _role(name) in STAFF_BROWSERS and name != "inactive_a"


# --- The querysets --------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_office_visible_to_returns_exactly_the_scoped_offices(world, viewer):
    rows = Office.objects.visible_to(world.viewer(viewer))
    assert world.office_names(rows) == EXPECTED_OFFICES[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_user_visible_to_returns_exactly_the_scoped_staff(world, viewer):
    rows = User.objects.visible_to(world.viewer(viewer))
    assert world.people_names(rows) == EXPECTED_STAFF[viewer]


# --- Through the web pages ------------------------------------------------------------------


def _login(client, world: World, viewer: str):
    if viewer != "anonymous":
        client.force_login(world.people[viewer])
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_office_pages_show_exactly_the_scoped_offices(client, world, viewer):
    client = _login(client, world, viewer)
    response = client.get("/offices/")
    if _logged_out(viewer):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    assert response.status_code == 200
    listed = set(re.findall(r'href="/offices/(\d+)/"', response.content.decode()))
    assert world.office_names(listed) == EXPECTED_OFFICES[viewer]

    statuses = {name: client.get(f"/offices/{o.pk}/").status_code for name, o in world.offices.items()}
    expected = {name: 200 if name in EXPECTED_OFFICES[viewer] else 404 for name in world.offices}
    assert statuses == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_staff_pages_show_exactly_the_scoped_staff(client, world, viewer):
    client = _login(client, world, viewer)
    response = client.get("/accounts/staff/")
    if _logged_out(viewer):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        return
    if not _can_browse_staff(viewer):
        # Officers, program teams and partner staff have no staff pages at all: 404, not 403.
        assert response.status_code == 404
        statuses = {
            name: client.get(f"/accounts/staff/{u.pk}/").status_code for name, u in world.people.items()
        }
        assert set(statuses.values()) == {404}
        return
    assert response.status_code == 200
    listed = set(re.findall(r'href="/accounts/staff/(\d+)/"', response.content.decode()))
    viewer_user = world.people[viewer]
    # The list hides deactivated accounts except from those who manage staff (and can reactivate).
    expected_listed = {
        name
        for name in EXPECTED_STAFF[viewer]
        if world.people[name].is_active or viewer_user.can_manage_staff
    }
    assert world.people_names(listed) == expected_listed

    statuses = {name: client.get(f"/accounts/staff/{u.pk}/").status_code for name, u in world.people.items()}
    expected = {name: 200 if name in EXPECTED_STAFF[viewer] else 404 for name in world.people}
    assert statuses == expected


@pytest.mark.parametrize("viewer", [v for v in VIEWERS if not _logged_out(v)])
def test_unknown_office_and_staff_ids_answer_404_like_out_of_scope_ones(client, world, viewer):
    client = _login(client, world, viewer)
    assert client.get("/offices/987654/").status_code == 404
    assert client.get("/accounts/staff/987654/").status_code == 404
    assert client.get("/api/v1/offices/987654").status_code == 404


# --- Through the API (personal tokens) -------------------------------------------------------


def _bearer(world: World, viewer: str) -> dict[str, str]:
    if viewer == "anonymous":
        return {}
    _token, raw = account_services.api_token_create(user=world.people[viewer], name="scoping")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_lists_and_reads_exactly_the_scoped_offices(client, world, viewer):
    headers = _bearer(world, viewer)
    response = client.get("/api/v1/offices", **headers)
    if _logged_out(viewer):
        # No token, or the token of a deactivated account: 401 with a JSON reason.
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
        assert client.get(f"/api/v1/offices/{world.offices['A'].pk}", **headers).status_code == 401
        return
    assert response.status_code == 200
    assert world.office_names(row["id"] for row in response.json()) == EXPECTED_OFFICES[viewer]

    statuses = {
        name: client.get(f"/api/v1/offices/{o.pk}", **headers).status_code
        for name, o in world.offices.items()
    }
    expected = {name: 200 if name in EXPECTED_OFFICES[viewer] else 404 for name in world.offices}
    assert statuses == expected


def test_api_answer_for_an_out_of_scope_office_is_identical_to_a_missing_one(client, world):
    headers = _bearer(world, "office_head_a")
    other = client.get(f"/api/v1/offices/{world.offices['B'].pk}", **headers)
    missing = client.get("/api/v1/offices/987654", **headers)
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_web_answer_for_an_out_of_scope_colleague_is_identical_to_a_missing_one(client, world):
    client.force_login(world.people["office_head_a"])
    other = client.get(f"/accounts/staff/{world.people['officer_b'].pk}/")
    missing = client.get("/accounts/staff/987654/")
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
