"""The Content-Security-Policy holds in a real browser: no page breaks it.

Every page of tests/browser/pages.py (the main pages of each demo role, and the public pages: the
event page and its registration, the voting and idea-card phone pages, the public questionnaire),
opened by every role that can see it, with its htmx interactions, is watched in the accessibility
walk (test_browser_accessibility.py: one visit per page for axe-core and the policy). Chromium
reports each blocked inline script, eval (htmx's trigger filters and `hx-on`), inline style
element or attribute and foreign source as a `securitypolicyviolation` event and a console error
(`helpers.CspWatch`); any of them fails the walk, listed with its page. Here: the watcher's own
proof, and Django's admin and the API documentation, which the walk does not visit. The policy
itself is set in config/settings.py (django-csp) and checked in tests/test_deploy_settings.py.
"""

from __future__ import annotations

import pytest

from tests.browser import helpers

pytestmark = pytest.mark.browser


def test_the_watcher_sees_a_blocked_inline_script(new_page):
    """The watcher the page walk uses (test_browser_accessibility.py) works: an inline script added
    to a page is blocked by the policy and reported, and the policy forbids inline scripts."""
    tab = new_page()
    watch = helpers.CspWatch(tab, "control")
    policy = tab.goto("/accounts/login/").headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    tab.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.head.appendChild(s); }"
    )
    tab.wait_for_timeout(300)
    assert watch.seen and tab.evaluate("() => window.injected") is None, watch.seen


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
    tab = new_page()
    watch = helpers.CspWatch(tab, "admin")
    helpers.browser_login(tab, admin.username, "Sandi-yang-panjang-2026")
    assert "/accounts/login" not in tab.url
    tab.goto("/django-admin/")
    assert tab.locator("#site-name").count() == 1
    watch.where = "admin change list"
    tab.goto("/django-admin/accounts/user/?q=csp")
    assert tab.locator("#result_list tbody tr").count() == 1
    watch.where = "admin change form"
    tab.goto(f"/django-admin/accounts/user/{officer.pk}/change/")
    assert tab.locator("input[name=full_name]").count() == 1
    watch.where = "admin add form with a two-list selector"
    tab.goto("/django-admin/offices/office/add/")
    tab.locator(".selector-available, .selector").first.wait_for(timeout=10_000)  # SelectFilter2.js ran
    watch.where = "API documentation"
    tab.goto("/api/v1/docs")
    tab.locator(".swagger-ui .opblock").first.wait_for(timeout=30_000)
    assert tab.locator(".swagger-ui .opblock").count() > 50
    tab.wait_for_timeout(300)
    assert not watch.seen, f"{len(watch.seen)} Content-Security-Policy violation(s):\n" + "\n".join(
        watch.seen
    )
