"""The scanners' lean check-in path (aksalarasa/events/fastpath.py): same answers, same rules, fewer queries."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from aksalarasa.accounts.models import ApiToken
from aksalarasa.accounts.services import api_token_create
from aksalarasa.events import fastpath
from aksalarasa.events.models import CheckIn
from aksalarasa.programs.models import ProgramMember
from tests.factories import EventFactory, RegistrationFactory, make_event_program, make_user


@pytest.fixture
def event(office_a):
    fastpath.cache_clear()
    return EventFactory(office=office_a, program=make_event_program(office_a), name="Fast")


def _post(client, event, body, raw):
    return client.post(
        f"/api/v1/events/{event.pk}/checkin",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def _served_fast(response) -> bool:
    # The full stack's UserPreferencesMiddleware always sets Content-Language; the lean path does not.
    return "Content-Language" not in response.headers


def test_new_check_in_and_repeat_are_served_by_the_lean_path(
    event, office_a, client, django_assert_max_num_queries
):
    officer = make_user("officer", office_a)
    _token, raw = api_token_create(user=officer, name="scanner")
    reg = RegistrationFactory(event=event, name="Ni Wayan Sari")
    first = _post(
        client, event, {"code": reg.code.lower(), "client_uuid": str(uuid.uuid4()), "source": "scan"}, raw
    )
    assert first.status_code == 200 and _served_fast(first)
    body = first.json()
    assert body["created"] is True and body["already_checked_in"] is False
    assert (body["code"], body["group"], body["name"]) == (reg.code, "resident", "Ni Wayan Sari")
    row = CheckIn.objects.get()
    assert (row.registration_id, row.by_id, row.source, row.event_id) == (
        reg.pk,
        officer.pk,
        "scan",
        event.pk,
    )
    # A repeat, with the token and permission remembered: one SELECT, no write.
    with django_assert_max_num_queries(1):
        again = _post(client, event, {"code": reg.code, "client_uuid": str(uuid.uuid4())}, raw)
    assert again.status_code == 200 and _served_fast(again)
    assert again.json()["already_checked_in"] is True and CheckIn.objects.count() == 1
    assert again.json()["at"] == body["at"]


def test_new_check_in_costs_two_queries_when_warm(event, office_a, client, django_assert_max_num_queries):
    officer = make_user("officer", office_a)
    _token, raw = api_token_create(user=officer, name="scanner")
    one, two = RegistrationFactory(event=event), RegistrationFactory(event=event)
    assert _post(client, event, {"code": one.code}, raw).json()["created"] is True
    with django_assert_max_num_queries(2):
        response = _post(client, event, {"code": two.code}, raw)
    assert response.json()["created"] is True and CheckIn.objects.count() == 2


def test_same_answers_as_the_regular_path_for_everything_else(event, office_a, office_b, client):
    officer = make_user("officer", office_a)
    _token, raw = api_token_create(user=officer, name="scanner")
    reg = RegistrationFactory(event=event)
    queued = str(uuid.uuid4())
    assert _post(client, event, {"code": reg.code, "client_uuid": queued}, raw).json()["created"] is True
    # The same offline UUID re-sent for another code: the regular view explains (404, a reason).
    other = RegistrationFactory(event=event)
    reused = _post(client, event, {"code": other.code, "client_uuid": queued}, raw)
    assert reused.status_code == 404 and reused.json()["detail"] and not _served_fast(reused)
    unknown = _post(client, event, {"code": "QQQQQQ"}, raw)
    assert unknown.status_code == 404 and unknown.json()["detail"]
    invalid = _post(client, event, {"code": "1"}, raw)
    assert invalid.status_code == 422 and "code" in invalid.json()["errors"]
    bad_source = _post(client, event, {"code": other.code, "source": "teleport"}, raw)
    assert bad_source.status_code == 422
    assert _post(client, event, {"code": other.code}, "aks_not-a-token").status_code == 401
    assert (
        client.post(
            f"/api/v1/events/{event.pk}/checkin", {"code": other.code}, content_type="application/json"
        ).status_code
        == 401
    )
    # Outsiders: another office's officer does not see the event; a national viewer may not write.
    _t, outsider = api_token_create(user=make_user("officer", office_b), name="x")
    assert _post(client, event, {"code": other.code}, outsider).status_code == 404
    _t, national = api_token_create(user=make_user("national"), name="x")
    assert _post(client, event, {"code": other.code}, national).status_code == 403
    _t, partner = api_token_create(user=make_user("partner_staff", office_a), name="x")
    assert _post(client, event, {"code": other.code}, partner).status_code == 404
    assert CheckIn.objects.count() == 1


def test_program_team_member_may_check_in_only_while_on_the_team(event, office_a, client):
    member = make_user("program_team", office_a)
    _token, raw = api_token_create(user=member, name="scanner")
    one, two = RegistrationFactory(event=event), RegistrationFactory(event=event)
    assert _post(client, event, {"code": one.code}, raw).status_code == 404  # not their program
    link = ProgramMember.objects.create(
        office=office_a, program=event.program, user=member, role="facilitator"
    )
    ok = _post(client, event, {"code": one.code}, raw)
    assert ok.status_code == 200 and ok.json()["created"] is True and _served_fast(ok)
    link.delete()  # forgets what the lean path remembered, at once in this process
    assert _post(client, event, {"code": two.code}, raw).status_code == 404
    assert CheckIn.objects.count() == 1


def test_revoked_token_is_refused_at_once_in_this_process_and_after_the_ttl_elsewhere(
    event, office_a, client
):
    officer = make_user("officer", office_a)
    token, raw = api_token_create(user=officer, name="scanner")
    one, two, three = (RegistrationFactory(event=event) for _ in range(3))
    assert _post(client, event, {"code": one.code}, raw).status_code == 200
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert _post(client, event, {"code": two.code}, raw).status_code == 401
    # Another process learns nothing from this process's signal: its memory lasts TOKEN_TTL seconds.
    token.revoked_at = None
    token.save(update_fields=["revoked_at"])
    assert _post(client, event, {"code": two.code}, raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # no signal, like another process
    key = ApiToken.hash(raw)
    expires, user = fastpath._tokens[key]
    fastpath._tokens[key] = (expires - fastpath.TOKEN_TTL - 1, user)  # as if TOKEN_TTL seconds had passed
    assert _post(client, event, {"code": three.code}, raw).status_code == 401
    assert CheckIn.objects.count() == 2


def test_child_client_name_is_masked_like_the_regular_path(event, office_a, office_b, client):
    import datetime

    from tests.factories import ClientFactory

    child = ClientFactory(
        office=office_a, birth_date=timezone.localdate() - datetime.timedelta(days=15 * 365)
    )
    reg = RegistrationFactory(event=event, group="client", client=child, name="")
    # The child section (BKA) sees the child's name; anyone else of the office, initials only
    officer = make_user("officer", office_a, section="child")
    _token, raw = api_token_create(user=officer, name="scanner")
    response = _post(client, event, {"code": reg.code}, raw)
    assert response.status_code == 200 and _served_fast(response)
    assert response.json()["name"] == child.full_name
    adult_officer = make_user("officer", office_a, section="adult")
    _token, raw = api_token_create(user=adult_officer, name="scanner")
    CheckIn.objects.filter(registration=reg).delete()  # a second check-in answers the same way
    response = _post(client, event, {"code": reg.code}, raw)
    assert response.status_code == 200 and _served_fast(response)
    assert response.json()["name"] != child.full_name and child.full_name not in response.content.decode()
