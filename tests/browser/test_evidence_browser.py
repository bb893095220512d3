"""Evidence in Chromium: a section head reads the evaluation (indicators, before/after effect with CI,
attendance difference in differences, charts); a resident answers the questionnaire on a phone."""

from __future__ import annotations

import pytest

from aksalarasa.evidence import services
from aksalarasa.evidence.models import InstrumentVersion, Response
from tests.browser.helpers import assert_no_serious_axe_violations
from tests.factories import PASSWORD, OfficeFactory, make_program, make_user
from tests.test_evidence_analysis import build_evaluated

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True, scope="module")
def _warm_imports():
    """scipy, statsmodels and networkx load on first use; on a busy machine that first import takes
    longer than the browser's 10 s navigation timeout. A server process pays it once, so the test
    pays it up front in this (the live server's) process."""
    import networkx  # noqa: F401
    import scipy.stats  # noqa: F401
    from statsmodels.regression.linear_model import OLS  # noqa: F401


def test_section_head_reads_the_evaluation_with_figures_and_charts(page, browser_login):
    world = build_evaluated(
        OfficeFactory(name="Bapas Kelas I Denpasar"), OfficeFactory(name="Bapas Kelas I Surabaya")
    )
    section_head = world["section_head"]
    section_head.username = "kasi.uji"
    section_head.save(update_fields=["username"])
    browser_login(page, "kasi.uji", PASSWORD)

    page.click("nav.mainnav a[href='/evidence/']")
    page.click(f"a[href='/evidence/programs/{world['program'].pk}/analysis/']")
    assert page.locator("html").get_attribute("lang") == "id"  # Bahasa Indonesia by default

    indicators = page.locator("section[aria-labelledby=ind-h]")
    assert "68,0%" in indicators.inner_text()
    assert "Klien hadir" in indicators.inner_text()

    surveys = page.locator("section[aria-labelledby=sur-h]")
    text = surveys.inner_text()
    assert "Hodges-Lehmann" in text and "IK 95%" in text  # the effect with its confidence interval
    assert "1,50" in text  # the residents' trust shift worked out by hand in test_evidence_analysis

    did = page.locator("section[aria-labelledby=did-h]").inner_text()
    assert "0,50" in did and "dikelompokkan per klien" in did

    for chart in ("chart-ba0", "chart-attendance", "chart-engagement", "chart-indicators", "chart-network"):
        svg = page.locator(f"svg.{chart}")
        assert svg.is_visible(), chart
        assert svg.get_attribute("role") == "img"
    assert_no_serious_axe_violations(page, context="evaluation page")


def test_resident_answers_on_a_phone_and_nothing_is_saved_half_way(phone_page, browser_login):
    office = OfficeFactory(name="Bapas Kelas I Denpasar")
    head = make_user("office_head", office)
    services.instruments_install_defaults()
    version = InstrumentVersion.objects.get(instrument__key="resident-attitude")
    program = make_program(office, created_by=head)
    administration = services.administration_create(
        actor=head, program=program, instrument_version=version, group="resident", point="before"
    )
    page = phone_page
    page.goto(f"/evidence/s/{administration.public_token}/")
    assert_no_serious_axe_violations(page, context="public questionnaire")
    page.fill("#id_code", "sanur 77")
    keys = list(version.items.values_list("key", flat=True))
    for key in keys[:-1]:  # the last statement is left out
        page.click(f"label[for=id_item_{key}_3]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("[role=alert]").first.is_visible()
    main = page.locator("main").inner_text()
    assert "Tidak ada yang disimpan" in main or "Nothing was saved" in main  # until the catalogue has it
    assert Response.objects.count() == 0
    assert page.locator(f"#id_item_{keys[0]}_3").is_checked()  # what was answered is kept
    page.click(f"label[for=id_item_{keys[-1]}_4]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/thanks/" in page.url
    assert Response.objects.count() == 1
    assert_no_serious_axe_violations(page, context="public thank-you page")
