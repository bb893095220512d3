"""The program report, in the order of the program cycle: background and problems, method, the
stages, the event, the evaluation with figures and charts, SWOT, termination and referral.

One selector gathers the data (`report_data`); two small exporters render it: PDF through
WeasyPrint (charts embedded as SVG) and DOCX through python-docx (charts as PNG, rendered from
the very same SVG by resvg; CairoSVG is LGPL-3.0, resvg-py is MIT). Only aggregates appear: no client is named.
"""

from __future__ import annotations

import io
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
from aksalarasa.programs.consistency import CycleWarning, cycle_warnings
from aksalarasa.programs.models import Evaluation, ProgramHandover
from aksalarasa.programs.selectors import StageStatus, stage_checklist

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
    stages: list[StageStatus] = field(default_factory=list)
    warnings: list[CycleWarning] = field(default_factory=list)
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
    stages = stage_checklist(program=program)  # the one stage-state function (page, API, report)
    evaluation = Evaluation.objects.filter(program=program).first()
    return ReportData(
        program=program,
        language=language,
        result=result,
        charts=charts.program_charts(result, language=language),
        event_counts=counts,
        stages=stages,
        warnings=cycle_warnings(program=program),
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
        "stage_lines": [_stage_line(s) for s in data.stages],
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
        _para(doc, _stage_line(stage), "ListBullet")

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
    _para(doc, _("Annex: dates that do not agree"), "Heading1")
    for warning in data.warnings:
        _para(doc, warning.message, "ListBullet")
    if not data.warnings:
        doc.add_paragraph(_("Every date of the cycle agrees."))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _stage_line(stage: StageStatus) -> str:
    if stage.complete:
        return _("%(stage)s: complete") % {"stage": stage.label}
    return _("%(stage)s: missing %(missing)s") % {"stage": stage.label, "missing": "; ".join(stage.missing)}


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


def svg_to_png(svg: str, *, scale: float = 2.0) -> bytes:
    """The chart as PNG for the DOCX, rendered by resvg (resvg-py, MIT) from the very SVG the PDF
    embeds, so both files show the same drawing."""
    return _svg_to_png(svg, scale)


@lru_cache(maxsize=64)
def _svg_to_png(svg: str, scale: float) -> bytes:
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=scale, background="#ffffff"))


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
