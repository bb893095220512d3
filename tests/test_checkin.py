"""Check-in is idempotent: repeats, offline queues (client UUIDs) and racing scanners never double."""

from __future__ import annotations

import datetime
import threading
import time
import uuid

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from aksalarasa.clients.models import Client, NoContact
from aksalarasa.core import scoping
from aksalarasa.events import services
from aksalarasa.events.models import CheckIn, Event, Interaction, Registration, TeamMember
from aksalarasa.events.selectors import program_event_summary
from tests.factories import EventFactory, RegistrationFactory, make_event_program, make_user

_counter = iter(range(1, 10**6))


def make_client_record(office, officer, *, child=False, consent=True) -> Client:
    n = next(_counter)
    born = datetime.date(2010, 1, 1) if child else datetime.date(1990, 1, 1)
    return Client.objects.create(
        office=office,
        register_number=f"REG-{n}",
        full_name=f"Klien Uji {n}",
        sex="M",
        birth_date=born,
        category="child" if child else "adult",
        officer=officer,
        consent_community=consent,
    )


@pytest.fixture
def event(office_a):
    return EventFactory(office=office_a, program=make_event_program(office_a))


@pytest.fixture
def staff(office_a):
    return make_user("officer", office_a, language="en")


def test_second_check_in_answers_already_and_keeps_one_row(event, staff):
    reg = RegistrationFactory(event=event)
    first = services.event_check_in(event=event, code=reg.code, actor=staff)
    second = services.event_check_in(event=event, code=reg.code, actor=staff)
    assert first.created is True and second.created is False
    assert second.checkin.pk == first.checkin.pk
    assert CheckIn.objects.count() == 1


def test_unknown_code_is_refused(event, staff):
    with pytest.raises(services.CheckInError):
        services.event_check_in(event=event, code="XXXXXX", actor=staff)
    assert not CheckIn.objects.exists()


def test_code_of_another_event_is_not_accepted(event, staff, office_a):
    other = EventFactory(office=office_a, program=event.program, name="Lain")
    reg = RegistrationFactory(event=other)
    with pytest.raises(services.CheckInError):
        services.event_check_in(event=event, code=reg.code, actor=staff)


def test_offline_queue_resend_with_same_uuid_is_deduplicated(event, staff):
    reg = RegistrationFactory(event=event)
    queued = uuid.uuid4()
    a = services.event_check_in(event=event, code=reg.code, actor=staff, client_uuid=queued, source="offline")
    b = services.event_check_in(event=event, code=reg.code, actor=staff, client_uuid=queued, source="offline")
    # Another phone queued the same person offline with its own UUID: still one check-in.
    c = services.event_check_in(event=event, code=reg.code, actor=staff, client_uuid=uuid.uuid4())
    assert (a.created, b.created, c.created) == (True, False, False)
    assert CheckIn.objects.count() == 1 and CheckIn.objects.get().client_uuid == queued


def test_uuid_reused_for_another_event_is_refused(event, staff, office_a):
    reg = RegistrationFactory(event=event)
    other = EventFactory(office=office_a, program=event.program, name="Lain")
    reg2 = RegistrationFactory(event=other)
    queued = uuid.uuid4()
    services.event_check_in(event=event, code=reg.code, actor=staff, client_uuid=queued)
    with pytest.raises(services.CheckInError):
        services.event_check_in(event=other, code=reg2.code, actor=staff, client_uuid=queued)
    assert CheckIn.objects.count() == 1


