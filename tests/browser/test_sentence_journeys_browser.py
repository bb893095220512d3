"""Issue 18 "Done when": a whole community-service order runs in Chromium, from the court decision
to the completion letter, and another from the court decision to the breach report. Every letter
is downloaded through the page and read back (DOCX with python-docx, PDF with pypdf). Runs on the
database of DATABASE_URL (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from aksalarasa.sentences.models import ComplianceEvent, HoursEntry, SentenceLetter, SentenceOrder
from tests.browser.helpers import assert_no_serious_axe_violations, browser_login
from tests.factories import PASSWORD, OfficeFactory, make_client, make_site, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("warm_server")]


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return " ".join(" ".join(parts).split())


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _world(hours_site_name: str):
    office = OfficeFactory(name="Bapas Kelas I Uji Denpasar")
    officer = make_user("officer", office, username="pk.putusan", full_name="Putu Uji Pembimbing")
    head = make_user("office_head", office, full_name="Kepala Bapas Uji")
    site = make_site(office, actor=head, name=hours_site_name)
    return office, officer, head, site


def _enter_decision(
    page: Page,
    client_pk: int,
    site_pk: int | None,
    *,
    number: str,
    hours: int | None,
    start: date,
    period_months: int = 6,
    conditions: tuple[str, str] = ("", ""),
) -> SentenceOrder:
    """Enter a court decision through the form: community service when `hours` are given (at the
    site, replacing 90 days of prison), supervision otherwise (with its general and special conditions)."""
    page.goto(f"/sentences/new/?client={client_pk}")
    page.select_option("#id_sentence_type", "community_service" if hours is not None else "supervision")
    page.fill("#id_court", "Pengadilan Negeri Denpasar")
    page.fill("#id_case_number", f"{number}/Pid.B/2026/PN Dps")
    page.fill("#id_case_registered_on", (start - timedelta(days=20)).isoformat())
    page.fill("#id_decision_number", f"{number}/Pid.B/2026/PN Dps/Put")
    page.fill("#id_decision_date", (start - timedelta(days=3)).isoformat())
    page.fill("#id_article", "Pasal 476 UU 1/2023")
    page.fill("#id_threatened_months", "36")
    if hours is not None:
        page.fill("#id_hours_ordered", str(hours))
        page.fill("#id_hours_per_day", "8")
        page.fill("#id_replaced_prison_days", "90")
    page.fill("#id_period_months", str(period_months))
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_prosecutor_office", "Kejaksaan Negeri Denpasar")
    page.fill("#id_general_conditions", conditions[0])
    page.fill("#id_special_conditions", conditions[1])
    if site_pk is not None:
        page.select_option("#id_site", str(site_pk))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Putusan pengadilan dicatat")
    return SentenceOrder.objects.get(decision_number=f"{number}/Pid.B/2026/PN Dps/Put")


def _credit(page: Page, day: date, start: str, end: str) -> None:
    page.fill("#id_work_date", day.isoformat())
    page.fill("#id_start", start)
    page.fill("#id_end", end)
    page.fill("#id_break_minutes", "0")
    page.fill("#id_work_done", "Membersihkan pantai")
    with page.expect_navigation():
        page.click("main form[action$='/hours/'] button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Jam diakui")


def _download(page: Page, link) -> Path:
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    assert path is not None
    return Path(path)


def test_an_order_runs_from_the_court_decision_to_the_completion_letter(page):
    office, officer, head, site = _world("Pantai Uji Sanur")
    client = make_client(office, officer, full_name="Gede Uji Selesai")
    today = office.today()  # the office's day: the browser's forms judge dates in it
    start = today - timedelta(days=10)

    browser_login(page, officer.username, PASSWORD)
    order = _enter_decision(page, client.pk, site.pk, number="21", hours=16, start=start)

    # Not complete yet: the page offers no closing, and the closing page refuses with the hours missing.
    _credit(page, start + timedelta(days=1), "08:00", "16:00")
    expect(page.locator("#balance")).to_contain_text("8:00 dari 16 jam")
    expect(page.get_by_role("link", name="Tutup sebagai selesai")).to_have_count(0)
    page.goto(f"/sentences/{order.pk}/complete/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("masih kurang 8 jam")
    order.refresh_from_db()
    assert order.status == "active" and not SentenceLetter.objects.exists()

    # The last 8 hours: the ledger holds every hour ordered, and the order can be closed.
    page.goto(f"/sentences/{order.pk}/")
    _credit(page, start + timedelta(days=2), "08:00", "16:00")
    expect(page.locator("#balance")).to_contain_text("16:00 dari 16 jam")
    with page.expect_navigation():
        page.get_by_role("link", name="Tutup sebagai selesai").click()
    page.fill("#id_number", "W20.PK.01/2026")
    assert_no_serious_axe_violations(page, context="completion form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Putusan ditutup sebagai selesai")
    expect(page.locator("#order-status")).to_contain_text("Selesai")
    expect(page.locator("#order-status")).to_contain_text("ditutup pada")
    order.refresh_from_db()
    assert order.status == "completed" and order.closed_on == today
    assert order.history.first().history_user_id == officer.pk
    assert HoursEntry.objects.filter(order=order).count() == 2
    # The hours form is gone from a closed order.
    expect(page.locator("main form[action$='/hours/']")).to_have_count(0)

    # The completion letter, downloaded as DOCX and PDF, to the prosecutor and the court.
    letters = page.locator("#letters")
    expect(letters).to_contain_text("Surat keterangan selesai")
    docx = _docx_text(_download(page, letters.get_by_role("link", name="DOCX")))
    pdf = _pdf_text(_download(page, letters.get_by_role("link", name="PDF")))
    for text in (docx, pdf):
        assert "Kejaksaan Negeri Denpasar" in text and "Pengadilan Negeri Denpasar" in text
        assert "Gede Uji Selesai" in text and "16 jam" in text and "W20.PK.01/2026" in text
        assert "Kepala Bapas Uji" in text
    assert_no_serious_axe_violations(page, context="completed order")


def test_an_order_runs_from_the_court_decision_to_the_breach_report(page, tmp_path):
    office, officer, head, site = _world("Pantai Uji Kuta")
    client = make_client(office, officer, full_name="Ketut Uji Lalai")
    today = office.today()  # the office's day: the browser's forms judge dates in it
    start = today - timedelta(days=20)

    browser_login(page, officer.username, PASSWORD)
    order = _enter_decision(page, client.pk, site.pk, number="22", hours=40, start=start)

    # 25 of the 40 hours are worked.
    for offset, end in ((1, "16:00"), (2, "16:00"), (3, "16:00"), (4, "09:00")):
        _credit(page, start + timedelta(days=offset), "08:00", end)
    expect(page.locator("#balance")).to_contain_text("25:00 dari 40 jam")

    # Non-compliance: an absence with a valid reason (a doctor's letter, uploaded), then three without.
    evidence = tmp_path / "surat-dokter.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    records = [
        (5, "yes", "Sakit, surat dokter terlampir", str(evidence)),
        (6, "no", "", ""),
        (7, "no", "", ""),
        (8, "no", "", ""),
    ]
    for offset, valid, reason, upload in records:
        with page.expect_navigation():
            page.get_by_role("link", name="Catat ketidakpatuhan").click()
        page.select_option("#id_kind", "absence")
        page.fill("#id_occurred_on", (start + timedelta(days=offset)).isoformat())
        page.select_option("#id_valid_reason", valid)
        page.fill("#id_reason", reason)
        if upload:
            page.set_input_files("#id_evidence_file", upload)
        else:
            page.fill("#id_evidence_note", "Tidak datang ke lokasi tanpa kabar (laporan pengawas)")
        if offset == 5:
            assert_no_serious_axe_violations(page, context="non-compliance form")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        expect(page.locator(".messages .msg-success")).to_contain_text("Kejadian dicatat")
        if offset == 6:
            # Before the threshold the PK sends a warning letter about the event, not a breach report.
            expect(page.get_by_role("link", name="Susun laporan pelanggaran")).to_have_count(0)
            page.select_option("#id_warning-event", str(ComplianceEvent.objects.get(valid_reason=False).pk))
            page.fill("#id_warning-number", "SP.1/2026")
            with page.expect_navigation():
                page.get_by_role("button", name="Susun surat peringatan").click()
            expect(page.locator(".messages .msg-success")).to_contain_text("Surat peringatan disusun")
            warning = _docx_text(_download(page, page.locator("#letters").get_by_role("link", name="DOCX")))
            assert "Peringatan 1" in warning and "Ketut Uji Lalai" in warning and "Tidak hadir" in warning
            assert "Pasal 85 ayat (7)" in warning
    stored = ComplianceEvent.objects.get(valid_reason=True)
    assert stored.evidence_file.name.startswith("private/") and "dokter" not in stored.evidence_file.name
    expect(page.locator("#compliance-summary")).to_contain_text("3 kejadian tanpa alasan yang sah")

    # Past the threshold: the breach report, with the arithmetic of the part left.
    with page.expect_navigation():
        page.get_by_role("link", name="Susun laporan pelanggaran").click()
    arithmetic = page.locator("#arithmetic")
    expect(arithmetic).to_contain_text("15 dari 40 jam belum dijalani = 37,5 %")
    expect(arithmetic).to_contain_text("dari 90 hari pidana penjara yang diganti = 33,75 hari")
    expect(arithmetic).to_contain_text("dibulatkan setengah ke atas")
    # Option c has no basis: the decision replaced a prison term, not a fine.
    page.check("input[name=option][value=fine]")
    page.fill("#id_recommendation", "Menjalani sebagian pidana penjara yang diganti.")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("huruf c Pasal 85 ayat (7) tidak berlaku")
    assert not SentenceLetter.objects.filter(kind="breach_report").exists()
    page.check("input[name=option][value=prison]")
    page.fill("#id_number", "LP.3/2026")
    assert_no_serious_axe_violations(page, context="breach report form")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Laporan pelanggaran disusun")
    expect(page.locator("#order-status")).to_contain_text("Melanggar")
    order.refresh_from_db()
    assert order.status == "breach"

    report = page.locator("#letters tr", has_text="Laporan pelanggaran kepada jaksa")
    pdf = _pdf_text(_download(page, report.get_by_role("link", name="PDF")))
    docx = _docx_text(_download(page, report.get_by_role("link", name="DOCX")))
    for text in (pdf, docx):
        assert "Kejaksaan Negeri Denpasar" in text and "LP.3/2026" in text
        assert "15 dari 40 jam belum dijalani = 37,5 %" in text and "= 33,75 hari" in text
        assert "a. mengulangi seluruh atau sebagian pidana kerja sosial" in text
        assert "b. menjalani seluruh atau sebagian pidana penjara yang diganti" in text
        assert "c. membayar seluruh atau sebagian pidana denda yang diganti" in text
        assert "Menjalani sebagian pidana penjara yang diganti." in text
    assert "☒ b." in docx
    assert_no_serious_axe_violations(page, context="order in breach")


def test_a_supervision_order_runs_to_the_advice_to_extend(page):
    """Pidana pengawasan (UU 1/2023 Art. 75-76): the decision with its general and special conditions,
    a check that finds a special condition violated without a valid reason, and the PK's advice to
    extend, downloaded as DOCX and read back."""
    from aksalarasa.sentences.models import ConditionCheck

    office, officer, head, _site = _world("Pantai Uji Serangan")
    client = make_client(office, officer, full_name="Wayan Uji Pengawasan")
    today = office.today()  # the office's day: the browser's forms judge dates in it
    start = today - timedelta(days=40)

    browser_login(page, officer.username, PASSWORD)
    conditions = (
        "Tidak melakukan tindak pidana lagi selama masa pengawasan",
        "Wajib lapor ke Bapas setiap bulan\nMengikuti konseling mingguan",
    )
    order = _enter_decision(
        page, client.pk, None, number="31", hours=None, start=start, period_months=12, conditions=conditions
    )
    assert order.sentence_type == "supervision" and order.hours_ordered is None
    assert order.special_conditions.splitlines() == [
        "Wajib lapor ke Bapas setiap bulan",
        "Mengikuti konseling mingguan",
    ]

    # A check of the special condition: violated, without a valid reason.
    with page.expect_navigation():
        page.get_by_role("link", name="Periksa syarat").click()
    page.select_option("#id_condition", "special")
    page.fill("#id_condition_text", "Wajib lapor ke Bapas setiap bulan")
    page.fill("#id_checked_on", (today - timedelta(days=5)).isoformat())
    page.select_option("#id_result", "violated")
    page.fill("#id_note", "Tidak datang lapor bulan ini tanpa kabar")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Pemeriksaan syarat dicatat")
    expect(page.locator("#compliance")).to_contain_text("Wajib lapor ke Bapas setiap bulan")
    expect(page.locator("#compliance")).to_contain_text("Dilanggar")
    check = ConditionCheck.objects.get(order=order)
    assert check.condition == "special" and check.result == "violated" and not check.valid_reason

    # The advice: an extension longer than the sentence imposed is refused with the article.
    with page.expect_navigation():
        page.get_by_role("link", name="Sarankan memperpanjang atau memperpendek").click()
    page.check("input[name=advice][value=extend]")
    page.fill("#id_advice_months", "30")
    page.fill("#id_recommendation", "Klien dua kali tidak melapor; perlu waktu pembimbingan lebih panjang.")
    page.fill("#id_number", "W20.PAS.7/2026")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("paling lama 12 bulan")
    assert not SentenceLetter.objects.filter(order=order).exists()
    page.fill("#id_advice_months", "6")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator(".messages .msg-success")).to_contain_text("Surat saran disusun")
    letter = SentenceLetter.objects.get(order=order)
    assert (letter.kind, letter.advice, letter.advice_months) == ("supervision_advice", "extend", 6)
    order.refresh_from_db()
    assert order.period_months == 12 and order.status == "active"  # advice to the prosecutor, not a change

    row = page.locator("#letters tr", has_text="Saran memperpanjang atau memperpendek pidana pengawasan")
    docx = _docx_text(_download(page, row.get_by_role("link", name="DOCX")))
    assert "Saran memperpanjang pidana pengawasan Wayan Uji Pengawasan" in docx
    assert "Kejaksaan Negeri Denpasar" in docx and "W20.PAS.7/2026" in docx
    assert (
        "Pasal 76 ayat (5)" in docx
        and "memperpanjang masa pengawasan 6 bulan, dari 12 menjadi 18 bulan" in docx
    )
    assert "Syarat khusus (Pasal 76 ayat (3)): Wajib lapor ke Bapas setiap bulan | Dilanggar | Tidak" in docx
    assert "Tidak datang lapor bulan ini tanpa kabar" in docx
    assert "Klien dua kali tidak melapor; perlu waktu pembimbingan lebih panjang." in docx
    assert "Kepala Bapas Uji" in docx
