"""The community-sentence operations the pages had and the API lacked (#18 item 11): a service
site's create and edit, an order's edit with its version check, and the person's own view and
complaint by the private link's token. Each: success, bad input changes nothing (422 with the
field's reason, or 409 for a stale version), another office's record answers 404, and a child's
name is shown as initials wherever the caller may not see it."""

from __future__ import annotations

import json
from datetime import time, timedelta
from typing import Any

import pytest
from django.forms.models import model_to_dict

from aksalarasa.sentences import person, plan_services, services
from aksalarasa.sentences.models import PlacementComplaint, SentenceOrder, ServiceSite
from tests.factories import PartnerFactory, make_client, make_membership, make_order, make_site, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="PK Satu")
    head = make_user("office_head", office_a)
    client = make_client(office_a, officer, full_name="I Made Contoh")
    partner = PartnerFactory(office=office_a, name="Pokmas Lipas Pantai")
    supervisor = make_user("partner_staff", office_a, full_name="Pengawas Pantai")
    make_membership(supervisor, partner)
    site = make_site(office_a, partner, supervisors=[supervisor], actor=head, name="Pantai Uji",
                     address="Jl. Pantai Mertasari No. 9")  # fmt: skip
    order = make_order(client, actor=officer, site=site)
    head_b = make_user("office_head", office_b)
    return {"officer": officer, "head": head, "client": client, "partner": partner, "supervisor": supervisor,
            "site": site, "order": order, "office": office_a, "office_b": office_b, "head_b": head_b}  # fmt: skip


def _send(client, method: str, url: str, body: dict[str, Any]):
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def _row(obj) -> dict[str, Any]:
    fresh = type(obj).objects.get(pk=obj.pk)
    return {**model_to_dict(fresh), "version": fresh.version}


def _site_body(w, **extra) -> dict[str, Any]:
    return {
        "name": "Taman Desa Sanur", "kind": "partner", "partner_id": w["partner"].pk,
        "address": "Jl. Danau Tamblingan No. 3", "regency": "51.71", "village_code": "51.71.01.2010",
        "latitude": -8.68, "longitude": 115.26, "work_kinds": "kebersihan taman", "capacity_per_day": 4,
        "opening_days": [1, 3, 5], "opens_at": "08:00", "closes_at": "15:00",
        "safety_notes": "Sarung tangan wajib.", "equipment": "Sapu, karung", "mou_number": "MoU/12/2026",
        "mou_start": "2026-01-05", "mou_end": "2027-01-04", "non_commercial": True,
        "supervisor_ids": [w["supervisor"].pk], "active": True, **extra,
    }  # fmt: skip


# --- service sites ------------------------------------------------------------------------------


def test_the_api_adds_a_site_through_the_pages_form_and_service(w, client):
    client.force_login(w["head"])
    created = _send(client, "POST", "/api/v1/sentences/sites", _site_body(w))
    assert created.status_code == 201, created.content
    body = created.json()
    site = ServiceSite.objects.get(pk=body["id"])
    assert site.office == w["office"] and site.partner == w["partner"] and site.opening_days == "135"
    assert body["supervisor_ids"] == [w["supervisor"].pk] and body["regency"] == "51.71"
    assert body["opens_at"] == "08:00:00" and body["version"] == 1
    assert site.history.first().history_user == w["head"]  # written through the versioned service


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        ({"non_commercial": False}, "non_commercial", "Pasal 85 ayat (3)"),
        ({"opens_at": "16:00"}, "closes_at", "Lokasi tutup setelah buka."),
        ({"regency": "31.71"}, "regency", "provinsi kantor ini"),
        ({"latitude": 95}, "latitude", "-90"),
        ({"opening_days": []}, "opening_days", ""),
        ({"name": "Pantai Uji"}, "name", "sudah memiliki lokasi dengan nama ini"),
    ],
)
def test_a_site_the_form_or_the_service_refuses_answers_422_per_field_and_adds_nothing(
    w, client, extra, field, reason
):
    client.force_login(w["head"])
    before = ServiceSite.objects.count()
    refused = _send(client, "POST", "/api/v1/sentences/sites", _site_body(w, **extra))
    assert refused.status_code == 422, refused.content
    errors = refused.json()["errors"]
    assert field in errors and reason in " ".join(errors[field])
    assert ServiceSite.objects.count() == before


def test_a_supervisor_of_another_partner_is_refused_with_the_reason(w, client):
    stranger = make_user("partner_staff", w["office"], full_name="Staf Mitra Lain")
    make_membership(stranger, PartnerFactory(office=w["office"], name="Mitra Lain"))
    client.force_login(w["head"])
    refused = _send(client, "POST", "/api/v1/sentences/sites", _site_body(w, supervisor_ids=[stranger.pk]))
    assert refused.status_code == 422
    assert "staf mitra pemilik lokasi" in " ".join(refused.json()["errors"]["supervisors"])
    assert not ServiceSite.objects.filter(name="Taman Desa Sanur").exists()


