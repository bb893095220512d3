"""The read-replica router (aksalarasa/core/dbrouter.py): every rule, on real databases.

- "same database" replica: a second connection to the test database under the alias ``replica``
  (a replica that is never behind), to see which connection each read used;
- "down" replica: an alias whose server does not exist (a closed loopback port for PostgreSQL, a
  file in a missing directory for SQLite), so the connection really fails;
- a real streaming standby: a throwaway PostgreSQL primary and a `pg_basebackup -R` standby
  (scripts/pg.sh), whose replay is paused to make real lag, and which is stopped to make it go down.
"""

from __future__ import annotations

import copy
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aksalarasa.accounts.models import User
from aksalarasa.clients.models import Client
from aksalarasa.core import dbrouter
from aksalarasa.core.models import LookupCount
from aksalarasa.core.scoping import user_scope
from tests.factories import OfficeFactory, make_client, make_user

ROOT = Path(__file__).resolve().parent.parent
router = dbrouter.ReplicaRouter()
DASHBOARD = "dashboards:office"  # listed in settings.REPLICA_READ_VIEWS


# Every test here may use the ``replica`` alias: it exists for the module (as REPLICA_DATABASE_URL
# makes it at start-up), pointing at the test database unless a test points it elsewhere. A mirror
# of default for the test framework, so it is neither created nor flushed on its own.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def same_database() -> dict[str, Any]:
    params = copy.deepcopy(connections["default"].settings_dict)
    params["TEST"] = {**params.get("TEST", {}), "MIRROR": "default"}
    return params


@pytest.fixture(scope="module", autouse=True)
def replica_slot(django_db_setup, django_db_blocker) -> Iterator[None]:
    connections.settings[dbrouter.REPLICA] = same_database()
    try:
        yield
    finally:
        _drop_connection()
        del connections.settings[dbrouter.REPLICA]
        dbrouter.reset_replica_health()


def _drop_connection() -> None:
    try:
        connections[dbrouter.REPLICA].close()
    except Exception:  # noqa: BLE001, S110 - a down replica's connection may not close cleanly
        pass
    try:
        del connections[dbrouter.REPLICA]
    except AttributeError:
        pass


@contextmanager
def replica_alias(settings_dict: dict[str, Any]) -> Iterator[None]:
    """Point the ``replica`` alias at another server for the block."""
    _drop_connection()
    connections.settings[dbrouter.REPLICA] = {**settings_dict, "TEST": {"MIRROR": "default"}}
    dbrouter.reset_replica_health()
    try:
        yield
    finally:
        _drop_connection()
        connections.settings[dbrouter.REPLICA] = same_database()
        dbrouter.reset_replica_health()


@contextmanager
def no_replica() -> Iterator[None]:
    params = connections.settings.pop(dbrouter.REPLICA)
    try:
        yield
    finally:
        connections.settings[dbrouter.REPLICA] = params


def free_port() -> int:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "scripts/free-port.py"], cwd=ROOT, capture_output=True
    )
    return int(out.stdout)


def unreachable_database(tmp_path: Path) -> dict[str, Any]:
    params = same_database()
    if params["ENGINE"].endswith("sqlite3"):
        params["NAME"] = str(tmp_path / "no-such-directory" / "replica.sqlite3")
    else:
        params.update(HOST="127.0.0.1", PORT=str(free_port()))
        params["OPTIONS"] = {**params.get("OPTIONS", {}), "connect_timeout": 2}
    return params


@contextmanager
def read_only_page() -> Iterator[None]:
    token = dbrouter.allow_replica_reads()
    try:
        yield
    finally:
        dbrouter.end_replica_reads(token)


def replica_queries(client, url: str) -> tuple[int, int]:
    """(status, statements the replica ran) of one GET."""
    with CaptureQueriesContext(connections[dbrouter.REPLICA]) as ctx:
        status = client.get(url).status_code
    return status, len(ctx.captured_queries)


# --- no replica configured: exactly as before --------------------------------------------------


def test_without_a_replica_the_router_leaves_everything_to_django(users_a, login):
    with no_replica():
        assert not dbrouter.replica_configured()
        with read_only_page():
            assert router.db_for_read(Client) is None
            assert router.db_for_write(Client) is None
        assert login(users_a["office_head"]).get(reverse(DASHBOARD)).status_code == 200
        assert (
            dbrouter.WROTE_COOKIE
            not in login(users_a["office_head"])
            .post(reverse("core:set_language"), {"language": "en"})
            .cookies
        )


def test_read_your_writes_window_must_cover_the_accepted_lag():
    with override_settings(
        REPLICA_READ_YOUR_WRITES_SECONDS=2, REPLICA_MAX_LAG_SECONDS=2, REPLICA_CHECK_SECONDS=1
    ):
        with pytest.raises(ImproperlyConfigured, match="REPLICA_READ_YOUR_WRITES_SECONDS"):
            dbrouter.check_settings()
    dbrouter.check_settings()  # the defaults: 5 >= 2 + 1


