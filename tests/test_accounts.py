"""Accounts: login, password hashing, lock-out, two-factor login, session policy, staff forms."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import override_settings
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts.models import User
from aksalarasa.accounts.views import MAX_OTP_FAILURES
from tests import factories
from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/2fa/"


def _login(client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def _logged_in(client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The authenticator app's code; `steps_ahead` avoids replaying a code already accepted."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def _enrol(client, user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up two-factor login through the pages, as the person would; returns device and codes."""
    client.force_login(user)
    assert client.get(SETUP).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": _code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    device.refresh_from_db()
    assert device.confirmed
    client.post("/accounts/logout/")
    return device, codes


@pytest.fixture
def production_hashers(settings):
    """Ask for this fixture to run a test with the real PASSWORD_HASHERS (the suite's settings put
    a quick argon2id first: config/test_hashers.py)."""
    from config import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def quick_argon2(request):
    if "production_hashers" in request.fixturenames:
        return
    assert factories.password_hash().startswith("argon2$argon2id$v=19$m=256,t=1,p=1$")


@pytest.fixture
def officer(office_a):
    return make_user("officer", office_a, username="budi", email="Budi.Santoso@Example.org", language="en")


# --- Login and password hashing -------------------------------------------------------------


@pytest.mark.parametrize("name", ["budi", "BUDI", "budi.santoso@example.org", "BUDI.SANTOSO@EXAMPLE.ORG"])
def test_login_by_username_or_email_in_any_case(client, officer, name):
    response = _login(client, name)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in(client)


