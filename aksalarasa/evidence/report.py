"""The program report, in the order of the program cycle: background and problems, method, the
stages, the event, the evaluation with figures and charts, SWOT, termination and referral.

One selector gathers the data (`report_data`); two small exporters render it: PDF through
WeasyPrint (charts embedded as SVG) and DOCX through python-docx (charts as PNG, rendered from
the very same SVG by resvg; CairoSVG is LGPL-3.0, resvg-py is MIT). Only aggregates appear: no client is named.
"""

from __future__ import annotations

import datetime
import io
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.core.spreadsheets import append_row
from aksalarasa.events.models import AgendaItem, EventRole, Group, Team
from aksalarasa.events.selectors import registration_counts
from aksalarasa.evidence import analysis, charts, stats
from aksalarasa.programs.consistency import CycleWarning, cycle_warnings
from aksalarasa.programs.models import ActionPlan, AssessmentItem, Evaluation, ProgramHandover
from aksalarasa.programs.selectors import StageStatus, assessment_results, stage_checklist

# xgettext does not read inside f-strings: the labels used there are marked here so that
# makemessages extracts them (the f-strings translate them at run time with gettext).
_F_STRING_LABELS = (
    gettext_noop("Attachments"),
    gettext_noop("Cliff delta, unpaired"),
    gettext_noop("Commitment"),
    gettext_noop("Consensus"),
    gettext_noop("Continued by"),
    gettext_noop("Expected benefits"),
    gettext_noop("Goal"),
    gettext_noop("Number"),
    gettext_noop("Potential"),
    gettext_noop("Problem"),
    gettext_noop("Program report"),
    gettext_noop("Report handed to"),
    gettext_noop("Subject"),
    gettext_noop("Total budget"),
    gettext_noop("causes"),
    gettext_noop("generated"),
    gettext_noop("mean change (bootstrap CI)"),
    gettext_noop("rank-biserial correlation"),
    gettext_noop("reliability before (alpha)"),
    gettext_noop("shift (Hodges-Lehmann)"),
)

if TYPE_CHECKING:
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


# --- The sections: one list that both the PDF and the DOCX render ------------------------------


@dataclass
class Block:
    kind: str  # "p", "muted", "h3", "bullets", "table", "chart"
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    svg: str = ""


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Block("p", text=text))

    def muted(self, text: str) -> None:
        self.blocks.append(Block("muted", text=text))

    def h3(self, text: str) -> None:
        self.blocks.append(Block("h3", text=text))

    def bullets(self, items: list[str], empty: str = "") -> None:
        if items:
            self.blocks.append(Block("bullets", items=items))
        elif empty:
            self.muted(empty)

    def table(self, header: list[str], rows: list[list[str]], empty: str = "") -> None:
        if rows:
            self.blocks.append(Block("table", header=header, rows=rows))
        elif empty:
            self.muted(empty)

    def chart(self, svg: str | None) -> None:
        if svg:
            self.blocks.append(Block("chart", svg=svg))


@dataclass
class Letter:
    letterhead: list[str]
    number: str
    attachments: str
    subject: str
    addressee: list[str]
    body: str
    place_date: str
    position: str
    name: str
    nip: str


def _zone(program: Program) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(program.office.time_zone)


def _when(value: datetime.datetime, program: Program) -> str:
    """A time in the office's zone, written the Indonesian way: 16-06-2023 15.00 WITA."""
    local = value.astimezone(_zone(program))
    return f"{local:%d-%m-%Y %H.%M} {program.office.zone_abbreviation}"


