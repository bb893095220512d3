"""Event pages: scoping per role, editing, publishing, the public page and its spam checks."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from aksalarasa.events import forms as event_forms
from aksalarasa.events.models import ChecklistItem, Event, Registration
from aksalarasa.events.selectors import event_list
from aksalarasa.programs.models import ProgramMember
from tests.factories import EventFactory, make_event_program


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assert on the English source strings whatever the catalogue holds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def login(client):
    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def event_a(office_a):
    return EventFactory(office=office_a, program=make_event_program(office_a))


@pytest.fixture
def published(event_a):
    Event.objects.filter(pk=event_a.pk).update(published=True)
    event_a.refresh_from_db()
    return event_a


@pytest.fixture
def world(office_a, office_b, users_a):
    """E1 (office A, program with a team member), E2 (office A, other program), E3 (office B)."""
    p1 = make_event_program(office_a, title="P1")
    p2 = make_event_program(office_a, title="P2")
    ProgramMember.objects.create(
        office=office_a, program=p1, user=users_a["program_team"], role="facilitator"
    )
    e1 = EventFactory(office=office_a, program=p1, name="E1")
    e2 = EventFactory(office=office_a, program=p2, name="E2")
    e3 = EventFactory(office=office_b, program=make_event_program(office_b), name="E3")
    return {"E1": e1, "E2": e2, "E3": e3}


EXPECTED = {
    "national": {"E1", "E2", "E3"},
    "regional": {"E1", "E2"},
    "office_head": {"E1", "E2"},
    "section_head": {"E1", "E2"},
    "officer": {"E1", "E2"},
    "admin": {"E1", "E2"},
    "program_team": {"E1"},
    "partner_staff": set(),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_event_list_shows_exactly_the_events_a_role_may_see(role, world, users_a, login):
    user = users_a[role]
    assert {e.name for e in event_list(viewer=user)} == EXPECTED[role]
    client = login(user)
    for name, event in world.items():
        status = client.get(reverse("events:detail", args=[event.pk])).status_code
        assert status == (200 if name in EXPECTED[role] else 404), (role, name)


@pytest.mark.parametrize(
    "role,status",
    [("office_head", 200), ("officer", 200), ("program_team", 200), ("national", 403), ("regional", 403)],
)
def test_participant_pages_only_for_editors(role, status, world, users_a, login):
    client = login(users_a[role])
    e1 = world["E1"]
    for name in ("events:registrations", "events:checkin", "events:teams", "events:interactions"):
        assert client.get(reverse(name, args=[e1.pk])).status_code == status, name


def test_program_team_member_of_another_program_gets_404(world, users_a, login):
    client = login(users_a["program_team"])
    assert client.get(reverse("events:checkin", args=[world["E2"].pk])).status_code == 404


def test_anonymous_is_sent_to_login_for_staff_pages(client, event_a):
    response = client.get(reverse("events:detail", args=[event_a.pk]))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_public_page_of_unpublished_event_is_404(client, event_a):
    assert client.get(reverse("events:public", args=[event_a.pk])).status_code == 404


def test_public_page_of_published_event_shows_form_and_agenda(client, published):
    published.agenda.create(position=1, title="Doa bersama")
    response = client.get(reverse("events:public", args=[published.pk]))
    assert response.status_code == 200
    assert b'name="form_token"' in response.content and "Doa bersama" in response.content.decode()


def _token(event, seconds_ago=10):
    from django.core import signing

    return signing.dumps({"e": event.pk, "t": time.time() - seconds_ago}, salt=event_forms._TOKEN_SALT)


def _post(client, event, **overrides):
    data = {
        "name": "Ni Made Sukerti",
        "phone": "0812 3456 7890",
        "banjar": "Banjar Tengah",
        "consent_data": "on",
        "website": "",
        "form_token": _token(event),
    }
    data.update(overrides)
    return client.post(reverse("events:public", args=[event.pk]), data)


def test_resident_registers_and_sees_code_and_qr(client, published):
    response = _post(client, published)
    assert response.status_code == 302
    reg = Registration.objects.get(event=published)
    assert reg.group == "resident" and reg.phone == "+6281234567890" and len(reg.code) == 6
    page = client.get(response["Location"])
    assert page.status_code == 200 and reg.code in page.content.decode() and b"<svg" in page.content


def test_registered_page_is_not_shown_to_another_browser(client, published):
    response = _post(client, published)
    from django.test import Client

    assert Client().get(response["Location"]).status_code == 404


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"website": "http://spam.example"}, "could not be accepted"),
        ({"form_token": "forged"}, "expired"),
        ({"consent_data": ""}, "consent"),
        ({"name": ""}, "required"),
        ({"phone": "12ab"}, "Indonesian phone"),
        ({"village_code": "99.99.99.9999"}, "not a village"),
    ],
)
def test_bad_public_registration_stores_nothing_and_says_why(client, published, overrides, message):
    response = _post(client, published, **overrides)
    assert response.status_code == 400
    assert message.lower() in response.content.decode().lower()
    assert not Registration.objects.exists()


def test_too_fast_submission_is_refused(client, published):
    response = _post(client, published, form_token=_token(published, seconds_ago=0))
    assert response.status_code == 400 and "very fast" in response.content.decode()
    assert not Registration.objects.exists()


def test_token_of_another_event_is_refused(client, published, office_a):
    other = EventFactory(office=office_a, program=published.program, name="Lain")
    response = _post(client, published, form_token=_token(other))
    assert response.status_code == 400 and not Registration.objects.exists()


def test_rate_limit_per_address_and_event(client, published):
    from aksalarasa.events.services import PUBLIC_RATE_LIMIT

    for i in range(PUBLIC_RATE_LIMIT):
        assert _post(client, published, name=f"Warga {i}").status_code == 302
    response = _post(client, published, name="Satu lagi")
    assert response.status_code == 429 and "Too many" in response.content.decode()
    assert Registration.objects.count() == PUBLIC_RATE_LIMIT


def test_closed_or_full_event_refuses_registration(client, published):
    Event.objects.filter(pk=published.pk).update(capacity=0)
    assert _post(client, published).status_code == 409
    assert not Registration.objects.exists()


def test_village_choices_come_from_the_events_district(client, office_a):
    event = EventFactory(office=office_a, program=make_event_program(office_a), village_code="51.71.01.2010")
    Event.objects.filter(pk=event.pk).update(published=True)
    page = client.get(reverse("events:public", args=[event.pk])).content.decode()
    assert "Sanur Kauh" in page and "51.71.01.2010" in page
    assert _post(client, event, village_code="51.71.01.2010").status_code == 302


def test_editor_creates_event_in_office_zone(users_a, login, office_a):
    program = make_event_program(office_a)
    client = login(users_a["office_head"])
    response = client.post(
        reverse("events:create", args=[program.pk]),
        {
            "name": "AKSALARASA",
            "place": "Pantai Mertasari",
            "start": "2023-06-16T15:00",
            "end": "2023-06-16T17:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(name="AKSALARASA")
    assert event.start.isoformat() == "2023-06-16T07:00:00+00:00"  # 15.00 WITA
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert ("15.00" in page or "15:00" in page or "3:00" in page) and "WITA" in page


def test_event_end_before_start_is_refused(users_a, login, office_a):
    program = make_event_program(office_a)
    client = login(users_a["office_head"])
    response = client.post(
        reverse("events:create", args=[program.pk]),
        {"name": "X", "place": "Y", "start": "2023-06-16T17:00", "end": "2023-06-16T15:00"},
    )
    assert response.status_code == 200 and "end after it starts" in response.content.decode()
    assert not Event.objects.exists()


def test_stale_version_does_not_overwrite(users_a, login, event_a):
    client = login(users_a["office_head"])
    url = reverse("events:flags", args=[event_a.pk])
    assert (
        client.post(url, {"flag": "published", "value": "1", "version": event_a.version}).status_code == 302
    )
    client.post(url, {"flag": "published", "value": "0", "version": event_a.version})  # stale
    event_a.refresh_from_db()
    assert event_a.published is True and event_a.version == 2


def test_checklist_add_and_toggle(users_a, login, event_a):
    client = login(users_a["officer"])
    client.post(
        reverse("events:part_add", args=[event_a.pk, "checklist"]),
        {"checklist-kind": "speaker", "checklist-title": "Hubungi psikolog", "checklist-owner": "Tim"},
    )
    item = ChecklistItem.objects.get(event=event_a)
    client.post(reverse("events:checklist_toggle", args=[event_a.pk, item.pk]))
    item.refresh_from_db()
    assert item.done is True


def test_partner_staff_and_viewers_cannot_change_an_event(world, users_a, login):
    e1 = world["E1"]
    client = login(users_a["national"])
    response = client.post(
        reverse("events:flags", args=[e1.pk]), {"flag": "published", "value": "1", "version": 1}
    )
    assert response.status_code == 403
    e1.refresh_from_db()
    assert e1.published is False


def test_event_detail_query_count_is_bounded(users_a, login, event_a, django_assert_max_num_queries):
    for i in range(10):
        event_a.agenda.create(position=i, title=f"Item {i}")
        event_a.checklist.create(kind="tools", title=f"Alat {i}")
    client = login(users_a["office_head"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("events:detail", args=[event_a.pk])).status_code == 200


def test_event_list_offers_new_event_only_for_programs_one_may_edit(world, users_a, login):
    from aksalarasa.events.selectors import programs_for_new_event

    assert {p.title for p in programs_for_new_event(viewer=users_a["program_team"])} == {"P1"}
    assert {p.title for p in programs_for_new_event(viewer=users_a["officer"])} == {"P1", "P2"}
    assert programs_for_new_event(viewer=users_a["national"]) == []
    page = login(users_a["program_team"]).get(reverse("events:list")).content.decode()
    assert reverse("events:create", args=[world["E1"].program_id]) in page
    assert reverse("events:create", args=[world["E2"].program_id]) not in page


def test_partner_staff_read_events_of_programs_their_organisation_takes_part_in(
    world, users_a, login, office_a
):
    from aksalarasa.partners.models import PartnerMembership
    from aksalarasa.programs.models import ProgramPartner
    from tests.factories import PartnerFactory

    partner = PartnerFactory(office=office_a)
    PartnerMembership.objects.create(user=users_a["partner_staff"], partner=partner)
    ProgramPartner.objects.create(program=world["E1"].program, partner=partner, role="Pokmas Lipas")
    assert {e.name for e in event_list(viewer=users_a["partner_staff"])} == {"E1"}
    client = login(users_a["partner_staff"])
    assert client.get(reverse("events:detail", args=[world["E1"].pk])).status_code == 200
    assert client.get(reverse("events:detail", args=[world["E2"].pk])).status_code == 404
    # Read only: no participant pages, no changes.
    assert client.get(reverse("events:registrations", args=[world["E1"].pk])).status_code == 403
    response = client.post(
        reverse("events:flags", args=[world["E1"].pk]), {"flag": "done", "value": "1", "version": 1}
    )
    assert response.status_code == 403
