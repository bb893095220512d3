"""The clients pages: list, detail, forms, reassignment, Litmas, no-contacts, exports, PDP duties."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aksalarasa.audit.models import AccessLog
from aksalarasa.clients import pdp, services
from aksalarasa.clients.models import Client, Litmas, NoContact, OfficerAssignment
from aksalarasa.clients.registry import CLIENT_DETAIL_PANELS, ClientPanel
from tests.factories import SupervisionFactory, make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(office_a):
    return {
        "head": make_user("office_head", office_a),
        "bkd": make_user("section_head", office_a, section="adult"),
        "bka": make_user("section_head", office_a, section="child"),
        "pk": make_user("officer", office_a, full_name="PK Putu Uji"),
        "pk2": make_user("officer", office_a, full_name="PK Nyoman Uji"),
        "pk_child": make_user("officer", office_a, section="child", full_name="PK Ketut Uji"),
        "team": make_user("program_team", office_a),
    }


# --- list -----------------------------------------------------------------------------------------


def test_list_searches_filters_and_sorts(office_a, staff, client):
    make_client(office_a, staff["pk"], full_name="I Gede Arta", register_number="A-1")
    make_client(office_a, staff["pk2"], full_name="I Made Bagus", register_number="A-2")
    child = make_client(
        office_a, staff["pk_child"], child=True, full_name="Ni Luh Cantika", register_number="A-3"
    )
    SupervisionFactory(
        client=child, program_type="diversion", start=timezone.localdate() - timedelta(days=30)
    )
    client.force_login(staff["head"])
    url = reverse("clients:list")
    assert "A-1" in client.get(url, {"q": "arta"}).content.decode()
    assert "A-2" not in client.get(url, {"q": "arta"}).content.decode()
    children = client.get(url, {"category": "child"}).content.decode()
    assert "A-3" in children and "A-1" not in children
    by_officer = client.get(url, {"officer": staff["pk2"].pk}).content.decode()
    assert "A-2" in by_officer and "A-1" not in by_officer
    diversion = client.get(url, {"program_type": "diversion"}).content.decode()
    assert "A-3" in diversion and "A-2" not in diversion
    none = client.get(url, {"status": "none"}).content.decode()
    assert "A-1" in none and "A-3" not in none
    desc = client.get(url, {"sort": "-name"}).content.decode()
    assert desc.index("Ni Luh Cantika") < desc.index("I Made Bagus") < desc.index("I Gede Arta")


def test_list_htmx_answers_only_the_results_partial(office_a, staff, client):
    make_client(office_a, staff["pk"], register_number="H-1")
    client.force_login(staff["head"])
    response = client.get(reverse("clients:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="client-results")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="client-results"') and "H-1" in body and "<html" not in body


def test_list_paginates_with_bounded_queries(office_a, staff, client, django_assert_max_num_queries):
    for n in range(60):
        make_client(office_a, staff["pk"], register_number=f"P-{n:03d}")
    client.force_login(staff["head"])
    with django_assert_max_num_queries(12):
        first = client.get(reverse("clients:list"))
    assert first.content.decode().count('href="/clients/') >= 25
    with django_assert_max_num_queries(12):
        third = client.get(reverse("clients:list"), {"page": 3})
    assert "P-059" in third.content.decode() or "P-05" in third.content.decode()


# --- detail ---------------------------------------------------------------------------------------


def test_detail_logs_the_read_and_shows_history_and_registered_panels(
    office_a, staff, client, settings, tmp_path
):
    (tmp_path / "panel_probe.html").write_text("<section>{{ panel.greeting }}</section>")
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    subject = make_client(office_a, staff["pk"], full_name="I Wayan Riwayat")
    services.client_update(
        actor=staff["head"], client=subject, data={"notes": "Catatan baru"}, expected_version=1
    )
    panel = ClientPanel("test_timeline", "panel_probe.html", lambda request, c: {"greeting": "PANEL-OK"})
    CLIENT_DETAIL_PANELS.append(panel)
    try:
        client.force_login(staff["pk"])
        body = client.get(reverse("clients:detail", args=[subject.pk])).content.decode()
    finally:
        CLIENT_DETAIL_PANELS.remove(panel)
    assert "I Wayan Riwayat" in body and "Catatan baru" in body
    assert "PANEL-OK" in body
    assert AccessLog.objects.filter(user=staff["pk"], object_id=str(subject.pk), action="view").count() == 1


def test_detail_query_count_does_not_grow_with_related_rows(
    office_a, staff, client, django_assert_max_num_queries
):
    subject = make_client(office_a, staff["pk"])
    for year in range(2015, 2025):
        SupervisionFactory(
            client=subject,
            start=timezone.datetime(year, 1, 1).date(),
            end=timezone.datetime(year, 6, 1).date(),
            status="completed",
        )
    for _ in range(5):
        services.no_contact_add(
            actor=staff["head"], client=subject, other_client=make_client(office_a), person_name="", reason=""
        )
    client.force_login(staff["pk"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("clients:detail", args=[subject.pk])).status_code == 200


# --- create and edit ------------------------------------------------------------------------------


def _post_data(**extra):
    return {
        "register_number": "N-1",
        "full_name": "I Komang Baru",
        "sex": "M",
        "birth_date": "1991-04-02",
        **extra,
    }


def test_officer_registers_own_client_and_gets_a_work_area_warning(office_a, staff, client):
    client.force_login(staff["pk"])
    response = client.post(
        reverse("clients:create"), _post_data(officer=staff["pk"].pk, regency="51.08"), follow=True
    )
    created = Client.objects.get(register_number="N-1")
    assert created.officer == staff["pk"] and created.category == "adult"
    assert "Buleleng" in response.content.decode()  # warned, not refused


def test_officer_cannot_register_a_client_for_a_colleague(office_a, staff, client):
    client.force_login(staff["pk"])
    response = client.post(reverse("clients:create"), _post_data(officer=staff["pk2"].pk))
    assert response.status_code == 200 and "officer" in response.context["form"].errors
    assert not Client.objects.exists()


def test_duplicate_register_number_is_refused_with_a_message(office_a, staff, client):
    make_client(office_a, register_number="N-1")
    client.force_login(staff["head"])
    response = client.post(reverse("clients:create"), _post_data())
    assert "register_number" in response.context["form"].errors
    assert Client.objects.count() == 1


def test_a_taken_register_number_says_the_same_whoever_holds_it(office_a, staff, client):
    """A register number is one file per person in the office, so a number in use is refused even
    when the person may not see its client (a child, to the adult section); the answer is the one
    given for a client they can see, and names nothing of the child."""
    make_client(office_a, staff["pk"], register_number="N-SEEN", full_name="I Made Terlihat")
    make_client(
        office_a, staff["pk_child"], register_number="N-HIDDEN", full_name="Ni Luh Anak", category="child"
    )
    client.force_login(staff["bkd"])
    pages = {}
    for number in ("N-SEEN", "N-HIDDEN"):
        response = client.post(reverse("clients:create"), _post_data(register_number=number))
        pages[number] = response.context["form"].errors["register_number"]
        assert "Ni Luh Anak" not in response.content.decode()
    assert pages["N-SEEN"] == pages["N-HIDDEN"]
    assert Client.objects.count() == 2


def test_child_section_head_cannot_register_an_adult(office_a, staff, client):
    client.force_login(staff["bka"])
    response = client.post(reverse("clients:create"), _post_data())
    assert "birth_date" in response.context["form"].errors and not Client.objects.exists()


def test_edit_normalises_phone_and_refuses_stale_versions(office_a, staff, client):
    subject = make_client(office_a, staff["pk"], register_number="E-1", full_name="I Putu Ubah")
    client.force_login(staff["pk"])
    url = reverse("clients:edit", args=[subject.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    data.update(phone="0812 9999 1234", birth_date="1990-05-17")
    assert client.post(url, data).status_code == 302
    subject.refresh_from_db()
    assert subject.phone == "+6281299991234" and subject.version == 2
    stale = client.post(url, {**data, "phone": "0812 0000 0000"})  # still version 1
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    subject.refresh_from_db()
    assert subject.phone == "+6281299991234"


def test_program_team_cannot_edit(office_a, staff, client):
    subject = make_client(office_a, staff["pk"])
    client.force_login(staff["team"])
    assert client.get(reverse("clients:edit", args=[subject.pk])).status_code == 404  # not in scope at all


# --- reassign -------------------------------------------------------------------------------------


def test_section_head_reassigns_within_section_only(office_a, staff, client):
    subject = make_client(office_a, staff["pk"])
    client.force_login(staff["bkd"])
    url = reverse("clients:reassign", args=[subject.pk])
    choices = [pk for pk, _ in client.get(url).context["form"].fields["officer"].choices]
    assert (
        staff["pk2"].pk in choices and staff["pk_child"].pk not in choices and staff["pk"].pk not in choices
    )
    response = client.post(url, {"officer": staff["pk_child"].pk, "reason": "x"})
    assert response.status_code == 200 and "officer" in response.context["form"].errors
    assert client.post(url, {"officer": staff["pk2"].pk, "reason": "Cuti panjang"}).status_code == 302
    subject.refresh_from_db()
    assert subject.officer == staff["pk2"]
    assert OfficerAssignment.objects.filter(client=subject, end__isnull=True).get().reason == "Cuti panjang"


def test_office_head_reassigns_across_sections_and_officers_may_not(office_a, staff, client):
    subject = make_client(office_a, staff["pk"])
    client.force_login(staff["pk"])
    assert client.get(reverse("clients:reassign", args=[subject.pk])).status_code == 403
    client.force_login(staff["head"])
    response = client.post(
        reverse("clients:reassign", args=[subject.pk]), {"officer": staff["pk_child"].pk, "reason": "Alih"}
    )
    assert response.status_code == 302


# --- Litmas ---------------------------------------------------------------------------------------


def test_litmas_request_submit_and_list_overdue_first(office_a, staff, client):
    child = make_client(office_a, staff["pk_child"], child=True, full_name="Ni Kadek Litmas")
    adult = make_client(office_a, staff["pk"], full_name="I Made Litmas")
    today = timezone.localdate()
    client.force_login(staff["head"])
    client.post(
        reverse("clients:litmas_create", args=[adult.pk]),
        {"purpose": "parole", "requested_on": today.isoformat(), "officer": staff["pk"].pk},
    )
    client.post(
        reverse("clients:litmas_create", args=[child.pk]),
        {
            "purpose": "diversion",
            "requested_on": (today - timedelta(days=5)).isoformat(),
            "officer": staff["pk_child"].pk,
        },
    )
    late = Litmas.objects.get(client=child)
    assert late.due_date == today - timedelta(days=2)
    body = client.get(reverse("clients:litmas_list")).content.decode()
    assert body.index("Ni Kadek Litmas") < body.index("I Made Litmas")
    assert "litmas-overdue" in body
    future = client.post(
        reverse("clients:litmas_create", args=[adult.pk]),
        {
            "purpose": "court",
            "requested_on": (today + timedelta(days=2)).isoformat(),
            "officer": staff["pk"].pk,
        },
    )
    assert "requested_on" in future.context["form"].errors
    response = client.post(
        reverse("clients:litmas_submit", args=[late.pk]),
        {"submitted_on": today.isoformat(), "recommendation": "Diversi berhasil", "version": late.version},
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.submitted_on == today and not Litmas.objects.overdue().exists()
    bka_list = client.get(reverse("clients:litmas_list"), {"section": "adult"}).content.decode()
    assert "Ni Kadek Litmas" not in bka_list and "I Made Litmas" in bka_list


def test_litmas_document_must_be_a_pdf(office_a, staff, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    adult = make_client(office_a, staff["pk"])
    litmas = services.litmas_request(
        actor=staff["head"],
        client=adult,
        data={"purpose": "parole", "requested_on": timezone.localdate(), "officer": staff["pk"].pk},
    )
    client.force_login(staff["pk"])
    response = client.post(
        reverse("clients:litmas_submit", args=[litmas.pk]),
        {
            "submitted_on": timezone.localdate().isoformat(),
            "recommendation": "x",
            "version": 1,
            "document": SimpleUploadedFile("litmas.exe", b"MZ"),
        },
    )
    assert "document" in response.context["form"].errors
    litmas.refresh_from_db()
    assert litmas.submitted_on is None


# --- no-contact -----------------------------------------------------------------------------------


def test_no_contact_added_through_htmx_and_unknown_register_numbers_refused(
    office_a, office_b, staff, client
):
    subject = make_client(office_a, staff["pk"])
    other = make_client(office_a, staff["pk2"], register_number="NC-2", full_name="I Gede Lawan")
    make_client(office_b, register_number="NC-B")
    client.force_login(staff["pk"])
    url = reverse("clients:no_contact_add", args=[subject.pk])
    response = client.post(
        url, {"other_register_number": "NC-2", "reason": "Satu perkara"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "I Gede Lawan" in response.content.decode()
    assert NoContact.objects.filter(client=other, other_client=subject).exists()
    refused = client.post(url, {"other_register_number": "NC-B"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()
    empty = client.post(url, {}, HTTP_HX_REQUEST="true")
    assert 'role="alert"' in empty.content.decode()
    assert NoContact.objects.count() == 2


# --- export ---------------------------------------------------------------------------------------


def test_xlsx_export_is_scoped_and_logged(office_a, staff, client):
    from io import BytesIO

    from openpyxl import load_workbook

    mine = make_client(office_a, staff["pk"], register_number="X-1")
    make_client(office_a, staff["pk2"], register_number="X-2")
    client.force_login(staff["pk"])
    response = client.get(reverse("clients:export", args=["xlsx"]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == ["X-1"]
    assert list(AccessLog.objects.filter(action="export").values_list("object_id", flat=True)) == [
        str(mine.pk)
    ]


# --- personal-data duties -------------------------------------------------------------------------


def test_subject_export_json_and_pdf_for_head_and_own_officer_only(office_a, staff, client):
    subject = make_client(office_a, staff["pk"], full_name="I Nyoman Subjek", nik="5171014101900001")
    SupervisionFactory(client=subject)
    services.no_contact_add(
        actor=staff["head"], client=subject, other_client=None, person_name="Korban X", reason=""
    )
    for user in (staff["head"], staff["pk"]):
        client.force_login(user)
        data = json.loads(client.get(reverse("clients:subject_export", args=[subject.pk, "json"])).content)
        assert data["client"]["full_name"] == "I Nyoman Subjek" and len(data["supervisions"]) == 1
        assert data["no_contacts"][0]["person_name"] == "Korban X"
    pdf = client.get(reverse("clients:subject_export", args=[subject.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="export", object_id=str(subject.pk)).count() == 3
    client.force_login(staff["bkd"])  # sees the client, but is neither head nor the officer
    assert client.get(reverse("clients:subject_export", args=[subject.pk, "json"])).status_code == 404


def _past_retention(office, officer):
    client = make_client(
        office,
        officer,
        full_name="I Ketut Lama",
        nik="5171014101900001",
        phone="+6281234567890",
        notes="rahasia",
    )
    ended = timezone.localdate() - timedelta(days=365 * 6)
    SupervisionFactory(client=client, start=ended - timedelta(days=300), end=ended, status="completed")
    services.no_contact_add(
        actor=officer, client=client, other_client=None, person_name="Korban Lama", reason="korban"
    )
    services.client_update(actor=officer, client=client, data={"address": "Jl. Lama 1"}, expected_version=1)
    return client


def test_retention_dry_run_changes_nothing_and_the_run_anonymises_history_too(office_a, staff):
    old = _past_retention(office_a, staff["pk"])
    recent = make_client(office_a, staff["pk"], full_name="I Made Baru")
    SupervisionFactory(
        client=recent,
        start=timezone.localdate() - timedelta(days=400),
        end=timezone.localdate() - timedelta(days=30),
        status="completed",
    )
    version_before = old.version
    dry = pdp.retention_run(dry_run=True)
    assert dry.client_ids == [old.pk] and dict(dry.per_office) == {office_a.name: 1}
    old.refresh_from_db()
    assert old.full_name == "I Ketut Lama" and old.anonymised_at is None
    report = pdp.retention_run(dry_run=False)
    assert report.total == 1
    old.refresh_from_db()
    assert (
        old.full_name == f"Anonim {old.pk}"
        and old.nik == ""
        and old.phone == ""
        and old.address == ""
        and old.notes == ""
    )
    assert old.anonymised_at is not None and old.category == "adult" and old.birth_date.year == 1990
    assert old.supervisions.count() == 1
    # The anonymisation itself is in the history: one newest row, no person, the reason, version moved.
    newest = old.history.order_by("-history_date", "-history_id").first()
    assert newest.history_type == "~" and newest.history_user is None
    assert newest.history_change_reason == "Dianonimkan: masa retensi telah berakhir"
    assert newest.anonymised_at is not None and old.version == version_before + 1
    for row in old.history.all():
        assert row.full_name == f"Anonim {old.pk}" and row.nik == "" and row.address == "" and row.notes == ""
    assert not NoContact.objects.filter(person_name="Korban Lama").exists()
    assert not NoContact.history.filter(person_name="Korban Lama").exists()
    assert pdp.retention_run(dry_run=False).total == 0  # idempotent
    recent.refresh_from_db()
    assert recent.anonymised_at is None


def test_retention_command_reports_per_office(office_a, staff, capsys):
    _past_retention(office_a, staff["pk"])
    call_command("retention_run", "--dry-run")
    out = capsys.readouterr().out
    assert f"{office_a.name}: would anonymise 1" in out
    assert Client.objects.filter(anonymised_at__isnull=True).count() == 1
    call_command("retention_run")
    assert Client.objects.filter(anonymised_at__isnull=False).count() == 1
