"""The audit trail: versioned history of changes, the access log, and concurrent edits."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.sites import site as admin_site
from django.test import Client
from django.utils import timezone, translation

from aksalarasa.accounts import services as account_services
from aksalarasa.accounts.models import User
from aksalarasa.audit.models import AccessLog
from aksalarasa.audit.services import access_record
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.templatetags.aks import local_dt
from aksalarasa.offices.models import Office
from tests.factories import UserFactory, make_user

ROLES_WITHOUT_ACCESS_LOG = [
    "national",
    "regional",
    "section_head",
    "officer",
    "program_team",
    "partner_staff",
    "admin",
]


def _office_form(office: Office, **changes) -> dict:
    data = {
        "name": office.name,
        "address": office.address,
        "village_code": office.village_code,
        "phone": office.phone,
        "email": office.email,
        "time_zone": office.time_zone,
        "work_area": [r.pk for r in office.work_area.all()],
        "retention_years": office.retention_years,
        "version": office.version,
    }
    if office.require_2fa_for_heads:
        data["require_2fa_for_heads"] = "on"
    data.update(changes)
    return data


def _staff_form(member: User, **changes) -> dict:
    data = {
        "username": member.username,
        "full_name": member.full_name,
        "email": member.email,
        "nip": member.nip,
        "phone": member.phone,
        "section": member.section,
        "officer_grade": member.officer_grade,
        "is_active": "on" if member.is_active else "",
        "roles": member.roles,
        "version": member.version,
    }
    data.update(changes)
    return data


def _history_section(html: str) -> str:
    match = re.search(r'<section class="card history".*?</section>', html, re.S)
    assert match, "the page has no history section"
    return match.group(0)


@pytest.fixture
def head(office_a):
    return make_user("office_head", office_a, full_name="Ibu Kepala Bapas", language="en")


# --- History of changes ---------------------------------------------------------------------


def test_office_settings_change_in_the_ui_writes_history_with_the_acting_user(client, office_a, head):
    client.force_login(head)
    before = office_a.history.count()
    response = client.post(f"/offices/{office_a.pk}/edit/", _office_form(office_a, retention_years=7))
    assert response.status_code == 302

    assert office_a.history.count() > before
    latest = office_a.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == head
    assert latest.history_type == "~"
    assert latest.retention_years == 7
    previous = latest.prev_record
    assert previous.retention_years == 5


def test_office_work_area_change_is_versioned(client, office_a, head):
    client.force_login(head)
    assert {r.pk for r in office_a.work_area.all()} == {"51.71", "51.03"}
    response = client.post(f"/offices/{office_a.pk}/edit/", _office_form(office_a, work_area=["51.71"]))
    assert response.status_code == 302
    latest = office_a.history.order_by("-history_date", "-history_id").first()
    assert {row.region_id for row in latest.work_area.all()} == {"51.71"}
    assert latest.history_user == head


def test_colleague_role_change_in_the_ui_writes_history_with_the_acting_user(client, office_a, head):
    colleague = make_user("officer", office_a)
    client.force_login(head)
    response = client.post(
        f"/accounts/staff/{colleague.pk}/edit/",
        _staff_form(colleague, roles=["officer", "program_team"]),
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.role_program_team

    latest = colleague.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == head
    assert latest.role_program_team is True
    assert latest.prev_record.role_program_team is False


def test_history_on_the_office_page_shows_who_what_when_and_old_to_new(client, office_a, head):
    client.force_login(head)
    client.post(f"/offices/{office_a.pk}/edit/", _office_form(office_a, retention_years=7, phone="0361-9"))
    latest = office_a.history.order_by("-history_date", "-history_id").first()

    html = _history_section(client.get(f"/offices/{office_a.pk}/").content.decode())
    assert "Ibu Kepala Bapas" in html
    assert "retention after supervision ends (years): <del>5</del> → <ins>7</ins>" in html
    assert "phone: <del>—</del> → <ins>0361-9</ins>" in html
    with translation.override("en"), timezone.override(office_a.time_zone):
        assert local_dt(latest.history_date) in html
    assert "WITA" in html


def test_history_on_the_staff_page_shows_the_role_change(client, office_a, head):
    colleague = make_user("officer", office_a)
    client.force_login(head)
    client.post(
        f"/accounts/staff/{colleague.pk}/edit/", _staff_form(colleague, roles=["officer", "program_team"])
    )

    html = _history_section(client.get(f"/accounts/staff/{colleague.pk}/").content.decode())
    assert "Ibu Kepala Bapas" in html
    # A boolean reads Yes/No (False is not shown as an empty "—").
    assert "Program team: <del>No</del> → <ins>Yes</ins>" in html


def test_history_shows_choice_labels_not_codes(client, office_a, head):
    client.force_login(head)
    client.post(f"/offices/{office_a.pk}/edit/", _office_form(office_a, time_zone="Asia/Jakarta"))
    html = _history_section(client.get(f"/offices/{office_a.pk}/").content.decode())
    assert "time zone: <del>WITA</del> → <ins>WIB</ins>" in html
    assert "Asia/Makassar" not in html


def test_password_hash_is_never_in_the_history(client, office_a, head):
    client.force_login(head)
    response = client.post(
        "/accounts/staff/new/",
        {
            "username": "staf.baru",
            "full_name": "Staf Baru",
            "email": "baru@example.org",
            "roles": ["officer"],
            "section": "adult",
            "officer_grade": "muda",
            "is_active": "on",
            "password": "Sangat-rahasia-2026",
        },
    )
    assert response.status_code == 302
    member = User.objects.get(username="staf.baru")
    hashes = {member.password}
    client.post(f"/accounts/staff/{member.pk}/reset-password/")
    member.refresh_from_db()
    hashes.add(member.password)
    account_services.password_changed(user=member, password="Pilihan-sendiri-2026")
    member.refresh_from_db()
    hashes.add(member.password)
    assert len(hashes) == 3

    history_model = type(member.history.first())
    assert "password" not in {f.name for f in history_model._meta.get_fields()}
    assert member.history.count() >= 3  # created, reset, changed
    for record in history_model.objects.values():
        for value in record.values():
            assert not (isinstance(value, str) and ("argon2" in value or value in hashes))
    page = client.get(f"/accounts/staff/{member.pk}/").content.decode()
    assert "argon2" not in page
    assert "password reset by administrator" in page


# --- The access log -------------------------------------------------------------------------


def test_access_record_writes_a_row(rf, office_a, head):
    subject = make_user("officer", office_a)
    request = rf.get(f"/clients/{subject.pk}/?tab=case")
    entry = access_record(user=head, obj=subject, office_id=office_a.pk, label="Staf", request=request)
    stored = AccessLog.objects.get(pk=entry.pk)
    assert stored.user == head
    assert stored.office == office_a
    assert stored.action == AccessLog.Action.VIEW
    assert stored.object_type == "accounts.user"
    assert stored.object_id == str(subject.pk)
    assert stored.object_label == "Staf"
    assert stored.path == f"/clients/{subject.pk}/?tab=case"
    assert abs((timezone.now() - stored.at).total_seconds()) < 60


def test_access_log_page_shows_only_the_heads_own_office(client, office_a, office_b, head):
    reader_a = make_user("officer", office_a, full_name="Pembaca Alpha")
    reader_b = make_user("officer", office_b, full_name="Pembaca Beta")
    access_record(user=reader_a, obj=reader_a, office_id=office_a.pk, label="Rekam Alpha")
    access_record(user=reader_b, obj=reader_b, office_id=office_b.pk, label="Rekam Beta")
    client.force_login(head)
    response = client.get("/audit/access/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pembaca Alpha" in html and "Rekam Alpha" in html
    assert "Pembaca Beta" not in html and "Rekam Beta" not in html
    assert [e.object_label for e in response.context["page"]] == ["Rekam Alpha"]


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS_LOG)
def test_access_log_page_is_404_for_everyone_but_office_heads(client, office_a, role):
    user = make_user(role, office_a)
    access_record(user=user, obj=user, office_id=office_a.pk, label="Rekam")
    client.force_login(user)
    assert client.get("/audit/access/").status_code == 404


def test_access_log_entries_cannot_be_changed_or_deleted_through_the_admin(client, office_a):
    reader = make_user("officer", office_a)
    entry = access_record(user=reader, obj=reader, office_id=office_a.pk, label="Asli")
    superuser = UserFactory(office=None, is_superuser=True, is_staff=True)

    model_admin = admin_site._registry[AccessLog]
    request = type("R", (), {"user": superuser})()
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request, entry) is False
    assert model_admin.has_delete_permission(request, entry) is False

    client.force_login(superuser)
    base = "/django-admin/audit/accesslog/"
    assert client.get(base).status_code == 200  # superusers may read it, for support
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{entry.pk}/change/", {"object_label": "Diubah"}).status_code == 403
    assert client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.object_label == "Asli"
    assert AccessLog.objects.count() == 1


def test_access_log_page_accepts_no_writes(client, office_a, head):
    access_record(user=head, obj=head, office_id=office_a.pk, label="Rekam")
    client.force_login(head)
    assert client.post("/audit/access/", {"object_label": "x"}).status_code == 405
    assert client.delete("/audit/access/").status_code == 405
    assert AccessLog.objects.get().object_label == "Rekam"


# --- Concurrent edits -----------------------------------------------------------------------


def _version_in(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "the form carries no version"
    return match.group(1)


def test_two_editors_of_an_office_the_first_save_wins(office_a, head):
    other = make_user("admin", office_a, language="en")
    first, second = Client(), Client()
    first.force_login(head)
    second.force_login(other)
    form_1 = first.get(f"/offices/{office_a.pk}/edit/").content.decode()
    form_2 = second.get(f"/offices/{office_a.pk}/edit/").content.decode()
    assert _version_in(form_1) == _version_in(form_2) == "1"

    saved = first.post(f"/offices/{office_a.pk}/edit/", _office_form(office_a, phone="0361-111", version=1))
    assert saved.status_code == 302
    refused = second.post(
        f"/offices/{office_a.pk}/edit/", _office_form(office_a, phone="0361-222", version=1)
    )
    assert refused.status_code == 200
    with translation.override("en"):
        assert str(StaleVersion.message) in refused.content.decode()

    office_a.refresh_from_db()
    assert office_a.phone == "0361-111"
    assert office_a.version == 2
    assert office_a.history.filter(phone="0361-222").count() == 0


def test_two_editors_of_a_colleague_the_first_save_wins(office_a, head):
    colleague = make_user("officer", office_a, full_name="Asli")
    other = make_user("admin", office_a, language="en")
    first, second = Client(), Client()
    first.force_login(head)
    second.force_login(other)
    assert _version_in(first.get(f"/accounts/staff/{colleague.pk}/edit/").content.decode()) == "1"
    assert _version_in(second.get(f"/accounts/staff/{colleague.pk}/edit/").content.decode()) == "1"

    assert (
        first.post(
            f"/accounts/staff/{colleague.pk}/edit/", _staff_form(colleague, full_name="Pertama")
        ).status_code
        == 302
    )
    refused = second.post(
        f"/accounts/staff/{colleague.pk}/edit/", _staff_form(colleague, full_name="Kedua", roles=["admin"])
    )
    assert refused.status_code == 200
    with translation.override("en"):
        assert str(StaleVersion.message) in refused.content.decode()
    colleague.refresh_from_db()
    assert colleague.full_name == "Pertama"
    assert colleague.roles == ["officer"]


def test_api_patch_with_a_stale_version_answers_409_and_keeps_the_first_save(client, office_a, head):
    _token, raw = account_services.api_token_create(user=head, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    first = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "0361-111"},
        content_type="application/json",
        **auth,
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "phone": "0361-222"},
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409
    assert stale.json()["detail"]
    office_a.refresh_from_db()
    assert office_a.phone == "0361-111"
    assert office_a.version == 2


def test_ui_save_after_an_api_change_is_refused(client, office_a, head):
    client.force_login(head)
    version = _version_in(client.get(f"/offices/{office_a.pk}/edit/").content.decode())
    _token, raw = account_services.api_token_create(user=head, name="script")
    client_api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (
        client_api.patch(
            f"/api/v1/offices/{office_a.pk}",
            {"version": 1, "name": "Lewat API"},
            content_type="application/json",
        ).status_code
        == 200
    )
    refused = client.post(
        f"/offices/{office_a.pk}/edit/", _office_form(office_a, name="Lewat UI", version=version)
    )
    assert refused.status_code == 200
    office_a.refresh_from_db()
    assert office_a.name == "Lewat API"


def test_api_change_is_versioned_with_the_token_owner(client, office_a, head):
    _token, raw = account_services.api_token_create(user=head, name="script")
    response = client.patch(
        f"/api/v1/offices/{office_a.pk}",
        {"version": 1, "retention_years": 10},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    latest = office_a.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == head
    assert latest.retention_years == 10
