"""The program report, in the order of the program cycle: background and problems, method, the
stages, the event, the evaluation with figures and charts, SWOT, termination and referral.

One selector gathers the data (`report_data`); two small exporters render it: PDF through
WeasyPrint (charts embedded as SVG) and DOCX through python-docx (charts as PNG, rasterised from
the very same SVG by `svg_to_png`, a small renderer of the few SVG shapes charts.py draws; cairosvg
is not installed). Only aggregates appear: no client is named.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aksalarasa.events.models import Group
from aksalarasa.events.selectors import registration_counts
from aksalarasa.evidence import analysis, charts, stats
from aksalarasa.programs.models import Evaluation, ProgramHandover, Stage

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User
    from aksalarasa.programs.models import Program


@dataclass
class ReportData:
    program: Program
    language: str
    result: analysis.ProgramAnalysis
    charts: dict[str, Any]
    event_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    stages: list[dict[str, Any]] = field(default_factory=list)
    swot: dict[str, list[str]] | None = None
    handover: Any = None
    closing: list[Any] = field(default_factory=list)
    generated_at: Any = None

    @property
    def figure_rows(self) -> list[dict[str, Any]]:
        """Every headline figure as one row: what, estimate, CI, n, p, method, reading."""
        rows = []

        def add(label: str, fig: stats.Figure | None) -> None:
            if fig is not None:
                rows.append({"label": label, "fig": fig, "reading": fig.reading(self.language)})

        for survey in self.result.surveys:
            for sub in survey.subscales:
                name = f"{survey.name(self.language)} · {sub.name(self.language)}"
                if sub.paired:
                    add(f"{name}: {_('shift (Hodges-Lehmann)')}", sub.paired.hodges_lehmann)
                    add(f"{name}: {_('rank-biserial correlation')}", sub.paired.rank_biserial)
                    add(f"{name}: {_('mean change (bootstrap CI)')}", sub.paired.mean_change)
                if sub.unpaired:
                    add(f"{name}: {_('Cliff delta, unpaired')}", sub.unpaired.cliffs_delta)
                add(f"{name}: {_('reliability before (alpha)')}", sub.alpha_before)
        add(_("Attendance rate, difference in differences"), self.result.attendance)
        add(_("Engagement, difference in differences"), self.result.engagement)
        if self.result.network:
            for fig in self.result.network.figures:
                add(_("Interaction network"), fig)
        if self.result.indicators:
            add(_("Indicators, weighted achievement"), self.result.indicators.total)
        return rows


def report_data(*, viewer: User, program: Program) -> ReportData:

    language = (get_language() or "id")[:2]
    result = analysis.program_analysis(viewer=viewer, program=program)
    counts: dict[str, dict[str, int]] = {}
    if result.event is not None:
        counts = registration_counts(result.event)
    reached = list(program.stage_changes.values_list("to_stage", flat=True)) + [program.stage]
    stages = [{"label": str(s.label), "reached": s.value in reached} for s in Stage]
    evaluation = Evaluation.objects.filter(program=program).first()
    return ReportData(
        program=program,
        language=language,
        result=result,
        charts=charts.program_charts(result, language=language),
        event_counts=counts,
        stages=stages,
        swot=evaluation.swot() if evaluation else None,
        handover=ProgramHandover.objects.filter(program=program).first(),
        closing=list(program.closing_activities.all()),
        generated_at=timezone.now(),
    )


def _context(data: ReportData) -> dict[str, Any]:

    return {
        "data": data,
        "program": data.program,
        "result": data.result,
        "charts": data.charts,
        "survey_charts": list(zip(data.result.surveys, data.charts["surveys"], strict=True)),
        "event_rows": [
            {"group": str(Group(g).label) if g in Group.values else g, **c}
            for g, c in sorted(data.event_counts.items())
        ],
        "figure_rows": data.figure_rows,
    }


# --- PDF ---------------------------------------------------------------------------------------


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    html = render_to_string("evidence/report.html", _context(data))
    return HTML(string=html).write_pdf()


# --- DOCX --------------------------------------------------------------------------------------


def report_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.shared import Cm

    program = data.program
    doc = Document()
    doc.core_properties.title = f"{program} · {_('Program report')}"
    _para(doc, f"{_('Program report')}: {program.title}", "Title")
    doc.add_paragraph(f"{program.office.name} · {program.start:%d-%m-%Y} – {program.end:%d-%m-%Y}")

    _para(doc, _("1. Background and problems"), "Heading1")
    for text in (program.problems_addressed, program.goal, program.benefits):
        if text:
            doc.add_paragraph(text)
    _para(doc, _("2. Method"), "Heading1")
    for label, value in (
        (_("Intervention"), program.intervention_type),
        (_("Method"), program.method),
        (_("Technique"), program.technique),
        (_("Resource systems"), program.resource_systems),
    ):
        if value:
            doc.add_paragraph(f"{label}: {value}")
    _para(doc, _("3. The stages of the program cycle"), "Heading1")
    for stage in data.stages:
        _para(doc, f"{stage['label']}: {_('reached') if stage['reached'] else _('not yet')}", "ListBullet")

    _para(doc, _("4. The event"), "Heading1")
    event = data.result.event
    if event is None:
        doc.add_paragraph(_("No event recorded."))
    else:
        doc.add_paragraph(f"{event.name}, {event.place}, {timezone.localtime(event.start):%d-%m-%Y %H.%M}")
        for row in _context(data)["event_rows"]:
            _para(
                doc,
                f"{row['group']}: {row['registered']} {_('registered')}, {row['checked_in']} {_('checked in')}",
                "ListBullet",
            )

    _para(doc, _("5. Evaluation"), "Heading1")
    doc.add_paragraph(
        _(
            "Every figure with its method, n, 95% confidence interval and a plain reading; with fewer than 10 people the reading says so."
        )
    )
    table = doc.add_table(rows=1, cols=5)
    table._tbl.tblPr.style = "TableGrid"
    for cell, text in zip(
        table.rows[0].cells, [_("Figure"), _("Estimate"), _("95% CI"), "n", "p"], strict=True
    ):
        cell.text = text
    for row in data.figure_rows:
        fig = row["fig"]
        cells = table.add_row().cells
        cells[0].text = row["label"]
        cells[1].text = _num(fig.estimate)
        cells[2].text = "—" if fig.ci is None else f"{_num(fig.ci.low)} … {_num(fig.ci.high)}"
        cells[3].text = str(fig.n)
        cells[4].text = "—" if fig.p_value is None else _num(fig.p_value, 3)
    for row in data.figure_rows:
        _para(doc, row["reading"], "ListBullet")
    for svg in _all_charts(data):
        doc.add_picture(io.BytesIO(svg_to_png(svg)), width=Cm(16))

    _para(doc, _("6. SWOT"), "Heading1")
    if data.swot:
        for key, label in (
            ("strengths", _("Strengths")),
            ("weaknesses", _("Weaknesses")),
            ("opportunities", _("Opportunities")),
            ("threats", _("Threats")),
        ):
            _para(doc, label, "Heading3")
            for line in data.swot.get(key, []):
                _para(doc, line, "ListBullet")
    else:
        doc.add_paragraph(_("No SWOT recorded."))

    _para(doc, _("7. Termination and referral"), "Heading1")
    for activity in data.closing:
        _para(doc, f"{activity.date:%d-%m-%Y}: {activity.description}", "ListBullet")
    if data.handover:
        h = data.handover
        doc.add_paragraph(f"{_('Report handed to')}: {h.report_to}")
        doc.add_paragraph(f"{_('Continued by')}: {h.owner_institution} {h.owner_person}".strip())
        if h.next_steps:
            doc.add_paragraph(h.next_steps)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _para(doc, text: str, style_id: str):
    """A paragraph with a style of the default template, set by its id: python-docx's lookup by
    name scans every style of the document on each call, which dominated the DOCX time."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _all_charts(data: ReportData) -> list[str]:
    out = list(data.charts["surveys"])
    out += [data.charts[k] for k in ("attendance", "engagement", "indicators", "network") if k in data.charts]
    return out


