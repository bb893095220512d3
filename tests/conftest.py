from __future__ import annotations

import os

import pytest
from django.utils import translation

from tests.factories import OfficeFactory, make_user

ROLES = [
    "national",
    "regional",
    "office_head",
    "section_head",
    "officer",
    "program_team",
    "partner_staff",
    "admin",
]


@pytest.fixture
def office_a(db):
    return OfficeFactory(name="Bapas Kelas I Alpha")


@pytest.fixture
def office_b(db):
    """An office in another region, to prove scoping."""
    return OfficeFactory(name="Bapas Kelas II Beta")


@pytest.fixture
def users_a(office_a):
    """One user per role, all placed at (or over) office A."""
    return {role: make_user(role, office_a) for role in ROLES}


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    expected = os.environ.get("AKSALARASA_EXPECT_DB")
    if expected and engine != expected:
        raise pytest.UsageError(f"Expected the {expected} database but settings use {engine}.")
    return f"aksalarasa database: {engine}"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code a test calls directly (services, forms, importers) speaks English, the source
    language, so tests can compare messages whatever the catalogue holds. Pages still follow the
    person's language through the middleware (Bahasa Indonesia by default; tests prove it)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the look-up rate limits count in the database, which
    each test's rollback or flush empties)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A test with real commits (transactional_db, live_server) ends with a flush that empties
    every table, the regions loaded by a data migration included: put them back, so the next test
    finds the database as the migrations left it."""
    result = yield
    used = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    committed = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    if nextitem is not None and (
        committed or used & {"transactional_db", "live_server", "django_db_reset_sequences"}
    ):
        from importlib import import_module

        from django.apps import apps as django_apps
        from pytest_django.plugin import blocking_manager_key

        from aksalarasa.offices.models import Region

        with item.config.stash[blocking_manager_key].unblock():
            if not Region.objects.exists():
                import_module("aksalarasa.offices.migrations.0002_load_regions").load_regions(
                    django_apps, None
                )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Each test's fixtures and body read office data unscoped (a test arranges rows of several
    offices and checks them directly). A request through the test client or the live server still
    runs in the signed-in person's scope: ScopeMiddleware activates it inside, and the inner scope
    wins, so pages and the API are checked under the real rule (docs/scoping.md)."""
    from aksalarasa.core.scoping import unscoped

    with unscoped(reason="test body"):
        return (yield)