# --- the rules, with a replica that is never behind ---------------------------------------------


def test_reads_go_to_the_replica_only_on_a_read_only_page():
    assert router.db_for_read(Client) == "default"  # not marked: the primary
    with read_only_page():
        assert router.db_for_read(Client) == "replica"
        assert router.db_for_write(Client) == "default"  # writes: always the primary
        # ... and once this request wrote, it reads what it wrote: the primary from now on
        assert router.db_for_read(Client) == "default"
    with read_only_page():
        for model in (User, Session, LookupCount):  # accounts, sessions, rate limits: never stale
            assert router.db_for_read(model) == "default"
        with transaction.atomic():  # inside a transaction on the primary: the primary
            assert router.db_for_read(Client) == "default"
        assert router.db_for_read(Client) == "replica"
    assert router.allow_migrate("replica", "clients") is False
    assert router.allow_migrate("default", "clients") is None


def test_rows_of_either_database_may_be_related(office_a):
    client = make_client(office_a)
    officer = make_user("officer", office_a)
    client._state.db = "replica"
    assert router.allow_relation(client, officer) is True


def test_listed_pages_read_the_replica_and_others_the_primary(users_a, login):
    http = login(users_a["office_head"])
    status, on_replica = replica_queries(http, reverse(DASHBOARD))
    assert (status, on_replica > 0) == (200, True)
    assert replica_queries(http, reverse("core:home")) == (200, 0)  # not listed
    assert replica_queries(http, reverse("clients:list")) == (200, 0)
    assert http.head(reverse(DASHBOARD)).status_code == 200


def test_after_a_write_the_person_reads_the_primary_for_a_few_seconds(users_a, login):
    http = login(users_a["office_head"])
    with override_settings(REPLICA_READ_YOUR_WRITES_SECONDS=3.5):
        assert replica_queries(http, reverse(DASHBOARD))[1] > 0
        response = http.post(reverse("core:set_language"), {"language": "en"})
        assert response.status_code in (200, 302)
        assert dbrouter.WROTE_COOKIE in response.cookies
        assert response.cookies[dbrouter.WROTE_COOKIE]["httponly"]
        assert replica_queries(http, reverse(DASHBOARD)) == (200, 0)  # just wrote: the primary
        time.sleep(3.6)
        assert replica_queries(http, reverse(DASHBOARD))[1] > 0  # the window has passed
        # Another person (no cookie) was never held back; a forged cookie does not count either.
        other = login(users_a["section_head"])
        other.cookies[dbrouter.WROTE_COOKIE] = "1:forged:signature"
        assert replica_queries(other, reverse(DASHBOARD))[1] > 0


def test_replica_reads_stay_inside_the_persons_scope():
    office_a, office_b = OfficeFactory(name="Bapas Replika A"), OfficeFactory(name="Bapas Replika B")
    mine, theirs = make_client(office_a), make_client(office_b)
    head = make_user("office_head", office_a)
    with read_only_page(), user_scope(head):
        with CaptureQueriesContext(connections["replica"]) as ctx:
            seen = set(Client.objects.values_list("pk", flat=True))
        assert mine.pk in seen and theirs.pk not in seen
        reads = [q["sql"] for q in ctx.captured_queries if "clients_client" in q["sql"]]
        assert len(reads) == 1 and "office_id" in reads[0]
        with CaptureQueriesContext(connections["replica"]) as ctx:
            assert not Client.objects.filter(pk=theirs.pk).exists()
        assert [q for q in ctx.captured_queries if "clients_client" in q["sql"]]


# --- a replica that is down ---------------------------------------------------------------------


def test_a_replica_that_is_down_sends_reads_to_the_primary(users_a, login, tmp_path):
    http = login(users_a["office_head"])
    with replica_alias(unreachable_database(tmp_path)), override_settings(REPLICA_RETRY_SECONDS=60):
        with read_only_page():
            assert router.db_for_read(Client) == "default"
        health = dbrouter.replica_health()
        assert not health.usable and health.lag_seconds is None
        assert health.error.startswith("OperationalError")  # a real failed connection
        # The failure is remembered: the next reads do not try the dead server again.
        with read_only_page():
            assert router.db_for_read(Client) == "default"
        assert dbrouter.replica_health().checked_at == health.checked_at
        response = http.get(reverse(DASHBOARD))
        assert response.status_code == 200
        assert users_a["office_head"].office.name in response.content.decode()


