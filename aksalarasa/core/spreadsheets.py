"""The one way a row reaches a spreadsheet file: values are written as data, never as formulas.

A client or a public-form respondent may be called `=HYPERLINK("http://x","y")`. openpyxl stores
any string that starts with `=` as a live formula, and spreadsheet programs run CSV cells starting
with `=`, `+`, `-`, `@`, a tab or a carriage return as formulas too (CSV injection, OWASP). Every
CSV and XLSX writer in Aksalarasa passes its rows through `append_row`:

- XLSX: each string becomes a cell of type text (`data_type == "s"`), whatever it starts with,
  with the characters XML cannot hold removed (openpyxl refuses them with an error);
- CSV: a string starting with one of those characters gets a leading single quote, so the
  program shows it as text.

Numbers, dates and empty values are written as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Protocol

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, NUMERIC_TYPES, TIME_TYPES, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

CSV_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


class CsvWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


def csv_value(value: object) -> object:
    """A CSV cell's value: a string a spreadsheet program would run as a formula starts with `'`."""
    if isinstance(value, str) and CSV_FORMULA_START.match(value):
        return "'" + value
    return value


def _xlsx_cell(sheet: Worksheet | WriteOnlyWorksheet, value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
    elif isinstance(value, (*NUMERIC_TYPES, *TIME_TYPES, bool)):
        return value
    else:  # lazy translations and anything else: its text
        text = str(value)
    cell = Cell(sheet, row=1, column=1, value=text)  # append() places it
    cell.data_type = "s"  # text even when it starts with "=": openpyxl would store a formula
    return cell


def append_row(target: Worksheet | WriteOnlyWorksheet | CsvWriter, values: Iterable[object]) -> None:
    """Write one row of `values` to an openpyxl worksheet or a `csv.writer`, as data only."""
    if isinstance(target, (Worksheet, WriteOnlyWorksheet)):
        target.append([_xlsx_cell(target, value) for value in values])
    else:
        target.writerow([csv_value(value) for value in values])
