from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

DEFAULT_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


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
            if user.office_id:
                zone = user.office.time_zone
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
