from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from aksalarasa.accounts.models import User


class UsernameOrEmailBackend(ModelBackend):
    """Log in with either the username or the e-mail address (case-insensitive)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        field = "email__iexact" if "@" in username else "username__iexact"
        user = User.objects.filter(**{field: username}).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id: Any) -> User | None:
        """The signed-in person of every request, with their office in the same statement: every
        page reads the office (its time zone, the scope, the header), one query fewer each time."""
        user = User.objects.select_related("office").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str:
    """django-axes counts failures against one spelling of an account, whatever form was used
    (our login view or the Django admin's), so case variants and the e-mail share one counter."""
    from aksalarasa.accounts.selectors import login_name_canonical

    name = (credentials or {}).get("username") or (request.POST.get("username", "") if request else "")
    return login_name_canonical(str(name)[:254])
