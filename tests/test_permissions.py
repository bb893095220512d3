"""The permission walk: every URL of the project x every role x the expected status code.

Each row of PERMISSIONS is one request (method, URL, form or JSON body) and the status every
actor must get. Actors work at office A (regional viewers over A's region); "other_office" and
"outsider" belong to office B in another region. Out-of-scope rows answer 404, never 403.

Adding an app: append its rows to PERMISSIONS (and, if needed, targets to the `places` fixture).
`test_every_url_of_the_project_is_walked` fails for any URL pattern or API operation without a row.

Shorthands: `ui(default, **per_actor)` sends anonymous visitors to the login page;
`api(default, **per_actor)` answers them 401 JSON; `everyone(code, **per_actor)` is literal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from aksalarasa.accounts import services as account_services
from tests.factories import UserFactory, make_user

LOGIN = "login"  # 302 to /accounts/login/?next=...
ACTORS = [
    "anonymous",
    "national",
    "regional",
    "office_head",
    "section_head",
    "officer",
    "program_team",
    "partner_staff",
    "admin",
    "superuser",
]
HEAD_ADMIN = ("office_head", "admin", "superuser")
STAFF_BROWSERS = ("national", "regional", "office_head", "section_head", "admin", "superuser")


def everyone(code: int | str, **per_actor: int | str) -> dict[str, int | str]:
    unknown = set(per_actor) - set(ACTORS)
    assert not unknown, f"unknown actors {unknown}"
    return {actor: per_actor.get(actor, code) for actor in ACTORS}


def ui(default: int, **per_actor: int | str) -> dict[str, int | str]:
    """A page behind login: anonymous visitors are sent to the login page."""
    return everyone(default, **{"anonymous": LOGIN, **per_actor})


def api(default: int, **per_actor: int | str) -> dict[str, int | str]:
    """An API operation: anonymous callers get 401 with a JSON reason."""
    return everyone(default, **{"anonymous": 401, **per_actor})


def only(actors: tuple[str, ...], code: int) -> dict[str, int]:
    return dict.fromkeys(actors, code)


Body = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    method: str
    url: str  # str.format()-ed with the `places` fixture
    expect: dict[str, int | str]
    data: Body = None  # form data (POST) or JSON (PATCH/PUT)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}{' ' + self.note if self.note else ''}"


def _staff_new(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "username": "staf.baru",
        "full_name": "Staf Baru",
        "email": "staf.baru@example.org",
        "roles": ["officer"],
        "section": "adult",
        "officer_grade": "muda",
        "is_active": "on",
        "password": "Sangat-rahasia-2026",
    }


def _staff_edit(who: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def build(p: dict[str, Any]) -> dict[str, Any]:
        member = p[f"{who}_user"]
        return {
            "username": member.username,
            "full_name": "Nama Diubah",
            "email": member.email,
            "roles": ["officer"],
            "section": "adult",
            "officer_grade": "madya",
            "is_active": "on",
            "version": member.version,
        }

    return build


def _office_edit(which: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def build(p: dict[str, Any]) -> dict[str, Any]:
        office = p[f"{which}_obj"]
        return {
            "name": office.name,
            "address": "Jl. Gatot Subroto",
            "village_code": "51.71.01.1001",
            "phone": "0361-222",
            "email": "",
            "time_zone": office.time_zone,
            "work_area": ["51.71"],
            "retention_years": 5,
            "version": office.version,
        }

    return build


PERMISSIONS: list[Row] = [
    # core
    Row("GET", "/", ui(200)),
    Row("GET", "/healthz", everyone(200)),
    Row("POST", "/language/", everyone(302), data={"language": "en", "next": "/"}),
    # accounts: login, session, own account
    Row("GET", "/accounts/login/", everyone(302, anonymous=200)),
    Row(
        "POST",
        "/accounts/login/",
        everyone(302, anonymous=200),
        data={"username": "nobody", "password": "wrong-password-1"},
        note="wrong password",
    ),
    Row("GET", "/accounts/login/verify/", everyone(302), note="no login pending"),
    Row("POST", "/accounts/login/verify/", everyone(302), data={"token": "123456"}, note="no login pending"),
    Row("GET", "/accounts/logout/", everyone(405)),
    Row("POST", "/accounts/logout/", everyone(302)),
    Row("GET", "/accounts/profile/", ui(200)),
    Row("POST", "/accounts/profile/", ui(302), data={"language": "id", "phone": "0812"}),
    Row("GET", "/accounts/password/", ui(200)),
    Row(
        "POST",
        "/accounts/password/",
        ui(200),
        data={"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
        note="wrong current password",
    ),
    Row("GET", "/accounts/2fa/", ui(200)),
    Row("POST", "/accounts/2fa/", ui(200), data={"token": "abcdef"}, note="wrong code"),
    Row("GET", "/accounts/2fa/recovery-codes/", everyone(405)),
    Row("POST", "/accounts/2fa/recovery-codes/", ui(404), note="two-factor login not set up"),
    Row("GET", "/accounts/2fa/disable/", everyone(405)),
    Row("POST", "/accounts/2fa/disable/", ui(302)),
    Row("GET", "/accounts/tokens/", everyone(405)),
    Row("POST", "/accounts/tokens/", ui(200), data={"name": "script"}),
    Row("POST", "/accounts/tokens/", ui(302), data={"name": ""}, note="no name"),
    Row("POST", "/accounts/tokens/{my_token}/revoke/", ui(302)),
    Row("POST", "/accounts/tokens/{foreign_token}/revoke/", ui(404)),
    Row("GET", "/accounts/tokens/{my_token}/revoke/", everyone(405)),
    # accounts: staff management
    Row("GET", "/accounts/staff/", ui(404, **only(STAFF_BROWSERS, 200))),
    Row(
        "GET",
        "/accounts/staff/?q=uji",
        ui(404, **only(STAFF_BROWSERS, 200)),
        extra={"HTTP_HX_REQUEST": "true"},
    ),
    Row("GET", "/accounts/staff/new/", ui(404, office_head=200, admin=200)),
    Row("POST", "/accounts/staff/new/", ui(404, office_head=302, admin=302), data=_staff_new),
    Row("GET", "/accounts/staff/{colleague}/", ui(404, **only(STAFF_BROWSERS, 200))),
    Row("GET", "/accounts/staff/{outsider}/", ui(404, national=200, superuser=200)),
    Row("GET", "/accounts/staff/{colleague}/edit/", ui(404, **only(HEAD_ADMIN, 200))),
    Row(
        "POST",
        "/accounts/staff/{colleague}/edit/",
        ui(404, **only(HEAD_ADMIN, 302)),
        data=_staff_edit("colleague"),
    ),
    Row("GET", "/accounts/staff/{outsider}/edit/", ui(404, superuser=200)),
    Row("POST", "/accounts/staff/{outsider}/edit/", ui(404, superuser=302), data=_staff_edit("outsider")),
    Row("GET", "/accounts/staff/{colleague}/reset-password/", everyone(405)),
    Row("POST", "/accounts/staff/{colleague}/reset-password/", ui(404, **only(HEAD_ADMIN, 200))),
    Row("POST", "/accounts/staff/{outsider}/reset-password/", ui(404, superuser=200)),
    Row("POST", "/accounts/staff/{me}/reset-password/", ui(404), note="not one's own"),
    # offices
    Row("GET", "/offices/", ui(200)),
    Row("GET", "/offices/{own_office}/", ui(200)),
    Row("GET", "/offices/{other_office}/", ui(404, national=200, superuser=200)),
    Row("GET", "/offices/{own_office}/edit/", ui(404, **only(HEAD_ADMIN, 200))),
    Row(
        "POST",
        "/offices/{own_office}/edit/",
        ui(404, **only(HEAD_ADMIN, 302)),
        data=_office_edit("own_office"),
    ),
    Row("GET", "/offices/{other_office}/edit/", ui(404, superuser=200)),
    Row("POST", "/offices/{other_office}/edit/", ui(404, superuser=302), data=_office_edit("other_office")),
    Row("GET", "/offices/regions/children/?code=51.71", ui(200), extra={"HTTP_HX_REQUEST": "true"}),
    # audit
    Row("GET", "/audit/access/", ui(404, office_head=200, superuser=200)),
    Row("POST", "/audit/access/", everyone(405), note="read-only"),
    # dashboards
    Row("GET", "/dashboards/office/", ui(404, office_head=200, section_head=200, admin=200)),
    Row("GET", "/dashboards/office/?format=xlsx", ui(404, office_head=200, section_head=200, admin=200)),
    Row("GET", "/dashboards/aggregates/", ui(404, national=200, regional=200, superuser=200)),
    Row("GET", "/dashboards/aggregates/?format=xlsx", ui(404, national=200, regional=200, superuser=200)),
    # API (here through the browser session; tokens in test_api.py)
    Row("GET", "/api/v1/openapi.json", everyone(200)),
    Row("GET", "/api/v1/docs", everyone(200)),
    Row("GET", "/api/v1/me", api(200)),
    Row("GET", "/api/v1/offices", api(200)),
    Row("GET", "/api/v1/offices/{own_office}", api(200)),
    Row("GET", "/api/v1/offices/{other_office}", api(404, national=200, superuser=200)),
    Row(
        "PATCH",
        "/api/v1/offices/{own_office}",
        api(404, **only(HEAD_ADMIN, 200)),
        data={"version": 1, "phone": "0361-1"},
    ),
    Row(
        "PATCH",
        "/api/v1/offices/{other_office}",
        api(404, superuser=200),
        data={"version": 1, "phone": "0361-1"},
    ),
    Row("GET", "/api/v1/regions?parent=51.71", api(200)),
    Row("GET", "/api/v1/regions/regencies", api(200)),
    # Django's admin: superusers only (everyone else is sent to the admin's own login page)
    Row("GET", "/django-admin/", everyone(302, superuser=200)),
]


@pytest.fixture
def places(office_a, office_b) -> dict[str, Any]:
    """The records the URLs point at (format keys of Row.url) and their objects (`*_obj`, `*_user`)."""
    colleague = make_user("officer", office_a)
    outsider = make_user("officer", office_b)
    _token, _raw = account_services.api_token_create(user=make_user("office_head", office_b), name="theirs")
    return {
        "own_office": office_a.pk,
        "own_office_obj": office_a,
        "other_office": office_b.pk,
        "other_office_obj": office_b,
        "colleague": colleague.pk,
        "colleague_user": colleague,
        "outsider": outsider.pk,
        "outsider_user": outsider,
        "foreign_token": _token.pk,
    }


def _actor(name: str, office):
    if name == "anonymous":
        return None
    if name == "superuser":
        return UserFactory(office=None, is_superuser=True, is_staff=True)
    return make_user(name, office)


def _request(client, row: Row, places: dict[str, Any]):
    url = row.url.format(**places)
    data = row.data(places) if callable(row.data) else row.data
    if row.method == "GET":
        return client.get(url, **row.extra)
    if row.method == "POST":
        return client.post(url, data or {}, **row.extra)
    return client.generic(
        row.method,
        url,
        data=__import__("json").dumps(data or {}),
        content_type="application/json",
        **row.extra,
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", PERMISSIONS, ids=lambda r: r.id)
def test_permission(client, office_a, places, row, actor):
    user = _actor(actor, office_a)
    if user is not None:
        client.force_login(user)
        token, _raw = account_services.api_token_create(user=user, name="mine")
        places = {**places, "me": user.pk, "my_token": token.pk}
    else:
        places = {**places, "me": places["colleague"], "my_token": places["foreign_token"]}
    response = _request(client, row, places)
    expected = row.expect[actor]
    if expected == LOGIN:
        assert response.status_code == 302, response.content[:300]
        assert response["Location"].startswith("/accounts/login/?next="), response["Location"]
        return
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if row.url.startswith("/api/v1/") and expected in (401, 404):
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


# --- The walk is complete -------------------------------------------------------------------


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "django-admin/":
                yield "django-admin/"  # Django's admin guards its own pages; one row proves the door
                continue
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _route_of(url: str) -> str:
    path = "/" + url.split("?")[0].lstrip("/")
    match = resolve(path.format_map(_Anything()))
    return "django-admin/" if path.startswith("/django-admin/") else match.route


class _Anything(dict):
    def __missing__(self, key: str) -> str:
        return "1"


# Routes that exist only as a framework artefact and answer 404 to everybody.
NOT_WALKED = {"api/v1/"}  # django-ninja's root pattern (no operation behind it)

# Apps whose rows are still to be appended by their authors (each has its own scoping tests).
# When you add an app's rows above, delete its prefixes here: from then on every new URL of the
# app fails this test until it has a row. An app that is not listed here is walked from day one.
PENDING_WALKS = (
    "clients/",
    "guidance/",
    "partners/",
    "programs/",
    "events/",
    "evidence/",
    "api/v1/clients",
    "api/v1/litmas",
    "api/v1/guidance/",
    "api/v1/partners",
    "api/v1/referrals",
    "api/v1/services",
    "api/v1/programs",
    "api/v1/events",
    "api/v1/public/",
    "api/v1/evidence/",
)


def _pending(route: str) -> bool:
    return route.lstrip("/").startswith(PENDING_WALKS)


def test_every_url_of_the_project_is_walked():
    walked = {_route_of(row.url) for row in PERMISSIONS}
    existing = {r for r in _routes(get_resolver().url_patterns) if not _pending(r)} - NOT_WALKED
    missing = sorted(existing - walked)
    assert not missing, (
        "URL patterns without a row in tests/test_permissions.py PERMISSIONS (add GET and the "
        f"relevant POSTs, one expected status per role): {missing}"
    )


def test_every_api_operation_is_walked(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method.upper(), path.split("{")[0])
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"} and not _pending(path)
    }
    walked = {(row.method, row.url.split("?")[0].split("{")[0]) for row in PERMISSIONS}
    missing = sorted(operations - walked)
    assert not missing, f"API operations without a row in PERMISSIONS: {missing}"


def test_nobody_gets_403_for_out_of_scope_records():
    """The table itself: a 403 would reveal that a record exists."""
    assert all(403 not in row.expect.values() for row in PERMISSIONS)
