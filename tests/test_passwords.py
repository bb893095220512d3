"""Passwords are checked against a common-password list, a minimum length and the person's own
details on every form that sets one: staff creation, the password change (also the forced one at
first login and after a reset by an administrator) and the service itself. Lock-out after
repeated failures is proven in tests/test_accounts.py (test_lock_out_after_the_failure_limit_...)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from aksalarasa.accounts import services
from aksalarasa.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

COMMON_ID = "Kata sandi ini terlalu umum."  # Django's Indonesian catalogue, the default language


def test_settings_hold_the_common_list_length_similarity_and_lock_out():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {
        "CommonPasswordValidator",
        "MinimumLengthValidator",
        "UserAttributeSimilarityValidator",
        "NumericPasswordValidator",
    } <= set(names)
    length = next(
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    )
    assert length["OPTIONS"]["min_length"] >= 10
    assert "axes" in settings.INSTALLED_APPS and settings.AXES_FAILURE_LIMIT <= 10


def _new_staff(**changes) -> dict:
    data = {
        "username": "wayanbudiarta",
        "full_name": "Wayan Budiarta",
        "email": "wayan@example.org",
        "roles": ["program_team"],
        "is_active": "on",
        "password": "Sangat-rahasia-2026",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "password, message",
    [
        ("password123", COMMON_ID),
        ("wayanbudiarta1", "Kata sandi terlalu mirip"),
        ("Pendek-1", "terlalu pendek"),
    ],
)
def test_staff_creation_refuses_weak_passwords_with_the_translated_reason(
    client, office_a, password, message
):
    client.force_login(make_user("admin", office_a, language="id"))
    response = client.post("/accounts/staff/new/", _new_staff(password=password))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["password"])
    assert not User.objects.filter(username="wayanbudiarta").exists()


def test_staff_create_service_refuses_a_common_password(office_a):
    admin = make_user("admin", office_a)
    with pytest.raises(ValidationError):
        services.staff_create(
            actor=admin,
            office_id=office_a.pk,
            data={"username": "nyoman", "full_name": "Nyoman Sari"},
            roles=["program_team"],
            password="password123",
        )
    assert not User.objects.filter(username="nyoman").exists()


def test_first_login_password_change_refuses_a_common_password(client, office_a):
    member = make_user("officer", office_a, username="ketut", language="id")
    User.objects.filter(pk=member.pk).update(must_change_password=True)
    client.force_login(member)
    assert client.get("/").headers["Location"] == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    )
    assert response.status_code == 200
    assert COMMON_ID in " ".join(response.context["form"].errors["new_password1"])
    member.refresh_from_db()
    assert member.must_change_password and member.check_password(PASSWORD)


def test_password_changed_service_refuses_a_common_password(office_a):
    member = make_user("officer", office_a)
    with pytest.raises(ValidationError):
        services.password_changed(user=member, password="password123")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
