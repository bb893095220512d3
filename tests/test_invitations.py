"""The program team asks the PKs to invite clients to its event; the PK decides (issue 17, item 6).

The team names a client it may see (a child by initials) or asks a PK or a section; the PK sees
the request on their home page, accepts with the consent recorded (who, when) and the client is
registered, or declines with a reason the team reads on the event page. Versioned, with history;
the same over the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from aksalarasa.accounts.services import api_token_create
from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.events import services
from aksalarasa.events.models import Invitation, Registration
from tests.factories import EventFactory, make_client, make_program, make_user


@pytest.fixture
def world(office_a, office_b):
    pk = make_user("officer", office_a, full_name="Putu Pembimbing", section="adult")
    pk_child = make_user("officer", office_a, full_name="Kadek Anak", section="child")
    other_pk = make_user("officer", office_a, full_name="Nyoman Lain", section="adult")
    team = make_user("program_team", office_a, full_name="Tim Pantai")
    program = make_program(office_a, team=[(team, True)])
    start = timezone.now() + datetime.timedelta(days=5)
    event = EventFactory(
        office=office_a,
        program=program,
        start=start,
        end=start + datetime.timedelta(hours=2),
        created_by=team,
    )
    adult = make_client(office_a, pk, full_name="Wayan Dewasa", consent_community=True)
    child = make_client(office_a, pk_child, child=True, full_name="Komang Anak Muda", consent_community=True)
    earlier = EventFactory(
        office=office_a,
        program=program,
        start=start - datetime.timedelta(days=30),
        end=start - datetime.timedelta(days=30, hours=-2),
        created_by=team,
    )
    # Both took part in an earlier event of the program: the team may see them (domain.md).
    for client, officer in ((adult, pk), (child, pk_child)):
        services.registration_client_create(event=earlier, client=client, actor=officer)
    client_b = make_client(office_b, make_user("officer", office_b), consent_community=True)
    return {
        "pk": pk,
        "pk_child": pk_child,
        "other_pk": other_pk,
        "team": team,
        "event": event,
        "adult": adult,
        "child": child,
        "client_b": client_b,
    }


def _consent():
    return timezone.now() - datetime.timedelta(hours=1)


def test_the_team_asks_about_a_client_and_the_pk_accepts_with_consent(world):
    invitation = services.invitation_request(
        event=world["event"], actor=world["team"], client=world["adult"], note="Untuk bersih pantai"
    )
    assert invitation.state == "pending" and invitation.history.count() == 1
    assert list(Invitation.objects.for_officer(world["pk"]).pending()) == [invitation]
    assert not Invitation.objects.for_officer(world["other_pk"]).exists()
    with pytest.raises(PermissionDenied):  # another PK does not decide for this client
        services.invitation_accept(
            invitation=invitation,
            actor=world["other_pk"],
            consent_given_by="Klien",
            consent_at=_consent(),
            expected_version=1,
        )
    registration = services.invitation_accept(
        invitation=invitation,
        actor=world["pk"],
        consent_given_by="Klien sendiri",
        consent_at=_consent(),
        expected_version=1,
    )
    invitation.refresh_from_db()
    assert (invitation.state, invitation.registration, invitation.decided_by) == (
        "accepted",
        registration,
        world["pk"],
    )
    assert invitation.consent_given_by == "Klien sendiri" and invitation.consent_at is not None
    assert Registration.objects.filter(event=world["event"], client=world["adult"]).count() == 1
    assert invitation.history.count() == 2 and invitation.history.first().history_user == world["pk"]
    with pytest.raises(ValidationError):  # answered once
        services.invitation_decline(invitation=invitation, actor=world["pk"], reason="x", expected_version=2)


def test_consent_who_and_when_are_required_and_a_stale_version_is_refused(world):
    invitation = services.invitation_request(event=world["event"], actor=world["team"], client=world["adult"])
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(
            invitation=invitation,
            actor=world["pk"],
            consent_given_by=" ",
            consent_at=None,
            expected_version=1,
        )
    assert set(caught.value.message_dict) == {"consent_given_by", "consent_at"}
    with pytest.raises(ValidationError):
        services.invitation_accept(
            invitation=invitation,
            actor=world["pk"],
            consent_given_by="Klien",
            consent_at=timezone.now() + datetime.timedelta(days=1),
            expected_version=1,
        )
    with pytest.raises(StaleVersion):
        services.invitation_accept(
            invitation=invitation,
            actor=world["pk"],
            consent_given_by="Klien",
            consent_at=_consent(),
            expected_version=7,
        )
    assert not Registration.objects.filter(
        event=world["event"], client=world["adult"]
    ).exists()  # all or nothing
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_the_pk_declines_with_a_reason(world):
    invitation = services.invitation_request(event=world["event"], actor=world["team"], client=world["adult"])
    with pytest.raises(ValidationError):
        services.invitation_decline(invitation=invitation, actor=world["pk"], reason="  ", expected_version=1)
    services.invitation_decline(
        invitation=invitation, actor=world["pk"], reason="Jadwal wajib lapor bentrok", expected_version=1
    )
    invitation.refresh_from_db()
    assert invitation.state == "declined" and invitation.decline_reason == "Jadwal wajib lapor bentrok"
    assert not Registration.objects.filter(event=world["event"], client=world["adult"]).exists()


def test_asking_a_section_lets_its_pks_pick_their_own_client(world):
    invitation = services.invitation_request(event=world["event"], actor=world["team"], section="child")
    assert list(Invitation.objects.for_officer(world["pk_child"])) == [invitation]
    assert not Invitation.objects.for_officer(world["pk"]).exists()  # the adult section is not asked
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(
            invitation=invitation,
            actor=world["pk_child"],
            consent_given_by="Ibu (wali)",
            consent_at=_consent(),
            expected_version=1,
        )
    assert "client" in caught.value.message_dict
    with pytest.raises(ValidationError):  # someone else's client
        services.invitation_accept(
            invitation=invitation,
            actor=world["pk_child"],
            client=world["adult"],
            consent_given_by="Ibu (wali)",
            consent_at=_consent(),
            expected_version=1,
        )
    other_child = make_client(
        world["event"].office, world["pk_child"], child=True, full_name="Gede Kecil", consent_community=True
    )
    services.invitation_accept(
        invitation=invitation,
        actor=world["pk_child"],
        client=other_child,
        consent_given_by="Ibu Gede (wali)",
        consent_at=_consent(),
        expected_version=1,
    )
    assert Registration.objects.filter(event=world["event"], client=other_child).exists()


def test_the_team_cannot_ask_about_clients_it_may_not_see_nor_twice(world):
    with pytest.raises(ValidationError):
        services.invitation_request(event=world["event"], actor=world["team"], client=world["client_b"])
    stranger = make_client(world["event"].office, world["pk"], full_name="Belum Pernah Ikut")
    with pytest.raises(ValidationError):  # never in the team's programs: the team may not see them
        services.invitation_request(event=world["event"], actor=world["team"], client=stranger)
    services.invitation_request(event=world["event"], actor=world["team"], client=world["adult"])
    with pytest.raises(ValidationError):
        services.invitation_request(event=world["event"], actor=world["team"], client=world["adult"])
    with pytest.raises(ValidationError):
        services.invitation_request(event=world["event"], actor=world["team"])  # nobody named
    reader = make_user("program_team", world["event"].office)
    with pytest.raises(PermissionDenied):
        services.invitation_request(event=world["event"], actor=reader, section="adult")


def test_the_event_page_explains_and_shows_requests_with_a_childs_initials(world, client):
    services.invitation_request(event=world["event"], actor=world["team"], client=world["child"])
    client.force_login(world["team"])
    page = client.get(reverse("events:detail", args=[world["event"].pk])).content.decode()
    assert "Cara klien diundang" in page and "PK yang memutuskan" in page
    assert world["child"].initials in page and "Komang Anak Muda" not in page
    assert "Menunggu PK" in page
    # The form offers the clients the team may see (the child, already asked for, is not offered).
    assert f'<option value="{world["adult"].pk}">Wayan Dewasa</option>' in page
    answer = client.post(
        reverse("events:invitation_request", args=[world["event"].pk]),
        {"client": world["adult"].pk, "note": ""},
    )
    assert answer.status_code == 302
    refused = client.post(
        reverse("events:invitation_request", args=[world["event"].pk]),
        {"section": "adult", "officer": world["pk"].pk},
    )
    assert refused.status_code == 422 and "Pilih satu" in refused.content.decode()
    assert Invitation.objects.filter(event=world["event"]).count() == 2


def test_the_pk_decides_from_the_home_page(world, client):
    invitation = services.invitation_request(event=world["event"], actor=world["team"], client=world["adult"])
    client.force_login(world["pk"])
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("events:invitation_decide", args=[invitation.pk]) in home
    assert home.index("home-invitations-h") < home.index("home-caseload-h")  # it leads the home page
    url = reverse("events:invitation_decide", args=[invitation.pk])
    bad = client.post(url, {"action": "accept", "consent_given_by": "", "consent_at": "", "version": 1})
    assert bad.status_code == 422
    ok = client.post(
        url,
        {
            "action": "accept",
            "consent_given_by": "Klien sendiri",
            "consent_at": "2026-12-01T09:00",
            "version": 1,
        },
    )
    assert ok.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.consent_at.isoformat().startswith("2026-12-01T01:00")
    client.force_login(world["other_pk"])
    assert client.get(url).status_code == 404  # not theirs to decide


def test_the_api_asks_and_decides(world, client):
    _t, team_token = api_token_create(user=world["team"], name="t")
    _p, pk_token = api_token_create(user=world["pk"], name="p")
    event = world["event"]
    asked = client.post(
        f"/api/v1/events/{event.pk}/invitations",
        {"client_id": world["child"].pk, "note": "Ikut lomba"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {team_token}",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["about"] == world["child"].initials
    nobody = client.post(
        f"/api/v1/events/{event.pk}/invitations",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {team_token}",
    )
    assert nobody.status_code == 422
    second = client.post(
        f"/api/v1/events/{event.pk}/invitations",
        {"client_id": world["adult"].pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {team_token}",
    ).json()
    pending = client.get("/api/v1/invitations/pending", HTTP_AUTHORIZATION=f"Bearer {pk_token}").json()
    assert [p["id"] for p in pending] == [second["id"]]
    stale = client.post(
        f"/api/v1/invitations/{second['id']}/accept",
        {"consent_given_by": "Klien", "consent_at": "2026-12-01T09:00", "version": 5},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pk_token}",
    )
    assert stale.status_code == 409
    accepted = client.post(
        f"/api/v1/invitations/{second['id']}/accept",
        {"consent_given_by": "Klien", "consent_at": "2026-12-01T09:00", "version": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pk_token}",
    )
    assert accepted.status_code == 200 and accepted.json()["registration_code"]
    listed = client.get(
        f"/api/v1/events/{event.pk}/invitations", HTTP_AUTHORIZATION=f"Bearer {team_token}"
    ).json()
    assert {row["state"] for row in listed} == {"pending", "accepted"}
    someone_elses = client.post(
        f"/api/v1/invitations/{asked.json()['id']}/decline",
        {"reason": "x", "version": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pk_token}",
    )
    assert someone_elses.status_code == 404