# --- a real streaming standby ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def standby(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """A throwaway PostgreSQL primary and a streaming standby made by pg_basebackup -R."""
    base = Path(f"/tmp/aks-standby-{uuid.uuid4().hex[:8]}")
    primary_dir, standby_dir = base.with_name(base.name + "-p"), base.with_name(base.name + "-s")
    pg = str(ROOT / "scripts/pg.sh")
    primary_port, standby_port = free_port(), free_port()
    try:
        primary_url = subprocess.run(
            [pg, "start", str(primary_dir), str(primary_port)], check=True, capture_output=True, text=True
        ).stdout.strip()
        while standby_port == primary_port:
            standby_port = free_port()
        standby_url = subprocess.run(
            [pg, "replica", str(standby_dir), str(standby_port), str(primary_port)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        yield {
            "primary_url": primary_url,
            "standby_url": standby_url,
            "standby_dir": standby_dir,
            "settings": {
                **same_database(),
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "aksalarasa",
                "USER": "aks",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": str(standby_port),
                "OPTIONS": {"connect_timeout": 2},
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
            },
        }
    finally:
        subprocess.run([pg, "stop", str(standby_dir)], check=False)
        subprocess.run([pg, "stop", str(primary_dir)], check=False)


def _wait_for(predicate, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the standby did not get there in time"
        time.sleep(0.1)


def test_a_real_standby_is_used_until_it_lags_then_until_it_stops(standby, users_a, login):
    with (
        psycopg.connect(standby["primary_url"], autocommit=True) as primary,
        psycopg.connect(standby["standby_url"], autocommit=True) as replica,
    ):
        primary.execute("CREATE TABLE heartbeat (at timestamptz)")
        primary.execute("INSERT INTO heartbeat VALUES (now())")
        _wait_for(
            lambda: replica.execute("SELECT count(*) FROM pg_class WHERE relname = 'heartbeat'").fetchone()[0]
        )
        with (
            replica_alias(standby["settings"]),
            override_settings(REPLICA_MAX_LAG_SECONDS=0.5, REPLICA_CHECK_SECONDS=0),
        ):
            # Streaming and caught up: no lag, the replica serves read-only pages.
            assert dbrouter.measure_lag() == 0.0
            with read_only_page():
                assert router.db_for_read(Client) == "replica"

            # Replay paused while the primary keeps writing: real lag, past the limit.
            replica.execute("SELECT pg_wal_replay_pause()")
            time.sleep(0.7)
            primary.execute("INSERT INTO heartbeat VALUES (now())")
            _wait_for(lambda: (dbrouter.measure_lag() or 0) > 0.5)
            with read_only_page():
                assert router.db_for_read(Client) == "default"
            assert dbrouter.replica_health().lag_seconds > 0.5

            # Replay resumed: caught up again, back to the replica.
            # (a replica that was behind is asked again off the request path: wait for that)
            replica.execute("SELECT pg_wal_replay_resume()")
            with read_only_page():
                _wait_for(lambda: router.db_for_read(Client) == "replica")
            assert dbrouter.replica_health().lag_seconds == 0.0

        # Stopped while the router still believes it healthy: the page's replica read fails
        # half-way, the page runs again on the primary, and the replica is marked down.
        http = login(users_a["office_head"])
        with (
            replica_alias(standby["settings"]),
            override_settings(REPLICA_CHECK_SECONDS=60, REPLICA_RETRY_SECONDS=60),
        ):
            assert dbrouter.replica_health().usable
            replica.close()
            subprocess.run([str(ROOT / "scripts/pg.sh"), "stop", str(standby["standby_dir"])], check=True)
            response = http.get(reverse(DASHBOARD))
            assert response.status_code == 200
            assert users_a["office_head"].office.name in response.content.decode()
            assert not dbrouter.replica_health().usable
        # Down from the start: reads go to the primary, and the check does not hang.
        with replica_alias(standby["settings"]):
            started = time.monotonic()
            with read_only_page():
                assert router.db_for_read(Client) == "default"
            assert time.monotonic() - started < 5
            assert not dbrouter.replica_health().usable


def test_a_hanging_replica_is_asked_again_off_the_request_path(tmp_path):
    """A server that accepts connections and never answers (as PgBouncer does for a replica that
    went down, until its query_wait_timeout): only the first check waits; later pages do not."""
    if connections["default"].vendor != "postgresql":
        hung = unreachable_database(tmp_path)  # SQLite has no server to hang: a missing file
    else:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        hung = {**same_database(), "HOST": "127.0.0.1", "PORT": str(listener.getsockname()[1])}
        hung["OPTIONS"] = {**hung.get("OPTIONS", {}), "connect_timeout": 2}
    with replica_alias(hung), override_settings(REPLICA_RETRY_SECONDS=0):
        first = dbrouter.replica_health()
        assert not first.usable
        for _ in range(3):
            started = time.monotonic()
            with read_only_page():
                assert router.db_for_read(Client) == "default"
            assert time.monotonic() - started < 0.5  # the re-check runs in the background
        _wait_for(lambda: dbrouter.replica_health().checked_at > first.checked_at)
