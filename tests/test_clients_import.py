"""Import of clients and supervision periods: all rows checked first, all-or-nothing, idempotent."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aksalarasa.clients.client_import import ClientImporter
from aksalarasa.clients.models import Client, ImportRun, OfficerAssignment, Supervision
from tests.factories import make_client, make_user

pytestmark = pytest.mark.django_db
HEADER = [c.name for c in ClientImporter.columns]


def _row(n: int, **extra) -> dict:
    return {
        "register_number": f"IMP-{n:05d}",
        "full_name": f"I Made Impor {n}",
        "nik": "",
        "sex": "L" if n % 2 else "P",
        "birth_date": "1990-05-17",
        "regency": "51.71",
        "phone": "081234567890",
        "consent_community": "ya",
        "officer": "pk.uji",
        "program_type": "pb",
        "supervision_start": "2026-01-05",
        "supervision_end": "2026-12-31",
        "supervision_status": "active",
        **extra,
    }


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in HEADER})
    return out.getvalue().encode()


@pytest.fixture
def people(office_a):
    return {
        "head": make_user("office_head", office_a),
        "pk": make_user("officer", office_a, username="pk.uji"),
        "pk2": make_user("officer", office_a, username="pk.dua"),
    }


def _run(office, actor, content: bytes, name: str = "clients.csv"):
    return ClientImporter(actor=actor, office=office).run(name, content)


def test_good_file_imports_clients_periods_and_assignments(office_a, people):
    result = _run(
        office_a,
        people["head"],
        _csv(
            [
                _row(1),
                _row(2, program_type="", supervision_start="", supervision_end="", supervision_status=""),
            ]
        ),
    )
    assert result.ok and (result.created, result.updated, result.unchanged) == (2, 0, 0)
    first = Client.objects.get(register_number="IMP-00001")
    assert (
        first.phone == "+6281234567890"
        and first.sex == "M"
        and first.consent_community
        and first.officer == people["pk"]
    )
    assert Supervision.objects.filter(client=first, program_type="pb").count() == 1
    assert OfficerAssignment.objects.filter(client=first, end__isnull=True).count() == 1
    assert first.history.count() == 1 and first.history.first().history_user == people["head"]


def test_reimporting_the_same_file_creates_nothing_and_changed_rows_update(office_a, people):
    content = _csv([_row(1), _row(2)])
    _run(office_a, people["head"], content)
    again = _run(office_a, people["head"], content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        Client.objects.count() == 2
        and Supervision.objects.count() == 2
        and OfficerAssignment.objects.count() == 2
    )
    changed = _run(
        office_a,
        people["head"],
        _csv(
            [
                _row(1, phone="081111111111", officer="pk.dua"),
                _row(2, supervision_status="completed"),
                _row(3),
            ]
        ),
    )
    assert (changed.created, changed.updated, changed.unchanged) == (1, 2, 0)
    first = Client.objects.get(register_number="IMP-00001")
    assert first.phone == "+6281111111111" and first.officer == people["pk2"] and first.version == 2
    assert OfficerAssignment.objects.filter(client=first, end__isnull=True).get().officer == people["pk2"]
    assert Supervision.objects.get(client__register_number="IMP-00002").status == "completed"


def test_one_bad_row_imports_nothing_and_names_row_column_and_reason(office_a, people):
    rows = [
        _row(1),
        _row(2, nik="1234", phone="abc"),
        _row(3, birth_date="31/02/1990", officer="nobody"),
        _row(1, full_name="Duplikat"),
        _row(5, consent_community="mungkin", supervision_end="2025-01-01"),
    ]
    result = _run(office_a, people["head"], _csv(rows))
    assert not result.ok
    found = {(e.row, e.column) for e in result.errors}
    assert {
        (3, "nik"),
        (3, "phone"),
        (4, "birth_date"),
        (4, "officer"),
        (5, "register_number"),
        (6, "consent_community"),
        (6, "supervision_end"),
    } <= found
    assert all(e.message for e in result.errors)
    assert not Client.objects.exists() and not Supervision.objects.exists()


def test_existing_clients_of_another_office_are_not_touched(office_a, office_b, people):
    other = make_client(office_b, register_number="IMP-00001", full_name="Orang Lain")
    _run(office_a, people["head"], _csv([_row(1)]))
    other.refresh_from_db()
    assert other.full_name == "Orang Lain" and Client.objects.filter(register_number="IMP-00001").count() == 2


def test_xlsx_template_round_trips_and_semicolon_csv_is_read(office_a, people):
    importer = ClientImporter(actor=people["head"], office=office_a)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(importer.template_xlsx())).worksheets[0]
    sheet.cell(row=2, column=HEADER.index("officer") + 1).value = "pk.uji"
    out = io.BytesIO()
    sheet.parent.save(out)
    result = _run(office_a, people["head"], out.getvalue(), "template.xlsx")
    assert result.ok, result.errors
    assert Client.objects.get().register_number == "PAS.DPS-2026-0001"
    semicolon = ";".join(HEADER) + "\n" + ";".join(_row(9).get(k, "") for k in HEADER) + "\n"
    assert _run(office_a, people["head"], semicolon.encode()).created == 1


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("clients.txt", b"x", ".xlsx"),
        ("clients.csv", b"", "empty"),
        ("clients.csv", b"full_name,sex\nA,M\n", "register_number"),
        ("clients.xlsx", b"not a zip", "xlsx"),
        ("clients.csv", b"\xff\xfe\x00garbage", "UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_message_on_the_page(office_a, people, client, name, content, fragment):
    client.force_login(people["head"])
    from django.utils import translation

    with translation.override("en"):
        response = client.post(
            reverse("clients:import"),
            {
                "kind": "clients",
                "token": f"t-{name}-{len(content)}",
                "file": SimpleUploadedFile(name, content),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 422
    assert response.context["file_error"] and not Client.objects.exists()


def test_import_page_lists_row_errors_and_records_the_run(office_a, people, client):
    client.force_login(people["head"])
    upload = SimpleUploadedFile("bad.csv", _csv([_row(1), _row(2, sex="X")]))
    response = client.post(reverse("clients:import"), {"kind": "clients", "token": "tok-1", "file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert "import-errors" in body and ">3<" in body and not Client.objects.exists()
    run = ImportRun.objects.get(token="tok-1")
    assert run.status == "rejected" and run.error_count == 1 and run.total_rows == 2
    progress = client.get(reverse("clients:import_progress", args=["tok-1"]))
    assert "2 / 2" in progress.content.decode()
    good = client.post(
        reverse("clients:import"),
        {"kind": "clients", "token": "tok-2", "file": SimpleUploadedFile("ok.csv", _csv([_row(1)]))},
        HTTP_HX_REQUEST="true",
    )
    assert (
        good.status_code == 200
        and "import-preview" in good.content.decode()
        and 'name="confirm" value="tok-2"' in good.content.decode()
        and 'hx-swap-oob="true"' in good.content.decode()
    )
    assert not Client.objects.exists()  # the preview writes nothing
    assert ImportRun.objects.get(token="tok-2").status == "preview"
    # nobody else may confirm someone's upload
    other = make_user("office_head", office_a)
    client.force_login(other)
    stranger = client.post(reverse("clients:import"), {"kind": "clients", "confirm": "tok-2"})
    assert stranger.context["file_error"] and not Client.objects.exists()
    client.force_login(people["head"])
    confirmed = client.post(reverse("clients:import"), {"kind": "clients", "confirm": "tok-2"})
    assert confirmed.status_code == 200 and "import-ok" in confirmed.content.decode()
    assert Client.objects.count() == 1
    run = ImportRun.objects.get(token="tok-2")
    assert run.status == "done" and run.content is None and run.created_count == 1
    twice = client.post(reverse("clients:import"), {"kind": "clients", "confirm": "tok-2"})
    assert twice.context["file_error"] and Client.objects.count() == 1
    again = client.post(
        reverse("clients:import"),
        {"kind": "clients", "token": "tok-2", "file": SimpleUploadedFile("ok.csv", _csv([_row(1)]))},
    )
    assert again.context["file_error"]  # the same upload sent twice is refused


def test_templates_download_and_only_heads_may_import(office_a, people, client):
    client.force_login(people["head"])
    csv_template = client.get(reverse("clients:import_template", args=["clients", "csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv_template.splitlines()[0].split(",") == HEADER
    xlsx = client.get(reverse("clients:import_template", args=["clients", "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    client.force_login(people["pk"])
    # Other apps may register importers an officer may use; the clients importer is not one of them.
    page = client.get(reverse("clients:import"))
    assert page.status_code == 403 or all(imp.key != "clients" for imp in page.context["importers"])
    upload = SimpleUploadedFile("ok.csv", _csv([_row(1)]))
    assert client.post(
        reverse("clients:import"), {"kind": "clients", "token": "t-pk", "file": upload}
    ).status_code in (403, 404)
    assert not Client.objects.exists()
    assert client.get(reverse("clients:import_template", args=["clients", "csv"])).status_code == 404


def test_a_register_number_the_importer_may_not_see_is_refused_as_taken_and_never_updated(office_a, people):
    """An adult section's head imports a row with the register number of a child client they may not
    see: the row is refused like the page's form refuses it ("another client has this number"),
    exactly as for an adult client of the section, and the child's record is not touched."""
    child = make_client(office_a, child=True, register_number="IMP-CHILD", full_name="Komang Anak Uji")
    bkd = make_user("section_head", office_a, section="adult")
    result = _run(office_a, bkd, _csv([_row(1, register_number="IMP-CHILD", full_name="Nama Lain")]))
    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert [(i.column, i.message) for i in result.errors] == [
        ("register_number", "Another client of this office has this register number.")
    ]
    child.refresh_from_db()
    assert child.full_name == "Komang Anak Uji"
    # The office head sees the child: the same row updates the record.
    assert _run(office_a, people["head"], _csv([_row(1, register_number="IMP-CHILD")])).ok