def test_a_partner_or_supervisor_of_another_office_is_refused_and_nothing_is_added(w, client):
    partner_b = PartnerFactory(office=w["office_b"], name="Mitra Kantor Lain")
    staff_b = make_user("partner_staff", w["office_b"], full_name="Staf Kantor Lain")
    make_membership(staff_b, partner_b)
    client.force_login(w["head"])
    for extra, field in (
        ({"partner_id": partner_b.pk}, "partner"),
        ({"supervisor_ids": [staff_b.pk]}, "supervisors"),
    ):
        refused = _send(client, "POST", "/api/v1/sentences/sites", _site_body(w, **extra))
        assert refused.status_code == 422 and field in refused.json()["errors"]
        assert "Kantor Lain" not in refused.content.decode()
    assert not ServiceSite.objects.filter(name="Taman Desa Sanur").exists()


def test_only_those_who_manage_sites_add_one(w, client):
    client.force_login(w["officer"])  # a PK reads sites but does not manage them
    assert _send(client, "POST", "/api/v1/sentences/sites", _site_body(w)).status_code == 404
    assert not ServiceSite.objects.filter(name="Taman Desa Sanur").exists()


def test_the_api_edits_a_site_and_a_stale_version_changes_nothing(w, client):
    site = w["site"]
    client.force_login(w["head"])
    url = f"/api/v1/sentences/sites/{site.pk}"
    edit = _site_body(w, name="Pantai Mertasari", capacity_per_day=8, version=site.version)
    saved = _send(client, "PUT", url, edit)
    assert saved.status_code == 200, saved.content
    assert saved.json()["name"] == "Pantai Mertasari" and saved.json()["capacity_per_day"] == 8
    before = _row(site)
    stale = _send(client, "PUT", url, {**edit, "name": "Nama Lama", "supervisor_ids": [], "version": 1})
    assert stale.status_code == 409 and stale.json()["detail"].startswith("Orang lain mengubah data ini")
    assert _row(site) == before and list(site.supervisors.all()) == [w["supervisor"]]
    bad = _send(client, "PUT", url, {**edit, "closes_at": "07:00", "version": before["version"]})
    assert bad.status_code == 422 and "closes_at" in bad.json()["errors"]
    assert _row(site) == before


def test_another_offices_site_answers_404_and_stays_as_it_was(w, client):
    site = w["site"]
    before = _row(site)
    client.force_login(w["head_b"])
    foreign = _send(client, "PUT", f"/api/v1/sentences/sites/{site.pk}", _site_body(w, version=site.version))
    missing = _send(client, "PUT", "/api/v1/sentences/sites/987654321", _site_body(w, version=1))
    assert foreign.status_code == missing.status_code == 404 and foreign.content == missing.content
    assert _row(site) == before


# --- order edit ---------------------------------------------------------------------------------


def _order_body(order: SentenceOrder, **extra) -> dict[str, Any]:
    fields = (
        "sentence_type court case_number case_registered_on decision_number decision_date final_on article "
        "threatened_months hours_ordered hours_per_day period_months start_date replaced_prison_days "
        "replaced_fine prosecutor_office general_conditions special_conditions notes status version"
    ).split()
    body = {name: getattr(order, name) for name in fields}
    body = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in body.items()}
    return {**body, "site_id": order.site_id, **extra}


def test_the_api_edits_an_order_and_a_stale_version_changes_nothing(w, client):
    order = w["order"]
    client.force_login(w["officer"])
    url = f"/api/v1/sentences/orders/{order.pk}"
    saved = _send(client, "PUT", url, _order_body(order, hours_ordered=100, version=order.version))
    assert saved.status_code == 200, saved.content
    assert saved.json()["hours_ordered"] == 100 and saved.json()["version"] == order.version + 1
    assert saved.json()["client_name"] == "I Made Contoh"
    before = _row(order)
    stale = _send(client, "PUT", url, _order_body(order, hours_ordered=60, version=order.version))
    assert stale.status_code == 409 and "Orang lain mengubah data ini" in stale.json()["detail"]
    assert _row(order) == before


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        ({"hours_ordered": 300}, "hours_ordered", "Pasal 85 ayat (4)"),
        ({"period_months": 9}, "period_months", "Pasal 85 ayat (5)"),
        ({"hours_per_day": 10}, "hours_per_day", "Pasal 85 ayat (5)"),
        ({"status": "lost"}, "status", ""),
        ({"start_date": "bukan tanggal"}, "", ""),
    ],
)
def test_an_unlawful_order_edit_answers_422_and_changes_nothing(w, client, extra, field, reason):
    order = w["order"]
    before = _row(order)
    client.force_login(w["officer"])
    refused = _send(client, "PUT", f"/api/v1/sentences/orders/{order.pk}", _order_body(order, **extra))
    assert refused.status_code == 422, refused.content
    if field:
        assert reason in " ".join(refused.json()["errors"][field])
    assert _row(order) == before


