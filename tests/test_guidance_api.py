"""Guidance API: schedule, record (409 on a stale version, 422 with reasons), reschedule, caseload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aksalarasa.audit.models import AccessLog
from aksalarasa.guidance.models import GuidanceSession
from tests.factories import GuidanceSessionFactory, make_guidance_client, make_user

NOW = timezone.now()


@pytest.fixture
def api(client, office_a):
    officer = make_user("officer", office_a)
    person = make_guidance_client(office_a, officer, full_name="Komang Klien Api")
    client.force_login(officer)
    return client, officer, person


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_schedule_then_record_then_conflict(api):
    client, officer, person = api
    created = _post(
        client,
        "/api/v1/guidance/sessions",
        {
            "client_id": person.pk,
            "scheduled_at": (NOW - timedelta(hours=2)).isoformat(),
            "kind": "personality",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["client_name"] == "Komang Klien Api" and body["version"] == 1 and body["ics_url"]
    record = {"version": 1, "outcome": "late", "engagement": 2, "client_said": "Macet", "concern": False}
    ok = _post(client, f"/api/v1/guidance/sessions/{body['id']}/record", record)
    assert ok.status_code == 200, ok.content
    assert (ok.json()["outcome"], ok.json()["engagement"], ok.json()["version"]) == ("late", 2, 2)
    stale = _post(client, f"/api/v1/guidance/sessions/{body['id']}/record", {**record, "engagement": 4})
    assert stale.status_code == 409
    assert GuidanceSession.objects.get(pk=body["id"]).engagement == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"outcome": "attended"}, "engagement"),
        ({"outcome": "not_held"}, "not_held_reason"),
        ({"outcome": "rescheduled"}, "next_at"),
        ({"outcome": "nope"}, "outcome"),
        ({"outcome": "attended", "engagement": 9}, "engagement"),
    ],
)
def test_record_invalid_answers_422_with_the_field(api, payload, field):
    client, _officer, person = api
    session = GuidanceSessionFactory(client=person, scheduled_at=NOW - timedelta(hours=1))
    response = _post(client, f"/api/v1/guidance/sessions/{session.pk}/record", {"version": 1, **payload})
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert GuidanceSession.objects.get(pk=session.pk).outcome == ""


def test_schedule_rejects_a_date_too_far_ahead(api):
    client, _officer, person = api
    response = _post(
        client,
        "/api/v1/guidance/sessions",
        {"client_id": person.pk, "scheduled_at": (NOW + timedelta(days=800)).isoformat()},
    )
    assert response.status_code == 422 and "scheduled_at" in response.json()["errors"]


def test_reschedule_links_old_to_new_and_refuses_a_recorded_session(api):
    client, _officer, person = api
    session = GuidanceSessionFactory(client=person, scheduled_at=NOW + timedelta(days=1))
    response = _post(
        client,
        f"/api/v1/guidance/sessions/{session.pk}/reschedule",
        {"version": 1, "new_at": (NOW + timedelta(days=4)).isoformat()},
    )
    assert response.status_code == 201
    session.refresh_from_db()
    assert session.outcome == "rescheduled" and session.rescheduled_to_id == response.json()["id"]
    again = _post(
        client,
        f"/api/v1/guidance/sessions/{session.pk}/reschedule",
        {"version": 2, "new_at": (NOW + timedelta(days=6)).isoformat()},
    )
    assert again.status_code == 422


def test_list_filters_by_kind_outcome_and_dates(api):
    client, _officer, person = api
    GuidanceSessionFactory(
        client=person, scheduled_at=NOW - timedelta(days=40), outcome="attended", engagement=3
    )
    GuidanceSessionFactory(
        client=person, scheduled_at=NOW - timedelta(days=10), kind="home_visit", place="home"
    )
    GuidanceSessionFactory(client=person, scheduled_at=NOW + timedelta(days=5))
    url = f"/api/v1/guidance/clients/{person.pk}/sessions"
    assert len(client.get(url).json()) == 3
    assert [s["kind"] for s in client.get(url + "?kind=home_visit").json()] == ["home_visit"]
    assert len(client.get(url + "?outcome=pending").json()) == 2
    since = (NOW - timedelta(days=20)).date().isoformat()
    assert len(client.get(url + f"?date_from={since}").json()) == 2
    assert client.get(url + "?date_from=yesterday").status_code == 422
    assert AccessLog.objects.filter(action="api", object_id=str(person.pk)).exists()


def test_caseload_endpoint_has_the_page_flags(api):
    client, _officer, person = api
    GuidanceSessionFactory(client=person, scheduled_at=NOW - timedelta(days=9), outcome="unexcused")
    GuidanceSessionFactory(client=person, scheduled_at=NOW - timedelta(days=2), outcome="unexcused")
    rows = client.get("/api/v1/guidance/caseload").json()
    assert rows[0]["client_id"] == person.pk
    assert set(rows[0]["flags"]) == {"unexcused_twice", "no_contact"}
    assert rows[0]["attendance_rate"] == 0.0
    assert client.get("/api/v1/guidance/caseload?flag=open_concern").json() == []


def test_child_names_are_initials_for_viewers_outside_the_office_roles(office_a, client):
    """A superuser from support sees names; a partner-side extension would see initials: the API
    uses the clients app's masking, checked here through its rule for a viewer without the role."""
    from aksalarasa.clients.masking import client_label

    officer = make_user("officer", office_a)
    child = make_guidance_client(office_a, officer, category="child", full_name="Ni Luh Anak Uji")
    outsider = make_user("program_team", office_a)
    assert client_label(child, outsider) == "N.L.A.U."
    client.force_login(officer)
    session = GuidanceSessionFactory(client=child, scheduled_at=NOW - timedelta(days=1))
    assert client.get(f"/api/v1/guidance/sessions/{session.pk}").json()["client_name"] == "Ni Luh Anak Uji"
