"""Look-ups by a key (register number, NIK, pairing and voting codes, registration and ballot
tokens, download links, import progress tokens) are rate-limited, with one rule for every page
and API operation that takes such a key.

The count lives in the database (`core.models.LookupCount`, fixed windows, one atomic upsert per
look-up), so every server process counts into the same number (a per-process cache would let
each of gunicorn's workers count on its own); it is kept per signed-in user, or per IP address
for anonymous public pages (the pairing codes of the phone pages, the
public registration and survey links). Each look-up has its own counter (`group`), so polling an
import's progress does not eat into the check-in desk's budget. The rates are settings
(`AKSALARASA_LOOKUP_RATE`, `AKSALARASA_LOOKUP_RATE_PUBLIC`): generous for people at work, real
for anyone walking through keys. Past the limit a page answers 429 with a translated page and the
API 429 JSON with a reason (`{"detail": ...}`).

That a key of another office and a key that exists nowhere answer alike is each look-up's own
duty (they read through the viewer's scope and raise the same 404); tests/test_lookups.py proves
both for every look-up.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aksalarasa.core.models import LookupCount


def _who(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + (request.META.get("REMOTE_ADDR", "") or "unknown")


def _rate(group: str, request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return settings.AKSALARASA_LOOKUP_RATE
    return settings.AKSALARASA_LOOKUP_RATE_PUBLIC


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/m" -> (120, 60): how many look-ups in how many seconds ("5/10m": 5 in ten minutes)."""
    count, _, period = rate.partition("/")
    multiple = period[:-1] or "1"
    if not (count.isdigit() and multiple.isdigit() and period[-1:] in PERIODS):
        raise ValueError(f"a rate is like 120/m or 5/10m, not {rate!r}")
    return int(count), int(multiple) * PERIODS[period[-1]]


_UPSERT = (
    "INSERT INTO core_lookup_count (key, window_end, count) VALUES (%s, %s, 1) "
    "ON CONFLICT (key) DO UPDATE SET count = core_lookup_count.count + 1 RETURNING count"
)


R = TypeVar("R")


def _retrying(write: Callable[[], R]) -> R:
    """SQLite (one writer at a time) may answer "locked" to a writer that arrives at the same
    instant as another: wait a moment and try again, as its busy timeout would."""
    for attempt in range(100):
        try:
            return write()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 99:
                raise
            time.sleep(0.005)
    raise AssertionError("unreachable")


def _upsert(key: str, window_end: datetime) -> int:
    with connection.cursor() as cursor:
        # As the ORM stores it (SQLite: naive UTC text), so the clean-up's filter compares alike.
        cursor.execute(_UPSERT, [key, connection.ops.adapt_datetimefield_value(window_end)])
        return int(cursor.fetchone()[0])


def count_lookup(key: str, seconds: int, now: float | None = None) -> int:
    """Count one look-up under `key` in the current window of `seconds`; the count so far.

    One statement, atomic on PostgreSQL and SQLite alike (an upsert that returns the new count), so
    concurrent requests in any process never lose a count. The first count of a window removes
    the rows of windows that have ended."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    window_end = datetime.fromtimestamp((window + 1) * seconds, tz=UTC)
    count = _retrying(lambda: _upsert(f"{key}:{seconds}:{window}", window_end))
    if count == 1:
        ended = LookupCount.objects.filter(window_end__lte=datetime.fromtimestamp(now, tz=UTC))
        _retrying(ended.delete)
    return count


def over_limit(request: HttpRequest, group: str) -> bool:
    """Count one look-up of `group` for the request's user (or IP); True past the limit."""
    if not settings.RATELIMIT_ENABLE:
        return False
    limit, seconds = parse_rate(_rate(group, request))
    who = hmac.new(settings.SECRET_KEY.encode(), _who(group, request).encode(), hashlib.sha256).hexdigest()
    return count_lookup(f"{group}:{who[:32]}", seconds) > limit  # no address or id is stored


class TooManyLookups(Exception):
    """Raised by `enforce_limit` in API operations; config/api.py answers 429 JSON with the reason."""


def enforce_limit(request: HttpRequest, group: str) -> None:
    if over_limit(request, group):
        raise TooManyLookups(too_many_message())


def too_many_message() -> str:
    return _("Too many look-ups in a short time. Please wait a minute and try again.")


def too_many(request: HttpRequest) -> HttpResponse:
    """The 429 answer: JSON with a reason for the API and for scanners, a page for people."""
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    response: HttpResponse
    if wants_json:
        response = JsonResponse({"detail": too_many_message()}, status=429)
    else:
        response = render(request, "429.html", {"message": too_many_message()}, status=429)
    response["Retry-After"] = "60"
    return response


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def rate_limited(group: str) -> Callable[[View], View]:
    """View decorator: the view runs only while the look-up budget of `group` lasts."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if over_limit(request, group):
                return too_many(request)
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorate
