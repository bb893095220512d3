"""Charts as server-rendered SVG strings: no JavaScript, the same function feeds the page and the
reports (WeasyPrint embeds SVG in PDF directly; see docs/instruments.md for DOCX).

Every chart is an <svg role="img"> with a <title> and a <desc> that states the numbers in words,
so a screen reader gets the content, and colours are paired with shapes or labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.utils.html import escape
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from aksalarasa.core.suppression import HIDDEN
from aksalarasa.evidence import stats

# xgettext does not read inside f-strings: the labels used there are marked here so that
# makemessages extracts them (the f-strings translate them at run time with gettext).
_F_STRING_LABELS = (
    gettext_noop("after"),
    gettext_noop("before"),
    gettext_noop("days from the event"),
    gettext_noop("Staff and others"),
    gettext_noop("weight"),
)

INK = "#1f2933"
MUTED = "#7b8794"
BEFORE = "#9aa5b1"
AFTER = "#0b6e4f"
COMPARE = "#b44d12"
GRID = "#e4e7eb"
FONT = 'font-family="system-ui, sans-serif"'


FONT_SIZE = 12
LINE_H = 14
# Advance widths of system-ui sans-serif glyphs in em, rounded up so that an estimate is never
# short: a label laid out with these widths is not clipped by the viewBox in any common font.
_NARROW = set("ijlI.,;:'!|()[] ")
_SEMI = set("frt-")
_WIDE = set("mwMW@%")


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """The estimated width of `text` in px at font size `size`."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.34
        elif ch in _SEMI:
            em += 0.44
        elif ch in _WIDE:
            em += 0.95
        elif ch.isupper():
            em += 0.74
        else:
            em += 0.6
    return em * size


