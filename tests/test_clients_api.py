"""The clients API validates with the page's forms: 422 per field, 409 on a stale version."""

from __future__ import annotations

import pytest

from aksalarasa.audit.models import AccessLog
from aksalarasa.clients.models import Client, Supervision
from tests.factories import make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(office_a):
    return make_user("office_head", office_a)


def test_create_returns_201_with_warnings_and_422_with_field_errors(office_a, head, client):
    officer = make_user("officer", office_a)
    client.force_login(head)
    payload = {
        "register_number": "API-1",
        "full_name": "I Gede Api",
        "sex": "M",
        "birth_date": "1993-01-09",
        "regency": "51.08",
        "phone": "0812 3456 7890",
        "officer": officer.pk,
    }
    created = client.post("/api/v1/clients", payload, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["client"]["phone"] == "+6281234567890" and body["client"]["category"] == "adult"
    assert body["warnings"] and body["client"]["version"] == 1
    bad = client.post(
        "/api/v1/clients", {**payload, "nik": "42", "sex": "Q"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"nik", "sex", "register_number"}
    assert Client.objects.count() == 1


def test_update_checks_the_version(office_a, head, client):
    subject = make_client(office_a, make_user("officer", office_a), full_name="Nama Awal")
    client.force_login(head)
    url = f"/api/v1/clients/{subject.pk}"
    ok = client.patch(url, {"full_name": "Nama Kedua", "version": 1}, content_type="application/json")
    assert (
        ok.status_code == 200
        and ok.json()["client"]["name"] == "Nama Kedua"
        and ok.json()["client"]["version"] == 2
    )
    stale = client.patch(url, {"full_name": "Nama Ketiga", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["detail"]
    missing = client.patch(url, {"full_name": "Nama Ketiga"}, content_type="application/json")
    assert missing.status_code == 422 and "version" in missing.json()["errors"]
    subject.refresh_from_db()
    assert subject.full_name == "Nama Kedua"


def test_supervisions_list_and_create_validate_like_the_page(office_a, head, client):
    subject = make_client(office_a, make_user("officer", office_a))
    client.force_login(head)
    url = f"/api/v1/clients/{subject.pk}/supervisions"
    created = client.post(
        url,
        {"program_type": "cb", "start": "2026-02-01", "end": "2026-11-30"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "active"
    bad = client.post(
        url,
        {"program_type": "diversion", "start": "2026-02-01", "end": "2026-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"end", "program_type"}
    assert [row["program_type"] for row in client.get(url).json()] == ["cb"]
    assert Supervision.objects.count() == 1


def test_list_filters_paginates_and_logs_reads(office_a, head, client):
    officer = make_user("officer", office_a)
    for n in range(7):
        make_client(office_a, officer, register_number=f"L-{n}")
    make_client(office_a, officer, child=True, register_number="L-child")
    client.force_login(head)
    page = client.get("/api/v1/clients?page_size=3&page=2&sort=register").json()
    assert (
        page["count"] == 8
        and page["pages"] == 3
        and [r["register_number"] for r in page["results"]] == ["L-3", "L-4", "L-5"]
    )
    children = client.get("/api/v1/clients?category=child").json()
    assert [r["register_number"] for r in children["results"]] == ["L-child"]
    assert client.get("/api/v1/clients?category=martian").status_code == 422
    assert AccessLog.objects.filter(action="api").count() == 4


def test_roles_without_write_rights_get_403_and_outsiders_404(office_a, office_b, client):
    subject = make_client(office_a, make_user("officer", office_a))
    client.force_login(make_user("program_team", office_a))
    create = client.post("/api/v1/clients", {"register_number": "Z"}, content_type="application/json")
    assert create.status_code == 403
    client.force_login(make_user("office_head", office_b))
    assert (
        client.patch(
            f"/api/v1/clients/{subject.pk}", {"version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/clients/{subject.pk}/supervisions", {}, content_type="application/json"
        ).status_code
        == 404
    )


def test_the_list_built_without_validation_is_exactly_what_the_schema_validates(office_a, head, client):
    """client_out builds its answer with model_construct (no validation, for speed): every page
    must still be what the published schema (the OpenAPI document) accepts, field for field."""
    from aksalarasa.clients.api import ClientPage

    officer = make_user("officer", office_a)
    adult = make_client(office_a, officer, register_number="V-1")
    make_client(office_a, officer, child=True, register_number="V-2")
    Supervision.objects.create(
        office=office_a, client=adult, program_type="pb", start="2026-01-05", end="2027-02-01"
    )
    for viewer in (head, officer):
        client.force_login(viewer)
        body = client.get("/api/v1/clients?sort=register").json()
        assert ClientPage.model_validate(body).model_dump(mode="json") == body
        assert body["results"][0]["end"] == "2027-02-01" and body["results"][0]["program_type"] == "pb"