def test_another_offices_order_or_another_pks_answers_404_and_stays_as_it_was(w, client):
    order = w["order"]
    before = _row(order)
    url = f"/api/v1/sentences/orders/{order.pk}"
    for user in (w["head_b"], make_user("officer", w["office"], full_name="PK Dua")):
        client.force_login(user)
        refused = _send(client, "PUT", url, _order_body(order, court="PN Lain"))
        missing = _send(client, "PUT", "/api/v1/sentences/orders/987654321", _order_body(order))
        assert refused.status_code == missing.status_code == 404 and refused.content == missing.content
    assert _row(order) == before


def test_an_order_edit_names_a_child_only_to_those_who_may_see_the_name(w, client):
    """Only the child's guidance staff may edit (and read) the order: the child's PK gets the name;
    the adult section's head and another PK get the 404 and no name."""
    child_pk = make_user("officer", w["office"], section="child", full_name="PK Anak")
    child = make_client(w["office"], child_pk, child=True, full_name="Ketut Anak Contoh")
    order = make_order(child, actor=child_pk, site=w["site"])
    url = f"/api/v1/sentences/orders/{order.pk}"
    client.force_login(child_pk)
    saved = _send(client, "PUT", url, _order_body(order, notes="Catatan"))
    assert saved.status_code == 200 and saved.json()["client_name"] == "Ketut Anak Contoh"
    order.refresh_from_db()
    for user in (make_user("section_head", w["office"], section="adult"), w["officer"]):
        client.force_login(user)
        refused = _send(client, "PUT", url, _order_body(order, notes="Lain"))
        assert refused.status_code == 404 and "Ketut" not in refused.content.decode()
    order.refresh_from_db()
    assert order.notes == "Catatan"


# --- the person's own view by token ----------------------------------------------------------------


def test_the_person_reads_balance_next_sessions_and_site_by_token(w, client):
    order = w["order"]
    services.hours_work_add(
        actor=w["officer"],
        order=order,
        data={"work_date": order.start_date + timedelta(days=2), "start": time(8), "end": time(11)},
    )
    plan_services.plan_propose(actor=w["officer"], order=order)
    token = person.link_issue(actor=w["officer"], order=order)
    answer = client.get(f"/api/v1/public/sentences/me/{token}")  # no login, no API token
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["name"] == "I Made Contoh" and body["office"] == w["office"].name
    assert body["credited_minutes"] == 180 and body["minutes_ordered"] == 120 * 60
    assert body["remaining_minutes"] == 120 * 60 - 180 and body["status"] == "active"
    assert body["site"]["address"] == "Jl. Pantai Mertasari No. 9" and body["site"]["name"] == "Pantai Uji"
    sessions = body["next_sessions"]
    assert 1 <= len(sessions) <= 5 and sessions == sorted(sessions, key=lambda s: (s["day"], s["starts_at"]))
    assert all(s["minutes"] > 0 for s in sessions)


def test_a_childs_own_view_shows_initials(w, client):
    child = make_client(w["office"], w["officer"], child=True, full_name="Ketut Anak Contoh")
    order = make_order(child, actor=w["officer"], site=w["site"])
    token = person.link_issue(actor=w["officer"], order=order)
    answer = client.get(f"/api/v1/public/sentences/me/{token}")
    assert answer.status_code == 200 and "Ketut Anak Contoh" not in answer.content.decode()
    assert answer.json()["name"] == child.initials


def test_a_wrong_revoked_or_missing_token_answers_the_same_404(w, client):
    first = person.link_issue(actor=w["officer"], order=w["order"])
    second = person.link_issue(actor=w["officer"], order=w["order"])  # the new link revokes the old
    assert client.get(f"/api/v1/public/sentences/me/{second}").status_code == 200
    tokens = (first, second[:-1] + ("x" if second[-1] != "x" else "y"), "x" * 43, "a" * 200)
    answers = [client.get(f"/api/v1/public/sentences/me/{t}") for t in tokens]
    answers += [_send(client, "POST", f"/api/v1/public/sentences/me/{t}/complaints",
                      {"kind": "safety", "text": "Tidak ada helm."}) for t in tokens]  # fmt: skip
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert not PlacementComplaint.objects.exists()


