"""Non-compliance, warning letters, the breach report with the arithmetic of the part left,
completion, and supervision condition checks with the advice to extend or shorten (issue 18 items
7 and 8). Every letter is generated as a real DOCX and PDF and read back."""

from __future__ import annotations

import io
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from aksalarasa.sentences import compliance, compliance_selectors, compliance_services, services
from aksalarasa.sentences.letters import letter_docx, letter_pdf
from aksalarasa.sentences.models import ComplianceEvent, SentenceLetter, SentenceOrder
from tests.factories import make_client, make_order, make_site, make_user

pytestmark = pytest.mark.django_db


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="PK Kepatuhan", nip="198001012005011001")
    head = make_user("office_head", office_a, full_name="Kepala Uji")
    client = make_client(office_a, officer, full_name="Komang Uji Kepatuhan")
    site = make_site(office_a, actor=head, name="Griya Uji")
    today = office_a.today()  # the services judge dates in the office's day
    order = make_order(
        client,
        actor=officer,
        site=site,
        hours_ordered=160,
        hours_per_day=8,
        replaced_prison_days=90,
        start_date=today - timedelta(days=30),
    )
    return {
        "office": office_a,
        "officer": officer,
        "head": head,
        "client": client,
        "order": order,
        "today": today,
    }


def _credit_hours(order, actor, hours: int) -> None:
    day = order.start_date
    while hours > 0:
        chunk = min(8, hours)
        services.hours_work_add(
            actor=actor,
            order=order,
            data={"work_date": day, "start": time(8, 0), "end": time(8 + chunk, 0), "break_minutes": 0},
        )
        hours -= chunk
        day += timedelta(days=1)


def _event(w, kind="absence", valid=False, days_ago=1, **extra):
    data = {
        "kind": kind,
        "occurred_on": w["today"] - timedelta(days=days_ago),
        "valid_reason": valid,
        "reason": "Sakit" if valid else "",
        "evidence_note": "Dicatat oleh pengawas lokasi",
        **extra,
    }
    return compliance_services.compliance_event_record(actor=w["officer"], order=w["order"], data=data)


# --- the arithmetic of the part left (Decimal) ---------------------------------------------------


def test_the_issue_example_60_of_160_hours_missing_is_33_75_of_90_days():
    part = compliance.PartLeft(160 * 60, 100 * 60, 90, None)
    assert part.hours_missing == Decimal(60)
    assert part.fraction == Decimal("0.375")
    assert part.percent == Decimal("37.50")
    assert part.prison_days == Decimal("33.75")
    assert part.fine is None


def test_a_replaced_fine_is_split_in_whole_rupiah_and_formatted_with_lokal():
    from aksalarasa.sentences.letters import arithmetic_lines

    part = compliance.PartLeft(160 * 60, 100 * 60, None, 10_000_000)
    assert part.fine == Decimal(3_750_000)
    with translation.override("id"):
        lines = arithmetic_lines(part)
    assert "60 dari 160 jam" in lines[0] and "37,5 %" in lines[0] and "Rp3.750.000" in lines[0]
    assert "Rp10.000.000" in lines[0]


def test_rounding_is_half_up_to_two_decimals_from_the_exact_fraction():
    # 1 of 8 hours missing = 12.5 % of 1 day = 0.125 days: half up gives 0.13 (half even would give 0.12).
    part = compliance.PartLeft(8 * 60, 7 * 60, 1, 1_000_001)
    assert part.prison_days == Decimal("0.13")
    assert part.fine == Decimal(125_000)  # 125,000.125 -> 125,000
    # A third: the percent is rounded, the days come from the exact fraction.
    third = compliance.PartLeft(3 * 60, 2 * 60, 100, 1_000_000)
    assert third.percent == Decimal("33.33") and third.prison_days == Decimal("33.33")
    assert third.fine == Decimal(333_333)
    # Minutes count: 30 minutes missing of 8 hours.
    assert compliance.PartLeft(480, 450, 80, None).prison_days == Decimal("5.00")


# --- non-compliance events ------------------------------------------------------------------------


