"""One write path (#14 item 4): every service that takes an `actor` and writes a record with a
history leaves a history row naming that actor.

The walk lists every public function of `aksalarasa/*/services.py` with an `actor` parameter and
fails, by name, on one that is in none of the tables below: a new service must say how it is
called (WALKS) or why it is not walked (NO_HISTORY, PENDING).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from aksalarasa.core.concurrency import StaleVersion
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnerServiceFactory,
    SupervisionFactory,
    make_client,
    make_event_program,
    make_program,
    make_user,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def _services_with_actor() -> set[str]:
    names = set()
    for path in sorted((ROOT / "aksalarasa").glob("*/services.py")):
        module = importlib.import_module(f"aksalarasa.{path.parent.name}.services")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                if "actor" in inspect.signature(fn).parameters:
                    names.add(f"{path.parent.name}.{name}")
    return names


# --- how each walked service is called: (office, actor) -> the record it wrote ---------------------


def _staff_create(office, actor):
    from aksalarasa.accounts.services import staff_create

    return staff_create(
        actor=actor,
        office_id=office.pk,
        data={"username": "walk", "full_name": "Made Jalan"},
        roles=["program_team"],
        password="Jalan-jalan-pagi-2026",
    )


def _staff_update(office, actor):
    from aksalarasa.accounts.services import staff_update

    member = make_user("officer", office)
    return staff_update(
        actor=actor,
        user=member,
        data={"full_name": "Nama Baru"},
        roles=["officer"],
        expected_version=member.version,
        grantable=("officer",),
    )


def _staff_reset_password(office, actor):
    from aksalarasa.accounts.services import staff_reset_password

    member = make_user("officer", office)
    staff_reset_password(actor=actor, user=member)
    return member


def _client_update(office, actor):
    from aksalarasa.clients.services import client_update

    person = make_client(office)
    return client_update(
        actor=actor, client=person, data={"full_name": "Klien Baru"}, expected_version=person.version
    )


def _supervision_update(office, actor):
    from aksalarasa.clients.services import supervision_update

    period = SupervisionFactory(client=make_client(office))
    return supervision_update(
        actor=actor, supervision=period, data={"notes": "x"}, expected_version=period.version
    )


def _office_update_settings(office, actor):
    from aksalarasa.offices.services import office_update_settings

    return office_update_settings(
        office=office, actor=actor, data={"name": "Bapas Baru"}, expected_version=office.version
    )


def _event_update(office, actor):
    from aksalarasa.events.services import event_update

    event = EventFactory(office=office, program=make_event_program(office))
    return event_update(event=event, actor=actor, data={"name": "Acara baru"}, expected_version=event.version)


def _event_set_flags(office, actor):
    from aksalarasa.events.services import event_set_flags

    event = EventFactory(office=office, program=make_event_program(office))
    return event_set_flags(event=event, actor=actor, expected_version=event.version, published=True)


def _event_create(office, actor):
    from aksalarasa.events.services import event_create

    now = timezone.now()
    data = {"name": "Acara", "place": "Balai banjar", "start": now, "end": now + timezone.timedelta(hours=2)}
    return event_create(program=make_event_program(office), actor=actor, data=data)


def _partner_update(office, actor):
    from aksalarasa.partners.services import partner_update

    partner = PartnerFactory(office=office)
    return partner_update(
        partner=partner, actor=actor, data={"name": "Mitra Baru"}, expected_version=partner.version
    )


def _service_update(office, actor):
    from aksalarasa.partners.services import service_update

    service = PartnerServiceFactory(partner=PartnerFactory(office=office))
    return service_update(
        service=service, actor=actor, data={"name": "Layanan"}, expected_version=service.version
    )


def _program_update(office, actor):
    from aksalarasa.programs.services import program_update

    program = make_program(office)
    return program_update(
        program=program, actor=actor, data={"title": "Baru"}, expected_version=program.version
    )


def _invitation_world(office, actor):
    """An event of a program and an adult client of `actor`, who is also an officer (PK) here."""
    from aksalarasa.events.services import invitation_request

    actor.role_officer = True
    actor.section = "adult"
    actor.save(update_fields=["role_officer", "section"])
    program = make_program(office)
    event = EventFactory(office=office, program=program)
    client = make_client(office, actor, consent_community=True)
    return invitation_request(event=event, actor=actor, client=client)


def _invitation_request(office, actor):
    return _invitation_world(office, actor)


def _invitation_accept(office, actor):
    from aksalarasa.events.services import invitation_accept

    invitation = _invitation_world(office, actor)
    invitation_accept(
        invitation=invitation,
        actor=actor,
        consent_given_by="Klien",
        consent_at=timezone.now(),
        expected_version=invitation.version,
    )
    return invitation


def _invitation_decline(office, actor):
    from aksalarasa.events.services import invitation_decline

    invitation = _invitation_world(office, actor)
    invitation_decline(
        invitation=invitation, actor=actor, reason="Bentrok", expected_version=invitation.version
    )
    return invitation


WALKS: dict[str, Callable[[Any, Any], Any]] = {
    "events.invitation_request": _invitation_request,
    "events.invitation_accept": _invitation_accept,
    "events.invitation_decline": _invitation_decline,
    "accounts.staff_create": _staff_create,
    "accounts.staff_update": _staff_update,
    "accounts.staff_reset_password": _staff_reset_password,
    "clients.client_update": _client_update,
    "clients.supervision_update": _supervision_update,
    "offices.office_update_settings": _office_update_settings,
    "events.event_update": _event_update,
    "events.event_set_flags": _event_set_flags,
    "events.event_create": _event_create,
    "partners.partner_update": _partner_update,
    "partners.service_update": _service_update,
    "programs.program_update": _program_update,
}

# Services whose records keep no history (the row itself names who wrote it, or it is not a record
# people edit): questionnaires, responses, check-ins, teams, imports.
NO_HISTORY = {
    "clients.import_run",
    "clients.clients_category_refresh",
    "events.check_in_insert",
    "events.event_check_in",
    "events.interactions_record",
    "events.team_member_move",
    "events.teams_form",
    "evidence.administration_create",
    "evidence.administration_set_open",
    "evidence.instrument_version_create_draft",
    "evidence.instrument_version_publish",
    "evidence.item_add",
    "evidence.item_delete",
    "evidence.item_update",
    "evidence.response_submit",
}

# Services that write a historical record but are not walked yet (each still to be added to WALKS).
PENDING = {
    "clients.breach_report_create",
    "clients.client_create",
    "clients.import_confirm",
    "clients.client_photo_remove",
    "clients.client_photo_set",
    "clients.client_reassign",
    "clients.litmas_request",
    "clients.litmas_submit",
    "clients.no_contact_add",
    "clients.no_contact_remove",
    "clients.supervision_create",
    "events.checklist_set_done",
    "events.event_part_add",
    "events.event_part_move",
    "events.event_part_update",
    "events.registration_client_create",
    "events.registration_staff_create",
    "guidance.concern_resolve",
    "guidance.group_create",
    "guidance.group_record",
    "guidance.schedule_generate",
    "guidance.schedule_save",
    "guidance.session_record",
    "guidance.session_reschedule",
    "guidance.session_schedule",
    "partners.membership_link",
    "partners.membership_unlink",
    "partners.partner_create",
    "partners.partner_session_record",
    "partners.referral_create",
    "partners.referral_transition",
    "partners.service_create",
    "partners.service_report_submit",
    "programs.action_plan_save",
    "programs.evaluation_save",
    "programs.handover_save",
    "programs.indicators_replace",
    "programs.program_create",
    "programs.program_report_texts_save",
    "programs.program_stage_move",
    "programs.record_add",
    "programs.workshop_resolve",
}


def test_every_writing_service_is_in_a_table():
    services = _services_with_actor()
    unlisted = sorted(services - set(WALKS) - NO_HISTORY - PENDING)
    assert unlisted == [], f"services with an actor in no table of tests/test_write_path.py: {unlisted}"
    gone = sorted((set(WALKS) | NO_HISTORY | PENDING) - services)
    assert gone == [], f"tables name services that no longer exist: {gone}"
    assert not (set(WALKS) & PENDING) and not (set(WALKS) & NO_HISTORY) and not (PENDING & NO_HISTORY)


@pytest.mark.parametrize("name", sorted(WALKS))
def test_the_newest_history_row_names_the_actor(name, office_a):
    actor = make_user("office_head", office_a, full_name="Kepala Penulis")
    record = WALKS[name](office_a, actor)
    newest = record.history.order_by("-history_date", "-history_id").first()
    assert newest is not None, name
    assert newest.history_user_id == actor.pk, name


def test_a_stale_edit_writes_nothing_and_no_history_row(office_a):
    from aksalarasa.events.services import event_update

    actor = make_user("office_head", office_a)
    event = EventFactory(office=office_a, program=make_event_program(office_a))
    rows = event.history.count()
    with pytest.raises(StaleVersion):
        event_update(event=event, actor=actor, data={"name": "Terlambat"}, expected_version=event.version + 5)
    event.refresh_from_db()
    assert event.name != "Terlambat" and event.history.count() == rows


def test_event_update_records_the_change_and_its_author(office_a):
    from aksalarasa.core.history import history_for
    from aksalarasa.events.services import event_update

    actor = make_user("office_head", office_a, full_name="Kepala Penulis")
    event = EventFactory(office=office_a, program=make_event_program(office_a), name="Lama")
    event_update(event=event, actor=actor, data={"name": "Baru"}, expected_version=event.version)
    newest = history_for(event)[0]
    assert newest.who == "Kepala Penulis" and newest.kind == "~"
    assert [(c.old, c.new) for c in newest.changes if c.old == "Lama"] == [("Lama", "Baru")]