def test_a_complaint_by_token_reaches_the_kasi_and_bad_input_adds_nothing(w, client):
    token = person.link_issue(actor=w["officer"], order=w["order"])
    url = f"/api/v1/public/sentences/me/{token}/complaints"
    empty = _send(client, "POST", url, {"kind": "safety", "text": "   "})
    assert empty.status_code == 422 and empty.json()["errors"]["text"]
    unknown = _send(client, "POST", url, {"kind": "weather", "text": "Panas."})
    assert unknown.status_code == 422
    too_long = _send(client, "POST", url, {"kind": "other", "text": "x" * 2001})
    assert too_long.status_code == 422 and "text" in too_long.json()["errors"]
    assert not PlacementComplaint.objects.exists()
    sent = _send(client, "POST", url, {"kind": "commercial", "text": "Kami membersihkan kafe pengelola."})
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "open" and "Kasi" in sent.json()["detail"]
    complaint = PlacementComplaint.objects.get()
    assert complaint.order == w["order"] and complaint.site == w["site"] and complaint.kind == "commercial"
    kasi = make_user("section_head", w["office"], section="adult")
    client.force_login(kasi)
    assert client.get(f"/sentences/complaints/{complaint.pk}/").status_code == 200
    client.force_login(w["supervisor"])
    assert client.get(f"/sentences/complaints/{complaint.pk}/").status_code == 404


def test_the_token_look_ups_share_the_pages_rate_limit(w, client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.AKSALARASA_LOOKUP_RATE_PUBLIC = "3/d"  # a day: no window boundary falls inside the test
    token = person.link_issue(actor=w["officer"], order=w["order"])
    assert client.get(f"/sentences/me/{'x' * 43}/").status_code == 404  # the page counts too
    codes = [client.get(f"/api/v1/public/sentences/me/{'x' * 43}").status_code for _ in range(2)]
    refused = client.get(f"/api/v1/public/sentences/me/{token}")
    assert codes == [404, 404] and refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused.json()["detail"].startswith("Terlalu banyak pencarian")
    complaint = _send(client, "POST", f"/api/v1/public/sentences/me/{token}/complaints",
                      {"kind": "safety", "text": "Tidak ada helm."})  # fmt: skip
    assert complaint.status_code == 429 and not PlacementComplaint.objects.exists()


def test_the_plan_and_condition_checks_read_back_through_the_schemas(w, client):
    """The work plan's and the condition checks' answers are read from the rows by their schemas:
    the stored weekday "1" reads as the number 1."""
    from aksalarasa.sentences import compliance_services
    from aksalarasa.sentences.models import UnavailableTime

    order = w["order"]
    UnavailableTime.objects.create(
        office=w["office"], order=order, weekday="1", starts_at=time(7), ends_at=time(8), reason="work"
    )
    plan_services.plan_propose(actor=w["officer"], order=order)
    client.force_login(w["officer"])
    plan = client.get(f"/api/v1/sentences/orders/{order.pk}/plan").json()
    assert plan["unavailable"][0]["weekday"] == 1 and plan["unavailable"][0]["starts_at"] == "07:00:00"
    first = plan["sessions"][0]
    assert first["order_id"] == order.pk and first["site_id"] == w["site"].pk and first["minutes"] > 0
    supervision = make_order(
        w["client"], actor=w["officer"], sentence_type="supervision", hours_ordered=None, hours_per_day=None,
        replaced_prison_days=None, period_months=12, general_conditions="Tidak melakukan tindak pidana lagi",
    )  # fmt: skip
    compliance_services.condition_check_record(
        actor=w["officer"], order=supervision,
        data={"condition": "general", "checked_on": supervision.start_date, "result": "met"},
    )  # fmt: skip
    checks = client.get(f"/api/v1/sentences/orders/{supervision.pk}/compliance").json()["condition_checks"]
    assert (
        checks[0]["condition_text"] == "Tidak melakukan tindak pidana lagi" and checks[0]["result"] == "met"
    )


def test_the_operations_are_described_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"201", "404", "422"} <= set(paths["/api/v1/sentences/sites"]["post"]["responses"])
    for path in ("/api/v1/sentences/sites/{site_id}", "/api/v1/sentences/orders/{order_id}"):
        assert {"200", "404", "409", "422"} <= set(paths[path]["put"]["responses"]), path
    for method, path in (("get", "/api/v1/public/sentences/me/{token}"),
                         ("post", "/api/v1/public/sentences/me/{token}/complaints")):  # fmt: skip
        operation = paths[path][method]
        assert not operation.get("security")  # the token is the credential: no account
        assert {"404", "429"} <= set(operation["responses"]), path
