"""The program report: tests open the PDF (pypdf) and the DOCX (python-docx) and read their content."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from tests.test_evidence_analysis import build_evaluated


@pytest.fixture
def evaluated(office_a, office_b):
    from aksalarasa.programs.models import Evaluation, ProgramHandover

    world = build_evaluated(office_a, office_b)
    program = world["program"]
    program.problems_addressed = "Motivasi klien mengikuti pembimbingan rendah."
    program.save(update_fields=["problems_addressed"])
    Evaluation.objects.create(program=program, strengths="Warga antusias", threats="Cuaca")
    ProgramHandover.objects.create(program=program, report_to="Kepala Bapas", owner_institution="Seksi BKD")
    return world


def test_pdf_report_has_every_section_figure_and_chart(evaluated, client):
    from pypdf import PdfReader

    client.force_login(evaluated["section_head"])
    response = client.get(reverse("evidence:report_pdf", args=[evaluated["program"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split()).replace("- ", "-")  # words broken across narrow table cells
    assert "Motivasi klien mengikuti pembimbingan rendah" in flat  # background and problems
    assert "Klien hadir" in flat  # indicators
    assert "Hodges-Lehmann" in flat and "IK 95%" in flat  # before/after effect with CI
    assert "0,50" in flat and "dikelompokkan per klien" in flat  # attendance DiD
    assert "Warga antusias" in flat and "Kepala Bapas" in flat  # SWOT, termination
    # the charts are vector drawings inside the PDF: their axis labels are text on the pages
    assert "days from the event" in flat or "hari" in flat


def test_docx_report_is_editable_with_figures_and_chart_images(evaluated, client):
    from docx import Document

    client.force_login(evaluated["head"])
    response = client.get(reverse("evidence:report_docx", args=[evaluated["program"].pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Motivasi klien mengikuti pembimbingan rendah" in paragraphs
    assert "Hodges-Lehmann" in cells and "1,50" in cells
    assert "Indicators" in cells or "Indikator" in cells
    assert "0,50" in cells  # attendance DiD estimate
    assert "IK 95%" in paragraphs  # readings with their interval
    images = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(images) >= 6  # two surveys, attendance, engagement, indicators, network
    assert all(r.target_part.blob[:8] == b"\x89PNG\r\n\x1a\n" for r in images)


@pytest.mark.parametrize("who, status", [("partner", 404), ("head_b", 404), ("regional", 200)])
def test_report_access(evaluated, client, who, status):
    client.force_login(evaluated[who])
    assert client.get(reverse("evidence:report_docx", args=[evaluated["program"].pk])).status_code == status


@pytest.mark.parametrize("who, with_responses", [("section_head", True), ("team", False)])
def test_xlsx_export_has_figures_and_pseudonymised_responses_only_for_office_readers(
    evaluated, client, who, with_responses
):
    from openpyxl import load_workbook

    client.force_login(evaluated[who])
    response = client.get(reverse("evidence:export_xlsx", args=[evaluated["program"].pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    figures = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    assert any("Hodges-Lehmann" in str(r[0]) or "Hodges-Lehmann" in str(r[6]) for r in figures[1:])
    names = [ws.title for ws in book.worksheets]
    assert (len(names) == 3) is with_responses
    if with_responses:
        rows = list(book.worksheets[2].iter_rows(values_only=True))
        assert len(rows) == 1 + 20 + 12  # residents 10 + 10, clients 6 + 6
        text = " ".join(str(v) for r in rows for v in r)
        assert "KODE" not in text and "Klien" not in text  # no codes, no names
        assert {r[0] for r in rows[1:]} >= {"R1", "R2"}


HEADINGS_ID = [
    "1. Latar belakang dan permasalahan",
    "2. Inisiasi dan pengorganisasian sosial",
    "3. Asesmen partisipatif",
    "4. Lokakarya perencanaan",
    "5. Kegiatan",
    "6. Evaluasi",
    "Lampiran statistik",
    "7. Terminasi dan rujukan",
    "8. Kesimpulan dan rekomendasi",
    "Lampiran: tanggal yang tidak sesuai",
]
ENGLISH_LABELS = [
    "Background and problems",
    "Initiation and organising",
    "Participatory assessment",
    "Planning workshop",
    "The event",
    "Statistical annex",
    "Termination and referral",
    "Conclusions",
    "Number:",
    "Subject:",
    "To the Head",
    "Head of",
    "not measured",
    "UTC",
]


@pytest.fixture
def signed(evaluated):
    program = evaluated["program"]
    program.report_letter_number = "W20.PAS.PAS.7-PK.01.05-123"
    program.report_place = "Denpasar"
    program.conclusions = "Program berjalan sesuai rencana."
    program.save()
    head = evaluated["head"]
    head.full_name, head.nip = "Kepala Fiksi", "198001012005011001"
    head.save(update_fields=["full_name", "nip"])
    return evaluated


def test_pdf_and_docx_carry_the_cover_letter_and_every_section(signed, client):
    from docx import Document
    from pypdf import PdfReader

    client.force_login(signed["head"])
    pk = signed["program"].pk
    pdf = PdfReader(io.BytesIO(client.get(reverse("evidence:report_pdf", args=[pk])).content))
    pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    doc = Document(io.BytesIO(client.get(reverse("evidence:report_docx", args=[pk])).content))
    docx_text = " ".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    )
    docx_text = " ".join(docx_text.split())
    for text in (pdf_text, docx_text):
        for heading in HEADINGS_ID:
            assert heading in text, heading
        assert "W20.PAS.PAS.7-PK.01.05-123" in text  # the letter number
        assert "Yth. Kepala Kantor Wilayah" in text and "Perihal" in text and "Lampiran" in text
        assert "Denpasar, " in text and "Kepala Fiksi" in text and "NIP 198001012005011001" in text
        assert "Program berjalan sesuai rencana." in text
    first_page = pdf.pages[0].extract_text()
    assert "W20.PAS.PAS.7-PK.01.05-123" in first_page and "Kepala Fiksi" in first_page
    for label in ENGLISH_LABELS:
        assert label not in docx_text, label


def test_indicator_headline_counts_only_measured_indicators(signed, client):
    from docx import Document

    from aksalarasa.programs.models import Indicator

    program = signed["program"]
    Indicator.objects.filter(program=program).update(weight=25)
    Indicator.objects.create(program=program, criterion="Mitra melanjutkan", weight=50, achievement=None)
    client.force_login(signed["head"])
    doc = Document(io.BytesIO(client.get(reverse("evidence:report_docx", args=[program.pk])).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "indikator yang sudah terukur" in text
    assert "Belum terukur (tidak dihitung dalam angka di atas): " in text and "Mitra melanjutkan" in text


def test_the_demo_programs_pdf_and_docx_carry_every_section_the_letter_and_the_signature(db, client):
    """What an office would send: the AKSALARASA demo program, as `make run` loads it."""
    from docx import Document
    from pypdf import PdfReader

    from aksalarasa.accounts.models import User
    from aksalarasa.programs.models import Program
    from aksalarasa.seeding.demo import load_demo

    load_demo()
    program = Program.objects.get(acronym="AKSALARASA")
    client.force_login(User.objects.get(username="kabapas.dps"))
    pdf_response = client.get(reverse("evidence:report_pdf", args=[program.pk]))
    docx_response = client.get(reverse("evidence:report_docx", args=[program.pk]))
    assert pdf_response.status_code == docx_response.status_code == 200
    pdf = PdfReader(io.BytesIO(pdf_response.content))
    pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    doc = Document(io.BytesIO(docx_response.content))
    docx_text = " ".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    )
    docx_text = " ".join(docx_text.split())
    for text in (pdf_text, docx_text):
        for heading in HEADINGS_ID:
            assert heading in text, heading
        assert "W20.PAS.PAS.7-PK.01.05-0417" in text
        assert "Yth. Kepala Kantor Wilayah" in text and "Perihal" in text
        assert "Denpasar, " in text and "Ida Ayu Pramesti" in text and "NIP 197805122003122001" in text
        assert "Pokmas Lipas sebagai penyelenggara bergilir" in text
    for label in ENGLISH_LABELS:
        assert label not in docx_text, label
    for english_method in (
        "clustered by client", "Paired t-test", "percentile bootstrap", "zeros kept", "shift (Hodges-Lehmann)",
        "rank-biserial correlation", "Total budget",
    ):  # fmt: skip
        assert english_method not in docx_text and english_method not in pdf_text.replace("- ", "")