def _num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if (get_language() or "id").startswith("id") else text


# --- SVG to PNG for DOCX -------------------------------------------------------------------------

_NS = "{http://www.w3.org/2000/svg}"


def _colour(value: str | None) -> str | None:
    if not value or value == "none":
        return None
    return value


def _points(text: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", text)]
    return list(zip(numbers[0::2], numbers[1::2], strict=False))


_PATH_TOKEN = re.compile(r"[MmLlHhVvAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
_PATH_ARITY = {"M": 2, "L": 2, "H": 1, "V": 1, "A": 7, "Z": 0}
_NUMBER = r"(-?\d+(?:\.\d+)?)"
# straight segments "Mx yLx y", the ties of the network chart
_SEGMENT = re.compile(rf"M{_NUMBER} {_NUMBER}L{_NUMBER} {_NUMBER}(?=M|$)")


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The subpaths of an SVG path as point lists: M/L/H/V/Z in absolute and relative form, and
    arcs as half circles between their end points (sampled)."""
    import math

    tokens = _PATH_TOKEN.findall(d)
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    x = y = 0.0
    i, command = 0, "M"
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                if current:
                    out.append(current)
                    x, y = current[0]
                current = []
                continue
        upper, relative = command.upper(), command.islower()
        args = [float(t) for t in tokens[i : i + _PATH_ARITY[upper]]]
        i += _PATH_ARITY[upper]
        if len(args) < _PATH_ARITY[upper]:
            break
        if upper == "M":
            if len(current) > 1:
                out.append(current)
            x, y = (x + args[0], y + args[1]) if relative else (args[0], args[1])
            current = [(x, y)]
            command = "l" if relative else "L"  # further pairs after M are line-tos
            continue
        if upper == "L":
            x, y = (x + args[0], y + args[1]) if relative else (args[0], args[1])
        elif upper == "H":
            x = x + args[0] if relative else args[0]
        elif upper == "V":
            y = y + args[0] if relative else args[0]
        elif upper == "A":
            ex, ey = (x + args[5], y + args[6]) if relative else (args[5], args[6])
            cx, cy, r = (x + ex) / 2, (y + ey) / 2, math.hypot(ex - x, ey - y) / 2
            start = math.atan2(y - cy, x - cx)
            direction = 1 if args[4] else -1  # sweep flag
            current += [
                (
                    cx + r * math.cos(start + direction * math.pi * t / 12),
                    cy + r * math.sin(start + direction * math.pi * t / 12),
                )
                for t in range(1, 12)
            ]
            x, y = ex, ey
        current.append((x, y))
    if len(current) > 1:
        out.append(current)
    return out


@lru_cache(maxsize=8)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType sizes
        return ImageFont.load_default()


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """PNG of a chart; cached in-process by the SVG's content (the SVG is the whole input)."""
    return _svg_to_png(svg, scale)


@lru_cache(maxsize=64)
def _svg_to_png(svg: str, scale: float) -> bytes:
    """Rasterise the SVG subset charts.py produces (line, polyline, path, polygon, rect, circle, text)."""
    from PIL import Image, ImageDraw

    root = ET.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "0 0 640 400").split())
    image = Image.new("RGB", (int(width * scale), int(height * scale)), "white")
    draw = ImageDraw.Draw(image)
    font = _font(int(12 * scale))

    def s(v: str | float | None) -> float:
        return float(v or 0) * scale

    for el in root.iter():
        tag = el.tag.replace(_NS, "")
        if tag == "line":
            draw.line(
                [(s(el.get("x1")), s(el.get("y1"))), (s(el.get("x2")), s(el.get("y2")))],
                fill=_colour(el.get("stroke")) or "black",
                width=max(1, int(float(el.get("stroke-width", 1)) * scale)),
            )
        elif tag == "polyline":
            pts = [(x * scale, y * scale) for x, y in _points(el.get("points", ""))]
            if len(pts) > 1:
                draw.line(
                    pts,
                    fill=_colour(el.get("stroke")) or "black",
                    width=max(1, int(float(el.get("stroke-width", 1)) * scale)),
                )
        elif tag == "path":
            fill = _colour(el.get("fill", "black"))
            stroke = _colour(el.get("stroke"))
            line_width = max(1, int(float(el.get("stroke-width", 1)) * scale))
            d = el.get("d", "")
            if stroke and el.get("stroke-linecap") == "round":  # charts.dot_path: discs
                radius = float(el.get("stroke-width", 1)) * scale / 2
                for sub in _subpaths(d):
                    for x, y in sub[:1]:
                        draw.ellipse(
                            [x * scale - radius, y * scale - radius, x * scale + radius, y * scale + radius],
                            fill=stroke,
                        )
                continue
            if stroke and not fill:
                for segment in _SEGMENT.findall(d):
                    x1, y1, x2, y2 = (float(v) * scale for v in segment)
                    draw.line([(x1, y1), (x2, y2)], fill=stroke, width=line_width)
                d = _SEGMENT.sub("", d)
            for sub in _subpaths(d):
                pts = [(x * scale, y * scale) for x, y in sub]
                if fill and len(pts) > 2:
                    draw.polygon(pts, fill=fill)
                if stroke:
                    draw.line(pts, fill=stroke, width=line_width)
        elif tag == "polygon":
            pts = [(x * scale, y * scale) for x, y in _points(el.get("points", ""))]
            if len(pts) > 2:
                draw.polygon(pts, fill=_colour(el.get("fill")) or "black")
        elif tag == "rect":
            x0, y0 = s(el.get("x")), s(el.get("y"))
            draw.rectangle(
                [x0, y0, x0 + s(el.get("width")), y0 + s(el.get("height"))], fill=_colour(el.get("fill"))
            )
        elif tag == "circle":
            cx, cy, r = s(el.get("cx")), s(el.get("cy")), s(el.get("r"))
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_colour(el.get("fill")) or "black")
        elif tag == "text" and el.text:
            anchor = {"middle": "ms", "end": "rs"}.get(el.get("text-anchor", ""), "ls")
            draw.text(
                (s(el.get("x")), s(el.get("y"))),
                el.text,
                fill=_colour(el.get("fill")) or "black",
                font=font,
                anchor=anchor,
            )
    buffer = io.BytesIO()
    # compress_level 3: about twice the size of the default 6, about twice as fast to write
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


