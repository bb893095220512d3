"""Look-ups by a key (register number, NIK, pairing and voting codes, registration and ballot
tokens, download links, import progress tokens) are rate-limited, with one rule for every page
and API operation that takes such a key.

The count lives in Django's cache (django-ratelimit's fixed windows); it is kept per signed-in
user, or per IP address for anonymous public pages (the pairing codes of the phone pages, the
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

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited


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


def over_limit(request: HttpRequest, group: str) -> bool:
    """Count one look-up of `group` for the request's user (or IP); True past the limit."""
    if not settings.RATELIMIT_ENABLE:
        return False
    return is_ratelimited(request, group=f"lookup:{group}", key=_who, rate=_rate, increment=True)


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
