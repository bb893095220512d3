"""Community sentences: orders, suitability, sites and the append-only, hash-chained hours ledger."""

from __future__ import annotations

import json
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksalarasa.clients.models import Client, Litmas
from aksalarasa.sentences import ledger, selectors, services
from aksalarasa.sentences.models import AppendOnly, HoursEntry, SentenceOrder, ServiceSite, Suitability
from tests.factories import (
    PartnerFactory,
    make_client,
    make_membership,
    make_order,
    make_site,
    make_user,
    order_data,
    zone_on_another_day,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="PK Satu")
    other_officer = make_user("officer", office_a, full_name="PK Dua")
    head = make_user("office_head", office_a)
    client = make_client(office_a, officer, full_name="I Made Contoh")
    partner = PartnerFactory(office=office_a, name="Pokmas Lipas Pantai")
    supervisor = make_user("partner_staff", office_a, full_name="Pengawas Pantai")
    make_membership(supervisor, partner)
    site = make_site(office_a, partner, supervisors=[supervisor], actor=head, name="Pantai Uji")
    order = make_order(client, actor=officer, site=site)
    return {
        "office": office_a,
        "office_b": office_b,
        "officer": officer,
        "other_officer": other_officer,
        "head": head,
        "client": client,
        "partner": partner,
        "supervisor": supervisor,
        "site": site,
        "order": order,
    }


def _work(order, actor, day_offset=1, start=(8, 0), end=(12, 0), breaks=0):
    day = order.start_date + timedelta(days=day_offset)
    return services.hours_work_add(
        actor=actor,
        order=order,
        data={"work_date": day, "start": time(*start), "end": time(*end), "break_minutes": breaks},
    )


# --- orders -------------------------------------------------------------------------------------


def test_an_order_records_the_decision_and_its_author(w):
    order = w["order"]
    assert order.office_id == w["office"].pk and order.site == w["site"]
    assert order.history.first().history_user_id == w["officer"].pk


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"hours_ordered": 300}, "hours_ordered"),
        ({"period_months": 9}, "period_months"),
        ({"hours_per_day": 10}, "hours_per_day"),
        ({"threatened_months": 60}, "threatened_months"),
        ({"replaced_prison_days": 200}, "replaced_prison_days"),
        ({"replaced_prison_days": None, "replaced_fine": 12_000_000}, "replaced_fine"),
    ],
)
def test_an_unlawful_order_is_refused_and_nothing_is_written(w, extra, field):
    before = SentenceOrder.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.order_create(actor=w["officer"], client=w["client"], data=order_data(**extra))
    assert field in caught.value.message_dict
    assert "UU 1/2023" in caught.value.message_dict[field][0]
    assert SentenceOrder.objects.count() == before


def test_an_order_for_a_new_client_registers_the_client_through_the_clients_service(w):
    client_data = {
        "register_number": "KS-0001",
        "full_name": "Ni Kadek Baru",
        "sex": "F",
        "birth_date": timezone.localdate().replace(year=1995),
        "officer": w["officer"].pk,
    }
    order = services.order_create_with_client(
        actor=w["officer"], office=w["office"], client_data=client_data, data=order_data()
    )
    assert order.client.full_name == "Ni Kadek Baru" and order.client.officer_id == w["officer"].pk
    # A refused decision registers nobody.
    with pytest.raises(ValidationError):
        services.order_create_with_client(
            actor=w["officer"],
            office=w["office"],
            client_data={**client_data, "register_number": "KS-0002"},
            data=order_data(hours_ordered=300),
        )
    assert not Client.objects.filter(register_number="KS-0002").exists()


def test_an_order_edit_refuses_a_stale_version(w):
    from aksalarasa.core.concurrency import StaleVersion

    order = w["order"]
    data = order_data(decision_number=order.decision_number, site=w["site"])
    services.order_update(actor=w["officer"], order=order, data=data, expected_version=order.version)
    with pytest.raises(StaleVersion):
        services.order_update(actor=w["officer"], order=order, data=data, expected_version=1)


# --- who sees what ------------------------------------------------------------------------------


