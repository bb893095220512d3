"""Spreadsheet exports never carry a formula (#14 item 6): every CSV and XLSX file the application
writes is opened back (openpyxl, csv) and a value typed as `=HYPERLINK(...)` by staff or by a
resident on a public form reads back as plain text."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from aksalarasa.core.spreadsheets import append_row, csv_value
from aksalarasa.events.models import Event, Registration
from tests.factories import EventFactory, SupervisionFactory, make_client, make_event_program, make_user

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
RESIDENT = '=HYPERLINK(A1,"y")'  # the public form refuses a web address in a name, not a formula
ROOT = Path(__file__).resolve().parent.parent


def _assert_text_only(content: bytes) -> list[object]:
    """Every cell of every sheet: no formula, and every string is a text cell. Returns the values."""
    book = load_workbook(io.BytesIO(content))
    values: list[object] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    return values


# --- the one function -----------------------------------------------------------------------------


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_rows_are_text_even_when_they_start_with_equals(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    append_row(sheet, [FORMULA, "+1", "-2", "@SUM(A1)", 3, 2.5, None, "ok\x07bell"])
    out = io.BytesIO()
    book.save(out)
    values = _assert_text_only(out.getvalue())
    assert values[:6] == [FORMULA, "+1", "-2", "@SUM(A1)", 3, 2.5]
    assert "okbell" in values  # a control character XML cannot hold is dropped, not a 500


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("I Gede Arta", "I Gede Arta"),
        (7, 7),
    ],
)
def test_csv_values_that_a_spreadsheet_would_run_get_a_quote(value, written):
    assert csv_value(value) == written


def test_no_module_writes_a_row_except_through_append_row():
    """The rule holds for writers added later: any `writerow(s)` call, or `.append(` on a sheet (a
    name bound to `.active`, `.create_sheet(...)` or `book.worksheets[...]`), outside the one module."""
    offenders = []
    for path in (ROOT / "aksalarasa").rglob("*.py"):
        if path.name == "spreadsheets.py" and path.parent.name == "core":
            continue
        tree = ast.parse(path.read_text())
        sheets: set[str] = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                value = node.value
                if (isinstance(value, ast.Attribute) and value.attr == "active") or (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Attribute)
                    and value.func.attr == "create_sheet"
                ):
                    sheets.add(node.targets[0].id)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("writerow", "writerows"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                receiver = node.func.value
                if node.func.attr == "append" and isinstance(receiver, ast.Name) and receiver.id in sheets:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- every export, end to end ---------------------------------------------------------------------


@pytest.fixture
def formula_world(office_a):
    """A client whose name and address start with `=`, a resident registered through the public
    form with such a name, and an office named like one (the dashboards write office names)."""
    from tests.test_events_views import _post

    officer = make_user("officer", office_a)
    person = make_client(office_a, officer, full_name=FORMULA, address=FORMULA, register_number="=1+1")
    SupervisionFactory(client=person)
    event = EventFactory(office=office_a, program=make_event_program(office_a))
    Event.objects.filter(pk=event.pk).update(published=True)
    from django.test import Client

    assert _post(Client(), event, name=RESIDENT).status_code == 302
    assert Registration.objects.get(event=event).name == RESIDENT  # public forms accept such names
    office_a.name = "=CMD|' /C calc'!A0"
    office_a.save(update_fields=["name"])
    return {"officer": officer, "client": person, "head": make_user("office_head", office_a)}


def test_client_list_xlsx_and_csv_hold_the_name_and_address_as_text(formula_world, client):
    client.force_login(formula_world["head"])
    values = _assert_text_only(client.get(reverse("clients:export", args=["xlsx"])).content)
    assert FORMULA in values and "=1+1" in values
    text = client.get(reverse("clients:export", args=["csv"])).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells and "'=1+1" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_dashboard_exports_hold_office_names_as_text(formula_world, client):
    client.force_login(formula_world["head"])
    values = _assert_text_only(client.get("/dashboards/office/?format=xlsx").content)
    assert "=CMD|' /C calc'!A0" in values
    client.force_login(make_user("national"))
    values = _assert_text_only(client.get("/dashboards/aggregates/?format=xlsx").content)
    assert "=CMD|' /C calc'!A0" in values


def test_import_templates_are_text(formula_world, client):
    client.force_login(formula_world["head"])
    _assert_text_only(client.get(reverse("clients:import_template", args=["clients", "xlsx"])).content)


def test_evaluation_export_holds_a_criterion_named_like_a_formula_as_text(office_a, office_b, client):
    from aksalarasa.programs.models import Indicator
    from tests.test_evidence_analysis import build_evaluated

    world = build_evaluated(office_a, office_b)
    Indicator.objects.filter(program=world["program"], criterion="Warga terlibat").update(criterion=FORMULA)
    client.force_login(world["section_head"])
    response = client.get(reverse("evidence:export_xlsx", args=[world["program"].pk]))
    assert response.status_code == 200
    assert FORMULA in _assert_text_only(response.content)