def wrap_label(text: str, max_width: float, *, max_lines: int = 3) -> list[str]:
    """`text` cut at spaces into at most `max_lines` lines of at most `max_width` px; what does not
    fit ends in an ellipsis (the full text is in the chart's description)."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if text_width(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[index:])
            break
    if current:
        lines.append(current)
    if lines and text_width(lines[-1]) > max_width:
        last = lines[-1]
        while last and text_width(last + "…") > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines or [""]


def _label(x: float, y: float, lines: Sequence[str], *, anchor: str = "end", fill: str = INK) -> str:
    """A multi-line label whose lines are centred vertically on `y`."""
    first = y + 4 - (len(lines) - 1) * LINE_H / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + i * LINE_H:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" fill="{fill}">{spans}</text>'


def _num(value: float, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if (get_language() or "id").startswith("id") else text


def _open(width: int, height: int, title: str, desc: str, css_class: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="t-{css_class} d-{css_class}" {FONT} font-size="12">',
        f'<title id="t-{css_class}">{escape(title)}</title>',
        f'<desc id="d-{css_class}">{escape(desc)}</desc>',
    ]


def before_after_svg(
    rows: Sequence[dict[str, Any]], *, scale_min: int, scale_max: int, title: str, key: str = "ba"
) -> str:
    """Dumbbell chart: per subscale, the mean before (grey circle) and after (green square)."""
    width, left, right, top = 640, 210, 30, 40
    labels = [wrap_label(str(r["label"]), left - 16) for r in rows]
    row_h = max(34, LINE_H * max((len(lines) for lines in labels), default=1) + 8)
    height = top + row_h * max(len(rows), 1) + 40
    span = max(scale_max - scale_min, 1)

    def x(v: float) -> float:
        return left + (v - scale_min) / span * (width - left - right)

    words = "; ".join(
        f"{r['label']}: {_('before')} {_num(r['before']) if r['before'] is not None else '—'}, "
        f"{_('after')} {_num(r['after']) if r['after'] is not None else '—'}"
        for r in rows
    )
    out = _open(width, height, title, words, f"chart-{key}")
    for tick in range(scale_min, scale_max + 1):
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 10}" x2="{x(tick):.1f}" y2="{height - 30}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{x(tick):.1f}" y="{height - 14}" text-anchor="middle" fill="{MUTED}">{tick}</text>'
        )
    out.append(
        f'<circle cx="{left}" cy="14" r="6" fill="{BEFORE}"/><text x="{left + 10}" y="18" fill="{INK}">{escape(_("Before"))}</text>'
    )
    out.append(
        f'<rect x="{left + 90}" y="8" width="12" height="12" fill="{AFTER}"/>'
        f'<text x="{left + 108}" y="18" fill="{INK}">{escape(_("After"))}</text>'
    )
    for i, r in enumerate(rows):
        y = top + i * row_h + row_h / 2
        out.append(_label(left - 10, y, labels[i]))
        b, a = r.get("before"), r.get("after")
        if b is not None and a is not None:
            out.append(
                f'<line x1="{x(b):.1f}" y1="{y:.1f}" x2="{x(a):.1f}" y2="{y:.1f}" stroke="{MUTED}" stroke-width="3"/>'
            )
        if b is not None:
            out.append(f'<circle cx="{x(b):.1f}" cy="{y:.1f}" r="7" fill="{BEFORE}"/>')
        if a is not None:
            out.append(f'<rect x="{x(a) - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="{AFTER}"/>')
            out.append(
                f'<text x="{x(a):.1f}" y="{y - 10:.1f}" text-anchor="middle" fill="{INK}">{_num(a)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def timeline_svg(
    timeline: Sequence[dict[str, Any]], *, measure: str, low: float, high: float, title: str, window: int
) -> str:
    """Two lines over days relative to the event (0 = the event): participants (green, squares)
    and comparison clients (orange, circles, dashed)."""
    width, height, left, right, top, bottom = 640, 280, 50, 20, 50, 40
    span = high - low or 1

    def x(day: float) -> float:
        return left + (day + window) / (2 * window) * (width - left - right)

    def y(v: float) -> float:
        return top + (1 - (v - low) / span) * (height - top - bottom)

    series = {
        "participants": (AFTER, "", "rect", _("Participants")),
        "comparison": (COMPARE, ' stroke-dasharray="5 4"', "circle", _("Comparison clients")),
    }
    words = []
    for name, (_c, _d, _s, label) in series.items():
        points = [
            f"{row['day']}: {_num(row[f'{name}_{measure}'])}"
            for row in timeline
            if row.get(f"{name}_{measure}") is not None
        ]
        words.append(f"{label}: " + (", ".join(points) or "—"))
    out = _open(width, height, title, "; ".join(words), f"chart-{measure}")
    for frac in (0, 0.25, 0.5, 0.75, 1):
        v = low + frac * span
        out.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{MUTED}">{_num(v, 2 if span <= 1 else 1)}</text>'
        )
    out.append(
        f'<line x1="{x(0):.1f}" y1="{top}" x2="{x(0):.1f}" y2="{height - bottom}" stroke="{INK}" stroke-dasharray="2 3"/>'
    )
    out.append(f'<text x="{x(0) + 4:.1f}" y="{top + 12}" fill="{INK}">{escape(_("Event"))}</text>')
    for day in (-window, -window // 2, window // 2, window):
        out.append(
            f'<text x="{x(day):.1f}" y="{height - bottom + 16}" text-anchor="middle" fill="{MUTED}">{day:+d}</text>'
        )
    out.append(
        f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle" fill="{MUTED}">{escape(_("days from the event"))}</text>'
    )
    legend_x = left + 10
    for name, (colour, dash, shape, label) in series.items():
        pts = [
            (row["day"] + 7, row[f"{name}_{measure}"])
            for row in timeline
            if row.get(f"{name}_{measure}") is not None
        ]
        if len(pts) > 1:
            path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>')
        for d, v in pts:
            if shape == "rect":
                out.append(
                    f'<rect x="{x(d) - 4:.1f}" y="{y(v) - 4:.1f}" width="8" height="8" fill="{colour}"/>'
                )
            else:
                out.append(f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4.5" fill="{colour}"/>')
        out.append(
            f'<line x1="{legend_x}" y1="{top - 30}" x2="{legend_x + 22}" y2="{top - 30}" stroke="{colour}" stroke-width="3"{dash}/>'
        )
        out.append(f'<text x="{legend_x + 28}" y="{top - 26}" fill="{INK}">{escape(label)}</text>')
        legend_x += 190
    out.append("</svg>")
    return "".join(out)


def indicators_svg(outcomes: Sequence[stats.IndicatorOutcome], *, title: str) -> str:
    """Horizontal bars: each indicator's achievement (0-100 %) with its weight."""
    width, left, right, top = 640, 250, 60, 20
    labels = [wrap_label(f"{o.name} ({_num(o.weight, 0)}%)", left - 14) for o in outcomes]
    row_h = max(30, LINE_H * max((len(lines) for lines in labels), default=1) + 8)
    height = top + row_h * max(len(outcomes), 1) + 30

    def x(p: float) -> float:
        return left + p / 100 * (width - left - right)

    words = "; ".join(
        f"{o.name}: {_num(o.achievement, 0) + '%' if o.achievement is not None else _('not measured')} ({_('weight')} {_num(o.weight, 0)}%)"
        for o in outcomes
    )
    out = _open(width, height, title, words, "chart-indicators")
    for p in (0, 50, 100):
        out.append(
            f'<line x1="{x(p):.1f}" y1="{top - 4}" x2="{x(p):.1f}" y2="{height - 24}" stroke="{GRID}"/>'
        )
        out.append(f'<text x="{x(p):.1f}" y="{height - 10}" text-anchor="middle" fill="{MUTED}">{p}%</text>')
    for i, o in enumerate(outcomes):
        y = top + i * row_h
        middle = y + row_h / 2
        out.append(_label(left - 8, middle, labels[i]))
        if o.achievement is None:
            out.append(
                f'<text x="{left + 4}" y="{middle + 4:.1f}" fill="{MUTED}">{escape(_("not measured"))}</text>'
            )
            continue
        # An achievement above 100 % draws a full bar; its number still says how much.
        end = x(min(max(o.achievement, 0), 100))
        out.append(
            f'<rect x="{left}" y="{middle - 9:.1f}" width="{end - left:.1f}" height="18" fill="{AFTER}"/>'
        )
        out.append(
            f'<text x="{end + 4:.1f}" y="{middle + 4:.1f}" fill="{INK}">{_num(o.achievement, 0)}%</text>'
        )
    out.append("</svg>")
    return "".join(out)


