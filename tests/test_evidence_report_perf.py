"""The cheap forms of the report's charts (issue #6 limit: report PDF under 3 s, DOCX under 1 s).

No timings here (benchmarks are by hand: bench/evidence_report.py); these check that the compact
network chart still shows every person and tie, and that its PNG for DOCX draws what the SVG says.
"""

from __future__ import annotations

import io
import re

import pytest

from aksalarasa.evidence import charts, report, stats


def _network(n_residents: int, n_clients: int) -> stats.NetworkResult:
    nodes = {f"r{i}": "resident" for i in range(n_residents)}
    nodes.update({f"c{i}": "client" for i in range(n_clients)})
    nodes["s0"] = "officer"
    edges = [(f"c{i % n_clients}", f"r{i}") for i in range(n_residents)]
    edges += [(f"r{i}", f"r{i + 1}") for i in range(0, n_residents - 1, 2)]
    return stats.interaction_network(nodes, edges)


def test_layout_is_deterministic_and_within_the_unit_square():
    net = _network(40, 5)
    nodes, edges = tuple(net.nodes), tuple(net.edges)
    charts.spring_positions.cache_clear()
    first = charts.spring_positions(nodes, edges, 7)
    charts.spring_positions.cache_clear()
    again = charts.spring_positions(nodes, edges, 7)
    assert first == again and set(first) == set(net.nodes)
    assert all(-1.0 <= v <= 1.0 for p in first.values() for v in p)
    assert charts.spring_positions(nodes, edges, 8) != first  # the seed matters
    # tied people end up nearer each other than people without a tie, on average
    dist = lambda a, b: ((first[a][0] - first[b][0]) ** 2 + (first[a][1] - first[b][1]) ** 2) ** 0.5  # noqa: E731
    tied = sum(dist(a, b) for a, b in edges) / len(edges)
    untied = [dist(f"r{i}", f"r{j}") for i in range(40) for j in range(i + 1, 40)]
    assert tied < sum(untied) / len(untied)


@pytest.mark.parametrize("size", [10, 300])
def test_network_chart_has_a_fixed_number_of_elements_and_every_person(size):
    net = _network(size, 5)
    svg = charts.network_svg(net, title="Network")
    assert len(re.findall(r"<path ", svg)) <= 5  # ties (2 kinds) and markers (3 kinds), whatever the size
    paths = re.findall(r'<path d="([^"]*)"', svg)
    drawn = sum(d.count("M") for d in paths)
    assert drawn == len(net.edges) + len(net.nodes)  # one subpath per tie and per person
    assert 'stroke-linecap="round"' in svg and "<title" in svg and "<desc" in svg


def test_png_draws_the_dots_squares_and_ties_of_the_svg():
    from PIL import Image

    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
        '<path d="M10 10L90 10" fill="none" stroke="#000000" stroke-width="2"/>'
        '<path d="M30.0 50.0h0.01M70.0 50.0h0.01" fill="none" stroke="#b44d12" stroke-width="11" stroke-linecap="round"/>'
        f'<path d="{charts.square_path(50, 80, 5)}{charts.diamond_path(20, 80, 6)}" fill="#0b6e4f"/>'
        "</svg>"
    )
    image = Image.open(io.BytesIO(report.svg_to_png(svg, scale=1.0))).convert("RGB")
    assert image.getpixel((50, 10)) == (0, 0, 0)  # the tie
    assert image.getpixel((30, 50)) == (0xB4, 0x4D, 0x12) == image.getpixel((70, 50))  # the dots
    assert image.getpixel((33, 53)) == (0xB4, 0x4D, 0x12)  # a disc, not a point
    assert image.getpixel((50, 50)) == (255, 255, 255)  # nothing between them
    assert image.getpixel((52, 82)) == (0x0B, 0x6E, 0x4F) == image.getpixel((20, 80))  # square, diamond
    assert image.getpixel((50, 95)) == (255, 255, 255)