def _day(value: datetime.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "—"


def _rupiah(value: int) -> str:
    return "Rp " + f"{value:,}".replace(",", ".")


def report_letter(data: ReportData) -> Letter:
    """The cover letter to the Head of the Regional Office, signed by the head of the office."""
    program = data.program
    office = program.office
    head = User.objects.filter(office=office, role_office_head=True, is_active=True).order_by("pk").first()
    today = timezone.now().astimezone(_zone(program)).date()
    contact = " · ".join(x for x in (office.phone, office.email) if x)
    return Letter(
        letterhead=[office.regional_office.name, office.name, office.address, contact],
        number=program.report_letter_number or "……",
        attachments=_("1 (one) program report"),
        subject=_("Report of the program %(title)s") % {"title": program.title},
        addressee=[_("To the Head of the Regional Office"), office.regional_office.name],
        body=_(
            "With respect, we send the report of the program %(title)s, run by %(office)s from %(start)s "
            "to %(end)s, for your information and further direction."
        )
        % {
            "title": program.title,
            "office": office.name,
            "start": _day(program.start),
            "end": _day(program.end),
        },
        place_date=f"{program.report_place or office.name}, {_day(today)}",
        position=_("Head of %(office)s") % {"office": office.name},
        name=head.full_name if head else "……",
        nip=_("NIP %(nip)s") % {"nip": head.nip if head and head.nip else "……"},
    )


def report_sections(data: ReportData) -> list[Section]:
    """Every section of the report in the order of the cycle: the one source of the PDF and DOCX."""
    program = data.program
    lang = data.language
    zone = _zone(program)
    out: list[Section] = []

    sec = Section(_("1. Background and problems"))
    sec.p(program.problems_addressed)
    if program.goal:
        sec.p(f"{_('Goal')}: {program.goal}")
    if program.benefits:
        sec.p(f"{_('Expected benefits')}: {program.benefits}")
    sec.bullets(
        [
            f"{label}: {value}"
            for label, value in (
                (_("Intervention"), program.intervention_type),
                (_("Method"), program.method),
                (_("Technique"), program.technique),
                (_("Resource systems"), program.resource_systems),
            )
            if value
        ]
    )
    sec.h3(_("The stages of the program cycle"))
    sec.bullets([_stage_line(st) for st in data.stages])
    out.append(sec)

    sec = Section(_("2. Initiation and organising"))
    sec.h3(_("Contacts"))
    sec.table(
        [_("Date"), _("People met"), _("Institution"), _("Purpose"), _("Agreement reached")],
        [[_day(c.date), c.people, c.institution, c.purpose, c.agreement] for c in program.contacts.all()],
        empty=_("No contact recorded."),
    )
    sec.h3(_("Partners"))
    sec.bullets(
        [f"{pp.display_name}: {pp.role}" for pp in program.program_partners.select_related("partner")],
        empty=_("No partner recorded."),
    )
    sec.h3(_("Interest and target groups"))
    sec.bullets(
        [f"{g.get_kind_display()}: {g.name}" for g in program.groups.all()], empty=_("No group recorded.")
    )
    out.append(sec)

    sec = Section(_("3. Participatory assessment"))
    assessments = list(program.assessments.all())
    for assessment in assessments:
        sec.h3(f"{assessment.title} ({_day(assessment.date)})")
        items = list(assessment.items.all())
        sec.bullets(
            [
                f"{_('Problem')}: {i.title}" + (f" ({_('causes')}: {i.causes})" if i.causes else "")
                for i in items
                if i.kind == AssessmentItem.Kind.PROBLEM
            ]
            + [f"{_('Potential')}: {i.title}" for i in items if i.kind == AssessmentItem.Kind.POTENTIAL]
        )
        sec.table(
            [_("Rank"), _("Problem"), _("Votes"), _("Priority")],
            [
                [str(r["rank"]), r["item"].title, str(r["total"]), _("yes") if r["item"].is_priority else ""]
                for r in assessment_results(assessment=assessment)["rows"]
            ],
        )
    if not assessments:
        sec.muted(_("No assessment session recorded."))
    out.append(sec)

    sec = Section(_("4. Planning workshop"))
    for workshop in program.workshops.prefetch_related("clusters__cards"):
        sec.h3(f"{workshop.focus_question} ({_day(workshop.date)})")
        sec.bullets(
            [
                f"{c.name or c.symbol}: " + "; ".join(card.text for card in c.cards.all())
                for c in workshop.clusters.all()
            ]
        )
        if workshop.resolution:
            sec.p(f"{_('Consensus')}: {workshop.resolution}")
    plan = ActionPlan.objects.filter(program=program).first()
    sec.h3(_("Action plan"))
    if plan is not None:
        if plan.commitment:
            sec.p(f"{_('Commitment')}: {plan.commitment}")
        actions = list(plan.actions.all())
        sec.table(
            [_("Action"), _("Owner"), _("Date"), _("Cost"), _("Paid by / resources")],
            [[a.title, a.owner, _day(a.due), _rupiah(a.cost), a.resources] for a in actions],
        )
        sec.p(f"{_('Total budget')}: {_rupiah(sum(a.cost for a in actions))}")
    else:
        sec.muted(_("No action plan recorded."))
    out.append(sec)

    sec = Section(_("5. The event"))
    event = data.result.event
    if event is None:
        sec.muted(_("No event recorded."))
    else:
        sec.p(f"{event.name}, {event.place}, {_when(event.start, program)} – {_when(event.end, program)}")
        sec.h3(_("Agenda"))
        sec.table(
            [_("Time"), _("Item"), _("Led by")],
            [
                [
                    (f"{a.starts_at:%H.%M}" if a.starts_at else "")
                    + (f"–{a.ends_at:%H.%M}" if a.ends_at else ""),
                    a.title,
                    a.lead,
                ]
                for a in AgendaItem.objects.filter(event=event).order_by("position", "pk")
            ],
            empty=_("No agenda recorded."),
        )
        sec.h3(_("Roles"))
        sec.bullets(
            [f"{r.get_kind_display()}: {r.person}" for r in EventRole.objects.filter(event=event)],
            empty=_("No role recorded."),
        )
        sec.h3(_("Attendance"))
        sec.table(
            [_("Group"), _("Registered"), _("Checked in")],
            [
                [str(Group(g).label) if g in Group.values else g, str(c["registered"]), str(c["checked_in"])]
                for g, c in sorted(data.event_counts.items())
            ],
        )
        sec.h3(_("Teams"))
        sec.bullets(
            [
                _("%(team)s: %(n)d people") % {"team": str(t), "n": t.size}
                for t in Team.objects.filter(event=event).annotate(size=Count("members"))
            ],
            empty=_("No team formed."),
        )
    out.append(sec)

    sec = Section(_("6. Evaluation"))
    sec.h3(_("Indicators"))
    if data.result.indicators:
        outcomes = data.result.indicators.indicators
        measured = [o for o in outcomes if o.achievement is not None]
        weight = sum(o.weight for o in measured)
        if measured and weight:
            achieved = sum(o.weight * (o.achievement or 0) for o in measured) / weight
            sec.p(
                _("Weighted achievement %(value)s%% across the %(n)d measured indicators.")
                % {"value": _num(achieved, 1), "n": len(measured)}
            )
        else:
            sec.p(_("No indicator measured yet."))
        unmeasured = [o.name for o in outcomes if o.achievement is None]
        if unmeasured:
            sec.p(
                _("Not yet measured (left out of the figure above): %(names)s.")
                % {"names": ", ".join(unmeasured)}
            )
        sec.table(
            [_("Criterion"), _("Weight"), _("Achievement")],
            [
                [
                    o.name,
                    f"{_num(o.weight, 0)}%",
                    _("not measured") if o.achievement is None else f"{_num(o.achievement, 0)}%",
                ]
                for o in outcomes
            ],
        )
        sec.chart(data.charts.get("indicators"))
    else:
        sec.muted(_("No indicators recorded for this program yet."))
    evaluation = Evaluation.objects.filter(program=program).first()
    sec.h3(_("Goal and benefit achievement"))
    if evaluation and (evaluation.goal_achievement or evaluation.benefit_achievement):
        sec.p(evaluation.goal_achievement)
        sec.p(evaluation.benefit_achievement)
    else:
        sec.muted(_("No statement recorded."))
    sec.h3(_("SWOT"))
    if data.swot:
        for key, label in (
            ("strengths", _("Strengths")),
            ("weaknesses", _("Weaknesses")),
            ("opportunities", _("Opportunities")),
            ("threats", _("Threats")),
        ):
            sec.bullets([f"{label}: {line}" for line in data.swot.get(key, [])])
    else:
        sec.muted(_("No SWOT recorded."))
    sec.h3(_("Statistical annex"))
    sec.muted(
        _(
            # xgettext:no-python-format
            "Every figure with its method, n, 95% confidence interval and a plain reading; with fewer than 10 people the reading says so."
        )
    )
    if data.result.suppressed:
        sec.p(_("Aggregates only: figures about fewer than 5 people are hidden."))
    sec.table(
        [_("Figure"), _("Estimate"), _("95% CI"), "n", "p", _("Method")],
        [
            [
                row["label"],
                _num(row["fig"].estimate),
                "—" if row["fig"].ci is None else f"{_num(row['fig'].ci.low)} … {_num(row['fig'].ci.high)}",
                str(row["fig"].n),
                _p(row["fig"].p_value),
                stats.method_text(row["fig"].method, data.language),
            ]
            for row in data.figure_rows
        ],
    )
    sec.bullets([row["reading"] for row in data.figure_rows])
    for survey, svg in zip(data.result.surveys, data.charts["surveys"], strict=True):
        sec.p(
            _(
                "%(name)s: %(b)d answers before, %(a)d after; %(p)d people answered both and are compared with themselves."
            )
            % {"name": survey.name(lang), "b": survey.n_before, "a": survey.n_after, "p": survey.n_paired}
        )
        sec.chart(svg)
    for key in ("attendance", "engagement", "network"):
        sec.chart(data.charts.get(key))
    out.append(sec)

    sec = Section(_("7. Termination and referral"))
    sec.bullets([f"{_day(a.date)}: {a.description}" for a in data.closing])
    h = data.handover
    if h:
        sec.p(f"{_('Report handed to')}: {h.report_to} ({_day(h.report_date)})")
        sec.p(f"{_('Continued by')}: {h.owner_institution} {h.owner_person}".strip())
        sec.p(h.next_steps)
    else:
        sec.muted(_("No handover recorded yet."))
    sec.h3(_("Client referrals"))
    sec.table(
        [_("Partner"), _("Service"), _("Status"), _("Date")],
        [
            [
                link.referral.partner.name,
                link.referral.service.name,
                link.referral.get_status_display(),
                _day((link.referral.sent_at or link.referral.created_at).astimezone(zone).date()),
            ]
            for link in program.client_referrals.select_related("referral__partner", "referral__service")
        ],
        empty=_("No client referred through this program."),
    )
    out.append(sec)

    sec = Section(_("8. Conclusions and recommendations"))
    sec.h3(_("Conclusions"))
    sec.p(program.conclusions) if program.conclusions else sec.muted(_("Not written yet."))
    sec.h3(_("Recommendations"))
    sec.p(program.recommendations) if program.recommendations else sec.muted(_("Not written yet."))
    out.append(sec)

    sec = Section(_("Annex: dates that do not agree"))
    sec.bullets([w.message for w in data.warnings], empty=_("Every date of the cycle agrees."))
    out.append(sec)
    return out


def _p(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< " + _num(0.001, 3)
    return _num(value, 3)


def _context(data: ReportData) -> dict[str, Any]:
    return {
        "data": data,
        "program": data.program,
        "letter": report_letter(data),
        "sections": report_sections(data),
        "generated": _when(data.generated_at, data.program),
    }


# --- PDF ---------------------------------------------------------------------------------------


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML

    html = render_to_string("evidence/report.html", _context(data))
    return HTML(string=html).write_pdf()


# --- DOCX --------------------------------------------------------------------------------------


def report_docx(data: ReportData) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    context = _context(data)
    program = data.program
    letter: Letter = context["letter"]
    doc = Document()
    doc.core_properties.title = f"{program} · {_('Program report')}"
    for line in letter.letterhead:
        if line:
            _para(doc, line, "Heading2")
    doc.add_paragraph(f"{_('Number')}: {letter.number}")
    doc.add_paragraph(f"{_('Attachments')}: {letter.attachments}")
    doc.add_paragraph(f"{_('Subject')}: {letter.subject}")
    for line in letter.addressee:
        doc.add_paragraph(line)
    doc.add_paragraph(letter.body)
    for line in (letter.place_date, letter.position, "", letter.name, letter.nip):
        doc.add_paragraph(line)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    _para(doc, f"{_('Program report')}: {program.title}", "Title")
    doc.add_paragraph(
        f"{program.office.name} · {_day(program.start)} – {_day(program.end)} · {_('generated')} {context['generated']}"
    )
    for section in context["sections"]:
        _para(doc, section.title, "Heading1")
        for block in section.blocks:
            if block.kind in ("p", "muted"):
                doc.add_paragraph(block.text)
            elif block.kind == "h3":
                _para(doc, block.text, "Heading3")
            elif block.kind == "bullets":
                for item in block.items:
                    _para(doc, item, "ListBullet")
            elif block.kind == "table":
                table = doc.add_table(rows=1, cols=len(block.header))
                table._tbl.tblPr.style = "TableGrid"
                for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                    cell.text = text
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row, strict=True):
                        cell.text = text
            elif block.kind == "chart":
                doc.add_picture(io.BytesIO(svg_to_png(block.svg)), width=Cm(16))
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
    append_row(
        sheet, [_("Figure"), _("Estimate"), _("CI low"), _("CI high"), "n", "p", _("Method"), _("Reading")]
    )
    for row in data.figure_rows:
        fig = row["fig"]
        append_row(
            sheet,
            [
                row["label"],
                fig.estimate,
                fig.ci.low if fig.ci else None,
                fig.ci.high if fig.ci else None,
                fig.n,
                fig.p_value,
                stats.method_text(fig.method, data.language),
                row["reading"],
            ],
        )
    if data.result.indicators:
        ind = book.create_sheet(_("Indicators")[:31])
        append_row(ind, [_("Criterion"), _("Weight (%)"), _("Achievement (%)"), _("Contribution")])
        for o in data.result.indicators.indicators:
            append_row(ind, [o.name, o.weight, o.achievement, o.weighted])
    if include_responses:
        resp = book.create_sheet(_("Responses")[:31])
        rows = list(
            Response.objects.filter(administration__program=data.program)
            .select_related("administration__instrument_version__instrument")
            .order_by("administration_id", "pk")
        )
        keys = sorted({k for r in rows for k in r.scores})
        append_row(resp, [_("Respondent"), _("Questionnaire"), _("Group"), _("Point"), *keys])
        pseudonyms: dict[str, str] = {}
        for r in rows:
            identity = f"c{r.client_id}" if r.client_id else r.code_hash or f"r{r.pk}"
            label = pseudonyms.setdefault(identity, f"R{len(pseudonyms) + 1}")
            a = r.administration
            append_row(
                resp,
                [
                    label,
                    a.instrument_version.instrument.key,
                    a.group,
                    a.point,
                    *[r.scores.get(k) for k in keys],
                ],
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