def test_orders_are_seen_by_the_clients_guidance_staff_only(w):
    order = w["order"]
    assert SentenceOrder.objects.visible_to(w["officer"]).filter(pk=order.pk).exists()
    assert SentenceOrder.objects.visible_to(w["head"]).filter(pk=order.pk).exists()
    section_head = make_user("section_head", w["office"])  # adult section: the client is an adult
    assert SentenceOrder.objects.visible_to(section_head).filter(pk=order.pk).exists()
    child_section = make_user("section_head", w["office"], section="child")
    outsiders = [
        w["other_officer"],
        child_section,
        w["supervisor"],
        make_user("program_team", w["office"]),
        make_user("office_head", w["office_b"]),
        make_user("national"),
    ]
    for user in outsiders:
        assert not SentenceOrder.objects.visible_to(user).filter(pk=order.pk).exists(), user.roles
        assert not HoursEntry.objects.visible_to(user).exists()


def test_the_site_supervisor_sees_the_site_and_the_name_but_not_the_case(w, client):
    _work(w["order"], w["officer"])
    client.force_login(w["supervisor"])
    page = client.get(f"/sentences/sites/{w['site'].pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "I Made Contoh" in body
    assert w["order"].article not in body and w["order"].decision_number not in body
    assert client.get(f"/sentences/{w['order'].pk}/").status_code == 404
    assert client.get(f"/api/v1/sentences/orders/{w['order'].pk}").status_code == 404


def test_a_child_placed_at_a_site_shows_as_initials_to_the_supervisor(w, client):
    child = make_client(w["office"], w["officer"], child=True, full_name="Komang Anak Contoh")
    make_order(child, actor=w["officer"], site=w["site"])
    client.force_login(w["supervisor"])
    body = client.get(f"/sentences/sites/{w['site'].pk}/").content.decode()
    assert "Komang Anak Contoh" not in body and "K.A.C." in body


def test_another_offices_order_and_site_answer_404(w, client):
    client.force_login(make_user("office_head", w["office_b"]))
    for url in (
        f"/sentences/{w['order'].pk}/",
        f"/sentences/{w['order'].pk}/edit/",
        f"/sentences/sites/{w['site'].pk}/",
        f"/api/v1/sentences/orders/{w['order'].pk}/hours",
    ):
        assert client.get(url).status_code == 404, url


# --- sites --------------------------------------------------------------------------------------


def test_a_site_needs_the_non_commercial_declaration(w):
    with pytest.raises(ValidationError) as caught:
        make_site(w["office"], w["partner"], non_commercial=False, actor=w["head"])
    assert "Art. 85(3)" in caught.value.message_dict["non_commercial"][0]


def test_site_supervisors_are_staff_of_the_sites_partner(w):
    stranger = make_user("partner_staff", w["office"])
    make_membership(stranger, PartnerFactory(office=w["office"]))
    with pytest.raises(ValidationError) as caught:
        make_site(w["office"], w["partner"], supervisors=[stranger], actor=w["head"])
    assert "supervisors" in caught.value.message_dict


def test_the_site_form_refuses_a_missing_declaration_in_indonesian(w, client):
    client.force_login(w["head"])
    response = client.post(
        "/sentences/sites/new/",
        {"name": "Tanpa Deklarasi", "kind": "public_place", "address": "Jl. X", "regency": "51.71",
         "work_kinds": "menyapu", "capacity_per_day": 3, "opening_days": ["1"], "opens_at": "08:00",
         "closes_at": "12:00"},
    )  # fmt: skip
    assert response.status_code == 422
    assert "tidak bersifat komersial" in response.content.decode()
    assert not ServiceSite.objects.filter(name="Tanpa Deklarasi").exists()


def test_the_site_form_picks_regency_and_village_by_name_inside_the_province(w, client):
    """Issue 17 item 8 on the site form: places are typed by name and stored as Kemendagri codes; a
    regency outside the office's province is refused with a message, and nothing is saved."""
    client.force_login(w["head"])
    data = {
        "name": "Pantai Sanur", "kind": "public_place", "address": "Jl. Pantai", "regency": "Kota Denpasar",
        "village_code": "Sanur Kauh", "work_kinds": "menyapu", "capacity_per_day": 3, "opening_days": ["1"],
        "opens_at": "08:00", "closes_at": "12:00", "non_commercial": "on", "active": "on",
    }  # fmt: skip
    response = client.post("/sentences/sites/new/", {**data, "regency": "Surabaya"})
    assert (
        response.status_code == 422
        and "Pilih kabupaten/kota di provinsi kantor ini." in response.content.decode()
    )
    assert not ServiceSite.objects.filter(name="Pantai Sanur").exists()
    response = client.post("/sentences/sites/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    site = ServiceSite.objects.get(name="Pantai Sanur")
    assert (
        site.regency_id == "51.71"
        and site.village_code.startswith("51.71.")
        and site.village_code.count(".") == 3
    )


# --- suitability --------------------------------------------------------------------------------


def test_suitability_records_the_factors_and_consent_names_who_explained(w):
    litmas = Litmas.objects.create(
        office=w["office"], client=w["client"], purpose="community_sentence",
        requested_on=timezone.localdate(), due_date=timezone.localdate(), officer=w["officer"],
    )  # fmt: skip
    data = {factor: "favourable" for factor in Suitability.FACTORS}
    data |= {"recommendation": "community_service", "hours_recommended": 120, "consent_given": True}
    with pytest.raises(ValidationError) as caught:
        services.suitability_save(actor=w["officer"], litmas=litmas, data=data, expected_version=None)
    assert "consent_given" in caught.value.message_dict
    data |= {
        "consent_explained_by": w["officer"],
        "consent_explained_at": timezone.now() - timedelta(hours=1),
    }
    saved = services.suitability_save(actor=w["officer"], litmas=litmas, data=data, expected_version=None)
    assert saved.consent_explained_by == w["officer"] and saved.admission == "favourable"
    assert saved.history.first().history_user_id == w["officer"].pk


# --- the hours ledger ---------------------------------------------------------------------------


def test_credited_minutes_are_end_minus_start_minus_breaks(w):
    entry = _work(w["order"], w["officer"], start=(8, 0), end=(12, 30), breaks=30)
    assert entry.credited_minutes == 240 and entry.sequence == 1 and entry.previous_hash == ledger.GENESIS


def test_more_than_8_hours_in_one_day_is_refused(w):
    _work(w["order"], w["officer"], start=(7, 0), end=(12, 0))
    with pytest.raises(ValidationError) as caught:
        _work(w["order"], w["officer"], start=(13, 0), end=(17, 0))
    assert "8 hours a day" in caught.value.message_dict["end"][0]


def test_work_outside_the_period_is_refused(w):
    order = w["order"]
    with pytest.raises(ValidationError) as caught:
        _work(order, w["officer"], day_offset=-2)
    assert "work_date" in caught.value.message_dict


def test_today_is_the_offices_day_whatever_zone_the_server_runs_in(w):
    """Hours are credited up to today where the office is. The server's zone (a worker, a command,
    UTC) is put on another day than the office's: today's work is still accepted, tomorrow's not."""
    order, today = w["order"], w["office"].today()
    with timezone.override(ZoneInfo(zone_on_another_day(w["office"].time_zone))):
        assert timezone.localdate() != today
        entry = _work(order, w["officer"], day_offset=(today - order.start_date).days)
        assert entry.work_date == today
        with pytest.raises(ValidationError) as caught:
            _work(order, w["officer"], day_offset=(today - order.start_date).days + 1)
    assert caught.value.message_dict["work_date"] == ["Hours are credited after the work, not before."]


def test_entries_are_never_updated_or_deleted(w):
    entry = _work(w["order"], w["officer"])
    entry.credited_minutes = 480
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        HoursEntry.objects.filter(pk=entry.pk).update(credited_minutes=1)
    with pytest.raises(AppendOnly):
        HoursEntry.objects.filter(pk=entry.pk).delete()


def test_a_correction_is_a_new_entry_with_a_reason(w):
    entry = _work(w["order"], w["officer"])
    with pytest.raises(ValidationError):
        services.hours_correction_add(actor=w["head"], order=w["order"], data={"minutes": -60, "reason": ""})
    correction = services.hours_correction_add(
        actor=w["head"],
        order=w["order"],
        data={"minutes": -60, "reason": "Istirahat tidak dicatat", "corrects": entry},
    )
    assert correction.sequence == 2 and correction.previous_hash == entry.entry_hash
    assert selectors.order_balance(order=w["order"]) == 240 - 60
    assert HoursEntry.objects.get(pk=entry.pk).credited_minutes == 240  # the original is untouched


def test_tampering_with_a_row_through_sql_shows_in_the_chain(w):
    order = w["order"]
    for offset in (1, 2, 3):
        _work(order, w["officer"], day_offset=offset)
    assert selectors.ledger_check(order=order) == []
    second = HoursEntry.objects.get(order=order, sequence=2)
    table = connection.ops.quote_name(HoursEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET credited_minutes = 480 WHERE id = %s", [second.pk])
    assert [(b.sequence, b.problem) for b in selectors.ledger_check(order=order)] == [(2, "hash")]
    # Deleting a row behind the application's back breaks the link of the next one.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [second.pk])
    assert (3, "link") in {(b.sequence, b.problem) for b in selectors.ledger_check(order=order)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.tuples(
                st.just("work"),
                st.integers(min_value=1, max_value=40),
                st.integers(min_value=15, max_value=240),
            ),
            st.tuples(st.just("fix"), st.integers(min_value=-120, max_value=120), st.just(0)),
        ),
        max_size=8,
    )
)
def test_the_balance_is_always_the_sum_of_the_ledger(w, steps):
    order = SentenceOrder.objects.create(
        **{k: v for k, v in order_data().items() if k != "site"}, office=w["office"], client=w["client"]
    )
    expected = 0
    for kind, a, b in steps:
        try:
            if kind == "work":
                entry = _work(order, w["officer"], day_offset=a, start=(8, 0), end=(8 + b // 60, b % 60))
            else:
                entry = services.hours_correction_add(
                    actor=w["officer"], order=order, data={"minutes": a, "reason": "koreksi"}
                )
        except ValidationError:
            continue
        expected += entry.credited_minutes
    entries = list(HoursEntry.objects.filter(order=order).order_by("sequence"))
    assert selectors.order_balance(order=order) == expected == sum(e.credited_minutes for e in entries)
    assert 0 <= expected <= order.minutes_ordered
    assert ledger.verify(entries) == []


# --- pages and API ------------------------------------------------------------------------------


def test_the_order_form_refuses_300_hours_in_indonesian_and_changes_nothing(w, client):
    client.force_login(w["officer"])
    data = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in order_data(hours_ordered=300).items()
        if v is not None
    }
    data["client"] = w["client"].pk
    before = SentenceOrder.objects.count()
    response = client.post("/sentences/new/", data)
    assert response.status_code == 422
    assert "8 sampai 240 jam" in response.content.decode()
    assert SentenceOrder.objects.count() == before


def test_the_api_creates_an_order_and_refuses_an_unlawful_one(w, client):
    client.force_login(w["officer"])
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in order_data().items()}
    body["client_id"] = w["client"].pk
    created = client.post("/api/v1/sentences/orders", json.dumps(body), content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["end_date"] and created.json()["client_name"] == "I Made Contoh"
    body |= {"decision_number": "X/2026", "period_months": 9}
    refused = client.post("/api/v1/sentences/orders", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert "Pasal 85 ayat (5)" in json.dumps(refused.json(), ensure_ascii=False)


def test_the_api_credits_hours_and_reports_the_chain(w, client):
    client.force_login(w["officer"])
    day = (w["order"].start_date + timedelta(days=2)).isoformat()
    url = f"/api/v1/sentences/orders/{w['order'].pk}/hours"
    ok = client.post(
        url, json.dumps({"work_date": day, "start": "08:00", "end": "11:00"}), content_type="application/json"
    )
    assert ok.status_code == 201 and ok.json()["credited_minutes"] == 180
    too_long = client.post(
        url, json.dumps({"work_date": day, "start": "12:00", "end": "18:00"}), content_type="application/json"
    )
    assert too_long.status_code == 422
    ledger_body = client.get(url).json()
    assert ledger_body["credited_minutes"] == 180 and ledger_body["chain_intact"] is True


def test_the_order_list_reads_in_a_fixed_number_of_queries(w, client, django_assert_max_num_queries):
    for _ in range(5):
        make_order(make_client(w["office"], w["officer"]), actor=w["officer"], site=w["site"])
    client.force_login(w["officer"])
    with django_assert_max_num_queries(12):
        assert client.get("/sentences/").status_code == 200


# --- XLSX import (all or nothing, a list of problems per row) -----------------------------------


def _xlsx(rows: list[dict]) -> bytes:
    import io

    from openpyxl import Workbook

    from aksalarasa.sentences.importing import OrderImporter

    names = [c.name for c in OrderImporter.columns]
    book = Workbook()
    sheet = book.active
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(name, "") for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(client, **extra) -> dict:
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in order_data().items()}
    data = {k: ("" if v is None else str(v)) for k, v in data.items()}
    return {"register_number": client.register_number, "site": "Pantai Uji", **data, **extra}


def test_import_refuses_the_whole_file_and_lists_each_rows_problem(w):
    from aksalarasa.clients.services import import_run
    from aksalarasa.sentences.importing import OrderImporter

    before = SentenceOrder.objects.count()
    content = _xlsx(
        [
            _row(w["client"]),
            _row(w["client"], hours_ordered="300"),
            _row(w["client"], period_months="9", register_number="NOPE"),
        ]
    )
    outcome = import_run(
        actor=w["officer"],
        importer_class=OrderImporter,
        token="t-bad",
        filename="putusan.xlsx",
        content=content,
    )
    assert outcome.rejected
    problems = {(issue.row, issue.column) for issue in outcome.result.errors}
    assert {(3, "hours_ordered"), (4, "period_months"), (4, "register_number")} <= problems
    assert not any(row == 2 for row, _column in problems)
    assert SentenceOrder.objects.count() == before


def test_import_writes_every_row_after_confirmation_and_twice_adds_nothing(w):
    from aksalarasa.clients.services import import_confirm, import_run
    from aksalarasa.sentences.importing import OrderImporter

    second = make_client(w["office"], w["officer"])
    content = _xlsx([_row(w["client"]), _row(second, sentence_type="supervision", hours_ordered="",
                     hours_per_day="", site="", period_months="12", general_conditions="Tidak mengulangi")])  # fmt: skip
    before = SentenceOrder.objects.count()
    outcome = import_run(
        actor=w["officer"],
        importer_class=OrderImporter,
        token="t-ok",
        filename="putusan.xlsx",
        content=content,
    )
    assert outcome.preview and SentenceOrder.objects.count() == before, outcome.result.errors
    done = import_confirm(actor=w["officer"], importers=[OrderImporter], token="t-ok")
    assert done.result.created == 2 and SentenceOrder.objects.count() == before + 2
    again = import_run(
        actor=w["officer"],
        importer_class=OrderImporter,
        token="t-again",
        filename="putusan.xlsx",
        content=content,
    )
    assert again.result.unchanged == 2 and again.result.created == 0


def test_the_site_roster_is_for_its_supervisors_and_the_offices_guidance_staff(w, client):
    url = f"/sentences/sites/{w['site'].pk}/"
    colleague = make_user("partner_staff", w["office"])  # same partner, not a supervisor of this site
    make_membership(colleague, w["partner"])
    for user, sees in (
        (w["officer"], True),
        (w["head"], True),
        (w["supervisor"], True),
        (make_user("national"), False),
        (make_user("regional", w["office"]), False),
        (make_user("program_team", w["office"]), False),
        (colleague, False),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user.roles
        assert ("I Made Contoh" in response.content.decode()) == sees, user.roles
