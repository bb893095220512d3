"""Read replica routing: read-only pages read a streaming replica, everything else the primary.

Configured by the optional ``REPLICA_DATABASE_URL`` (the ``replica`` database alias). Without it
the router answers ``None`` for everything, so Django behaves exactly as with no router at all
(SQLite, the test suite, a one-server deployment).

With a replica, a read goes to it only when every rule below agrees; otherwise it goes to the
primary (``default``):

1. the request is a GET or HEAD of a view whose URL name is in ``REPLICA_READ_VIEWS`` (dashboards,
   overviews, reports and exports: pages that only read, and may be a few seconds stale);
   ``ReplicaReadsMiddleware`` sets a request-local flag for those, nothing else does;
2. the person has not written in the last ``REPLICA_READ_YOUR_WRITES_SECONDS`` (read-your-writes):
   every POST/PUT/PATCH/DELETE answer sets a signed, time-stamped cookie, and while it is fresh the
   person's pages read the primary;
3. nothing was written earlier in the same request, and no transaction is open on the primary (a
   read inside a transaction, or after a write, must see that write);
4. the model is not one of ``PRIMARY_ONLY_APPS`` (sessions, accounts and tokens, lock-out,
   second-factor and rate-limit state: a stale copy would let a disabled account or a used code through);
5. the replica answers, and its replay lag is at most ``REPLICA_MAX_LAG_SECONDS`` (checked at most
   every ``REPLICA_CHECK_SECONDS`` per process; a replica that does not answer is left alone for
   ``REPLICA_RETRY_SECONDS``). A page whose replica read fails half-way is run again on the primary.

Writes always go to the primary. The office scope (``core.scoping``) is part of every scoped
query's SQL whatever database runs it, so a replica read is scoped exactly like a primary read.

Read-your-writes holds when the cookie's window is at least the largest lag the router accepts
(``REPLICA_MAX_LAG_SECONDS`` + ``REPLICA_CHECK_SECONDS``); ``check_settings`` refuses the
opposite.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "accounts",
        "auth",
        "axes",
        "django_otp",
        "otp_totp",
        "otp_static",
        "admin",
        "contenttypes",
        "core",
    }
)
WROTE_COOKIE = "aks_wrote"
_COOKIE_SALT = "aksalarasa.core.dbrouter.wrote"
_SAFE_METHODS = frozenset({"GET", "HEAD"})

# True while a request marked "may read the replica" runs (and nothing was written yet).
_replica_ok: contextvars.ContextVar[bool] = contextvars.ContextVar("aksalarasa_replica_ok", default=False)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def replica_configured() -> bool:
    return REPLICA in connections.settings


@dataclass
class ReplicaHealth:
    usable: bool
    lag_seconds: float | None  # None: the replica did not answer
    checked_at: float  # time.monotonic()
    error: str = ""


# One health record per process, shared by its threads.
_health: ReplicaHealth | None = None
_health_lock = threading.Lock()

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0.0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0.0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8
END
"""


def measure_lag() -> float | None:
    """The replica's replay lag in seconds, asked now: 0 when it has replayed all it received from a
    primary it is streaming from (or when it is not a standby at all); otherwise the age of the
    last replayed transaction. None (unknown: treat as too far behind) when it cannot tell."""
    connection = connections[REPLICA]
    with connection.cursor() as cursor:
        # Another engine (a second SQLite file in tests) has no replication: it answers or not.
        cursor.execute(LAG_SQL if connection.vendor == "postgresql" else "SELECT 0.0")
        row = cursor.fetchone()
    return None if row is None or row[0] is None else max(0.0, float(row[0]))


def replica_health(*, force: bool = False) -> ReplicaHealth:
    """The replica's state, asked at most every REPLICA_CHECK_SECONDS (REPLICA_RETRY_SECONDS after a
    failure) per process, by one thread at a time; the others go on with the last answer.

    A replica that is down or behind is asked again off the request path (a background thread), so
    no page waits for a server that may take seconds to refuse (through PgBouncer, a client waits
    up to its query_wait_timeout); until that thread says it is back, reads stay on the primary.
    """
    now = time.monotonic()
    current = _health
    if current is not None and not force:
        if current.lag_seconds is None:
            ttl = _setting("REPLICA_RETRY_SECONDS", 5.0)
        else:
            ttl = _setting("REPLICA_CHECK_SECONDS", 1.0)
        if now - current.checked_at < ttl:
            return current
        if not current.usable:
            _check_in_background()
            return current
    if not _health_lock.acquire(blocking=False):
        if current is not None:
            return current  # another thread is asking right now
        _health_lock.acquire()  # the very first check of the process: wait for its answer
        _health_lock.release()
        return _health or ReplicaHealth(usable=False, lag_seconds=None, checked_at=now, error="unknown")
    try:
        return _check()
    finally:
        _health_lock.release()


