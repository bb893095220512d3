"""axe-core on the evidence pages (listed in tests/browser/pages.py) for each role that sees them,
on desktop and on a phone; a quicker, evidence-only slice of the full accessibility sweep."""

from __future__ import annotations

import pytest

from tests.browser import helpers
from tests.browser.pages import ANONYMOUS, build_world, pages_for

pytestmark = pytest.mark.browser

EVIDENCE_PAGES = {
    "evidence",
    "questionnaires",
    "questionnaire version",
    "program questionnaires",
    "questionnaire administration",
    "paper answers entry",
    "program evaluation figures",
    "public questionnaire",
}


@pytest.fixture(autouse=True, scope="module")
def _warm_imports():
    """The analysis libraries load on first use; see test_evidence_browser.py."""
    import networkx  # noqa: F401
    import scipy.stats  # noqa: F401
    from statsmodels.regression.linear_model import OLS  # noqa: F401


def test_evidence_pages_have_no_serious_axe_violations_for_each_role(new_page):
    world = build_world()
    problems = []
    walkers = [(role, False) for role in ("officer", "program_team", "regional", "admin")] + [
        ("officer", True)
    ]
    walkers.append((ANONYMOUS, True))
    for role, phone in walkers:
        tab = new_page(phone=phone)
        if role != ANONYMOUS:
            helpers.browser_login(tab, world.users[role].username, world.password)
        cases = [case for case in pages_for(role) if case.name in EVIDENCE_PAGES]
        assert cases, role
        for case in cases:
            case.open(tab, world)
            assert tab.locator("h1").count() == 1, f"{role}: {case.name} has no page heading ({tab.url})"
            problems += [f"{role} {case.name}: {line}" for line in helpers.axe_blocking(tab)]
        tab.context.close()
    assert not problems, f"{len(problems)} serious/critical axe-core problem(s):\n" + "\n".join(problems)