# --- XLSX export -------------------------------------------------------------------------------


def export_xlsx(data: ReportData, *, include_responses: bool) -> bytes:
    """The evaluation's tables as a workbook: figures, indicators and (for viewers who may see
    individual responses) the subscale scores per response, pseudonymised: no names, no codes."""
    from openpyxl import Workbook

    from aksalarasa.evidence.models import Response

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([_("Figure"), _("Estimate"), _("CI low"), _("CI high"), "n", "p", _("Method"), _("Reading")])
    for row in data.figure_rows:
        fig = row["fig"]
        sheet.append(
            [
                row["label"],
                fig.estimate,
                fig.ci.low if fig.ci else None,
                fig.ci.high if fig.ci else None,
                fig.n,
                fig.p_value,
                fig.method,
                row["reading"],
            ]
        )
    if data.result.indicators:
        ind = book.create_sheet(_("Indicators")[:31])
        ind.append([_("Criterion"), _("Weight (%)"), _("Achievement (%)"), _("Contribution")])
        for o in data.result.indicators.indicators:
            ind.append([o.name, o.weight, o.achievement, o.weighted])
    if include_responses:
        resp = book.create_sheet(_("Responses")[:31])
        rows = list(
            Response.objects.filter(administration__program=data.program)
            .select_related("administration__instrument_version__instrument")
            .order_by("administration_id", "pk")
        )
        keys = sorted({k for r in rows for k in r.scores})
        resp.append([_("Respondent"), _("Questionnaire"), _("Group"), _("Point"), *keys])
        pseudonyms: dict[str, str] = {}
        for r in rows:
            identity = f"c{r.client_id}" if r.client_id else r.code_hash or f"r{r.pk}"
            label = pseudonyms.setdefault(identity, f"R{len(pseudonyms) + 1}")
            a = r.administration
            resp.append(
                [
                    label,
                    a.instrument_version.instrument.key,
                    a.group,
                    a.point,
                    *[r.scores.get(k) for k in keys],
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
