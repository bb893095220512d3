"""The community-sentence dashboard's charts (with their numbers) and its XLSX report: built from the
one selector (dashboards.sentences), so page, chart, CSV and file show the same, hidden cells
included."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from aksalarasa.core.spreadsheets import append_row
from aksalarasa.core.templatetags.aks import local_dt
from aksalarasa.dashboards.exports import Chart, _cell
from aksalarasa.dashboards.sentences import Row, SentenceDashboard

SITES_CHARTED = 12


def status_labels() -> dict[str, str]:
    return {"active": _("Active"), "completed": _("Completed"), "breach": _("In breach")}


def sentence_charts(data: SentenceDashboard) -> list[Chart]:
    total = data.total
    names = status_labels()
    busiest = sorted(data.sites, key=lambda r: -(r.active or 0))[:SITES_CHARTED]
    charts = [
        Chart(
            key="orders",
            kind="bars",
            title=_("Community-sentence orders by status"),
            label_header=_("Status"),
            value_header=_("Orders"),
            rows=[(names[s], getattr(total, s)) for s in ("active", "completed", "breach")],
        ),
        Chart(
            key="hours",
            kind="bars",
            title=_("Community service: hours ordered and hours done"),
            label_header=_("Hours"),
            value_header=_("Hours"),
            rows=[(_("Hours ordered"), total.hours_ordered), (_("Hours done"), total.hours_done)],
            digits=1,
        ),
        Chart(
            key="sites",
            kind="bars",
            title=_("Active orders by service site"),
            label_header=_("Service site"),
            value_header=_("Active orders"),
            rows=[(_site_label(r, data), r.active) for r in busiest],
        ),
    ]
    if not data.suppressed:
        for chart in charts:
            chart.missing = "—"
    return charts


def _site_label(row: Row, data: SentenceDashboard) -> str:
    return f"{row.label} ({row.office})" if len(data.offices) > 1 else row.label


HEADER = ("active", "completed", "breach", "total")


def _rows(ws, title: str, rows: list[Row], total: Row, *, extra: tuple[str, ...] = ()) -> None:
    names = status_labels()
    append_row(
        ws,
        [
            title,
            *[{"office": _("Office"), "partner": _("Partner")}[e] for e in extra],
            names["active"],
            names["completed"],
            names["breach"],
            _("Orders"),
            _("Hours ordered"),
            _("Hours done"),
            _("Completion rate (%)"),
            _("Breach rate (%)"),
        ],
    )
    for r in [*rows, total]:
        append_row(
            ws,
            [
                r.label,
                *[getattr(r, e) for e in extra],
                *(_cell(getattr(r, k)) for k in HEADER),
                _cell(r.hours_ordered),
                _cell(r.hours_done),
                _cell(r.completion_rate),
                _cell(r.breach_rate),
            ],
        )


def sentence_xlsx(data: SentenceDashboard) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Offices")
    _rows(ws, _("Office"), data.offices, data.total)
    _rows(wb.create_sheet(_("Partners")), _("Partner"), data.partners, data.total, extra=("office",))
    _rows(
        wb.create_sheet(_("Service sites")),
        _("Service site"),
        data.sites,
        data.total,
        extra=("office", "partner"),
    )
    flags = wb.create_sheet(_("Sites to check"))
    append_row(flags, [_("Service site"), _("Office"), _("Why")])
    for f in data.flagged:
        append_row(flags, [f.site.name, f.office, "; ".join(f.reasons)])
    append_row(ws, [_("Figures as of"), local_dt(data.as_of)])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
