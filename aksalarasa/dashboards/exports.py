"""XLSX exports of the tables behind each dashboard (the same selector feeds page and file)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

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
    ws.append([_("Month"), _("Expected sessions"), _("Attendance rate (%)"), _("Mean engagement (1-4)")])
    for m in months:
        ws.append([month_label(m.month), _cell(m.expected), _cell(m.attendance), _cell(m.engagement)])


def office_xlsx(data: OfficeDashboard, labels: dict[str, dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    ws.append([_("Figure"), _("Value")])
    ws.append([_("Office"), data.office.name])
    ws.append([_("Active clients"), data.active_clients])
    for key, n in sorted(data.by_category.items()):
        ws.append([labels["category"].get(key, key), n])
    for key, n in sorted(data.by_program.items()):
        ws.append([labels["program"].get(key, key), n])
    ws.append([_("Expected guidance sessions, last 90 days"), data.expected])
    ws.append([_("Attendance rate, last 90 days (%)"), data.attendance])
    ws.append([_("Mean engagement, last 90 days (1-4)"), data.engagement])
    ws.append([_("Open concerns"), data.open_concerns])
    ws.append([_("Overdue Litmas"), data.overdue_litmas])
    for key, n in sorted(data.referrals.items()):
        ws.append([_("Referrals: %(status)s") % {"status": labels["referral"].get(key, key)}, n])
    for key, n in sorted(data.programs.items()):
        ws.append([_("Programs: %(stage)s") % {"stage": labels["stage"].get(key, key)}, n])
    ws.append([_("Events"), data.events])
    ws.append([_("Event check-ins"), data.checked_in])
    ws.append([_("Questionnaire responses"), data.responses])
    if data.as_of is not None:
        ws.append(_as_of_row(data.as_of))
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
    ws.append(header)
    for r in [*data.rows, data.total]:
        ws.append(
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
            ]
        )
    if data.as_of is not None:
        ws.append(_as_of_row(data.as_of))
    _months_sheet(wb, data.months)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
