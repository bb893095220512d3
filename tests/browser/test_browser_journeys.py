"""Journeys through the real login and staff screens, in Chromium, one test each."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts.models import User
from aksalarasa.core.navigation import _ITEMS as NAV_ITEMS
from aksalarasa.seeding.demo import DEMO_PASSWORD, DemoContext
from tests.browser import helpers
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login, browser_logout
from tests.browser.pages import NAVIGATION, STAFF, navigation_for
from tests.factories import PASSWORD, OfficeFactory, make_user

pytestmark = pytest.mark.browser

HOME = reverse("core:home")
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:login_verify")
SETUP_2FA = reverse("accounts:second_factor_setup")
PASSWORD_CHANGE = reverse("accounts:password_change")


def _path(page) -> str:
    return "/" + page.url.split("://", 1)[-1].split("/", 1)[-1]


def _lang(page) -> str:
    return page.get_attribute("html", "lang")


def _translated(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def _submit_token(page, token: str) -> None:
    page.fill("#id_token", token)
    helpers.submit_main_form(page)


def test_login_page_is_in_bahasa_indonesia_for_an_english_browser(page):
    with page.expect_request(lambda r: r.url.endswith(LOGIN)) as request:
        response = page.goto(LOGIN)
    assert request.value.headers.get("accept-language", "").startswith("en-US")
    assert response.headers.get("content-language") == "id"
    assert _lang(page) == "id"
    # Whatever the catalogues say later, the button shows the server's Indonesian for "Log in".
    button = page.inner_text(helpers.MAIN_SUBMIT).strip()
    assert button == _translated("Log in", "id") != "Log in"
    assert page.inner_text("label[for=id_password]").strip() == _translated("Password", "id")
    assert_no_serious_axe_violations(page)


def test_navigation_completeness():
    """Every entry an app registers has its expected roles in tests/browser/pages.py."""
    registered = {item.url_name for item in NAV_ITEMS}
    missing = registered - set(NAVIGATION)
    assert not missing, f"add these nav entries to NAVIGATION in tests/browser/pages.py: {sorted(missing)}"
    stale = set(NAVIGATION) - registered
    assert not stale, f"NAVIGATION lists entries no app registers: {sorted(stale)}"


def test_each_demo_role_sees_exactly_its_own_navigation(new_page):
    ctx = DemoContext()
    for loader in ("aksalarasa.seeding.demo.offices", "aksalarasa.seeding.demo.accounts"):
        import_module(loader).load(ctx)
    people = list(User.objects.filter(username__in=[row[0] for row in ctx.accounts]).select_related("office"))
    # One person per role is enough: the menu follows the roles (the demo has several officers).
    first_per_role = {tuple(person.roles): person for person in reversed(people)}
    assert {role for roles in first_per_role for role in roles} == set(STAFF)
    wrong = []
    for person in first_per_role.values():
        tab = new_page()
        browser_login(tab, person.username, DEMO_PASSWORD)
        landing = SETUP_2FA if person.needs_second_factor else HOME
        assert _path(tab) == landing, f"{person.username} landed on {tab.url}"
        seen = helpers.nav_hrefs(tab)
        expected = {reverse(name) for name in navigation_for(person.roles)}
        if len(seen) != len(set(seen)) or set(seen) != expected:
            wrong.append(
                f"{person.username} ({', '.join(person.roles)}): sees {seen}, expected {sorted(expected)}"
            )
        tab.context.close()
    assert not wrong, "navigation differs from the roles matrix:\n" + "\n".join(wrong)


def test_office_head_must_set_up_two_factor_then_codes_work_and_recovery_codes_work_once(page):
    office = OfficeFactory(require_2fa_for_heads=True)
    head = make_user("office_head", office, username="kabapas.uji")

    browser_login(page, head.username, PASSWORD)
    assert _path(page) == SETUP_2FA
    assert page.locator(".msg-warning").count() == 1
    assert_no_serious_axe_violations(page, context="two-factor set-up with the office's demand")
    page.goto(HOME)
    assert _path(page) == SETUP_2FA, "the office head reached the home page without a second factor"

    key = helpers.totp_key(page.inner_text("#totp-secret"))
    _submit_token(page, helpers.totp_code(key))
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10, codes
    with page.expect_navigation():
        page.click("main a.btn")
    assert _path(page) == HOME
    browser_logout(page)

    # Next login: the password alone is not enough.
    browser_login(page, head.username, PASSWORD)
    assert _path(page) == VERIFY
    page.goto(HOME)
    assert _path(page).startswith(LOGIN), "the code step was skipped"
    browser_login(page, head.username, PASSWORD)
    # django-otp accepts each 30-second step once; the set-up used the current one.
    device = TOTPDevice.objects.get(user=head, confirmed=True)
    _submit_token(page, helpers.totp_code(key, step_index=device.last_t + 1))
    assert _path(page) == HOME
    browser_logout(page)

    # A recovery code works once, and only once.
    browser_login(page, head.username, PASSWORD)
    _submit_token(page, codes[0])
    assert _path(page) == HOME
    assert page.locator(".msg-warning").count() == 1  # "you used a recovery code"
    assert_no_serious_axe_violations(page, context="home after a recovery code")
    browser_logout(page)
    browser_login(page, head.username, PASSWORD)
    _submit_token(page, codes[0])
    assert _path(page) == VERIFY, "a used recovery code let the person in again"
    assert page.locator(".errorlist").count() == 1
    assert_no_serious_axe_violations(page, context="code step with an error")
    page.goto(HOME)
    assert _path(page).startswith(LOGIN)
    # django-otp makes a device wait a second after a wrong code before it checks the next one.
    page.wait_for_timeout(1100)
    browser_login(page, head.username, PASSWORD)
    _submit_token(page, codes[1])
    assert _path(page) == HOME, "an unused recovery code was refused"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(page):
    officer = make_user("officer", OfficeFactory(), username="pk.lupa")
    colleague = make_user("officer", officer.office, username="pk.teman")
    statuses = []
    for attempt in range(5):
        page.goto(LOGIN)
        page.fill("#id_username", officer.username)
        page.fill("#id_password", f"bukan-sandinya-{attempt}")
        with page.expect_navigation() as nav:
            page.click(helpers.MAIN_SUBMIT)
        statuses.append(nav.value.status)
    assert statuses == [200, 200, 200, 200, 429], statuses
    assert page.locator("#id_password").count() == 0, "the lock-out page still offers the login form"
    assert_no_serious_axe_violations(page, context="lock-out page")

    page.goto(LOGIN)
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation() as nav:
        page.click(helpers.MAIN_SUBMIT)
    assert nav.value.status == 429, "the right password got through a lock-out"
    assert page.locator("#id_password").count() == 0
    page.goto(HOME)
    assert _path(page).startswith(LOGIN), "a locked-out person is logged in"

    # The lock is for that account from this address, not for everyone here.
    browser_login(page, colleague.username, PASSWORD)
    assert _path(page) == HOME


def test_office_admin_resets_a_password_and_the_colleague_must_choose_a_new_one(page, phone_page):
    office = OfficeFactory()
    admin = make_user("admin", office, username="admin.uji")
    officer = make_user("officer", office, username="pk.ponsel", full_name="Putu Ponsel")

    browser_login(page, admin.username, PASSWORD)
    with page.expect_navigation():
        page.click(f"nav.mainnav a[href='{reverse('accounts:staff_list')}']")
    with page.expect_navigation():
        page.click(f"#staff-rows a:text-is('{officer.full_name}')")
    with page.expect_navigation():
        page.click("main form[action$='/reset-password/'] button[type=submit]")
    temporary = page.input_value("#temp-password")
    assert len(temporary) >= 16

    # The colleague, on a phone, logs in with the one-time password.
    browser_login(phone_page, officer.username, temporary)
    assert _path(phone_page) == PASSWORD_CHANGE
    assert phone_page.locator(".msg-warning").count() >= 1
    assert_no_serious_axe_violations(phone_page, context="forced password change on a phone")
    phone_page.goto(HOME)
    assert _path(phone_page) == PASSWORD_CHANGE, "home was reachable before choosing a new password"
    new_password = "Sandi-baru-Putu-2026"
    phone_page.fill("#id_old_password", temporary)
    phone_page.fill("#id_new_password1", new_password)
    phone_page.fill("#id_new_password2", new_password)
    helpers.submit_main_form(phone_page)
    assert _path(phone_page) == HOME
    browser_logout(phone_page)

    browser_login(phone_page, officer.username, temporary)
    assert _path(phone_page) == LOGIN, "the one-time password worked twice"
    browser_login(phone_page, officer.username, new_password)
    assert _path(phone_page) == HOME
    officer.refresh_from_db()
    assert officer.must_change_password is False


def test_language_switches_to_english_and_back_on_the_login_page(page):
    page.goto(LOGIN)
    assert _lang(page) == "id"
    with page.expect_navigation():
        page.click(".langswitch button[value=en]")
    assert _path(page) == LOGIN
    assert _lang(page) == "en"
    assert page.inner_text(helpers.MAIN_SUBMIT).strip() == "Log in"
    assert_no_serious_axe_violations(page, context="login page in English")
    with page.expect_navigation():
        page.click(".langswitch button[value=id]")
    assert _lang(page) == "id"
    assert page.inner_text(helpers.MAIN_SUBMIT).strip() == _translated("Log in", "id")


def test_language_chosen_in_the_profile_persists_across_logins(page, new_page):
    user = make_user("officer", OfficeFactory(), username="pk.inggris")
    browser_login(page, user.username, PASSWORD)
    assert _lang(page) == "id"
    page.goto(reverse("accounts:profile"))
    page.select_option("#id_language", "en")
    with page.expect_navigation():
        page.click("main form.stack button[type=submit] >> nth=0")
    assert _lang(page) == "en"
    page.goto(HOME)
    assert _lang(page) == "en"
    user.refresh_from_db()
    assert user.language == "en"
    browser_logout(page)

    # Another device, no cookie: the person's choice follows the account.
    other = new_page(phone=True)
    browser_login(other, user.username, PASSWORD)
    assert _path(other) == HOME
    assert _lang(other) == "en"
