from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from aksalarasa.accounts.services import second_factor_enabled

_EXEMPT_PREFIXES = (
    "/accounts/logout/",
    "/accounts/2fa/",
    "/accounts/password/",
    "/static/",
    "/language/",
    "/healthz",
    "/api/",
)
_LOGIN_AT = "aks_login_at"
_SEEN_AT = "aks_seen_at"
# An active session's idle expiry (SESSION_COOKIE_AGE) is pushed forward at most this often: a
# session row written on every request costs an UPDATE and a commit per page for nothing.
SESSION_REFRESH_SECONDS = 60


class SecondFactorMiddleware:
    """Session policy after login.

    - a session lasts at most AKSALARASA_SESSION_MAX_SECONDS, however active, and ends after
      SESSION_COOKIE_AGE without a request (the idle expiry moves on at most once a minute);
    - a person whose password was reset by an administrator must choose a new one first;
    - where the office requires two-factor login for heads and administrators, such a person
      must set it up (or pass it) before anything else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(_LOGIN_AT, now)
            if now - started > settings.AKSALARASA_SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Log in again."))
                return redirect("accounts:login")
            if now - request.session.get(_SEEN_AT, 0) >= SESSION_REFRESH_SECONDS:
                request.session[_SEEN_AT] = now  # saved, with a new idle expiry, by SessionMiddleware
            if not request.path.startswith(_EXEMPT_PREFIXES):
                if user.must_change_password:
                    messages.warning(request, _("Choose a new password before you continue."))
                    return redirect("accounts:password_change")
                if user.needs_second_factor and not cast(Any, user).is_verified():  # OTPMiddleware adds it
                    if second_factor_enabled(user):
                        logout(request)
                        return redirect("accounts:login")
                    messages.warning(
                        request, _("Your office requires two-factor login for your role. Set it up now.")
                    )
                    return redirect("accounts:second_factor_setup")
        return self.get_response(request)
