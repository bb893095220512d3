"""The dashboards' charts in Chromium: every label's real box (getBBox) inside its picture, on a
desktop and on a phone; the numbers' tables open from their <details>; axe-core finds no serious
problem with the charts and their tables open. The numbers themselves: tests/test_dashboards_charts.py."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_no_serious_axe_violations
from tests.factories import PASSWORD, make_user
from tests.test_dashboards_charts import chart_world

pytestmark = pytest.mark.browser

# Every <text> of every chart whose measured box leaves the SVG's viewBox.
CUT_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
  const view = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
    .filter(([, b]) => b.x < view.x || b.y < view.y
      || b.x + b.width > view.x + view.width || b.y + b.height > view.y + view.height)
    .map(([text, b]) => `${svg.classList[1]}: "${text}" at ${Math.round(b.x)},${Math.round(b.y)} `
      + `${Math.round(b.width)}x${Math.round(b.height)} in ${view.width}x${view.height}`);
})"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_dashboard_charts_show_every_label_whole_and_pass_axe(new_page, browser_login, phone):
    world = chart_world()
    head = make_user("office_head", world.office_a, username="kepala.grafik")
    national = make_user("national", username="nasional.grafik")
    for user, url in ((head, "/dashboards/office/"), (national, "/dashboards/aggregates/")):
        page = new_page(phone=phone)
        browser_login(page, user.username, PASSWORD)
        page.goto(url)
        assert page.locator("svg.chart[role=img]").count() == 4, url
        assert page.evaluate(CUT_LABELS) == [], url
        for key in ("attendance", "engagement", "funnel", "stages"):
            figure = page.locator(f"#figure-{key}")
            figure.locator("summary").click()
            assert figure.locator(f"#chart-table-{key}").is_visible()
        # The picture never grows past its column (no sideways scrolling on a phone).
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('svg.chart')].filter("
            "s => s.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length"
        )
        assert overflow == 0, url
        assert_no_serious_axe_violations(page, context=url)
    # The measure itself finds a cut label.
    page.set_content(
        '<svg class="chart chart-x" viewBox="0 0 40 20"><text x="5" y="15">terlalu panjang</text></svg>'
    )
    assert len(page.evaluate(CUT_LABELS)) == 1