def test_check_in_page_json_answers_for_the_offline_script(event, staff, client):
    reg = RegistrationFactory(event=event)
    client.force_login(staff)
    url = reverse("events:checkin", args=[event.pk])
    queued = str(uuid.uuid4())
    body = {"code": reg.code.lower(), "client_uuid": queued, "source": "offline"}
    first = client.post(url, body, HTTP_ACCEPT="application/json").json()
    again = client.post(url, body, HTTP_ACCEPT="application/json").json()
    assert first["ok"] and first["created"] and not again["created"]
    assert "already" in again["message"] and again["checked_in"] == 1
    missing = client.post(url, {"code": "QQQQQQ"}, HTTP_ACCEPT="application/json")
    assert missing.status_code == 404 and not missing.json()["ok"]
    bad = client.post(url, {"code": "12"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 422
    assert CheckIn.objects.count() == 1


def test_check_in_page_without_javascript(event, staff, client):
    reg = RegistrationFactory(event=event, name="Ni Luh Sekar")
    client.force_login(staff)
    url = reverse("events:checkin", args=[event.pk])
    page = client.post(url, {"code": reg.code}).content.decode()
    assert "Ni Luh Sekar checked in" in page
    page = client.post(url, {"code": reg.code}).content.decode()
    assert "already checked in" in page


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_scans_make_one_row(office_a):
    event = EventFactory(office=office_a, program=make_event_program(office_a))
    staff = make_user("officer", office_a)
    regs = [RegistrationFactory(event=event) for _ in range(5)]
    results: list[bool] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def send(code: str) -> bool:
        # Like the phone's queue: an answer that is an error (here SQLite's table lock under
        # shared-cache threads; PostgreSQL never answers so) is retried with the same UUID.
        queued = uuid.uuid4()
        for _attempt in range(200):
            try:
                return services.event_check_in(
                    event=event, code=code, actor=staff, client_uuid=queued
                ).created
            except OperationalError:
                time.sleep(0.01)
        raise AssertionError("never answered")

    def scan(reg: Registration) -> None:
        try:
            barrier.wait(timeout=10)
            with scoping.user_scope(staff):  # each thread is a scanner's request
                for r in regs:
                    results.append(send(r.code))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(regs[0],)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert CheckIn.objects.filter(event=event).count() == 5
    assert results.count(True) == 5 and results.count(False) == 35


def test_race_lost_between_lookup_and_insert_reads_the_winner(event, staff):
    """The reader loaded the registration before another scanner's insert committed."""
    reg = RegistrationFactory(event=event)
    stale = Registration.objects.get(pk=reg.pk)  # no check-in yet when loaded
    winner = services.event_check_in(event=event, code=reg.code, actor=staff)
    outcome = services.check_in_insert(event=event, registration=stale, actor=staff, client_uuid=uuid.uuid4())
    assert outcome.created is False and outcome.checkin.pk == winner.checkin.pk
    assert CheckIn.objects.count() == 1


# --- registrations of clients -----------------------------------------------------------------


def test_only_the_clients_officer_registers_them_with_consent(event, office_a):
    officer = make_user("officer", office_a)
    other_officer = make_user("officer", office_a)
    client_ok = make_client_record(office_a, officer)
    client_no = make_client_record(office_a, officer, consent=False)
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.registration_client_create(event=event, client=client_ok, actor=other_officer)
    with pytest.raises(ValidationError):
        services.registration_client_create(event=event, client=client_no, actor=officer)
    reg = services.registration_client_create(event=event, client=client_ok, actor=officer)
    assert reg.group == "client" and reg.name == ""
    with pytest.raises(ValidationError):
        services.registration_client_create(event=event, client=client_ok, actor=officer)
    assert Registration.objects.filter(event=event).count() == 1


def test_officer_registers_client_on_the_page(event, office_a, client):
    officer = make_user("officer", office_a, language="en")
    record = make_client_record(office_a, officer)
    no_consent = make_client_record(office_a, officer, consent=False)
    client.force_login(officer)
    url = reverse("events:registrations", args=[event.pk])
    page = client.get(url).content.decode()
    assert record.full_name in page and no_consent.full_name not in page
    response = client.post(url, {"kind": "client", "client-client": no_consent.pk})
    assert response.status_code == 200 and not Registration.objects.exists()
    assert client.post(url, {"kind": "client", "client-client": record.pk}).status_code == 302
    assert Registration.objects.get().client == record


# --- teams and interactions ------------------------------------------------------------------


def _checked_in(event, staff, **kwargs) -> Registration:
    reg = RegistrationFactory(event=event, **kwargs)
    services.event_check_in(event=event, code=reg.code, actor=staff)
    return reg


def test_teams_keep_no_contact_clients_apart_and_moves_are_checked(event, staff, office_a):
    c1 = make_client_record(office_a, staff)
    c2 = make_client_record(office_a, staff)
    NoContact.objects.create(office=office_a, client=c1, other_client=c2, reason="uji")
    r1 = _checked_in(event, staff, group="client", client=c1, name="")
    r2 = _checked_in(event, staff, group="client", client=c2, name="")
    for _ in range(4):
        _checked_in(event, staff)
    teams = services.teams_form(event=event, actor=staff, team_count=2)
    assert len(teams) == 2
    t1 = TeamMember.objects.get(registration=r1).team_id
    t2 = TeamMember.objects.get(registration=r2).team_id
    assert t1 != t2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.team_member_move(event=event, registration_id=r1.pk, team_id=t2, actor=staff, names={})
    assert "no-contact" in " ".join(info.value.messages)
    assert TeamMember.objects.get(registration=r1).team_id == t1
    _teams, report, unplaced = services.teams_report(event)
    assert report.constraints_met and not unplaced
    assert [(t.clients, t.community) for t in report.teams] == [(1, 2), (1, 2)]


def test_child_cannot_be_moved_into_adult_team_without_staff(event, staff, office_a):
    child = make_client_record(office_a, staff, child=True)
    adult = make_client_record(office_a, staff)
    rc = _checked_in(event, staff, group="client", client=child, name="")
    ra = _checked_in(event, staff, group="client", client=adult, name="")
    services.teams_form(event=event, actor=staff, team_count=2)
    target = TeamMember.objects.get(registration=ra).team_id
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.team_member_move(event=event, registration_id=rc.pk, team_id=target, actor=staff)
    assert "staff member" in " ".join(info.value.messages)


def test_teams_page_explains_and_moves_by_hand(event, staff, client):
    regs = [_checked_in(event, staff) for _ in range(6)]
    client.force_login(staff)
    url = reverse("events:teams", args=[event.pk])
    assert client.post(url, {"action": "form", "form-team_count": "2"}).status_code == 302
    page = client.get(url).content.decode()
    assert "All constraints met" in page and "Best possible mix" in page
    target = event.teams.exclude(members__registration=regs[0]).get()
    client.post(url, {"action": "move", "registration": regs[0].pk, "team": target.pk})
    assert TeamMember.objects.get(registration=regs[0]).team == target


def test_teams_need_checked_in_people(event, staff, client):
    client.force_login(staff)
    url = reverse("events:teams", args=[event.pk])
    page = client.post(url, {"action": "form", "form-team_count": "3"}).content.decode()
    assert "Nobody has checked in yet" in page and not event.teams.exists()


def test_interactions_are_one_row_per_pair(event, staff, office_a, client):
    record = make_client_record(office_a, staff)
    rc = _checked_in(event, staff, group="client", client=record, name="")
    r1 = _checked_in(event, staff)
    r2 = _checked_in(event, staff)
    not_in = RegistrationFactory(event=event)
    assert (
        services.interactions_record(event=event, client_id=rc.pk, other_ids=[r1.pk, r2.pk], actor=staff) == 2
    )
    assert (
        services.interactions_record(event=event, client_id=rc.pk, other_ids=[r2.pk, r1.pk], actor=staff) == 0
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.interactions_record(event=event, client_id=rc.pk, other_ids=[not_in.pk], actor=staff)
    assert Interaction.objects.count() == 2
    client.force_login(staff)
    url = reverse("events:interactions", args=[event.pk])
    client.post(url, {"client": rc.pk, "others": [r1.pk]})
    assert Interaction.objects.count() == 2
    page = client.get(url).content.decode()
    assert "2 interactions recorded" in page
    assert f'name="others" value="{r1.pk}"' in page  # the people to tap are offered as checkboxes


def test_program_event_summary_counts_by_group_and_client_share(event, staff, office_a):
    records = [make_client_record(office_a, staff) for _ in range(4)]
    regs = [RegistrationFactory(event=event, group="client", client=c, name="") for c in records]
    for reg in regs[:3]:
        services.event_check_in(event=event, code=reg.code, actor=staff)
    _checked_in(event, staff)
    Event.objects.filter(pk=event.pk).update(done=True)
    summary = program_event_summary(event.program)
    assert summary["event_count"] == 1 and summary["any_done"] is True
    assert summary["by_group"]["client"] == {"registered": 4, "checked_in": 3}
    assert summary["by_group"]["resident"] == {"registered": 1, "checked_in": 1}
    assert summary["client_checkin_share"] == 0.75
    assert summary["events"][0]["checked_in"] == 4


def test_registration_list_query_count_is_bounded(
    event, staff, office_a, client, django_assert_max_num_queries
):
    for _ in range(15):
        _checked_in(event, staff, group="client", client=make_client_record(office_a, staff), name="")
        _checked_in(event, staff)
    client.force_login(staff)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("events:registrations", args=[event.pk])).status_code == 200
    services.teams_form(event=event, actor=staff, team_count=4)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("events:teams", args=[event.pk])).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("events:interactions", args=[event.pk])).status_code == 200
