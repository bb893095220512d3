"""The REST API: personal tokens, the foundation's operations, shared validation, session policy."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from aksalarasa.accounts import services as account_services
from aksalarasa.accounts.models import ApiToken
from aksalarasa.core.concurrency import StaleVersion
from tests.factories import PASSWORD, make_user


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def head(office_a):
    return make_user("office_head", office_a, username="kabapas", language="en")


@pytest.fixture
def head_token(head) -> str:
    _token, raw = account_services.api_token_create(user=head, name="script")
    return raw


# --- Personal tokens ------------------------------------------------------------------------


def test_token_created_in_the_ui_is_shown_once_and_stored_only_as_a_hash(client, head):
    client.force_login(head)
    response = client.post("/accounts/tokens/", {"name": "laptop"})
    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw.startswith("aks_") and len(raw) > 40
    assert raw in response.content.decode()

    token = ApiToken.objects.get(user=head)
    assert token.name == "laptop"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    for name, value in ApiToken.objects.filter(pk=token.pk).values().get().items():
        assert raw not in str(value), f"the raw token is stored in {name}"
    assert len(token.hint) < len(raw) // 2  # a hint to recognise it, not the secret

    profile = client.get("/accounts/profile/").content.decode()
    assert raw not in profile
    assert token.hint in profile

    me = Client().get("/api/v1/me", **_bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "kabapas"


def test_token_use_is_recorded(client, head, head_token):
    token = ApiToken.objects.get(user=head)
    assert token.last_used_at is None
    client.get("/api/v1/me", **_bearer(head_token))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_401_json(client, head):
    client.force_login(head)
    raw = client.post("/accounts/tokens/", {"name": "old"}).context["raw"]
    token = ApiToken.objects.get(user=head)
    assert Client().get("/api/v1/me", **_bearer(raw)).status_code == 200

    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = Client().get("/api/v1/me", **_bearer(raw))
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json()["detail"]


def test_token_of_a_deactivated_account_is_refused(head, head_token):
    head.is_active = False
    head.save()
    assert Client().get("/api/v1/me", **_bearer(head_token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer aks_nottherightone", "Bearer " + "x" * 5000, "Basic a2FiYXBhczp4", "aks_x"],
)
def test_bad_credentials_answer_401_json(db, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": response.json()["detail"]}


def test_someone_elses_token_cannot_be_revoked(client, office_a, head_token):
    other = make_user("admin", office_a)
    client.force_login(other)
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Operations -----------------------------------------------------------------------------


def test_me_describes_the_token_owner(head, head_token, office_a):
    body = Client().get("/api/v1/me", **_bearer(head_token)).json()
    assert body == {
        "id": head.pk,
        "username": "kabapas",
        "full_name": head.full_name,
        "email": head.email,
        "office_id": office_a.pk,
        "office_name": office_a.name,
        "regional_office_id": None,
        "roles": ["office_head"],
        "section": "",
        "officer_grade": "",
        "language": "en",
    }


def test_offices_lists_the_heads_office_with_its_work_area(office_a, office_b, head_token):
    body = Client().get("/api/v1/offices", **_bearer(head_token)).json()
    assert [o["id"] for o in body] == [office_a.pk]
    office = body[0]
    assert office["zone"] == "WITA"
    assert office["version"] == 1
    assert {r["code"] for r in office["work_area"]} == {"51.71", "51.03"}
    assert office["regional_office_id"] == office_a.regional_office_id


def test_regions_walk_down_from_provinces_to_villages(head_token):
    api = Client(**_bearer(head_token))
    provinces = api.get("/api/v1/regions").json()
    assert len(provinces) == 38
    assert {"code": "51", "name": "Bali", "type": "provinsi"} in provinces

    districts = api.get("/api/v1/regions?parent=51.71").json()
    assert {d["name"] for d in districts} == {
        "Denpasar Selatan",
        "Denpasar Timur",
        "Denpasar Barat",
        "Denpasar Utara",
    }
    villages = api.get("/api/v1/regions?parent=51.71.01").json()
    assert {"code": "51.71.01.1001", "name": "Serangan", "type": "kelurahan"} in villages
    assert all(v["code"].startswith("51.71.01.") for v in villages)
    assert api.get("/api/v1/regions?parent=51.71.01.1001").json() == []


@pytest.mark.parametrize("parent", ["zz", "99", "51.99", "!"])
def test_regions_of_an_unknown_parent_are_empty_not_the_provinces(head_token, parent):
    response = Client(**_bearer(head_token)).get("/api/v1/regions", {"parent": parent})
    assert response.status_code == 200
    assert response.json() == []


def test_regencies_are_listed(head_token):
    body = Client().get("/api/v1/regions/regencies", **_bearer(head_token)).json()
    assert {"code": "51.71", "name": "Kota Denpasar", "kind": "kota"} in body
    assert all(r["code"].count(".") == 1 for r in body)


def test_patch_changes_settings_and_the_work_area(client, office_a, head_token):
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "village_code": "51.71.01.1001", "work_area": ["51.71"], "retention_years": 7},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert body["village_code"] == "51.71.01.1001"
    assert [r["code"] for r in body["work_area"]] == ["51.71"]
    office_a.refresh_from_db()
    assert office_a.retention_years == 7
    assert office_a.name == "Bapas Kelas I Alpha"  # untouched fields keep their value


def test_patch_with_null_leaves_a_field_as_it_is(client, office_a, head_token):
    office_a.require_2fa_for_heads = True
    office_a.save()
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "require_2fa_for_heads": None, "work_area": None, "name": None},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert response.status_code == 200, response.content
    office_a.refresh_from_db()
    assert office_a.require_2fa_for_heads is True
    assert {r.pk for r in office_a.work_area.all()} == {"51.71", "51.03"}
    assert office_a.name == "Bapas Kelas I Alpha"


def test_patch_with_a_stale_version_answers_409(client, office_a, head_token):
    ok = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "1"},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert ok.status_code == 200
    stale = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "2"},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert stale.status_code == 409
    with translation.override("en"):
        assert stale.json()["detail"] == str(StaleVersion.message)


# --- The UI and the API validate with the same form -----------------------------------------

BAD_SETTINGS = [
    ("village_code", "51.71", "51.71 is not a village (desa/kelurahan) code."),
    ("village_code", "00.00.00.0000", "00.00.00.0000 is not a village (desa/kelurahan) code."),
    ("work_area", [], "This field is required."),
    ("retention_years", 0, "Retention must be between 1 and 30 years."),
    ("retention_years", 31, "Retention must be between 1 and 30 years."),
    ("time_zone", "Europe/Paris", "Select a valid choice. Europe/Paris is not one of the available choices."),
    ("work_area", ["51"], "51 is not a regency/city you can choose here."),
    ("work_area", ["51.71.01.2010"], "51.71.01.2010 is not a regency/city you can choose here."),
    (
        "work_area",
        ["Kabupaten Tidak Ada"],
        "No place of this name was found. Type part of the name and choose from the list.",
    ),
    ("name", "", "This field is required."),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_SETTINGS)
def test_ui_and_api_refuse_bad_settings_with_the_same_message(
    client, office_a, head, head_token, field, value, message
):
    form_data = {
        "name": office_a.name,
        "time_zone": office_a.time_zone,
        "work_area": ["51.71", "51.03"],
        "retention_years": 5,
        "version": 1,
        field: value,
    }
    client.force_login(head)
    page = client.post(f"/offices/{office_a.pk}/edit/", form_data)
    assert page.status_code == 200
    with translation.override("en"):  # the head reads English, in the pages and in the API
        ui_errors = [str(e) for e in page.context["form"].errors[field]]

    api = Client().patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, field: value},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert api.status_code == 422, api.content
    assert api.json()["errors"][field] == ui_errors == [message]

    office_a.refresh_from_db()
    assert office_a.version == 1
    assert office_a.retention_years == 5


def test_api_refuses_what_the_schema_forbids_with_422_and_a_reason(client, office_a, head_token):
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": "one", "retention_years": -1},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert {tuple(e["loc"])[-1] for e in body["errors"]} == {"version", "retention_years"}


@pytest.mark.parametrize("body", ["not json", "[]", '{"version": 1, "work_area": "51.71"}'])
def test_api_refuses_malformed_bodies_with_4xx_json(client, office_a, head_token, body):
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}", body, content_type="application/json", **_bearer(head_token)
    )
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


@pytest.mark.parametrize("office_id", ["abc", "-1", "0", "99999999999999999999999999"])
def test_odd_office_ids_answer_4xx_json(office_a, head_token, office_id):
    response = Client().get(f"/api/v1/offices/{office_id}", **_bearer(head_token))
    assert response.status_code in (404, 422)
    assert response.json()["detail"]


# --- The browser session follows the same rules as the pages --------------------------------


def _verified_login(client, user, device: TOTPDevice) -> None:
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    assert client.post("/accounts/login/verify/", {"token": f"{code:06d}"}).status_code == 302


def test_session_of_a_head_who_has_not_passed_required_two_factor_gets_401(client, office_a, head):
    office_a.require_2fa_for_heads = True
    office_a.save()
    client.force_login(head)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert client.get(f"/api/v1/offices/{office_a.pk}").status_code == 401
    patch = client.patch(
        f"/api/v1/offices/{office_a.pk}", {"version": 1, "phone": "9"}, content_type="application/json"
    )
    assert patch.status_code == 401
    office_a.refresh_from_db()
    assert office_a.phone == ""


def test_session_of_a_head_who_passed_two_factor_may_use_the_api(client, office_a, head):
    device = TOTPDevice.objects.create(user=head, name="authenticator", confirmed=True)
    office_a.require_2fa_for_heads = True
    office_a.save()
    _verified_login(client, head, device)
    assert client.get("/api/v1/me").status_code == 200


def test_session_of_an_officer_is_not_held_to_the_heads_rule(client, office_a):
    office_a.require_2fa_for_heads = True
    office_a.save()
    client.force_login(make_user("officer", office_a))
    assert client.get("/api/v1/me").status_code == 200


def test_session_without_the_office_rule_needs_no_second_factor(client, head):
    client.force_login(head)
    assert client.get("/api/v1/me").status_code == 200


def test_session_of_a_person_who_must_change_password_gets_401(client, head):
    head.must_change_password = True
    head.save()
    client.force_login(head)
    assert client.get("/api/v1/me").status_code == 401


def test_session_writes_need_the_csrf_token(office_a, head):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(head)
    refused = browser.patch(
        f"/api/v1/offices/{office_a.pk}", {"version": 1, "phone": "9"}, content_type="application/json"
    )
    assert refused.status_code == 403
    page = browser.get(f"/offices/{office_a.pk}/edit/")
    token = page.context["csrf_token"]
    ok = browser.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "9"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert ok.status_code == 200


def test_anonymous_writes_get_401_not_a_csrf_error(office_a):
    response = Client(enforce_csrf_checks=True).patch(
        f"/api/v1/offices/{office_a.pk}", {"version": 1}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_requests_need_no_csrf_token(office_a, head_token):
    response = Client(enforce_csrf_checks=True).patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "9"},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert response.status_code == 200


def test_api_answers_in_the_token_owners_language(office_a):
    expected = {"en": "This field is required.", "id": "Bidang ini tidak boleh kosong."}
    for language, message in expected.items():
        user = make_user("office_head", office_a, language=language)
        _token, raw = account_services.api_token_create(user=user, name="bahasa")
        response = Client().patch(
            f"/api/v1/offices/{office_a.pk}",
            {"version": 1, "name": ""},
            content_type="application/json",
            **_bearer(raw),
        )
        assert response.json()["errors"]["name"] == [message]


@pytest.mark.parametrize(
    "patch",
    [{"name": "Bapas\x00"}, {"village_code": "51.71\x00"}, {"work_area": ["51.71\x00"]}, {"phone": "\x00"}],
    ids=["name", "village", "work_area", "phone"],
)
def test_nul_characters_are_refused_with_422(client, office_a, head_token, patch):
    """PostgreSQL cannot store NUL; the form must refuse it before the database is asked."""
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, **patch},
        content_type="application/json",
        **_bearer(head_token),
    )
    assert response.status_code == 422, response.content
    assert list(response.json()["errors"]) == list(patch)


@pytest.mark.parametrize("parent", ["\x00", "51.71\x00", "%", "51.71' OR 1=1"])
def test_regions_with_odd_parents_answer_an_empty_list(head_token, parent):
    response = Client(**_bearer(head_token)).get("/api/v1/regions", {"parent": parent})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "url",
    ["/api/v1/events?program=-450702918495498413447170752512", "/api/v1/offices/99999999999999999999999"],
)
def test_numbers_too_large_for_the_database_answer_without_a_server_error(client, head_token, url):
    # SQLite cannot hold such a number (422 with a reason); PostgreSQL compares it and finds nothing.
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {head_token}")
    assert response.status_code in (200, 404, 422)
    if response.status_code == 422:
        assert response.json()["detail"]
    elif response.status_code == 200:
        assert response.json() == [] or response.json().get("results", []) == []
