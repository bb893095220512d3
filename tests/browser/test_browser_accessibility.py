"""axe-core and the Content-Security-Policy on every page of the app (tests/browser/pages.py), for
every role that can see it, in one walk.

Serious and critical axe-core violations fail; each failure lists rule, impact and target for all
pages a person walked, so one run shows every problem. On the same visits (with their htmx
interactions) every Content-Security-Policy violation Chromium reports fails too, listed with its
page (the watcher's own test and the admin and API documentation are in test_browser_csp.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from aksalarasa.accounts.services import second_factor_disable
from tests.browser import helpers
from tests.browser.pages import ANONYMOUS, PAGES, STAFF, build_world, pages_for

pytestmark = pytest.mark.browser


def _walk(page, world, role: str) -> list[str]:
    """Every page the role sees; a page that does not open is a problem too, and the walk goes on.
    Content-Security-Policy violations on the way are problems of the page they happened on."""
    csp = helpers.CspWatch(page)
    # The walk is long and the report pages heavy: a slow answer on a busy machine is not the subject.
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(30_000)
    problems = []
    for case in pages_for(role):
        csp.where = case.name
        try:
            case.open(page, world)
            page.wait_for_load_state("load")
        except (AssertionError, PlaywrightError) as exc:
            problems.append(f"{case.name}: did not open: {(str(exc).splitlines() or [repr(exc)])[0]}")
            continue
        problems += [f"{case.name}: {line}" for line in helpers.axe_blocking(page)]
    return problems + [f"Content-Security-Policy violation on {line}" for line in csp.seen]


def test_page_list_names_are_unique():
    names = [case.name for case in PAGES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_pages_before_login_have_no_serious_axe_violations(device, request):
    tab = request.getfixturevalue("phone_page" if device == "phone" else "page")
    world = build_world()
    problems = _walk(tab, world, ANONYMOUS)
    assert not problems, (
        f"{len(problems)} problem(s): pages that did not open, serious/critical axe-core violations, "
        "Content-Security-Policy violations:\n" + "\n".join(problems)
    )


def test_every_page_each_role_sees_has_no_serious_axe_violations(new_page):
    """One world, one tab per role (and the officer's phone), every page the role can see."""
    world = build_world()
    problems = []
    walkers = [(role, False) for role in sorted(STAFF)] + [("officer", True)]
    for role, phone in walkers:
        user = world.users[role]
        # A walk ends on the recovery codes, with two-factor login on: start each walk without it.
        second_factor_disable(user=user)
        tab = new_page(phone=phone)
        policy = tab.goto("/accounts/login/").headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
        helpers.browser_login(tab, user.username, world.password)
        assert "/accounts/login" not in tab.url, f"{role} could not log in"
        device = "phone" if phone else "desktop"
        problems += [f"{role} ({device}) {line}" for line in _walk(tab, world, role)]
        tab.context.close()
    assert not problems, (
        f"{len(problems)} problem(s): pages that did not open, serious/critical axe-core violations, "
        "Content-Security-Policy violations:\n" + "\n".join(problems)
    )