NODE_STYLE = {
    "client": (AFTER, "rect"),
    "resident": (COMPARE, "circle"),
}


LAYOUT_ITERATIONS = 50
GRAVITY = 2.0


@lru_cache(maxsize=32)
def spring_positions(
    nodes: tuple[str, ...],
    edges: tuple[tuple[str, str], ...],
    seed: int = 7,
    iterations: int = LAYOUT_ITERATIONS,
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold force-directed positions in [-1, 1], seeded so the picture is the
    same every time. The same model as networkx.spring_layout (repulsion k^2/d between every
    pair, attraction d^2/k along each tie, a cooling step), written for speed: the all-pairs
    repulsion uses one matrix product instead of an n x n x 2 difference array, the attraction
    runs over the ties only. A weak pull toward the centre (as in ForceAtlas2) stops people without
    any tie drifting to the edge and squeezing everyone else into the middle. Cached in-process by content (the arguments are the whole input)."""
    import numpy as np

    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    a = np.fromiter((index[u] for u, _v in edges), dtype=np.intp, count=len(edges))
    b = np.fromiter((index[v] for _u, v in edges), dtype=np.intp, count=len(edges))
    pos = np.random.default_rng(seed).random((n, 2))
    k2 = 1.0 / n  # k = sqrt(area / n) with area 1
    k = k2**0.5
    step = 0.1
    cool = step / (iterations + 1)
    for _step in range(iterations):
        sq = (pos * pos).sum(axis=1)
        d2 = sq[:, None] + sq[None, :] - 2.0 * (pos @ pos.T)
        np.maximum(d2, 1e-6, out=d2)
        np.divide(k2, d2, out=d2)  # repulsion weight k^2 / d^2 along (p_i - p_j)
        disp = pos * d2.sum(axis=1)[:, None] - d2 @ pos
        if a.size:
            delta = pos[a] - pos[b]  # attraction d^2 / k along -(p_a - p_b)
            pull = delta * (np.sqrt((delta * delta).sum(axis=1)) / k)[:, None]
            for dim in (0, 1):
                disp[:, dim] -= np.bincount(a, pull[:, dim], minlength=n)
                disp[:, dim] += np.bincount(b, pull[:, dim], minlength=n)
        disp -= GRAVITY * (pos - pos.mean(axis=0))  # keeps people without ties near the group
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 0.01)
        pos += disp * (step / length)[:, None]
        step -= cool
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max() or 1.0
    pos /= scale
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, pos, strict=True)}


def square_path(cx: float, cy: float, half: float) -> str:
    return f"M{cx - half:.1f} {cy - half:.1f}h{2 * half:g}v{2 * half:g}h{-2 * half:g}z"


def dot_path(cx: float, cy: float) -> str:
    """A dot: a tiny segment that a round line cap of the path's stroke width turns into a disc.
    Hundreds of dots fit in one <path>, and unlike arcs they cost a PDF renderer nothing."""
    return f"M{cx:.1f} {cy:.1f}h0.01"


def diamond_path(cx: float, cy: float, r: float) -> str:
    return f"M{cx:.1f} {cy - r:.1f}l{r:g} {r:g}l{-r:g} {r:g}l{-r:g} {-r:g}z"


def network_svg(network: stats.NetworkResult, *, title: str, seed: int = 7) -> str:
    """The interaction network: clients as green squares, residents as orange circles, others grey
    diamonds; positions from a seeded spring layout so the picture is the same every time.

    Every tie of a kind and every marker of a kind is one <path>: a handful of elements instead of
    one per person and tie, which keeps PDF rendering (WeasyPrint) and rasterising fast."""
    width = height = 420
    pos = spring_positions(tuple(network.nodes), tuple((a, b) for a, b in network.edges), seed)
    counts: dict[str, int] = {}
    for kind in network.nodes.values():
        counts[kind] = counts.get(kind, 0) + 1
    words = _("%(nodes)s people, %(edges)s ties; %(clients)s clients, %(residents)s residents.") % {
        "nodes": len(network.nodes),
        "edges": len(network.edges),
        "clients": counts.get("client", 0),
        "residents": counts.get("resident", 0),
    }
    out = _open(width, height + 30, title, words, "chart-network")

    def px(p) -> tuple[float, float]:
        return 20 + (p[0] + 1) / 2 * (width - 40), 20 + (p[1] + 1) / 2 * (height - 40)

    segments: dict[bool, list[str]] = {False: [], True: []}
    for a, b in network.edges:
        (x1, y1), (x2, y2) = px(pos[a]), px(pos[b])
        mixed = {network.nodes[a], network.nodes[b]} == {"client", "resident"}
        segments[mixed].append(f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}")
    for mixed, parts in ((False, segments[False]), (True, segments[True])):
        if parts:
            out.append(
                f'<path d="{"".join(parts)}" fill="none" stroke="{INK if mixed else GRID}" '
                f'stroke-width="{1.6 if mixed else 1}" stroke-opacity="{0.7 if mixed else 1}"/>'
            )
    markers: dict[tuple[str, str], list[str]] = {}
    for node, kind in network.nodes.items():
        cx, cy = px(pos[node])
        colour, shape = NODE_STYLE.get(kind, (MUTED, "diamond"))
        if shape == "rect":
            d = square_path(cx, cy, 5)
        elif shape == "circle":
            d = dot_path(cx, cy)
        else:
            d = diamond_path(cx, cy, 6)
        markers.setdefault((shape, colour), []).append(d)
    for (shape, colour), parts in markers.items():
        if shape == "circle":
            out.append(
                f'<path d="{"".join(parts)}" fill="none" stroke="{colour}" stroke-width="11" stroke-linecap="round"/>'
            )
        else:
            out.append(f'<path d="{"".join(parts)}" fill="{colour}"/>')
    y = height + 16
    out.append(
        f'<rect x="20" y="{y - 9}" width="10" height="10" fill="{AFTER}"/><text x="36" y="{y}" fill="{INK}">{escape(_("Client"))}</text>'
    )
    out.append(
        f'<circle cx="125" cy="{y - 4}" r="5.5" fill="{COMPARE}"/><text x="136" y="{y}" fill="{INK}">{escape(_("Resident"))}</text>'
    )
    out.append(
        f'<polygon points="235,{y - 10} 241,{y - 4} 235,{y + 2} 229,{y - 4}" fill="{MUTED}"/>'
        f'<text x="248" y="{y}" fill="{INK}">{escape(_("Staff and others"))}</text>'
    )
    out.append("</svg>")
    return "".join(out)


def program_charts(result, *, language: str) -> dict[str, Any]:
    """Every chart of a ProgramAnalysis, keyed for templates and reports."""
    charts: dict[str, Any] = {"surveys": []}
    for index, survey in enumerate(result.surveys):
        rows = [
            {"label": sub.name(language), "before": sub.mean_before, "after": sub.mean_after}
            for sub in survey.subscales
        ]
        charts["surveys"].append(
            before_after_svg(
                rows,
                scale_min=survey.scale_min,
                scale_max=survey.scale_max,
                title=_("Before and after: %(name)s") % {"name": survey.name(language)},
                key=f"ba{index}",
            )
        )
    if result.timeline:
        charts["attendance"] = timeline_svg(
            result.timeline,
            measure="attendance",
            low=0,
            high=1,
            title=_("Guidance attendance rate, participants and comparison clients"),
            window=result.window_days,
        )
        charts["engagement"] = timeline_svg(
            result.timeline,
            measure="engagement",
            low=1,
            high=4,
            title=_("Engagement in guidance (1-4), participants and comparison clients"),
            window=result.window_days,
        )
    if result.indicators:
        charts["indicators"] = indicators_svg(result.indicators.indicators, title=_("Indicator achievement"))
    if result.network:
        charts["network"] = network_svg(result.network, title=_("Who interacted with whom at the event"))
    return charts


# --- charts of counts and rates: the dashboards ------------------------------------------------------
# Every label is measured before the picture is laid out, so the viewBox grows to hold it: a label is
# never cut or shortened. CHAR_WIDTH is a generous average advance of a system-ui sans glyph (in
# font sizes); the browser test measures the real text against the viewBox.
CHAR_WIDTH = 0.62
LABEL = "#52606d"  # secondary text: 6:1 on white, where MUTED (3.6:1) would be too faint for text


# The one width estimate (text_width, above) serves these charts too: per glyph class, never short.


def _open_sized(width: float, height: float, title: str, desc: str, key: str) -> list[str]:
    """Like _open, drawn at its own size (CSS shrinks it to a narrow screen, never enlarges it:
    a short chart in a wide column would otherwise blow its text up)."""
    out = _open(round(width), round(height), title, desc, key)
    out[0] = out[0].replace('width="100%"', f'width="{round(width)}" height="{round(height)}"')
    return out


def _value_text(value: float | None, digits: int, unit: str, missing: str) -> str:
    return missing if value is None else f"{_num(value, digits)}{unit}"


def bars_svg(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    key: str,
    digits: int = 0,
    unit: str = "",
    centred: bool = False,
    missing: str | None = None,
) -> str:
    """Horizontal bars, one per row, label on the left and value on the right; centred bars read as
    a funnel. A value of None (a suppressed small cell: `missing` says "hidden" by default) draws no
    bar and says so."""
    missing = str(HIDDEN) if missing is None else missing
    row_h, top, bottom, plot, gap = 28, 8, 8, 320, 8
    labels = [label for label, _v in rows]
    values = [_value_text(v, digits, unit, missing) for _l, v in rows]
    left = max((text_width(t) for t in labels), default=0) + 2 * gap
    width = left + plot + gap + max((text_width(t) for t in values), default=0) + gap
    height = top + row_h * max(len(rows), 1) + bottom
    largest = max((v for _l, v in rows if v is not None), default=0) or 1
    words = "; ".join(f"{label}: {text}" for label, text in zip(labels, values, strict=True))
    out = _open_sized(width, height, title, words, f"chart-{key}")
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        out.append(
            f'<text x="{left - gap:.1f}" y="{y + 18}" text-anchor="end" fill="{INK}">{escape(label)}</text>'
        )
        if value is None:
            out.append(f'<text x="{left + 4:.1f}" y="{y + 18}" fill="{LABEL}">{escape(values[i])}</text>')
            continue
        bar = plot * max(value, 0) / largest
        x = left + (plot - bar) / 2 if centred else left
        if bar > 0:
            out.append(f'<rect x="{x:.1f}" y="{y + 5}" width="{bar:.1f}" height="18" fill="{AFTER}"/>')
        value_x = left + plot + gap if centred else left + bar + gap
        out.append(f'<text x="{value_x:.1f}" y="{y + 18}" fill="{INK}">{escape(values[i])}</text>')
    out.append("</svg>")
    return "".join(out)


def trend_svg(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    key: str,
    low: float,
    high: float,
    digits: int = 1,
    unit: str = "",
    missing: str | None = None,
    axis_labels: Sequence[str] | None = None,
) -> str:
    """A trend over periods (months): one square per period joined by a line, its value above it.
    A period without a value (None: hidden, or `missing`) breaks the line and says so under its label.
    `axis_labels` name the periods briefly under the axis ("Jul 2026"); the description, read by a
    screen reader, names them in full."""
    axis = list(axis_labels) if axis_labels is not None else [label for label, _v in points]
    top, plot_h, gap = 28, 150, 8
    span = (high - low) or 1
    whole = span == int(span) and 2 <= span <= 6  # a scale such as 1-4: a line at each step
    ticks = (
        [low + step for step in range(int(span) + 1)]
        if whole
        else [low + span * f for f in (0, 0.25, 0.5, 0.75, 1)]
    )
    tick_texts = [_num(t, 0 if whole or span >= 4 else 1) for t in ticks]
    hidden = str(HIDDEN) if missing is None else missing
    column = max(60.0, *(text_width(t) + 2 * gap for t in axis), text_width(hidden) + 2 * gap)
    left = max(text_width(t) for t in tick_texts) + 2 * gap
    width = left + column * max(len(points), 1) + gap
    bottom = top + plot_h
    height = bottom + 48

    def y(v: float) -> float:
        return bottom - (v - low) / span * plot_h

    words = "; ".join(f"{label}: {_value_text(v, digits, unit, hidden)}" for label, v in points)
    out = _open_sized(width, height, title, words, f"chart-{key}")
    for tick, text in zip(ticks, tick_texts, strict=True):
        out.append(
            f'<line x1="{left:.1f}" y1="{y(tick):.1f}" x2="{width - gap:.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{left - gap:.1f}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{LABEL}">{text}</text>'
        )
    lines: list[str] = []  # drawn under the markers
    marks: list[str] = []
    run: list[str] = []
    for i, (_label, value) in enumerate(points):
        cx = left + column * (i + 0.5)
        marks.append(
            f'<text x="{cx:.1f}" y="{bottom + 20}" text-anchor="middle" fill="{INK}">{escape(axis[i])}</text>'
        )
        if value is None:
            marks.append(
                f'<text x="{cx:.1f}" y="{bottom + 38}" text-anchor="middle" fill="{LABEL}">{escape(hidden)}</text>'
            )
            lines.append(" ".join(run))
            run = []
            continue
        cy = y(min(max(value, low), high))
        run.append(f"{cx:.1f},{cy:.1f}")
        marks.append(f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" fill="{AFTER}"/>')
        marks.append(
            f'<text x="{cx:.1f}" y="{cy - 9:.1f}" text-anchor="middle" fill="{INK}">'
            f"{_value_text(value, digits, unit, hidden)}</text>"
        )
    lines.append(" ".join(run))
    out += [
        f'<polyline points="{line}" fill="none" stroke="{AFTER}" stroke-width="2.5"/>'
        for line in lines
        if line.count(",") > 1
    ]
    out += marks
    out.append("</svg>")
    return "".join(out)
