"""File imports (XLSX or CSV): validate every row first, then import all rows in one transaction
or nothing at all.

An `Importer` names its columns, validates one row with the same Django form the UI uses, and
commits the valid rows in bulk. Other apps register their importers in IMPORTERS (e.g. the
guidance app's past sessions). One service, `services.import_run`, runs every importer inside
the request and records its progress in an ImportRun row, which the page polls.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aksalarasa.accounts.models import User
from aksalarasa.core.spreadsheets import append_row
from aksalarasa.offices.models import Office

MAX_ROWS = 50_000
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    required: bool = False
    example: str = ""
    help: str | Promise = ""


@dataclass(frozen=True)
class RowIssue:
    row: int  # the spreadsheet row number (the header is row 1)
    column: str
    message: str


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RollBack(Exception):
    """Raised inside a dry run's transaction to undo it."""


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, header)."""


ProgressCallback = Callable[[str, int, int], None]


class Importer:
    """Subclasses set key, title, columns, and implement prepare/validate_row/commit."""

    key: str = ""
    title: str | Promise = ""
    columns: list[Column] = []

    def __init__(self, *, actor: User, office: Office, progress: ProgressCallback | None = None) -> None:
        self.actor = actor
        self.office = office
        self.progress = progress or (lambda phase, done, total: None)

    @classmethod
    def allowed(cls, user: User) -> bool:
        return False

    # -- reading -------------------------------------------------------------------------
    def read(self, name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
        """(row number, {column: text}) for every non-empty row of an .xlsx or .csv file."""
        lower = name.lower()
        if lower.endswith(".xlsx"):
            table = self._read_xlsx(content)
        elif lower.endswith(".csv"):
            table = self._read_csv(content)
        else:
            raise ImportFileError(_("Upload an .xlsx or .csv file."))
        if not table:
            raise ImportFileError(_("The file is empty."))
        header, *body = table
        names = self._map_header(header)
        rows = []
        for offset, cells in enumerate(body, start=2):
            if not any(str(c).strip() for c in cells if c is not None):
                continue
            row = {names[i]: _text(cells[i]) if i < len(cells) else "" for i in names}
            rows.append((offset, row))
        if not rows:
            raise ImportFileError(_("The file has a header but no rows."))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS})
        return rows

    def _map_header(self, header: list[Any]) -> dict[int, str]:
        known = {}
        for column in self.columns:
            known[column.name.lower()] = column.name
            known[str(column.label).lower()] = column.name
        names: dict[int, str] = {}
        for index, cell in enumerate(header):
            key = _text(cell).lower()
            if key in known:
                names[index] = known[key]
        missing = [str(c.name) for c in self.columns if c.required and c.name not in names.values()]
        if missing:
            raise ImportFileError(
                _("The header row lacks these columns: %(columns)s. Start from the template.")
                % {"columns": ", ".join(missing)}
            )
        return names

    @staticmethod
    def _read_csv(content: bytes) -> list[list[str]]:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("Save the CSV file as UTF-8.")) from None
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]

    @staticmethod
    def _read_xlsx(content: bytes) -> list[list[Any]]:
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise ImportFileError(_("This is not a readable .xlsx file.")) from None
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows

    # -- the run -------------------------------------------------------------------------
    def run(self, name: str, content: bytes, *, dry_run: bool = False) -> ImportResult:
        """Validate every row, then write all rows in one transaction, or none.

        With dry_run the rows are written inside a transaction that is then rolled back: the
        counts (new, updated, unchanged) are exactly what a real run would report, and nothing
        stays in the database (history rows and on-commit work roll back with it)."""
        rows = self.read(name, content)
        result = ImportResult(total=len(rows))
        self.prepare(rows)
        valid = []
        for done, (number, row) in enumerate(rows, start=1):
            item, issues, warnings = self.validate_row(number, row)
            result.errors.extend(issues)
            result.warnings.extend(warnings)
            if item is not None and not issues:
                valid.append(item)
            if done % PROGRESS_EVERY == 0:
                self.progress("validating", done, len(rows))
        self.progress("validating", len(rows), len(rows))
        if result.errors:
            return result
        if dry_run:
            try:
                with transaction.atomic():
                    self.commit(valid, result)
                    raise _RollBack
            except _RollBack:
                pass
            return result
        self.progress("importing", 0, len(rows))
        with transaction.atomic():
            self.commit(valid, result)
        self.progress("done", len(rows), len(rows))
        return result

    def prepare(self, rows: list[tuple[int, dict[str, str]]]) -> None:
        """Load in bulk what the rows refer to (existing records, officers): no query per row."""

    def validate_row(self, number: int, row: dict[str, str]) -> tuple[Any, list[RowIssue], list[RowIssue]]:
        raise NotImplementedError

    def commit(self, items: list[Any], result: ImportResult) -> None:
        raise NotImplementedError

    # -- templates -----------------------------------------------------------------------
    def template_csv(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        append_row(writer, [c.name for c in self.columns])
        append_row(writer, [c.example for c in self.columns])
        return ("\ufeff" + out.getvalue()).encode()

    def template_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = str(self.title)[:31] or "import"
        append_row(sheet, [c.name for c in self.columns])
        append_row(sheet, [c.example for c in self.columns])
        for index, column in enumerate(self.columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = Font(bold=True)
            sheet.cell(row=2, column=index).number_format = "@"  # text: NIKs and phones keep their digits
            sheet.column_dimensions[cell.column_letter].width = max(14, len(column.name) + 2)
        help_sheet = workbook.create_sheet(str(gettext_lazy("Columns"))[:31])
        append_row(
            help_sheet,
            [
                str(gettext_lazy("Column")),
                str(gettext_lazy("Meaning")),
                str(gettext_lazy("Required")),
                str(gettext_lazy("Notes")),
            ],
        )
        for column in self.columns:
            append_row(
                help_sheet,
                [
                    column.name,
                    str(column.label),
                    str(gettext_lazy("yes")) if column.required else "",
                    str(column.help),
                ],
            )
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


TRUE_WORDS = {"1", "y", "yes", "ya", "true", "benar", "x", "v"}
FALSE_WORDS = {"", "0", "n", "no", "tidak", "t", "false", "salah"}


def parse_flag(value: str) -> bool | None:
    lower = value.strip().lower()
    if lower in TRUE_WORDS:
        return True
    if lower in FALSE_WORDS:
        return False
    return None


IMPORTERS: dict[str, type[Importer]] = {}


def importer_register(importer: type[Importer]) -> None:
    IMPORTERS.setdefault(importer.key, importer)


def importers_for(user: User) -> list[type[Importer]]:
    return [imp for imp in IMPORTERS.values() if imp.allowed(user)]
