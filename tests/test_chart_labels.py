"""No chart text is cut (issue 17, item 16): every <text> of the analysis page's SVG charts lies
inside the viewBox with its estimated width, and a long label wraps onto lines instead of being
truncated mid-word or running off the left edge (the indicator and before/after labels did)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from aksalarasa.evidence import charts, stats
from tests.test_evidence_report_perf import _network

SVG = "{http://www.w3.org/2000/svg}"
LONG_SUBSCALE = "Interaksi sosial dengan warga dan keluarga di lingkungan tempat tinggal"
LONG_INDICATOR = "Klien hadir pada bimbingan terjadwal selama tiga bulan setelah kegiatan bersama warga"
WIDE = "WWWW MMMM WWWW MMMM WWWW MMMM WWWW MMMM"


def _texts_outside(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    _x0, _y0, width, height = (float(v) for v in root.get("viewBox").split())
    size = float(root.get("font-size", charts.FONT_SIZE))
    problems = []
    for text in root.iter(f"{SVG}text"):
        anchor = text.get("text-anchor", "start")
        spans = list(text.iter(f"{SVG}tspan")) or [text]
        for span in spans:
            content = "".join(span.itertext()) if span is text else (span.text or "")
            x = float(span.get("x", text.get("x", 0)))
            y = float(span.get("y", text.get("y", 0)))
            w = charts.text_width(content, int(size))
            left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            if left < 0 or left + w > width or y - 0.8 * size < 0 or y + 0.25 * size > height:
                problems.append(
                    f"{content!r}: x {left:.0f}..{left + w:.0f}, y {y:.0f} in {width:.0f}x{height:.0f}"
                )
    return problems


def _indicator(name: str, weight: float, achievement: float | None) -> stats.IndicatorOutcome:
    return stats.IndicatorOutcome(
        name=name, weight=weight, target=10, actual=None, achievement=achievement, weighted=0
    )


def _every_chart() -> dict[str, str]:
    rows = [
        {"label": LONG_SUBSCALE, "before": 2.1, "after": 4.9},
        {"label": WIDE, "before": 1.0, "after": 5.0},
        {"label": "Motivasi", "before": 3.0, "after": None},
    ]
    timeline = [
        {
            "day": day,
            "participants_attendance": 0.5 + day / 200,
            "comparison_attendance": 0.4,
            "participants_engagement": 2.5,
            "comparison_engagement": 2.0 + day / 100,
        }
        for day in range(-56, 57, 14)
    ]
    indicators = [
        _indicator(LONG_INDICATOR, 35, 100),
        _indicator(WIDE, 15, 0),
        _indicator("Warga yang berubah sikap terhadap klien pemasyarakatan", 50, None),
    ]
    return {
        "before_after": charts.before_after_svg(rows, scale_min=1, scale_max=5, title="t"),
        "attendance": charts.timeline_svg(
            timeline, measure="attendance", low=0, high=1, title="t", window=56
        ),
        "engagement": charts.timeline_svg(
            timeline, measure="engagement", low=1, high=4, title="t", window=56
        ),
        "indicators": charts.indicators_svg(indicators, title="t"),
        "network": charts.network_svg(_network(40, 3), title="t"),
    }


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_chart_text_lies_inside_the_viewbox(language):
    with translation.override(language):
        svgs = _every_chart()
    problems = {name: _texts_outside(svg) for name, svg in svgs.items()}
    assert not any(problems.values()), problems


def test_long_labels_wrap_whole_words_instead_of_being_cut():
    svgs = _every_chart()
    for name, label in (("before_after", LONG_SUBSCALE), ("indicators", LONG_INDICATOR)):
        root = ET.fromstring(svgs[name])
        lines = [
            [s.text for s in t.iter(f"{SVG}tspan")]
            for t in root.iter(f"{SVG}text")
            if any(label.split()[0] == (s.text or "").split(" ")[0] for s in t.iter(f"{SVG}tspan"))
        ]
        (label_lines,) = lines
        assert len(label_lines) > 1, label_lines
        assert " ".join(label_lines).startswith(label), label_lines  # every word, in order
    assert charts.wrap_label("x " * 200, 100)[-1].endswith("…")  # beyond three lines: an ellipsis


def test_the_estimate_is_never_short_for_wide_letters():
    assert charts.text_width("W" * 10) >= 10 * 0.9 * charts.FONT_SIZE
    assert charts.text_width("abc") < charts.text_width("ABC")
