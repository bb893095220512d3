from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

DEFAULT_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


def viewer_zone(user: Any) -> str:
    """The zone a person reads times in: their office's; for a regional viewer without an office,
    their Kanwil's (the zone most of its offices keep); the default (WIB) otherwise."""
    if user.office_id:
        return str(user.office.time_zone)
    if getattr(user, "role_regional", False) and user.regional_office_id:
        found = (
            user.regional_office.offices.values("time_zone")
            .annotate(n=Count("pk"))
            .order_by("-n", "time_zone")
            .values_list("time_zone", flat=True)
            .first()
        )
        if found:
            return str(found)
    return DEFAULT_ZONE


class UserPreferencesMiddleware:
    """Language and time zone for the request.

    Bahasa Indonesia unless the signed-in person chose English (or, before login, the language
    cookie says so): the browser's Accept-Language is deliberately ignored, because the product's
    default language is Indonesian whatever the device. Times show in the office's zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = DEFAULT_ZONE
        if user is not None and user.is_authenticated:
            language = user.language
            zone = viewer_zone(user)
        else:
            language = request.COOKIES.get(LANGUAGE_COOKIE, settings.LANGUAGE_CODE)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        timezone.activate(zoneinfo.ZoneInfo(zone))
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ScopeMiddleware:
    """Activates the signed-in person's scope for the request (core.scoping); anonymous: none.

    Placed right after authentication. The scope is reset when the response is built, so a
    request can never lend its scope to the next one on the same thread.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from aksalarasa.core import scoping

        token = scoping.activate(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            scoping.deactivate(token)
