"""The events API: scoping like the UI, public registration without auth, idempotent check-in."""

from __future__ import annotations

import datetime
import time
import uuid

import pytest
from django.core import signing

from aksalarasa.accounts.services import api_token_create
from aksalarasa.events import forms as event_forms
from aksalarasa.events.models import CheckIn, Event, Registration
from aksalarasa.programs.models import ProgramMember
from tests.factories import EventFactory, RegistrationFactory, make_event_program, make_user


def _auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def world(office_a, office_b):
    p1 = make_event_program(office_a)
    e1 = EventFactory(office=office_a, program=p1, name="E1")
    e3 = EventFactory(office=office_b, program=make_event_program(office_b), name="E3")
    return {"p1": p1, "E1": e1, "E3": e3}


def test_list_is_scoped(world, office_a, client):
    officer = make_user("officer", office_a)
    names = {e["name"] for e in client.get("/api/v1/events", **_auth(officer)).json()}
    assert names == {"E1"}
    assert client.get(f"/api/v1/events/{world['E3'].pk}", **_auth(officer)).status_code == 404
    assert client.get("/api/v1/events").status_code == 401


def test_partner_staff_and_outsiders_cannot_check_in(world, office_a, client):
    reg = RegistrationFactory(event=world["E1"])
    partner = make_user("partner_staff", office_a)
    url = f"/api/v1/events/{world['E1'].pk}/checkin"
    response = client.post(url, {"code": reg.code}, content_type="application/json", **_auth(partner))
    assert response.status_code == 404
    national = make_user("national")
    response = client.post(url, {"code": reg.code}, content_type="application/json", **_auth(national))
    assert response.status_code == 403
    assert not CheckIn.objects.exists()


def test_check_in_is_idempotent_over_the_api(world, office_a, client):
    reg = RegistrationFactory(event=world["E1"])
    team = make_user("program_team", office_a)
    ProgramMember.objects.create(office=office_a, program=world["p1"], user=team, role="facilitator")
    headers = _auth(team)
    url = f"/api/v1/events/{world['E1'].pk}/checkin"
    body = {"code": reg.code, "client_uuid": str(uuid.uuid4())}
    first = client.post(url, body, content_type="application/json", **headers)
    second = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == 200 and first.json()["created"] is True
    assert second.json()["already_checked_in"] is True
    unknown = client.post(url, {"code": "QQQQQQ"}, content_type="application/json", **headers)
    assert unknown.status_code == 404 and unknown.json()["detail"]
    invalid = client.post(url, {"code": "1"}, content_type="application/json", **headers)
    assert invalid.status_code == 422 and "code" in invalid.json()["errors"]
    assert CheckIn.objects.count() == 1


def test_create_event_validates_with_the_form(world, office_a, client):
    head = make_user("office_head", office_a)
    url = f"/api/v1/programs/{world['p1'].pk}/events"
    bad = client.post(
        url,
        {"name": "X", "place": "Y", "start": "2023-06-16T17:00", "end": "2023-06-16T15:00"},
        content_type="application/json",
        **_auth(head),
    )
    assert bad.status_code == 422 and "end" in bad.json()["errors"]
    ok = client.post(
        url,
        {
            "name": "AKSALARASA",
            "place": "Pantai Mertasari",
            "start": "2023-06-16T15:00",
            "end": "2023-06-16T17:00",
        },
        content_type="application/json",
        **_auth(head),
    )
    assert ok.status_code == 201
    start = datetime.datetime.fromisoformat(ok.json()["start"])
    assert start == datetime.datetime(2023, 6, 16, 7, 0, tzinfo=datetime.UTC)  # 15.00 WITA
    agenda = client.post(
        f"/api/v1/events/{ok.json()['id']}/agenda",
        {"position": 1, "starts_at": "15:00", "title": "Registrasi peserta", "lead": "Panitia"},
        content_type="application/json",
        **_auth(head),
    )
    assert agenda.status_code == 201
    listed = client.get(f"/api/v1/events/{ok.json()['id']}/agenda", **_auth(head)).json()
    assert [a["title"] for a in listed] == ["Registrasi peserta"]


def _token(event, seconds_ago=10):
    return signing.dumps({"e": event.pk, "t": time.time() - seconds_ago}, salt=event_forms._TOKEN_SALT)


def test_public_registration_without_auth(world, client):
    event = world["E1"]
    assert client.get(f"/api/v1/public/events/{event.pk}").status_code == 404  # not published
    Event.objects.filter(pk=event.pk).update(published=True)
    info = client.get(f"/api/v1/public/events/{event.pk}").json()
    assert info["form_token"]
    url = f"/api/v1/public/events/{event.pk}/registrations"
    body = {"name": "I Wayan Darma", "consent_data": True, "form_token": _token(event)}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201 and len(response.json()["code"]) == 6
    for overrides in ({"website": "x"}, {"consent_data": False}, {"form_token": info["form_token"]}):
        refused = client.post(url, {**body, **overrides}, content_type="application/json")
        assert refused.status_code == 422, overrides
    assert Registration.objects.count() == 1


def test_public_registration_rate_limited_over_api(world, client):
    from aksalarasa.events.services import PUBLIC_RATE_LIMIT

    event = world["E1"]
    Event.objects.filter(pk=event.pk).update(published=True)
    url = f"/api/v1/public/events/{event.pk}/registrations"
    for i in range(PUBLIC_RATE_LIMIT):
        body = {"name": f"Warga {i}", "consent_data": True, "form_token": _token(event)}
        assert client.post(url, body, content_type="application/json").status_code == 201
    body = {"name": "Lagi", "consent_data": True, "form_token": _token(event)}
    assert client.post(url, body, content_type="application/json").status_code == 429
    assert Registration.objects.count() == PUBLIC_RATE_LIMIT


def test_teams_and_interactions_over_the_api(world, office_a, client):
    from aksalarasa.events import services

    officer = make_user("officer", office_a)
    event = world["E1"]
    regs = [RegistrationFactory(event=event) for _ in range(4)]
    for r in regs:
        services.event_check_in(event=event, code=r.code, actor=officer)
    headers = _auth(officer)
    formed = client.post(
        f"/api/v1/events/{event.pk}/teams", {"team_count": 2}, content_type="application/json", **headers
    )
    assert formed.status_code == 200 and len(formed.json()["teams"]) == 2
    assert formed.json()["constraints_met"] is True
    bad = client.post(
        f"/api/v1/events/{event.pk}/teams", {"team_count": 0}, content_type="application/json", **headers
    )
    assert bad.status_code == 422
    # Interactions need a client on one side.
    refused = client.post(
        f"/api/v1/events/{event.pk}/interactions",
        {"client_id": regs[0].pk, "other_ids": [regs[1].pk]},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 422


def test_event_list_counts_registrations_and_check_ins_of_each_event(world, office_a, client):
    head = make_user("office_head", office_a)
    other = EventFactory(office=office_a, program=world["p1"], name="E2")
    regs = [RegistrationFactory(event=world["E1"]) for _ in range(3)]
    RegistrationFactory(event=other)
    for reg in regs[:2]:
        CheckIn.objects.create(event=world["E1"], registration=reg, by=head)
    from aksalarasa.events import selectors

    counts = {e.name: (e.registration_count, e.checkin_count) for e in selectors.event_list(viewer=head)}
    assert counts == {"E1": (3, 2), "E2": (1, 0)}
