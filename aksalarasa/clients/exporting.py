"""Exports of a client list (CSV, XLSX): one selector of rows, one small exporter per format.
Rows are masked for the viewer exactly as on the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aksalarasa.accounts.models import User
from aksalarasa.clients.masking import can_see_identity, client_label
from aksalarasa.clients.models import Client, Supervision

PUBLIC_COLUMNS = ["register_number", "name", "category", "office", "program_type", "status", "end"]
IDENTITY_COLUMNS = [
    "nik",
    "sex",
    "birth_date",
    "address",
    "regency",
    "village_code",
    "phone",
    "officer",
    "consent_community",
    "consent_photos",
    "consent_share_partners",
    "guardian_consent",
]


def client_export_header() -> dict[str, str]:
    return {
        "register_number": _("register number"),
        "name": _("name"),
        "category": _("category"),
        "office": _("office"),
        "program_type": _("program type"),
        "status": _("status"),
        "end": _("end"),
        "nik": _("NIK"),
        "sex": _("sex"),
        "birth_date": _("date of birth"),
        "address": _("address"),
        "regency": _("regency/city"),
        "village_code": _("village (desa/kelurahan)"),
        "phone": _("phone"),
        "officer": _("probation officer (PK)"),
        "consent_community": _("consents to community activities"),
        "consent_photos": _("consents to photos"),
        "consent_share_partners": _("consents to sharing data with partners"),
        "guardian_consent": _("guardian consents (child clients)"),
    }


def client_export_rows(*, viewer: User, clients: Iterable[Client]) -> Iterator[dict[str, object]]:
    """One dict per client; identity columns are blank where the viewer may not see identity."""
    categories = dict(Client.Category.choices)
    programs = dict(Supervision.ProgramType.choices)
    statuses = dict(Supervision.Status.choices)
    for client in clients:
        row: dict[str, object] = {
            "register_number": client.register_number,
            "name": client_label(client, viewer),
            "category": str(categories.get(client.category, client.category)),
            "office": client.office.name,
            "program_type": str(programs.get(getattr(client, "current_program", ""), "")),
            "status": str(statuses.get(getattr(client, "current_status", ""), "")),
            "end": getattr(client, "current_end", None) or "",
        }
        identity = can_see_identity(viewer, client)
        for column in IDENTITY_COLUMNS:
            row[column] = _identity_value(client, column) if identity else ""
        yield row


def _identity_value(client: Client, column: str) -> object:
    if column == "regency":
        return client.regency.name if client.regency else ""
    if column == "officer":
        return client.officer.full_name if client.officer else ""
    if column.startswith("consent") or column == "guardian_consent":
        return _("yes") if getattr(client, column) else _("no")
    return getattr(client, column)


class CsvExporter:
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def render(self, header: dict[str, str], rows: Iterable[dict[str, object]]) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header.values())
        for row in rows:
            writer.writerow([row.get(key, "") for key in header])
        return ("\ufeff" + out.getvalue()).encode()


class XlsxExporter:
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"

    def render(self, header: dict[str, str], rows: Iterable[dict[str, object]]) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Clients")[:31])
        sheet.append(list(header.values()))
        for row in rows:
            sheet.append([row.get(key, "") for key in header])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


EXPORTERS: dict[str, type[CsvExporter | XlsxExporter]] = {"csv": CsvExporter, "xlsx": XlsxExporter}


def client_export(*, viewer: User, clients: QuerySet[Client], fmt: str) -> tuple[bytes, str, list[Client]]:
    """The file bytes, its content type, and the exported clients (for the access log)."""
    exporter = EXPORTERS[fmt]()
    listed = list(clients)
    data = exporter.render(client_export_header(), client_export_rows(viewer=viewer, clients=listed))
    return data, exporter.content_type, listed
