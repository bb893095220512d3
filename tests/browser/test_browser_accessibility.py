"""axe-core on every page of the app (tests/browser/pages.py), for every role that can see it.

Serious and critical violations fail; each failure lists rule, impact and target for all pages
a person walked, so one run shows every problem.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from aksalarasa.accounts.services import second_factor_disable
from tests.browser import helpers
from tests.browser.pages import ANONYMOUS, PAGES, STAFF, build_world, pages_for

pytestmark = pytest.mark.browser


def _walk(page, world, role: str) -> list[str]:
    """Every page the role sees; a page that does not open is a problem too, and the walk goes on."""
    problems = []
    for case in pages_for(role):
        try:
            case.open(page, world)
        except (AssertionError, PlaywrightError) as exc:
            problems.append(f"{case.name}: did not open: {(str(exc).splitlines() or [repr(exc)])[0]}")
            continue
        problems += [f"{case.name}: {line}" for line in helpers.axe_blocking(page)]
    return problems


def test_page_list_names_are_unique():
    names = [case.name for case in PAGES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_pages_before_login_have_no_serious_axe_violations(device, request):
    tab = request.getfixturevalue("phone_page" if device == "phone" else "page")
    world = build_world()
    problems = _walk(tab, world, ANONYMOUS)
    assert not problems, (
        f"{len(problems)} problem(s): pages that did not open, serious/critical axe-core violations:\n"
        + "\n".join(problems)
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
        helpers.browser_login(tab, user.username, world.password)
        assert "/accounts/login" not in tab.url, f"{role} could not log in"
        device = "phone" if phone else "desktop"
        problems += [f"{role} ({device}) {line}" for line in _walk(tab, world, role)]
        tab.context.close()
    assert not problems, (
        f"{len(problems)} problem(s): pages that did not open, serious/critical axe-core violations:\n"
        + "\n".join(problems)
    )
