"""XLSX exports of the tables behind each dashboard (the same selector feeds page and file)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from aksalarasa.core.spreadsheets import append_row
from aksalarasa.core.suppression import HIDDEN
from aksalarasa.core.templatetags.aks import local_dt, month_label
from aksalarasa.dashboards.selectors import Aggregates, MonthRow, OfficeDashboard


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