def test_wrong_password_is_refused_with_one_message_for_all_causes(client, officer):
    with translation.override("en"):
        wrong = _login(client, "budi", "not-the-password")
        unknown = _login(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 200
    assert not _logged_in(client)
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_inactive_account_cannot_log_in(client, office_a):
    make_user("officer", office_a, username="pensiun", is_active=False)
    assert _login(client, "pensiun").status_code == 200
    assert not _logged_in(client)


def test_passwords_are_stored_with_argon2(client, office_a, production_hashers):
    head = make_user("office_head", office_a)
    client.force_login(head)
    response = client.post(
        "/accounts/staff/new/",
        {
            "username": "baru",
            "full_name": "Staf Baru",
            "roles": ["program_team"],
            "is_active": "on",
            "password": "Sangat-rahasia-2026",
        },
    )
    assert response.status_code == 302
    stored = User.objects.get(username="baru").password
    assert stored.startswith("argon2$argon2id$")
    assert identify_hasher(stored).algorithm == "argon2"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_login_upgrades_an_old_hash_to_argon2(client, officer, production_hashers):
    User.objects.filter(pk=officer.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert _login(client, "budi").status_code == 302
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$argon2id$")
    assert identify_hasher(officer.password).must_update(officer.password) is False


# --- Lock-out (django-axes, through the real login view) ------------------------------------


def _fail(client, name: str, times: int) -> None:
    for _ in range(times):
        response = _login(client, name, "wrong-password-123")
        assert response.status_code in (200, 429)


def test_lock_out_after_the_failure_limit_refuses_even_the_right_password(client, officer):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(client, "budi", limit - 1)
    assert _login(client, "budi", "wrong-password-123").status_code == 429  # the limit-th failure

    locked = _login(client, "budi")  # the right password
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    assert not _logged_in(client)


def test_failures_below_the_limit_do_not_lock_and_success_resets_them(client, officer):
    _fail(client, "budi", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "budi").status_code == 302
    client.post("/accounts/logout/")
    _fail(client, "budi", settings.AXES_FAILURE_LIMIT - 1)
    assert _login(client, "budi").status_code == 302


@pytest.mark.parametrize(
    "variants",
    [
        ["budi", "Budi", "BUDI", "bUDI", "BuDi"],
        ["budi.santoso@example.org", "BUDI", "Budi.Santoso@Example.org", "budi", "BUDI.SANTOSO@EXAMPLE.ORG"],
    ],
    ids=["case", "email-and-username"],
)
def test_every_spelling_of_an_account_counts_towards_one_lock_out(client, officer, variants):
    """Guessing with 'Budi', 'BUDI' or the e-mail must not get fresh attempts each time."""
    assert len(variants) == settings.AXES_FAILURE_LIMIT
    for name in variants:
        _fail(client, name, 1)
    assert _login(client, "budi").status_code == 429
    assert _login(client, "budi.santoso@example.org").status_code == 429
    assert not _logged_in(client)


def test_lock_out_of_one_account_leaves_others_alone(client, officer, office_a):
    make_user("officer", office_a, username="wayan")
    _fail(client, "budi", settings.AXES_FAILURE_LIMIT)
    assert _login(client, "wayan").status_code == 302


# --- Two-factor login -----------------------------------------------------------------------


def test_confirmed_authenticator_makes_the_code_step_required(client, officer):
    device, _codes = _enrol(client, officer)
    response = _login(client, "budi")
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert not _logged_in(client)  # the password alone is not a login

    assert client.post(VERIFY, {"token": _code(device, steps_ahead=1)}).status_code == 302
    assert _logged_in(client)


def test_unconfirmed_authenticator_does_not_change_login(client, officer):
    client.force_login(officer)
    client.get(SETUP)  # starts set-up, never confirmed
    client.post("/accounts/logout/")
    response = _login(client, "budi")
    assert response["Location"] == "/"


def test_a_recovery_code_works_once(client, officer):
    _device, codes = _enrol(client, officer)
    assert len(codes) == 10
    _login(client, "budi")
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    assert _logged_in(client)
    client.post("/accounts/logout/")

    _login(client, "budi")
    again = client.post(VERIFY, {"token": codes[0]})
    assert again.status_code == 200
    assert not _logged_in(client)
    assert StaticToken.objects.filter(device__user=officer).count() == 9


def test_wrong_codes_are_counted_as_failed_logins(client, officer):
    device, _codes = _enrol(client, officer)
    _login(client, "budi")
    for _ in range(2):
        response = client.post(VERIFY, {"token": "000000" if _code(device) != "000000" else "111111"})
        assert response.status_code == 200
        assert response.context["form"].errors["token"]
    attempt = AccessAttempt.objects.get(username="budi")
    assert attempt.failures_since_start == 2


@override_settings(AXES_FAILURE_LIMIT=20)
def test_five_wrong_codes_send_you_back_to_the_password_step(client, officer):
    _enrol(client, officer)
    _login(client, "budi")
    for attempt in range(1, MAX_OTP_FAILURES + 1):
        response = client.post(VERIFY, {"token": "abcdef"})
        if attempt < MAX_OTP_FAILURES:
            assert response.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    # The pending login is gone: the verify step no longer accepts even a right code.
    assert client.get(VERIFY)["Location"] == LOGIN
    assert not _logged_in(client)


def test_guessing_codes_reaches_the_account_lock_out(client, officer):
    device, _codes = _enrol(client, officer)
    _login(client, "budi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(VERIFY, {"token": "abcdef"})
    refused = _login(client, "budi")
    assert refused.status_code == 429
    assert not _logged_in(client)


def test_new_recovery_codes_replace_the_old_ones(client, officer):
    device, old_codes = _enrol(client, officer)
    _login(client, "budi")
    client.post(VERIFY, {"token": _code(device, steps_ahead=1)})
    response = client.post("/accounts/2fa/recovery-codes/")
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post("/accounts/logout/")
    _login(client, "budi")
    assert client.post(VERIFY, {"token": new_codes[0]}).status_code == 302
    client.post("/accounts/logout/")
    _login(client, "budi")
    # (Checked last: after a wrong code django-otp throttles the device for a moment.)
    assert client.post(VERIFY, {"token": old_codes[1]}).status_code == 200
    assert not _logged_in(client)


def test_turning_two_factor_off_removes_the_step(client, officer):
    device, _codes = _enrol(client, officer)
    _login(client, "budi")
    client.post(VERIFY, {"token": _code(device, steps_ahead=1)})
    assert client.post("/accounts/2fa/disable/").status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    client.post("/accounts/logout/")
    assert _login(client, "budi")["Location"] == "/"


@pytest.mark.parametrize("role", ["office_head", "section_head", "admin"])
def test_office_rule_forces_heads_and_admins_to_set_up_two_factor(client, office_a, role):
    office_a.require_2fa_for_heads = True
    office_a.save()
    user = make_user(role, office_a)
    client.force_login(user)
    for url in ("/", "/offices/", f"/offices/{office_a.pk}/", "/accounts/profile/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP
    assert client.get(SETUP).status_code == 200


@pytest.mark.parametrize("role", ["officer", "program_team", "partner_staff"])
def test_office_rule_leaves_other_roles_alone(client, office_a, role):
    office_a.require_2fa_for_heads = True
    office_a.save()
    client.force_login(make_user(role, office_a))
    assert client.get("/").status_code == 200


def test_head_who_set_up_two_factor_passes_after_verifying(client, office_a):
    head = make_user("office_head", office_a, username="kabapas")
    office_a.require_2fa_for_heads = True
    office_a.save()
    device, _codes = _enrol(client, head)
    _login(client, "kabapas")
    client.post(VERIFY, {"token": _code(device, steps_ahead=1)})
    assert client.get("/").status_code == 200


def test_head_cannot_turn_off_two_factor_the_office_requires(client, office_a):
    head = make_user("office_head", office_a, username="kabapas")
    device, _codes = _enrol(client, head)
    office_a.require_2fa_for_heads = True
    office_a.save()
    _login(client, "kabapas")
    client.post(VERIFY, {"token": _code(device, steps_ahead=1)})
    client.post("/accounts/2fa/disable/")
    assert TOTPDevice.objects.filter(user=head, confirmed=True).exists()


# --- Password reset by an administrator, session limits --------------------------------------


def test_admin_password_reset_forces_a_new_password_at_next_login(client, office_a):
    admin = make_user("admin", office_a)
    member = make_user("officer", office_a, username="ketut")
    client.force_login(admin)
    response = client.post(f"/accounts/staff/{member.pk}/reset-password/")
    assert response.status_code == 200
    temporary = response.context["password"]
    member.refresh_from_db()
    assert member.must_change_password
    assert not member.check_password(PASSWORD)
    client.post("/accounts/logout/")

    assert _login(client, "ketut", temporary).status_code == 302
    for url in ("/", "/offices/", "/accounts/profile/"):
        forced = client.get(url)
        assert forced.status_code == 302
        assert forced["Location"] == "/accounts/password/"
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": temporary,
            "new_password1": "Pilihan-baru-2026",
            "new_password2": "Pilihan-baru-2026",
        },
    )
    assert changed.status_code == 302
    member.refresh_from_db()
    assert not member.must_change_password
    assert client.get("/").status_code == 200


def test_password_reset_ends_the_persons_open_sessions(client, office_a):
    from django.test import Client

    admin = make_user("admin", office_a)
    member = make_user("officer", office_a, username="ketut")
    theirs = Client()
    assert _login(theirs, "ketut").status_code == 302
    client.force_login(admin)
    client.post(f"/accounts/staff/{member.pk}/reset-password/")
    assert theirs.get("/")["Location"].startswith(LOGIN)


def test_session_ends_after_the_absolute_maximum_however_active(client, officer):
    assert _login(client, "budi").status_code == 302
    assert client.get("/").status_code == 200
    session = client.session
    started = session["aks_login_at"]
    assert abs(started - time.time()) < 60

    session["aks_login_at"] = int(time.time()) - settings.AKSALARASA_SESSION_MAX_SECONDS + 60
    session.save()
    assert client.get("/").status_code == 200  # still within the limit
    assert client.session["aks_login_at"] == session["aks_login_at"]  # activity does not extend it

    session = client.session
    session["aks_login_at"] = int(time.time()) - settings.AKSALARASA_SESSION_MAX_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not _logged_in(client)


def test_session_policy_also_applies_to_the_api(client, officer):
    _login(client, "budi")
    assert client.get("/api/v1/me").status_code == 200
    session = client.session
    session["aks_login_at"] = int(time.time()) - settings.AKSALARASA_SESSION_MAX_SECONDS - 1
    session.save()
    assert client.get("/api/v1/me").status_code in (302, 401)
    assert client.get("/api/v1/me").status_code == 401


# --- Staff forms ----------------------------------------------------------------------------


def _new_staff(**changes) -> dict:
    data = {
        "username": "putu",
        "full_name": "Putu Ayu",
        "email": "putu@example.org",
        "roles": ["program_team"],
        "is_active": "on",
        "password": "Sangat-rahasia-2026",
    }
    data.update(changes)
    return data


@pytest.fixture
def office_admin(client, office_a):
    admin = make_user("admin", office_a, language="en")
    client.force_login(admin)
    return admin


@pytest.mark.parametrize("role", ["national", "regional"])
def test_office_admin_cannot_grant_national_or_regional_roles(client, office_a, office_admin, role):
    created = client.post("/accounts/staff/new/", _new_staff(roles=[role]))
    assert created.status_code == 200
    assert "roles" in created.context["form"].errors
    assert not User.objects.filter(username="putu").exists()

    colleague = make_user("officer", office_a)
    edited = client.post(
        f"/accounts/staff/{colleague.pk}/edit/",
        {
            "username": colleague.username,
            "full_name": colleague.full_name,
            "roles": ["officer", role],
            "officer_grade": "muda",
            "is_active": "on",
            "version": colleague.version,
        },
    )
    assert edited.status_code == 200
    assert "roles" in edited.context["form"].errors
    colleague.refresh_from_db()
    assert colleague.roles == ["officer"]


def test_office_admin_sees_only_office_roles_in_the_form(client, office_admin):
    form = client.get("/accounts/staff/new/").context["form"]
    offered = {value for value, _label in form.fields["roles"].choices}
    assert offered == {
        "office_head", "section_head", "officer", "program_team", "partner_staff", "site_supervisor", "admin"
    }  # fmt: skip


def test_editing_keeps_roles_the_office_cannot_grant(client, office_a, office_admin):
    """A national role granted centrally survives an office admin's edit of other fields."""
    member = make_user("officer", office_a, role_national=True)
    assert client.get(f"/accounts/staff/{member.pk}/edit/").status_code == 404  # not theirs to manage
    member.refresh_from_db()
    assert member.role_national


def test_office_admin_cannot_manage_staff_of_another_office(client, office_b, office_admin):
    outsider = make_user("officer", office_b)
    assert client.get(f"/accounts/staff/{outsider.pk}/").status_code == 404
    assert client.get(f"/accounts/staff/{outsider.pk}/edit/").status_code == 404
    assert client.post(f"/accounts/staff/{outsider.pk}/edit/", {"full_name": "x"}).status_code == 404
    assert client.post(f"/accounts/staff/{outsider.pk}/reset-password/").status_code == 404
    outsider.refresh_from_db()
    assert outsider.full_name != "x"
    assert not outsider.must_change_password


def test_new_staff_is_placed_in_the_admins_office_and_must_change_password(client, office_a, office_admin):
    assert client.post("/accounts/staff/new/", _new_staff()).status_code == 302
    member = User.objects.get(username="putu")
    assert member.office == office_a
    assert member.must_change_password
    assert member.roles == ["program_team"]


def test_section_head_needs_a_section(client, office_admin):
    response = client.post("/accounts/staff/new/", _new_staff(roles=["section_head"], section=""))
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors["section"] == ["A section head needs a section (BKD or BKA)."]
    assert not User.objects.filter(username="putu").exists()
    ok = client.post("/accounts/staff/new/", _new_staff(roles=["section_head"], section="child"))
    assert ok.status_code == 302


def test_officer_needs_a_grade(client, office_admin):
    response = client.post("/accounts/staff/new/", _new_staff(roles=["officer"], officer_grade=""))
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors["officer_grade"] == ["A probation officer needs a grade."]
    ok = client.post("/accounts/staff/new/", _new_staff(roles=["officer"], officer_grade="pertama"))
    assert ok.status_code == 302


@pytest.mark.parametrize("email", ["putu@example.org", "PUTU@Example.ORG"])
def test_duplicate_email_is_refused_with_a_message(client, office_a, office_b, office_admin, email):
    make_user("officer", office_b, email="putu@example.org")
    response = client.post("/accounts/staff/new/", _new_staff(email=email))
    assert response.status_code == 200
    with translation.override("en"):
        assert response.context["form"].errors["email"] == [
            "Another account already uses this e-mail address."
        ]
    assert User.objects.filter(email__iexact="putu@example.org").count() == 1

    colleague = make_user("officer", office_a)
    edited = client.post(
        f"/accounts/staff/{colleague.pk}/edit/",
        {
            "username": colleague.username,
            "full_name": colleague.full_name,
            "email": email,
            "roles": ["officer"],
            "officer_grade": "muda",
            "is_active": "on",
            "version": colleague.version,
        },
    )
    assert edited.status_code == 200
    assert "email" in edited.context["form"].errors


@pytest.mark.parametrize("username", ["putu", "PUTU", "Putu"])
def test_duplicate_username_in_another_case_is_refused(client, office_b, office_admin, username):
    """Login matches usernames case-insensitively, so 'Putu' and 'putu' cannot both exist."""
    make_user("officer", office_b, username="putu", email="")
    response = client.post("/accounts/staff/new/", _new_staff(username=username, email="lain@example.org"))
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert User.objects.filter(username__iexact="putu").count() == 1


def test_weak_first_password_is_refused(client, office_admin):
    response = client.post("/accounts/staff/new/", _new_staff(password="12345678"))
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


@pytest.mark.parametrize(
    ("query", "finds_budi"),
    [("\x00", True), ("budi\x00", True), ("%", False), ("_", False), ("' OR 1=1 --", False)],
)
def test_staff_search_survives_odd_input(client, office_a, officer, query, finds_budi):
    """NUL is dropped (PostgreSQL refuses it); "%" and "_" are literal characters, not wildcards."""
    head = make_user("office_head", office_a)
    client.force_login(head)
    response = client.get("/accounts/staff/", {"q": query})
    assert response.status_code == 200
    listed = {m.username for m in response.context["staff"]}
    assert (officer.username in listed) is finds_budi


def test_login_with_a_nul_character_is_refused_politely(client, officer):
    response = _login(client, "budi\x00")
    assert response.status_code == 200
    assert not _logged_in(client)


def test_case_duplicate_usernames_are_refused_by_the_database(office_a):
    from django.db import IntegrityError, transaction

    make_user("officer", office_a, username="made")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("officer", office_a, username="MADE")


def test_an_active_session_moves_its_idle_expiry_at_most_once_a_minute(client, officer):
    """No session write on every page (an UPDATE and a commit each), yet activity keeps it alive."""
    from django.contrib.sessions.models import Session

    from aksalarasa.accounts.middleware import SESSION_REFRESH_SECONDS

    assert _login(client, "budi").status_code == 302
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == first  # within the minute: not written
    session = client.session
    session["aks_seen_at"] = int(time.time()) - SESSION_REFRESH_SECONDS - 1
    session.save()
    written = Session.objects.get(session_key=key).expire_date
    time.sleep(1.1)
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > written
    assert abs((renewed - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60


def test_each_request_reads_the_person_with_their_office_in_one_statement(
    office_a, django_assert_num_queries
):
    from aksalarasa.accounts.backends import UsernameOrEmailBackend

    officer = make_user("officer", office_a)
    with django_assert_num_queries(1):
        user = UsernameOrEmailBackend().get_user(officer.pk)
        assert user is not None and user.office.time_zone == office_a.time_zone


def test_a_deactivated_person_is_signed_out_at_the_next_request(client, office_a):
    officer = make_user("officer", office_a)
    client.force_login(officer)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=officer.pk).update(is_active=False)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
