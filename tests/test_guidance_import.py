"""Import of past sessions: all or nothing, per-row errors, no duplicates on re-import."""

from __future__ import annotations

from aksalarasa.clients.importing import IMPORTERS
from aksalarasa.guidance.importing import SessionImporter
from aksalarasa.guidance.models import GuidanceSession
from tests.factories import make_guidance_client, make_user

HEADER = "register_number,scheduled_at,kind,place,outcome,engagement,notes\n"


def _run(actor, office, body: str):
    return SessionImporter(actor=actor, office=office).run("sesi.csv", (HEADER + body).encode())


def test_import_creates_sessions_once_and_reimport_changes_nothing(office_a):
    officer = make_user("officer", office_a)
    client = make_guidance_client(office_a, officer, register_number="PAS-1")
    body = (
        "PAS-1,2025-03-14 09:30,report_in,office,attended,2,datang tepat waktu\n"
        "PAS-1,2025-04-11 10:00,Home visit,home,unexcused,,\n"
        "PAS-1,2025-05-09,personality,,late,3,\n"
    )
    first = _run(officer, office_a, body)
    assert first.ok and first.created == 3 and len(first.warnings) == 1  # date-only row: 09:00
    assert GuidanceSession.objects.filter(client=client).count() == 3
    again = _run(officer, office_a, body)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert GuidanceSession.objects.filter(client=client).count() == 3
    assert "guidance_sessions" in IMPORTERS


def test_one_bad_row_imports_nothing_and_names_each_problem(office_a, office_b):
    officer = make_user("officer", office_a)
    make_guidance_client(office_a, officer, register_number="PAS-1")
    make_guidance_client(office_b, make_user("officer", office_b), register_number="PAS-B")
    body = (
        "PAS-1,2025-03-14 09:30,report_in,office,attended,2,\n"
        "PAS-1,14 Maret,report_in,office,attended,2,\n"
        "PAS-1,2025-03-15 09:30,report_in,office,excused,3,\n"
        "PAS-B,2025-03-15 09:30,report_in,office,attended,2,\n"
        "PAS-1,2025-03-16 09:30,dancing,office,attended,2,\n"
        "PAS-1,2025-03-17 09:30,report_in,office,attended,,\n"
    )
    result = _run(officer, office_a, body)
    assert not result.ok
    problems = {(issue.row, issue.column) for issue in result.errors}
    assert problems == {
        (3, "scheduled_at"),
        (4, "engagement"),
        (5, "register_number"),
        (6, "kind"),
        (7, "engagement"),
    }
    assert GuidanceSession.objects.count() == 0


def test_a_dry_run_counts_exactly_what_the_real_run_does_and_writes_nothing(office_a):
    officer = make_user("officer", office_a)
    make_guidance_client(office_a, officer, register_number="PAS-1")
    body = "PAS-1,2025-03-14 09:30,report_in,office,attended,2,\nPAS-1,2025-04-11 10:00,report_in,office,late,3,\n"
    content = (HEADER + body).encode()
    preview = SessionImporter(actor=officer, office=office_a).run("sesi.csv", content, dry_run=True)
    assert preview.ok and preview.created == 2
    assert GuidanceSession.objects.count() == 0
    real = SessionImporter(actor=officer, office=office_a).run("sesi.csv", content)
    assert (real.created, real.updated, real.unchanged) == (
        preview.created,
        preview.updated,
        preview.unchanged,
    )
    assert GuidanceSession.objects.count() == 2
