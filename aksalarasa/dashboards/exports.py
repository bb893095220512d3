"""The tables behind each dashboard, as XLSX, and its charts with their numbers (the table beside
each chart, and its CSV): the same selector feeds page, chart and file."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO, StringIO

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook

from aksalarasa.core.spreadsheets import append_row
from aksalarasa.core.suppression import HIDDEN
from aksalarasa.core.templatetags.aks import local_dt, month_label
from aksalarasa.dashboards.selectors import (
    FUNNEL,
    Aggregates,
    MonthRow,
    OfficeDashboard,
    funnel_parts,
    funnel_steps,
    stage_labels,
)
from aksalarasa.evidence import charts as draw


def _cell(value):
    return str(HIDDEN) if value is None else value


def _as_of_row(as_of: datetime) -> list[str]:
    """The row that says how fresh figures read from the summaries are (live ones need none)."""
    return [_("Figures as of"), local_dt(as_of)]


def _months_sheet(wb: Workbook, months: list[MonthRow]) -> None:
    ws = wb.create_sheet(_("Guidance by month"))
    append_row(ws, [_("Month"), _("Expected sessions"), _("Attendance rate (%)"), _("Mean engagement (1-4)")])
    for m in months:
        append_row(ws, [month_label(m.month), _cell(m.expected), _cell(m.attendance), _cell(m.engagement)])


def office_xlsx(data: OfficeDashboard, labels: dict[str, dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    append_row(ws, [_("Figure"), _("Value")])
    append_row(ws, [_("Office"), data.office.name])
    append_row(ws, [_("Active clients"), data.active_clients])
    for key, n in sorted(data.by_category.items()):
        append_row(ws, [labels["category"].get(key, key), n])
    for key, n in sorted(data.by_program.items()):
        append_row(ws, [labels["program"].get(key, key), n])
    append_row(ws, [_("Expected guidance sessions, last 90 days"), data.expected])
    append_row(ws, [_("Attendance rate, last 90 days (%)"), data.attendance])
    append_row(ws, [_("Mean engagement, last 90 days (1-4)"), data.engagement])
    append_row(ws, [_("Open concerns"), data.open_concerns])
    append_row(ws, [_("Overdue Litmas"), data.overdue_litmas])
    for key, n in sorted(data.referrals.items()):
        append_row(ws, [_("Referrals: %(status)s") % {"status": labels["referral"].get(key, key)}, n])
    for key, n in sorted(data.programs.items()):
        append_row(ws, [_("Programs: %(stage)s") % {"stage": labels["stage"].get(key, key)}, n])
    append_row(ws, [_("Events"), data.events])
    append_row(ws, [_("Event check-ins"), data.checked_in])
    append_row(ws, [_("Questionnaire responses"), data.responses])
    if data.as_of is not None:
        append_row(ws, _as_of_row(data.as_of))
    _months_sheet(wb, data.months)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def aggregate_xlsx(data: Aggregates) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Offices")
    header = [
        _("Office"),
        _("Regional office"),
        _("Active clients"),
        _("Children"),
        _("Adults"),
        _("Expected sessions (90 days)"),
        _("Attendance rate (%)"),
        _("Mean engagement (1-4)"),
        _("Open referrals"),
        _("Programs"),
        _("Events"),
        _("Check-ins"),
        _("Responses"),
    ]
    append_row(ws, header)
    for r in [*data.rows, data.total]:
        append_row(
            ws,
            [
                r.office.name or _("Total"),
                r.office.regional_office.name if r.office.pk else "",
                *(
                    _cell(getattr(r, k))
                    for k in (
                        "clients",
                        "children",
                        "adults",
                        "expected",
                        "attendance",
                        "engagement",
                        "open_referrals",
                        "programs",
                        "events",
                        "checked_in",
                        "responses",
                    )
                ),
            ],
        )
    if data.as_of is not None:
        append_row(ws, _as_of_row(data.as_of))
    _months_sheet(wb, data.months)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# --- charts ---------------------------------------------------------------------------------------


@dataclass
class Chart:
    """One chart of a dashboard: its numbers, labelled; drawn by evidence.charts, listed in a table
    beside it and downloadable as CSV. A value of None is a hidden (suppressed) cell: not drawn."""

    key: str
    kind: str  # "trend", "bars" or "funnel"
    title: str
    label_header: str
    value_header: str
    rows: list[tuple[str, float | int | None]]
    digits: int = 0
    unit: str = ""
    low: float = 0
    high: float = 100
    missing: str = ""  # what a None reads as: "hidden" (HIDDEN) when empty
    axis_labels: list[str] | None = None  # shorter labels under a trend's axis

    @property
    def missing_text(self) -> str:
        return self.missing or str(HIDDEN)

    def svg(self) -> str:
        if self.kind == "trend":
            return draw.trend_svg(
                self.rows,
                title=self.title,
                key=self.key,
                low=self.low,
                high=self.high,
                digits=self.digits,
                unit=self.unit,
                missing=self.missing_text,
                axis_labels=self.axis_labels,
            )
        return draw.bars_svg(
            self.rows,
            title=self.title,
            key=self.key,
            digits=self.digits,
            unit=self.unit,
            centred=self.kind == "funnel",
            missing=self.missing_text,
        )

    def csv(self) -> bytes:
        out = StringIO()
        writer = csv.writer(out)
        append_row(writer, [self.label_header, self.value_header])
        for label, value in self.rows:
            append_row(writer, [label, self.missing_text if value is None else value])
        return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read UTF-8


def _funnel_labels() -> dict[str, str]:
    return {
        "sent": _("Sent to a partner"),
        "accepted": _("Accepted by the partner"),
        "completed": _("Completed"),
    }


def _charts(
    months: list[MonthRow], funnel: Mapping[str, int | None], stages: Mapping[str, int | None]
) -> list[Chart]:
    stage_names = stage_labels()
    funnel_names = _funnel_labels()
    short_months = [formats.date_format(m.month, "M Y") for m in months]
    return [
        Chart(
            key="attendance",
            kind="trend",
            title=_("Guidance attendance rate by month"),
            label_header=_("Month"),
            value_header=_("Attendance rate (%)"),
            rows=[(month_label(m.month), m.attendance) for m in months],
            digits=1,
            unit=" %",
            axis_labels=short_months,
        ),
        Chart(
            key="engagement",
            kind="trend",
            title=_("Mean engagement in guidance by month (1-4)"),
            label_header=_("Month"),
            value_header=_("Mean engagement (1-4)"),
            rows=[(month_label(m.month), m.engagement) for m in months],
            digits=2,
            low=1,
            high=4,
            axis_labels=short_months,
        ),
        Chart(
            key="funnel",
            kind="funnel",
            title=_("Referral funnel: how far referrals got"),
            label_header=_("Step"),
            value_header=_("Referrals"),
            rows=[(funnel_names[step], funnel[step]) for step in FUNNEL],
        ),
        Chart(
            key="stages",
            kind="bars",
            title=_("Programs by stage"),
            label_header=_("Stage"),
            value_header=_("Programs"),
            rows=[(name, stages.get(stage, 0)) for stage, name in stage_names.items()],
        ),
    ]


def office_charts(data: OfficeDashboard) -> list[Chart]:
    """The office's own figures, whole (its staff read them unsuppressed, as in its tables)."""
    parts = funnel_parts(data.referrals)
    funnel = funnel_steps(dict(parts), sum(parts.values()))
    charts = _charts(data.months, funnel, data.programs)
    for chart in charts:
        chart.missing = "—"  # nothing hidden here: a month without sessions has no rate
    return charts


def aggregate_charts(data: Aggregates) -> list[Chart]:
    """Across offices: the counts as the aggregate table's suppression left them."""
    return _charts(data.months, data.funnel, data.stages)
