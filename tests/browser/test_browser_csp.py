"""The Content-Security-Policy holds in a real browser: no page breaks it.

Every page of tests/browser/pages.py (the main pages of each demo role, and the public pages: the
event page and its registration, the voting and idea-card phone pages, the public questionnaire),
opened by every role that can see it, with its htmx interactions. Chromium reports each blocked
inline script, eval (htmx's trigger filters and `hx-on`), inline style element or attribute and
foreign source as a `securitypolicyviolation` event and a console error; any of them fails the
test, listed with its page. The policy itself is set in config/settings.py (django-csp) and
checked in tests/test_deploy_settings.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from aksalarasa.accounts.services import second_factor_disable
from tests.browser import helpers
from tests.browser.pages import ANONYMOUS, STAFF, build_world, pages_for

pytestmark = pytest.mark.browser

# Reported in the page itself too (a console message is what Chromium prints; the event says which
# directive): both end up in `seen`.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || "") + ":" + e.lineNumber + " sample=" + (e.sample || ""));
});
"""


def _watch(page: Page, seen: list[str], where: list[str]) -> None:
    page.add_init_script(REPORT_VIOLATIONS)

    def on_console(message) -> None:
        text = message.text
        if "Content Security Policy" in text or "CSP violation" in text or "Content-Security-Policy" in text:
            seen.append(f"{where[0]}: {text}")

    page.on("console", on_console)


def _walk(page: Page, world, role: str, seen: list[str]) -> list[str]:
    where = [""]
    _watch(page, seen, where)
    # The walk is long and the report pages heavy: a slow answer on a busy machine is not the subject.
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)
    problems = []
    for case in pages_for(role):
        where[0] = f"{role} / {case.name}"
        try:
            case.open(page, world)
            page.wait_for_load_state("load")
        except (AssertionError, PlaywrightError) as exc:
            problems.append(f"{case.name}: did not open: {(str(exc).splitlines() or [repr(exc)])[0]}")
    return problems


def test_no_page_of_any_role_or_the_public_breaks_the_content_security_policy(new_page):
    world = build_world()
    # The watcher itself works: an inline script added to a page is blocked and reported.
    control: list[str] = []
    tab = new_page()
    _watch(tab, control, ["control"])
    tab.goto("/accounts/login/")
    tab.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.head.appendChild(s); }"
    )
    tab.wait_for_timeout(300)
    assert control and tab.evaluate("() => window.injected") is None, control
    tab.context.close()
    seen: list[str] = []
    problems: list[str] = []
    anonymous = new_page(phone=True)
    policy = anonymous.goto("/accounts/login/").headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    problems += [f"{ANONYMOUS} {line}" for line in _walk(anonymous, world, ANONYMOUS, seen)]
    anonymous.context.close()
    for role in sorted(STAFF):
        user = world.users[role]
        second_factor_disable(user=user)  # a walk may end with two-factor login on
        tab = new_page()
        helpers.browser_login(tab, user.username, world.password)
        assert "/accounts/login" not in tab.url, f"{role} could not log in"
        problems += [f"{role} {line}" for line in _walk(tab, world, role, seen)]
        tab.context.close()
    assert not problems, "pages that did not open:\n" + "\n".join(problems)
    assert not seen, f"{len(seen)} Content-Security-Policy violation(s):\n" + "\n".join(seen)


def test_the_admin_and_the_api_documentation_keep_the_policy_too(new_page):
    """Django's admin (a searched change list, a change form, an add form whose two-list selector is
    drawn by the admin's script) and the
    API's Swagger page (its bundle renders every operation from our own static files; before,
    django-ninja fetched it from a CDN the policy refused, and the page stayed blank) under the
    same policy: they work and nothing is blocked."""
    from tests.factories import OfficeFactory, make_user

    office = OfficeFactory()
    officer = make_user("officer", office)
    admin = make_user("national", None, is_superuser=True, is_staff=True, username="root.csp")
    admin.set_password("Sandi-yang-panjang-2026")
    admin.save()
    seen: list[str] = []
    where = ["admin"]
    tab = new_page()
    _watch(tab, seen, where)
    helpers.browser_login(tab, admin.username, "Sandi-yang-panjang-2026")
    assert "/accounts/login" not in tab.url
    tab.goto("/django-admin/")
    assert tab.locator("#site-name").count() == 1
    where[0] = "admin change list"
    tab.goto("/django-admin/accounts/user/?q=csp")
    assert tab.locator("#result_list tbody tr").count() == 1
    where[0] = "admin change form"
    tab.goto(f"/django-admin/accounts/user/{officer.pk}/change/")
    assert tab.locator("input[name=full_name]").count() == 1
    where[0] = "admin add form with a two-list selector"
    tab.goto("/django-admin/offices/office/add/")
    tab.locator(".selector-available, .selector").first.wait_for(timeout=10_000)  # SelectFilter2.js ran
    where[0] = "API documentation"
    tab.goto("/api/v1/docs")
    tab.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert tab.locator(".swagger-ui .opblock").count() > 50
    tab.wait_for_timeout(300)
    assert not seen, f"{len(seen)} Content-Security-Policy violation(s):\n" + "\n".join(seen)