def test_an_event_is_recorded_with_its_author_and_history(w):
    event = _event(w, kind="lateness", minutes_late=45)
    assert event.office_id == w["office"].pk and event.minutes_late == 45
    assert event.history.first().history_user_id == w["officer"].pk


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"kind": "lateness"}, "minutes_late"),  # lateness says how late
        ({"evidence_note": ""}, "evidence_note"),  # evidence: a file or a note
        ({"valid": True, "reason": ""}, "reason"),  # a valid reason says what it is
        ({"days_ago": -1}, "occurred_on"),  # not in the future
        ({"days_ago": 40}, "occurred_on"),  # not before the period
        ({"kind": "holiday"}, "kind"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_written(w, extra, field):
    valid = extra.pop("valid", False)
    days_ago = extra.pop("days_ago", 1)
    with pytest.raises(ValidationError) as caught:
        _event(w, valid=valid, days_ago=days_ago, **extra)
    assert field in caught.value.message_dict
    assert not ComplianceEvent.objects.exists()


def test_evidence_files_are_stored_privately_and_photos_lose_their_metadata(w):
    from PIL import Image

    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("foto-surat-dokter.jpg", buffer.getvalue(), content_type="image/jpeg")
    event = compliance_services.compliance_event_record(
        actor=w["officer"],
        order=w["order"],
        data={"kind": "absence", "occurred_on": w["today"], "valid_reason": True, "reason": "Sakit"},
        evidence=upload,
    )
    assert event.evidence_file.name.startswith(f"private/sentences/evidence/{w['office'].pk}/")
    assert "dokter" not in event.evidence_file.name
    stored = event.evidence_file.read()
    assert b"KameraRahasia" not in stored and stored.startswith(b"\xff\xd8")
    # A file that claims to be a PDF but is not one is refused.
    with pytest.raises(ValidationError) as caught:
        compliance_services.compliance_event_record(
            actor=w["officer"],
            order=w["order"],
            data={"kind": "absence", "occurred_on": w["today"], "valid_reason": False},
            evidence=SimpleUploadedFile("bukti.pdf", b"not a pdf"),
        )
    assert "evidence_file" in caught.value.message_dict


def test_the_evidence_download_is_scoped_to_the_orders_staff(client, w, office_b):
    upload = SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    event = compliance_services.compliance_event_record(
        actor=w["officer"],
        order=w["order"],
        data={"kind": "refusal", "occurred_on": w["today"], "valid_reason": False},
        evidence=upload,
    )
    url = reverse("sentences:event_evidence", args=[event.pk])
    client.force_login(w["officer"])
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    client.force_login(make_user("officer", office_b))
    assert client.get(url).status_code == 404


# --- warning letters ---------------------------------------------------------------------------


def test_a_warning_letter_is_a_docx_naming_the_event_and_the_consequences(w):
    event = _event(w, kind="absence", days_ago=2)
    letter = compliance_services.warning_letter_create(
        actor=w["officer"], order=w["order"], event=event, number="W.1/2026"
    )
    with translation.override("id"):
        text = docx_text(letter_docx(compliance_selectors.letter_document(letter=letter)))
    assert "Surat peringatan" in text or "Peringatan 1" in text
    assert "Komang Uji Kepatuhan" in text and "W.1/2026" in text
    assert "Tidak hadir" in text  # the outcome, in Indonesian
    assert "Pasal 85 ayat (7)" in text
    assert "PK Kepatuhan" in text and "198001012005011001" in text


def test_no_warning_for_an_event_with_a_valid_reason(w):
    event = _event(w, valid=True)
    with pytest.raises(ValidationError) as caught:
        compliance_services.warning_letter_create(actor=w["officer"], order=w["order"], event=event)
    assert "event" in caught.value.message_dict
    assert not SentenceLetter.objects.exists()


# --- the breach report ---------------------------------------------------------------------------


def _breach_data(**extra):
    return {"option": "prison", "recommendation": "Menjalani sisa pidana penjara yang diganti.", **extra}


def test_the_breach_report_waits_for_the_threshold_and_excused_events_do_not_count(w):
    _event(w, days_ago=3)
    _event(w, days_ago=2)
    _event(w, days_ago=1, valid=True)  # excused: does not count
    with pytest.raises(ValidationError) as caught:
        compliance_services.breach_report_create(actor=w["officer"], order=w["order"], data=_breach_data())
    assert "Pasal 85 ayat (7)" in caught.value.message_dict["__all__"][0] or "Art. 85(7)" in str(caught.value)
    assert not SentenceLetter.objects.exists()
    w["order"].refresh_from_db()
    assert w["order"].status == "active"


@override_settings(AKSALARASA_BREACH_THRESHOLD=2)
def test_the_threshold_is_configurable(w):
    _event(w, days_ago=3)
    _event(w, days_ago=2)
    letter = compliance_services.breach_report_create(
        actor=w["officer"], order=w["order"], data=_breach_data()
    )
    assert letter.unexcused_events == 2


def test_a_breach_report_states_the_arithmetic_options_and_recommendation_and_marks_the_order(w):
    _credit_hours(w["order"], w["officer"], 100)
    for days_ago in (3, 2, 1):
        _event(w, days_ago=days_ago)
    letter = compliance_services.breach_report_create(
        actor=w["officer"], order=w["order"], data=_breach_data(number="B.7/2026")
    )
    assert (letter.minutes_ordered, letter.minutes_credited) == (160 * 60, 100 * 60)
    w["order"].refresh_from_db()
    assert w["order"].status == SentenceOrder.Status.BREACH
    assert w["order"].history.first().history_user_id == w["officer"].pk
    with translation.override("id"):
        content = compliance_selectors.letter_document(letter=letter)
        docx = docx_text(letter_docx(content))
        pdf = pdf_text(letter_pdf(content))
    for text in (docx, pdf):
        compact = " ".join(text.split())
        assert "Kejaksaan Negeri Denpasar" in compact
        assert "60 dari 160 jam" in compact and "37,5 %" in compact and "33,75 hari" in compact
        assert "setengah ke atas" in compact  # the rounding is stated
        assert "mengulangi seluruh atau sebagian" in compact
        assert "menjalani seluruh atau sebagian pidana penjara" in compact
        assert "membayar seluruh atau sebagian pidana denda" in compact
        assert "Menjalani sisa pidana penjara yang diganti." in compact
        assert "Kepala Uji" in compact  # known by the head of the office
    assert "☒ b." in docx  # the PK's option is marked
    with translation.override("en"):
        english = docx_text(letter_docx(compliance_selectors.letter_document(letter=letter)))
    assert "60 of 160 hours missing = 37.5 %" in english and "= 33.75 days" in english


@pytest.mark.parametrize(
    "data, field",
    [
        ({"option": "fine"}, "option"),  # the decision replaced no fine: Art. 85(7)(c) does not apply
        ({"option": "amnesty"}, "option"),
        ({"recommendation": " "}, "recommendation"),
    ],
)
def test_a_breach_report_with_an_unlawful_option_or_no_recommendation_is_refused(w, data, field):
    for days_ago in (3, 2, 1):
        _event(w, days_ago=days_ago)
    with pytest.raises(ValidationError) as caught:
        compliance_services.breach_report_create(
            actor=w["officer"], order=w["order"], data=_breach_data(**data)
        )
    assert field in caught.value.message_dict
    assert not SentenceLetter.objects.exists()


def test_a_breach_report_after_the_period_ended_with_hours_missing_needs_no_threshold(w):
    SentenceOrder.objects.filter(pk=w["order"].pk).update(start_date=w["today"] - timedelta(days=200))
    w["order"].refresh_from_db()
    letter = compliance_services.breach_report_create(
        actor=w["officer"], order=w["order"], data=_breach_data()
    )
    assert letter.unexcused_events == 0


# --- completion ------------------------------------------------------------------------------------


def test_an_order_closes_only_when_the_ledger_holds_every_hour(w):
    _credit_hours(w["order"], w["officer"], 152)
    with pytest.raises(ValidationError) as caught:
        compliance_services.order_complete(actor=w["officer"], order=w["order"])
    assert "8" in caught.value.message_dict["__all__"][0]
    _credit_hours_from = w["order"].start_date + timedelta(days=20)
    services.hours_work_add(
        actor=w["officer"],
        order=w["order"],
        data={"work_date": _credit_hours_from, "start": time(8, 0), "end": time(16, 0), "break_minutes": 0},
    )
    letter = compliance_services.order_complete(actor=w["officer"], order=w["order"], number="S.9/2026")
    w["order"].refresh_from_db()
    assert w["order"].status == "completed" and w["order"].closed_on == w["today"]
    record = w["order"].history.first()
    assert record.history_user_id == w["officer"].pk and record.status == "completed"
    with translation.override("id"):
        content = compliance_selectors.letter_document(letter=letter)
        text = " ".join(docx_text(letter_docx(content)).split())
        pdf = " ".join(pdf_text(letter_pdf(content)).split())
    for body in (text, pdf):
        assert "Kejaksaan Negeri Denpasar" in body and "Pengadilan Negeri Denpasar" in body
        assert "160 jam" in body and "S.9/2026" in body
    # Closed once: a second completion is refused.
    with pytest.raises(ValidationError):
        compliance_services.order_complete(actor=w["officer"], order=w["order"])


# --- supervision: condition checks, violations, advice ---------------------------------------------


def _supervision(w, period=12, days_ago=30):
    return make_order(
        w["client"],
        actor=w["officer"],
        sentence_type="supervision",
        hours_ordered=None,
        hours_per_day=None,
        replaced_prison_days=None,
        period_months=period,
        threatened_months=36,
        start_date=w["today"] - timedelta(days=days_ago),
        general_conditions="Tidak melakukan tindak pidana lagi",
        special_conditions="Wajib lapor ke Bapas setiap bulan",
    )


def _check(w, order, result="violated", condition="special", valid=False, **extra):
    data = {
        "condition": condition,
        "condition_text": "Wajib lapor ke Bapas setiap bulan" if condition == "special" else "",
        "checked_on": w["today"] - timedelta(days=1),
        "result": result,
        "valid_reason": valid,
        "note": "Tidak datang melapor" if result == "violated" else "",
        **extra,
    }
    return compliance_services.condition_check_record(actor=w["officer"], order=order, data=data)


def test_condition_checks_record_each_condition_with_a_date_and_result(w):
    order = _supervision(w)
    general = _check(w, order, result="met", condition="general")
    assert general.condition_text == "Tidak melakukan tindak pidana lagi"  # the decision's wording
    violation = _check(w, order)
    assert violation.result == "violated" and not violation.valid_reason
    with pytest.raises(ValidationError) as caught:
        _check(w, order, note="")  # a violation is described
    assert "note" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _check(w, order, checked_on=w["today"] + timedelta(days=1))
    with pytest.raises(ValidationError):  # community service has no conditions to check
        _check(w, w["order"])


def _advice(w, order, advice="extend", months=6):
    return compliance_services.supervision_advice_create(
        actor=w["officer"],
        order=order,
        data={"advice": advice, "advice_months": months, "recommendation": "Pertimbangan PK."},
    )


def test_extension_needs_an_unexcused_special_violation(w):
    order = _supervision(w)
    _check(w, order, valid=True)  # with a valid reason: no ground for an extension
    with pytest.raises(ValidationError) as caught:
        _advice(w, order)
    assert "Art. 76(5)" in str(caught.value) or "Pasal 76 ayat (5)" in str(caught.value)
    _check(w, order)
    letter = _advice(w, order, months=6)
    with translation.override("id"):
        text = " ".join(docx_text(letter_docx(compliance_selectors.letter_document(letter=letter))).split())
    assert "memperpanjang" in text.lower() and "6 bulan" in text and "12 menjadi 18 bulan" in text
    assert "Wajib lapor ke Bapas setiap bulan" in text


@pytest.mark.parametrize(
    "period, months, message",
    [
        (12, 13, "at most 12 months"),  # Art. 76(5): at most as long as the supervision imposed
        (30, 7, "36 months"),  # Art. 76(1): 30 + 7 = 37 > 36
        (36, 1, "36 months"),
    ],
)
def test_an_extension_past_the_limits_is_refused_with_the_article(w, period, months, message):
    order = _supervision(w, period=period)
    _check(w, order)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _advice(w, order, months=months)
    assert message in str(caught.value.message_dict["advice_months"])
    assert not SentenceLetter.objects.filter(order=order).exists()


def test_the_longest_lawful_extension_is_accepted(w):
    order = _supervision(w, period=30)
    _check(w, order)
    assert _advice(w, order, months=6).advice_months == 6  # 30 + 6 = 36


def test_shortening_needs_good_behaviour_and_leaves_some_time(w):
    order = _supervision(w)
    _check(w, order, result="met", condition="general")
    letter = _advice(w, order, advice="shorten", months=3)
    assert letter.advice == "shorten"
    with pytest.raises(ValidationError) as caught:
        _advice(w, order, advice="shorten", months=12)
    assert "advice_months" in caught.value.message_dict
    _check(w, order)  # an unexcused violation: no shortening
    with pytest.raises(ValidationError) as caught:
        _advice(w, order, advice="shorten", months=3)
    assert "advice" in caught.value.message_dict


def test_a_supervision_completes_after_its_period(w):
    order = _supervision(w, period=1, days_ago=10)
    with pytest.raises(ValidationError):
        compliance_services.order_complete(actor=w["officer"], order=order)
    SentenceOrder.objects.filter(pk=order.pk).update(start_date=w["today"] - timedelta(days=40))
    order.refresh_from_db()
    letter = compliance_services.order_complete(actor=w["officer"], order=order)
    order.refresh_from_db()
    assert order.status == "completed" and letter.kind == "completion"


# --- pages ---------------------------------------------------------------------------------------


def test_the_order_page_shows_compliance_and_the_pages_record_and_draft(client, w):
    client.force_login(w["officer"])
    order = w["order"]
    url = reverse("sentences:event_create", args=[order.pk])
    response = client.post(
        url, {"kind": "lateness", "occurred_on": w["today"].isoformat(), "valid_reason": "no"}
    )
    assert response.status_code == 422  # minutes late and evidence missing: the form says so
    assert not ComplianceEvent.objects.exists()
    for days_ago in (3, 2, 1):
        response = client.post(
            url,
            {
                "kind": "absence",
                "occurred_on": (w["today"] - timedelta(days=days_ago)).isoformat(),
                "valid_reason": "no",
                "evidence_note": "Tidak hadir tanpa kabar",
            },
        )
        assert response.status_code == 302
    page = client.get(reverse("sentences:order_detail", args=[order.pk])).content.decode()
    assert "Tidak hadir tanpa kabar" in page and reverse("sentences:breach_report", args=[order.pk]) in page
    form = client.get(reverse("sentences:breach_report", args=[order.pk])).content.decode()
    assert "33,75 hari" not in form and "160 jam" in form  # nothing credited yet: all 90 days
    response = client.post(
        reverse("sentences:breach_report", args=[order.pk]),
        {"option": "repeat", "recommendation": "Mengulangi sebagian kerja sosial."},
    )
    assert response.status_code == 302
    letter = SentenceLetter.objects.get(kind="breach_report")
    docx = client.get(reverse("sentences:letter_download", args=[letter.pk, "docx"]))
    assert docx.status_code == 200 and docx["Cache-Control"] == "private, no-store"
    assert "Mengulangi sebagian kerja sosial." in docx_text(docx.content)
    assert "Komang" not in docx["Content-Disposition"]
    assert client.get(reverse("sentences:letter_download", args=[letter.pk, "exe"])).status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_the_api_records_events_drafts_letters_and_reports_the_part_left(client, w):
    client.force_login(w["officer"])
    base = f"/api/v1/sentences/orders/{w['order'].pk}"
    bad = client.post(
        f"{base}/compliance-events",
        {
            "kind": "lateness",
            "occurred_on": w["today"].isoformat(),
            "valid_reason": False,
            "evidence_note": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and "minutes_late" in bad.json()["errors"]
    for days_ago in (3, 2, 1):
        made = client.post(
            f"{base}/compliance-events",
            {
                "kind": "absence",
                "occurred_on": (w["today"] - timedelta(days=days_ago)).isoformat(),
                "valid_reason": False,
                "evidence_note": "Tidak hadir",
            },
            content_type="application/json",
        )
        assert made.status_code == 201
    _credit_hours(w["order"], w["officer"], 100)
    state = client.get(f"{base}/compliance").json()
    assert state["unexcused_events"] == 3 and state["breach_report_allowed"]
    assert (
        state["part_left"]["percent_missing"] == "37.50" and state["part_left"]["prison_days_left"] == "33.75"
    )
    refused = client.post(
        f"{base}/letters",
        {"kind": "breach_report", "option": "fine", "recommendation": "Bayar denda"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "option" in refused.json()["errors"]
    letter = client.post(
        f"{base}/letters",
        {"kind": "breach_report", "option": "repeat", "recommendation": "Mengulangi 60 jam"},
        content_type="application/json",
    )
    assert letter.status_code == 201
    document = client.get(letter.json()["pdf_url"])
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    assert "33,75 hari" in " ".join(pdf_text(document.content).split())
    other = make_user("officer", w["office"])  # not this client's PK
    client.force_login(other)
    assert client.get(f"{base}/compliance").status_code == 404
    assert client.get(letter.json()["docx_url"]).status_code == 404


def test_the_api_refuses_an_extension_past_three_years(client, w):
    order = _supervision(w, period=30)
    _check(w, order)
    client.force_login(w["officer"])
    with translation.override("en"):
        response = client.post(
            f"/api/v1/sentences/orders/{order.pk}/letters",
            {
                "kind": "supervision_advice",
                "advice": "extend",
                "advice_months": 7,
                "recommendation": "Perlu waktu",
            },
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 422
    assert "36" in str(response.json()["errors"]["advice_months"])
    assert not SentenceLetter.objects.filter(order=order).exists()


def test_the_order_page_reads_compliance_in_a_fixed_number_of_queries(client, w):
    client.force_login(w["officer"])
    url = reverse("sentences:order_detail", args=[w["order"].pk])
    _event(w, days_ago=1)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days_ago in (2, 3, 4, 5):
        event = _event(w, days_ago=days_ago)
        compliance_services.warning_letter_create(actor=w["officer"], order=w["order"], event=event)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five.captured_queries) == len(one.captured_queries)


def test_a_valid_reason_can_be_recorded_later_and_a_stale_version_is_refused(client, w):
    event = _event(w, days_ago=2)
    client.force_login(w["officer"])
    url = f"/api/v1/sentences/compliance-events/{event.pk}"
    missing_reason = client.patch(url, {"valid_reason": True, "version": 1}, content_type="application/json")
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json()["errors"]
    done = client.patch(
        url, {"valid_reason": True, "reason": "Surat dokter", "version": 1}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["valid_reason"] and done.json()["version"] == 2
    stale = client.patch(url, {"valid_reason": False, "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    event.refresh_from_db()
    assert event.valid_reason and event.history.count() == 2
    assert compliance_services.unexcused_count(w["order"]) == 0
    client.force_login(make_user("officer", w["office"]))  # not the client's PK
    assert (
        client.patch(url, {"valid_reason": False, "version": 2}, content_type="application/json").status_code
        == 404
    )


def test_option_b_needs_a_replaced_prison_term(w):
    fine_only = make_order(
        w["client"], actor=w["officer"], replaced_prison_days=None, replaced_fine=5_000_000
    )
    for days_ago in (3, 2, 1):
        compliance_services.compliance_event_record(
            actor=w["officer"],
            order=fine_only,
            data={
                "kind": "refusal",
                "occurred_on": w["today"] - timedelta(days=days_ago),
                "valid_reason": False,
                "evidence_note": "Menolak bekerja",
            },
        )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        compliance_services.breach_report_create(actor=w["officer"], order=fine_only, data=_breach_data())
    assert "option b of Art. 85(7) does not apply" in caught.value.message_dict["option"][0]
    letter = compliance_services.breach_report_create(
        actor=w["officer"], order=fine_only, data=_breach_data(option="fine")
    )
    with translation.override("id"):
        text = " ".join(docx_text(letter_docx(compliance_selectors.letter_document(letter=letter))).split())
    # Nothing credited: the whole fine is the part left, in rupiah.
    assert "dari pidana denda yang diganti sebesar Rp5.000.000 = Rp5.000.000" in text


def test_the_supervision_pages_record_checks_and_draft_the_advice(client, w):
    order = _supervision(w, period=30)
    client.force_login(w["officer"])
    check_url = reverse("sentences:check_create", args=[order.pk])
    assert client.get(reverse("sentences:check_create", args=[w["order"].pk])).status_code == 404
    response = client.post(
        check_url,
        {
            "condition": "special",
            "condition_text": "Wajib lapor ke Bapas setiap bulan",
            "checked_on": (w["today"] - timedelta(days=1)).isoformat(),
            "result": "violated",
            "note": "Tidak datang melapor",
        },
    )
    assert response.status_code == 302
    advice_url = reverse("sentences:advice_create", args=[order.pk])
    refused = client.post(
        advice_url, {"advice": "extend", "advice_months": "7", "recommendation": "Perlu waktu"}
    )
    assert refused.status_code == 422 and "36 bulan" in refused.content.decode()
    assert not SentenceLetter.objects.filter(order=order).exists()
    done = client.post(
        advice_url, {"advice": "extend", "advice_months": "6", "recommendation": "Perlu waktu"}
    )
    assert done.status_code == 302
    page = client.get(reverse("sentences:order_detail", args=[order.pk])).content.decode()
    assert (
        "Tidak datang melapor" in page and "Saran memperpanjang atau memperpendek pidana pengawasan" in page
    )
