"""A lean path for the scanners' check-in: POST /api/v1/events/{id}/checkin with a personal token.

A phone at the door sends hundreds of these a minute. The full stack (sessions, CSRF, the second
factor, messages, history, translations, django-ninja's schemas) adds nothing for a request that
carries a personal bearer token and no cookie, and costs most of the CPU of a check-in. This
middleware sits right after SecurityMiddleware and answers only the two common outcomes itself:

* a new check-in: one SELECT of the registration (with its check-in, if any) by (event, code) and
  one ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``;
* a repeat ("already checked in"): the same SELECT, nothing else.

Everything else (no or unknown token, a body that does not validate, an unknown code, an event the
token's owner may not check in at, a lost race, a re-used offline UUID) is handed, untouched, to
the regular API view, which answers with its translated 4xx message. So the rules stay in one
place (services.event_check_in, selectors.event_get_for_scanner, forms.CheckInForm) and the answers
are the same whichever path served them; tests/test_events_fastpath.py compares both paths.

Per process, for TOKEN_TTL seconds, the path remembers which user a token belongs to and that this
user may check in at an event. A revoked token, a deactivated account or a changed role or office
is therefore honoured within TOKEN_TTL seconds in every worker (the regular API honours it at once).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aksalarasa.accounts.models import ApiToken
from aksalarasa.accounts.services import api_token_authenticate
from aksalarasa.clients.masking import client_label
from aksalarasa.clients.models import Client
from aksalarasa.core import scoping

TOKEN_TTL = 5.0  # seconds; see the module's docstring
_PATH = re.compile(r"^/api/v1/events/(\d{1,18})/checkin$")
_SOURCES = frozenset({"scan", "typed", "offline", "list"})
_MAX_BODY = 2000

_lock = threading.Lock()
_tokens: dict[str, tuple[float, Any]] = {}  # token hash -> (expires, user)
# (token hash, event id) -> (expires, office id): keyed by the token, not the user, so a new token
# (e.g. in the next test, where ids repeat) never finds an old answer.
_events: dict[tuple[str, int], tuple[float, int]] = {}


def cache_clear(**_signal: Any) -> None:
    """Forget every remembered token and permission.

    Connected (events/apps.py) to saves and deletes of tokens, users and program members, so in the
    process where a token is revoked or a role changes the change holds at once; other processes
    follow within TOKEN_TTL seconds.
    """
    with _lock:
        _tokens.clear()
        _events.clear()


def normalise_code(raw: Any) -> str | None:
    """The same rule as CheckInForm.clean_code; None where the form would refuse the code."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    code = "".join(ch for ch in raw.upper() if ch.isalnum())
    code = code[-6:] if len(code) > 6 else code
    return code if len(code) == 6 else None


def _user_for(key: str, token: str) -> Any:

    now = time.monotonic()
    hit = _tokens.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    user = api_token_authenticate(token)  # also notes last_used_at (at most once a minute)
    if user is None:
        return None
    with _lock:
        if len(_tokens) > 10000:
            _tokens.clear()
        _tokens[key] = (now + TOKEN_TTL, user)
    return user


def _event_office(key: str, user: Any, event_id: int) -> int | None:
    from aksalarasa.events import selectors

    now = time.monotonic()
    hit = _events.get((key, event_id))
    if hit is not None and hit[0] > now:
        return hit[1]
    try:
        event = selectors.event_get_for_scanner(viewer=user, pk=event_id)
    except (Http404, PermissionDenied):
        return None
    with _lock:
        if len(_events) > 10000:
            _events.clear()
        _events[(key, event_id)] = (now + TOKEN_TTL, event.office_id)
    return event.office_id


def _parse(request: HttpRequest) -> tuple[str, uuid.UUID | None, str] | None:
    if len(request.body) > _MAX_BODY:
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    code = normalise_code(data.get("code"))
    if code is None:
        return None
    raw_uuid = data.get("client_uuid")
    client_uuid = None
    if raw_uuid not in (None, ""):
        if not isinstance(raw_uuid, str):
            return None
        try:
            client_uuid = uuid.UUID(raw_uuid)
        except ValueError:
            return None
    source = data.get("source")
    if source in (None, ""):
        source = "typed"
    if source not in _SOURCES:
        return None
    return code, client_uuid, source


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a date and time: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def _tables() -> dict[str, str]:
    from aksalarasa.events.models import CheckIn, Registration

    q = connection.ops.quote_name
    return {
        "reg": q(Registration._meta.db_table),
        "chk": q(CheckIn._meta.db_table),
        "group": q("group"),
    }


def check_in_fast(request: HttpRequest, event_id: int) -> HttpResponse | None:
    """The answer for a common check-in, or None to let the regular API view answer."""

    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        return None
    token = header[7:].strip()
    if not token or len(token) > 200:
        return None
    parsed = _parse(request)
    if parsed is None:
        return None
    code, client_uuid, source = parsed
    key = ApiToken.hash(token)
    user = _user_for(key, token)
    if user is None:
        return None
    with scoping.user_scope(user):  # this path runs before ScopeMiddleware: the token's owner
        return _check_in_as(request, user, key, event_id, code, client_uuid, source)


def _check_in_as(
    request: HttpRequest,
    user: Any,
    key: str,
    event_id: int,
    code: str,
    client_uuid: uuid.UUID | None,
    source: str,
) -> HttpResponse | None:
    from aksalarasa.events.models import CheckIn

    office_id = _event_office(key, user, event_id)
    if office_id is None:
        return None
    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, r.{t['group']}, r.code, r.name, r.client_id, c.at "
            f"FROM {t['reg']} r LEFT JOIN {t['chk']} c ON c.registration_id = r.id "
            "WHERE r.event_id = %s AND r.code = %s",
            [event_id, code],
        )
        row = cursor.fetchone()
        if row is None:
            return None  # the regular view answers 404 with the translated message
        reg_id, group, reg_code, name, client_id, existing_at = row
        if existing_at is not None:
            created, at = False, _as_datetime(existing_at)
        else:
            at = timezone.now()
            fields = CheckIn._meta
            cursor.execute(
                f"INSERT INTO {t['chk']} (event_id, registration_id, at, by_id, source, client_uuid) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                [
                    event_id,
                    reg_id,
                    fields.get_field("at").get_db_prep_value(at, connection),
                    user.pk,
                    source,
                    fields.get_field("client_uuid").get_db_prep_value(client_uuid, connection),
                ],
            )
            if cursor.fetchone() is None:
                return None  # a racing scanner won, or the UUID was used: the regular view explains
            created = True
    if client_id:
        name = client_label(Client.objects.get(pk=client_id), user)
    return JsonResponse(
        {
            "created": created,
            "already_checked_in": not created,
            "code": reg_code,
            "group": group,
            "name": name,
            "at": at,
        }
    )


class ScannerCheckInMiddleware:
    """Serves the common check-ins by token before the session, CSRF and 2FA machinery (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            match = _PATH.match(request.path_info)
            if match is not None:
                response = check_in_fast(request, int(match.group(1)))
                if response is not None:
                    return response
        return self.get_response(request)
