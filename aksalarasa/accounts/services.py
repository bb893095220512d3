"""Writes for staff accounts, two-factor devices and API tokens."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts.models import ApiToken, User
from aksalarasa.accounts.roles import Role, role_field
from aksalarasa.core.history import save_versioned

STAFF_FIELDS = ["username", "full_name", "email", "nip", "phone", "section", "officer_grade", "is_active"]
RECOVERY_CODE_COUNT = 10


def user_set_language(*, user: User, language: str) -> None:
    if user.language != language:
        user.language = language
        save_versioned(user, actor=user, update_fields=["language"])


PREFERENCE_FIELDS = ["language", "phone"]


@transaction.atomic
def user_preferences_save(*, user: User, data: dict[str, Any]) -> User:
    """A person's own preferences (language, phone): their history row names them."""
    for name in PREFERENCE_FIELDS:
        setattr(user, name, data[name])
    save_versioned(user, actor=user, update_fields=PREFERENCE_FIELDS)
    return user


@transaction.atomic
def staff_create(
    *, actor: User, office_id: int, data: dict[str, Any], roles: list[str], password: str
) -> User:
    user = User(office_id=office_id, must_change_password=True)
    for name in STAFF_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    for role in Role:
        setattr(user, role_field(role), role in roles)
    validate_password(password, user)  # common, too short, too like the person's name: refused
    user.set_password(password)
    save_versioned(user, actor=actor)
    return user


@transaction.atomic
def staff_update(
    *,
    actor: User,
    user: User,
    data: dict[str, Any],
    roles: list[str],
    expected_version: int,
    grantable: tuple[str, ...],
) -> User:
    """Change a colleague's details and roles; roles outside `grantable` are left as they were."""
    for name in STAFF_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    fields = list(STAFF_FIELDS)
    for role in grantable:
        setattr(user, role_field(role), role in roles)
        fields.append(role_field(role))
    save_versioned(user, actor=actor, expected_version=expected_version, update_fields=fields)
    return user


def temporary_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def staff_reset_password(*, actor: User, user: User) -> str:
    """An office administrator sets a one-time password; the person must change it at login.

    Their sessions end (the password hash changes), and their second factor stays as it is.
    """
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    save_versioned(
        user,
        actor=actor,
        update_fields=["password", "must_change_password"],
        reason="password reset by administrator",
    )
    return password


def password_changed(*, user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.must_change_password = False
    save_versioned(user, actor=user, update_fields=["password", "must_change_password"])


# Two-factor login (TOTP with one-time recovery codes), built on django-otp.


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a fresh secret each time set-up starts)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def totp_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a code from the app; returns new recovery codes, or None if wrong."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return recovery_codes_regenerate(user=device.user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def second_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def second_factor_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# Personal API tokens: the secret is shown once; only its hash is kept.


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    raw = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(raw), hint=raw[:8])
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_authenticate(raw: str) -> User | None:
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__office")
        .filter(key_hash=ApiToken.hash(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
