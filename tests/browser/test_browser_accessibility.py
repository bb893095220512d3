"""axe-core on every page of the app (tests/browser/pages.py), for every role that can see it.

Serious and critical violations fail; each failure lists rule, impact and target for all pages
a person walked, so one run shows every problem.
"""

from __future__ import annotations

import pytest

from tests.browser import helpers
from tests.browser.pages import ANONYMOUS, PAGES, STAFF, build_world, pages_for
from tests.factories import make_user

pytestmark = pytest.mark.browser


def _walk(page, world, role: str) -> list[str]:
    problems = []
    for case in pages_for(role):
        case.open(page, world)
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
    assert not problems, f"{len(problems)} serious/critical axe-core problem(s):\n" + "\n".join(problems)


def test_every_page_each_role_sees_has_no_serious_axe_violations(new_page):
    """One world, one tab per role (and the officer's phone), every page the role can see."""
    world = build_world()
    problems = []
    # The officer's phone walk uses a second officer: the first ends with two-factor login on.
    walkers = [(role, world.users[role], False) for role in sorted(STAFF)]
    walkers.append(("officer", make_user("officer", world.office, username="uji.officer.ponsel"), True))
    for role, user, phone in walkers:
        tab = new_page(phone=phone)
        helpers.browser_login(tab, user.username, world.password)
        assert "/accounts/login" not in tab.url, f"{role} could not log in"
        device = "phone" if phone else "desktop"
        problems += [f"{role} ({device}) {line}" for line in _walk(tab, world, role)]
        tab.context.close()
    assert not problems, f"{len(problems)} serious/critical axe-core problem(s):\n" + "\n".join(problems)
