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
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aksalarasa.evidence import analysis, charts, stats

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
    from aksalarasa.programs.models import Evaluation, ProgramHandover, Stage

    language = (get_language() or "id")[:2]
    result = analysis.program_analysis(viewer=viewer, program=program)
    counts: dict[str, dict[str, int]] = {}
    if result.event is not None:
        from aksalarasa.events.selectors import registration_counts

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
    from aksalarasa.events.models import Group

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
    doc.add_heading(f"{_('Program report')}: {program.title}", level=0)
    doc.add_paragraph(f"{program.office.name} · {program.start:%d-%m-%Y} – {program.end:%d-%m-%Y}")

    doc.add_heading(_("1. Background and problems"), level=1)
    for text in (program.problems_addressed, program.goal, program.benefits):
        if text:
            doc.add_paragraph(text)
    doc.add_heading(_("2. Method"), level=1)
    for label, value in (
        (_("Intervention"), program.intervention_type),
        (_("Method"), program.method),
        (_("Technique"), program.technique),
        (_("Resource systems"), program.resource_systems),
    ):
        if value:
            doc.add_paragraph(f"{label}: {value}")
    doc.add_heading(_("3. The stages of the program cycle"), level=1)
    for stage in data.stages:
        doc.add_paragraph(
            f"{stage['label']}: {_('reached') if stage['reached'] else _('not yet')}", style="List Bullet"
        )

    doc.add_heading(_("4. The event"), level=1)
    event = data.result.event
    if event is None:
        doc.add_paragraph(_("No event recorded."))
    else:
        doc.add_paragraph(f"{event.name}, {event.place}, {timezone.localtime(event.start):%d-%m-%Y %H.%M}")
        for row in _context(data)["event_rows"]:
            doc.add_paragraph(
                f"{row['group']}: {row['registered']} {_('registered')}, {row['checked_in']} {_('checked in')}",
                style="List Bullet",
            )

    doc.add_heading(_("5. Evaluation"), level=1)
    doc.add_paragraph(
        _(
            "Every figure with its method, n, 95% confidence interval and a plain reading; with fewer than 10 people the reading says so."
        )
    )
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
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
        doc.add_paragraph(row["reading"], style="List Bullet")
    for svg in _all_charts(data):
        doc.add_picture(io.BytesIO(svg_to_png(svg)), width=Cm(16))

    doc.add_heading(_("6. SWOT"), level=1)
    if data.swot:
        for key, label in (
            ("strengths", _("Strengths")),
            ("weaknesses", _("Weaknesses")),
            ("opportunities", _("Opportunities")),
            ("threats", _("Threats")),
        ):
            doc.add_paragraph(label, style="Heading 3")
            for line in data.swot.get(key, []):
                doc.add_paragraph(line, style="List Bullet")
    else:
        doc.add_paragraph(_("No SWOT recorded."))

    doc.add_heading(_("7. Termination and referral"), level=1)
    for activity in data.closing:
        doc.add_paragraph(f"{activity.date:%d-%m-%Y}: {activity.description}", style="List Bullet")
    if data.handover:
        h = data.handover
        doc.add_paragraph(f"{_('Report handed to')}: {h.report_to}")
        doc.add_paragraph(f"{_('Continued by')}: {h.owner_institution} {h.owner_person}".strip())
        if h.next_steps:
            doc.add_paragraph(h.next_steps)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


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


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """Rasterise the SVG subset charts.py produces (line, polyline, M/L path, polygon, rect, circle, text)."""
    from PIL import Image, ImageDraw, ImageFont

    root = ET.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "0 0 640 400").split())
    image = Image.new("RGB", (int(width * scale), int(height * scale)), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.load_default(size=int(12 * scale))
    except TypeError:  # Pillow without FreeType sizes
        font = ImageFont.load_default()

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
        elif tag == "path":  # only the M/L segments charts.py writes
            colour = _colour(el.get("stroke")) or "black"
            line_width = max(1, int(float(el.get("stroke-width", 1)) * scale))
            for segment in re.findall(r"M([-\d.]+) ([-\d.]+)L([-\d.]+) ([-\d.]+)", el.get("d", "")):
                x1, y1, x2, y2 = (float(v) * scale for v in segment)
                draw.line([(x1, y1), (x2, y2)], fill=colour, width=line_width)
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
    image.save(buffer, format="PNG", optimize=False)
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
