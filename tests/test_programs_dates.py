"""Dates that agree across the program cycle: each kind of contradiction shows its warning on the
program page, on its stage page, in the API (`warnings`) and in the report's annex; saving stays
allowed. The stage states of the report are those of the page and the API (one function)."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse

from aksalarasa.accounts.services import api_token_create
from tests.factories import EventFactory, PartnerServiceFactory, make_client, make_program, make_user

WITA = zoneinfo.ZoneInfo("Asia/Makassar")


def _at(day: int, month: int = 6, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=WITA)


@pytest.fixture
def world(office_a):
    office_a.time_zone = "Asia/Makassar"
    office_a.save(update_fields=["time_zone"])
    head = make_user("office_head", office_a)
    program = make_program(
        office_a, created_by=head, start=datetime.date(2026, 6, 1), end=datetime.date(2026, 6, 30)
    )
    event = EventFactory(
        office=office_a,
        program=program,
        name="Kerja bakti pantai",
        start=_at(15, hour=8),
        end=_at(15, hour=12),
    )
    return {"office": office_a, "head": head, "program": program, "event": event}


def _workshop_after_event(w):
    from aksalarasa.programs.models import PlanningWorkshop

    PlanningWorkshop.objects.create(
        program=w["program"],
        date=datetime.date(2026, 6, 20),
        focus_question="Apa yang kita lakukan?",
        facilitator="F",
    )


def _contact_after_event(w):
    from aksalarasa.programs.models import Contact

    Contact.objects.create(
        program=w["program"],
        date=datetime.date(2026, 6, 18),
        people="Pak Lurah Fiksi",
        institution="Kelurahan Uji",
        purpose="Persiapan",
        created_by=w["head"],
    )


def _event_outside_period(w):
    EventFactory(
        office=w["office"], program=w["program"], name="Lomba desa", start=_at(5, 7), end=_at(5, 7, 12)
    )


def _closing_before_start(w):
    from aksalarasa.programs.models import ClosingActivity

    ClosingActivity.objects.create(
        program=w["program"], date=datetime.date(2026, 5, 20), description="Perpisahan"
    )


def _survey(w, point: str, day: datetime.datetime):
    from aksalarasa.evidence import services
    from aksalarasa.evidence.models import InstrumentVersion, Response

    services.instruments_install_defaults()
    version = InstrumentVersion.objects.get(instrument__key="resident-attitude")
    administration = services.administration_create(
        actor=w["head"], program=w["program"], instrument_version=version, group="resident", point=point
    )
    answers = {i.key: 3 for i in version.items.all()}
    services.response_submit(administration=administration, answers=answers, channel="online", code="KODE01")
    Response.objects.filter(administration=administration).update(submitted_at=day)


def _posttest_before_event(w):
    _survey(w, "after", _at(10))


def _pretest_after_event(w):
    _survey(w, "before", _at(25))


def _referral_before_event(w):
    from aksalarasa.partners.models import Referral
    from aksalarasa.programs.models import ProgramReferral

    service = PartnerServiceFactory(partner__office=w["office"])
    referral = Referral.objects.create(
        office=w["office"],
        client=make_client(w["office"]),
        service=service,
        partner=service.partner,
        referred_by=w["head"],
        reason="Pelatihan kerja",
        created_at=_at(3),
    )
    ProgramReferral.objects.create(program=w["program"], referral=referral)


CASES = [
    (_workshop_after_event, "workshop_after_event", "programs:planning", "20-06-2026"),
    (_contact_after_event, "contact_after_event", "programs:initiation", "18-06-2026"),
    (_event_outside_period, "event_outside_period", "programs:intervention", "05-07-2026"),
    (_closing_before_start, "closing_outside_period", "programs:termination", "20-05-2026"),
    (_posttest_before_event, "posttest_before_event", "programs:evaluation", "10-06-2026"),
    (_pretest_after_event, "pretest_after_event", "programs:evaluation", "25-06-2026"),
    (_referral_before_event, "referral_before_event", "programs:termination", "03-06-2026"),
]


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    return "\n".join(p.text for p in doc.paragraphs)


def test_a_consistent_program_has_no_warning(world, client):
    from aksalarasa.programs.consistency import cycle_warnings

    assert cycle_warnings(program=world["program"]) == []
    client.force_login(world["head"])
    page = client.get(reverse("programs:detail", args=[world["program"].pk])).content.decode()
    assert 'data-code="' not in page
    token, raw = api_token_create(user=world["head"], name="t")
    data = client.get(f"/api/v1/programs/{world['program'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert data["warnings"] == [] and all(s["warnings"] == [] for s in data["stages"])


@pytest.mark.parametrize(("make", "code", "stage_page", "date"), CASES, ids=[c[1] for c in CASES])
def test_each_contradiction_is_warned_on_page_api_and_report(world, client, make, code, stage_page, date):
    make(world)  # saving stays allowed
    program = world["program"]
    client.force_login(world["head"])

    overview = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    stage = client.get(reverse(stage_page, args=[program.pk])).content.decode()
    for page in (overview, stage):
        assert f'data-code="{code}"' in page and date in page

    _token, raw = api_token_create(user=world["head"], name="t")
    data = client.get(f"/api/v1/programs/{program.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    found = [w for w in data["warnings"] if w["code"] == code]
    assert found and date in found[0]["message"]
    stage_warnings = {s["value"]: [w["code"] for w in s["warnings"]] for s in data["stages"]}
    assert code in stage_warnings[found[0]["stage"]]

    docx = client.get(reverse("evidence:report_docx", args=[program.pk]))
    assert docx.status_code == 200
    text = _docx_text(docx.content)
    annex = text.split("Lampiran: tanggal yang tidak sesuai")[-1]
    assert found[0]["message"] in annex


def test_the_report_reads_stage_states_from_the_page_function(world, client):
    """A program whose page shows stage 1 complete: the report says so too (it read 'belum')."""
    from aksalarasa.programs.models import Contact
    from aksalarasa.programs.selectors import stage_checklist

    program = world["program"]
    for kind in (Contact.Kind.CONTACT, Contact.Kind.RELATION):
        Contact.objects.create(
            program=program,
            kind=kind,
            date=datetime.date(2026, 6, 2),
            people="Ibu RT Fiksi",
            institution="RT 03",
            purpose="Perkenalan",
            agreement="Bersedia membantu",
            created_by=world["head"],
        )
    assert stage_checklist(program=program)[0].complete
    client.force_login(world["head"])
    text = _docx_text(client.get(reverse("evidence:report_docx", args=[program.pk])).content)
    assert "1. Inisiasi sosial: lengkap" in text
    assert "2. Pengorganisasian sosial: belum ada" in text
    _token, raw = api_token_create(user=world["head"], name="t")
    data = client.get(f"/api/v1/programs/{program.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert data["stages"][0]["complete"] is True and data["stages"][1]["complete"] is False


def test_report_texts_are_edited_with_a_version_check(world, client):
    program = world["program"]
    client.force_login(world["head"])
    url = reverse("programs:report_texts", args=[program.pk])
    assert client.get(url).status_code == 200
    data = {
        "report_letter_number": "W20-123",
        "report_place": "Denpasar",
        "conclusions": "Tercapai.",
        "recommendations": "Lanjutkan.",
    }
    assert client.post(url, {**data, "version": program.version}).status_code == 302
    program.refresh_from_db()
    assert program.report_letter_number == "W20-123" and program.conclusions == "Tercapai."
    stale = client.post(url, {**data, "conclusions": "Timpa", "version": program.version - 1})
    assert stale.status_code == 422
    program.refresh_from_db()
    assert program.conclusions == "Tercapai."