def _check() -> ReplicaHealth:
    """Ask the replica now (the caller holds _health_lock)."""
    global _health
    current = _health
    max_lag = _setting("REPLICA_MAX_LAG_SECONDS", 2.0)
    try:
        lag = measure_lag()
    except Exception as exc:  # noqa: BLE001 - any failure means "do not use it now"
        _close_quietly()
        fresh = ReplicaHealth(
            usable=False,
            lag_seconds=None,
            checked_at=time.monotonic(),
            error=f"{type(exc).__name__}: {exc}",
        )
        if current is None or current.usable:
            log.warning("read replica unavailable, reading the primary: %s", exc)
    else:
        usable = lag is not None and lag <= max_lag
        fresh = ReplicaHealth(usable=usable, lag_seconds=lag, checked_at=time.monotonic())
        if not usable and (current is None or current.usable):
            log.warning("read replica lags %s s (limit %s s): reading the primary", lag, max_lag)
    _health = fresh
    return fresh


def _check_in_background() -> None:
    if not _health_lock.acquire(blocking=False):
        return  # a check is already running

    def run() -> None:
        try:
            _check()
        finally:
            _health_lock.release()
            _close_quietly()  # this thread's own connection to the replica

    try:
        threading.Thread(target=run, name="replica-health", daemon=True).start()
    except Exception:
        _health_lock.release()
        raise


def mark_replica_down(reason: str) -> None:
    global _health
    _close_quietly()
    with _health_lock:
        _health = ReplicaHealth(usable=False, lag_seconds=None, checked_at=time.monotonic(), error=reason)
    log.warning("read replica failed during a request, reading the primary: %s", reason)


def reset_replica_health() -> None:
    """Forget the cached state (tests; a process that changed its replica)."""
    global _health
    with _health_lock:
        _health = None


def _close_quietly() -> None:
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: BLE001, S110 - closing a broken connection may itself fail
        pass


def replica_reads_allowed() -> bool:
    return _replica_ok.get()


def allow_replica_reads() -> contextvars.Token[bool]:
    """Mark the running code as a read-only page (the middleware does it for listed views)."""
    return _replica_ok.set(True)


def end_replica_reads(token: contextvars.Token[bool]) -> None:
    _replica_ok.reset(token)


class ReplicaRouter:
    """The database router (settings.DATABASE_ROUTERS); see the module's rules."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if (
            _replica_ok.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[PRIMARY].in_atomic_block
            and replica_health().usable
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        if _replica_ok.get():
            _replica_ok.set(False)  # read what this request wrote: the rest of it reads the primary
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True  # the replica is a copy of the primary: same rows, same keys
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == REPLICA else None


def _route_names() -> frozenset[str]:
    return frozenset(getattr(settings, "REPLICA_READ_VIEWS", ()))


def wrote_recently(request: HttpRequest) -> bool:
    window = _setting("REPLICA_READ_YOUR_WRITES_SECONDS", 5.0)
    value = request.get_signed_cookie(
        WROTE_COOKIE, default=None, salt=_COOKIE_SALT, max_age=timedelta(seconds=window)
    )
    return value is not None


class ReplicaReadsMiddleware:
    """Marks listed read-only views (GET/HEAD) as "may read the replica", unless the person wrote in
    the last few seconds; stamps the read-your-writes cookie on every answer to a write. Placed
    last, so the flag covers only the view and its template, never another middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _replica_ok.set(False)
        try:
            response = self.get_response(request)
        finally:
            _replica_ok.reset(token)
        if request.method not in _SAFE_METHODS and replica_configured():
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=_COOKIE_SALT,
                max_age=int(_setting("REPLICA_READ_YOUR_WRITES_SECONDS", 5.0)) + 1,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if (
            match is not None
            and request.method in _SAFE_METHODS
            and match.view_name in _route_names()
            and replica_configured()
            and not wrote_recently(request)
        ):
            _replica_ok.set(True)
            request._aks_replica_view = (view_func, args, kwargs)  # type: ignore[attr-defined]
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A replica that fails in the middle of a read-only page: the page runs again on the primary."""
        retry = getattr(request, "_aks_replica_view", None)
        if (
            retry is None
            or not isinstance(exception, OperationalError | InterfaceError)
            or not _replica_ok.get()
        ):
            return None
        # Connection lost, server shut down, statement cancelled by a recovery conflict: the
        # replica's trouble (a page's own SQL error is a ProgrammingError and is not retried).
        mark_replica_down(str(exception))
        _replica_ok.set(False)
        request._aks_replica_view = None  # type: ignore[attr-defined]
        view_func, args, kwargs = retry
        response: HttpResponse = view_func(request, *args, **kwargs)
        return response


def check_settings() -> None:
    """Read-your-writes needs its window to cover the largest lag the router accepts."""
    window = _setting("REPLICA_READ_YOUR_WRITES_SECONDS", 5.0)
    worst = _setting("REPLICA_MAX_LAG_SECONDS", 2.0) + _setting("REPLICA_CHECK_SECONDS", 1.0)
    if window < worst:
        raise ImproperlyConfigured(
            f"REPLICA_READ_YOUR_WRITES_SECONDS ({window:g}) must be at least REPLICA_MAX_LAG_SECONDS + "
            f"REPLICA_CHECK_SECONDS ({worst:g}), or a person could miss their own write."
        )
