"""One write path (#14 item 4): every service that takes an `actor` and writes a record with a
history leaves a history row naming that actor (`aksalarasa.core.history.save_versioned`).

The walk lists every public function of `aksalarasa/*/services.py` with an `actor` parameter and
fails, by name, on one that is in neither table below: a new service must say how it is called.
- WALKS: it writes a record with a history; the newest history row names the actor.
- UNTRACKED: the record it writes keeps no history (check-ins, registrations, questionnaires,
  teams, import runs). The walk proves the model really has no history (a model that gains one
  fails here until its service moves to WALKS) and, where the row has a field for its author,
  that the field names the actor.
Each walk runs in the acting person's scope (core.scoping), as a request would.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from aksalarasa.core.concurrency import StaleVersion
from aksalarasa.core.scoping import user_scope
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnerServiceFactory,
    RegistrationFactory,
    SupervisionFactory,
    make_client,
    make_event_program,
    make_membership,
    make_program,
    make_user,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _services_with_actor() -> set[str]:
    names = set()
    for path in sorted((ROOT / "aksalarasa").glob("*/services.py")):
        module = importlib.import_module(f"aksalarasa.{path.parent.name}.services")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                if "actor" in inspect.signature(fn).parameters:
                    names.add(f"{path.parent.name}.{name}")
    return names


def _grant(actor, *roles: str):
    """Give the acting office head another role a service asks for (the actor stays the same user)."""
    for role in roles:
        setattr(actor, f"role_{role}", True)
    type(actor).objects.filter(pk=actor.pk).update(**{f"role_{role}": True for role in roles})
    return actor


# --- accounts, offices -------------------------------------------------------------------------


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


def _office_update_settings(office, actor):
    from aksalarasa.offices.services import office_update_settings

    return office_update_settings(
        office=office, actor=actor, data={"name": "Bapas Baru"}, expected_version=office.version
    )


# --- clients -----------------------------------------------------------------------------------


def _client_create(office, actor):
    from aksalarasa.clients.services import client_create

    data = {"register_number": "JLN-1", "full_name": "Klien Jalan", "sex": "M", "birth_date": TODAY}
    return client_create(actor=actor, office=office, data=data)


def _client_update(office, actor):
    from aksalarasa.clients.services import client_update

    person = make_client(office)
    return client_update(
        actor=actor, client=person, data={"full_name": "Klien Baru"}, expected_version=person.version
    )


def _photo(person, actor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aksalarasa.clients.photos import photo_clean
    from aksalarasa.clients.services import client_photo_set
    from tests.test_client_photo import _png

    upload = SimpleUploadedFile("p.png", _png())
    return client_photo_set(
        actor=actor, client=person, photo=photo_clean(upload), expected_version=person.version
    )


def _client_photo_set(office, actor):
    return _photo(make_client(office), actor)


def _client_photo_remove(office, actor):
    from aksalarasa.clients.services import client_photo_remove

    person = _photo(make_client(office), make_user("officer", office))
    return client_photo_remove(actor=actor, client=person, expected_version=person.version)


def _client_reassign(office, actor):
    from aksalarasa.clients.services import client_reassign

    person = make_client(office, make_user("officer", office))
    client_reassign(actor=actor, client=person, officer=make_user("officer", office), reason="Cuti")
    return person


def _clients_category_refresh(office, actor):
    from aksalarasa.clients.models import Client
    from aksalarasa.clients.services import clients_category_refresh

    person = make_client(office)
    Client.objects.filter(pk=person.pk).update(category="child")  # out of date: the birth date says adult
    assert clients_category_refresh(client_ids=[person.pk], actor=actor) == 1
    return person


def _supervision_create(office, actor):
    from aksalarasa.clients.services import supervision_create

    data = {"program_type": "pb", "start": TODAY, "end": TODAY.replace(year=2027), "status": "active"}
    return supervision_create(actor=actor, client=make_client(office), data=data)


def _supervision_update(office, actor):
    from aksalarasa.clients.services import supervision_update

    period = SupervisionFactory(client=make_client(office))
    return supervision_update(
        actor=actor, supervision=period, data={"notes": "x"}, expected_version=period.version
    )


def _litmas(office, actor):
    from aksalarasa.clients.services import litmas_request

    officer = make_user("officer", office)
    data = {"purpose": "parole", "requested_on": TODAY, "officer": officer.pk}
    return litmas_request(actor=actor, client=make_client(office, officer), data=data)


def _litmas_submit(office, actor):
    from aksalarasa.clients.services import litmas_submit

    litmas = _litmas(office, make_user("office_head", office))
    data = {"submitted_on": TODAY, "recommendation": "Pembebasan bersyarat"}
    return litmas_submit(actor=actor, litmas=litmas, data=data, expected_version=litmas.version)


def _no_contact_add(office, actor):
    from aksalarasa.clients.services import no_contact_add

    return no_contact_add(
        actor=actor, client=make_client(office), other_client=make_client(office), person_name="", reason="r"
    )


def _no_contact_remove(office, actor):
    from aksalarasa.clients.services import no_contact_add, no_contact_remove

    entry = no_contact_add(
        actor=make_user("office_head", office),
        client=make_client(office),
        other_client=None,
        person_name="Saksi",
        reason="r",
    )
    pk = entry.pk
    no_contact_remove(actor=actor, entry=entry)
    entry.pk = pk  # delete() forgets the key; the history is read by it
    return entry  # its last history row is the deletion ("-")


def _breach_report_create(office, actor):
    from aksalarasa.clients.services import breach_report_create

    data = {"discovered_at": timezone.now(), "description": "Laptop hilang", "data_affected": "Nama"}
    return breach_report_create(actor=actor, office=office, data=data)


def _import_csv(office) -> bytes:
    from tests.test_clients_import import _csv, _row

    make_user("officer", office, username="pk.uji")
    return _csv([_row(1)])


def _import_run(office, actor):
    from aksalarasa.clients.client_import import ClientImporter
    from aksalarasa.clients.models import ImportRun
    from aksalarasa.clients.services import import_run

    outcome = import_run(
        actor=actor, importer_class=ClientImporter, token="t1", filename="k.csv", content=_import_csv(office)
    )
    assert outcome.preview
    return ImportRun.objects.get(token="t1")


def _import_confirm(office, actor):
    from aksalarasa.clients.client_import import ClientImporter
    from aksalarasa.clients.models import Client
    from aksalarasa.clients.services import import_confirm, import_run

    content = _import_csv(office)
    import_run(actor=actor, importer_class=ClientImporter, token="t2", filename="k.csv", content=content)
    assert import_confirm(actor=actor, importers=[ClientImporter], token="t2").result.created == 1
    return Client.objects.get(register_number="IMP-00001")


# --- events ------------------------------------------------------------------------------------


def _event(office):
    return EventFactory(office=office, program=make_event_program(office))


def _event_create(office, actor):
    from aksalarasa.events.services import event_create

    now = timezone.now()
    data = {"name": "Acara", "place": "Balai banjar", "start": now, "end": now + datetime.timedelta(hours=2)}
    return event_create(program=make_event_program(office), actor=actor, data=data)


def _event_update(office, actor):
    from aksalarasa.events.services import event_update

    event = _event(office)
    return event_update(event=event, actor=actor, data={"name": "Acara baru"}, expected_version=event.version)


def _event_set_flags(office, actor):
    from aksalarasa.events.services import event_set_flags

    event = _event(office)
    return event_set_flags(event=event, actor=actor, expected_version=event.version, published=True)


def _checklist_item(event, actor, title="Sewa tenda"):
    from aksalarasa.events.forms import part_form
    from aksalarasa.events.services import event_part_add

    form = part_form("checklist", data={"checklist-kind": "venue", "checklist-title": title})
    assert form.is_valid(), form.errors
    return event_part_add(event=event, form=form, actor=actor)


def _event_part_add(office, actor):
    return _checklist_item(_event(office), actor)


def _event_part_update(office, actor):
    from aksalarasa.events.models import ChecklistItem
    from aksalarasa.events.services import event_part_update

    event = _event(office)
    item = _checklist_item(event, make_user("office_head", office))
    return event_part_update(
        event=event,
        model=ChecklistItem,
        pk=item.pk,
        actor=actor,
        data={"title": "Sewa kursi"},
        expected_version=item.version,
    )


def _event_part_delete(office, actor):
    from aksalarasa.events.models import ChecklistItem
    from aksalarasa.events.services import event_part_delete

    event = _event(office)
    item = _checklist_item(event, make_user("office_head", office))
    assert event_part_delete(event=event, model=ChecklistItem, pk=item.pk, actor=actor, expected_version=1)
    return item  # its last history row is the deletion ("-")


def _event_part_move(office, actor):
    from aksalarasa.events.models import ChecklistItem
    from aksalarasa.events.services import event_part_move

    event = _event(office)
    author = make_user("office_head", office)
    _checklist_item(event, author, "Pertama")
    second = _checklist_item(event, author, "Kedua")
    event_part_move(event=event, model=ChecklistItem, pk=second.pk, direction="up", actor=actor)
    return second


def _checklist_set_done(office, actor):
    from aksalarasa.events.services import checklist_set_done

    event = _event(office)
    item = _checklist_item(event, make_user("office_head", office))
    return checklist_set_done(event=event, pk=item.pk, done=True, actor=actor)


def _registration_client_create(office, actor):
    from aksalarasa.events.services import registration_client_create

    _grant(actor, "officer")
    person = make_client(office, actor, consent_community=True)
    return registration_client_create(event=_event(office), client=person, actor=actor)


def _registration_staff_create(office, actor):
    from aksalarasa.events.services import registration_staff_create

    return registration_staff_create(event=_event(office), actor=actor, group="official", name="Pak Lurah")


def _event_check_in(office, actor):
    from aksalarasa.events.services import event_check_in

    registration = RegistrationFactory(event=_event(office))
    return event_check_in(event=registration.event, code=registration.code, actor=actor).checkin


def _check_in_insert(office, actor):
    from aksalarasa.events.services import check_in_insert

    registration = RegistrationFactory(event=_event(office))
    return check_in_insert(event=registration.event, registration=registration, actor=actor).checkin


def _checked_in(event, count: int, *, client=None):
    from aksalarasa.events.services import check_in_insert

    staff = make_user("office_head", event.office)
    registrations = [RegistrationFactory(event=event) for _ in range(count)]
    if client is not None:
        registrations.insert(0, RegistrationFactory(event=event, group="client", client=client, name=""))
    for registration in registrations:
        check_in_insert(event=event, registration=registration, actor=staff)
    return registrations


def _interactions_record(office, actor):
    from aksalarasa.events.models import Interaction
    from aksalarasa.events.services import interactions_record

    event = _event(office)
    client_reg, other = _checked_in(event, 1, client=make_client(office))
    assert interactions_record(event=event, client_id=client_reg.pk, other_ids=[other.pk], actor=actor) == 1
    return Interaction.objects.get(event=event)


def _teams_form(office, actor):
    from aksalarasa.events.services import teams_form

    event = _event(office)
    _checked_in(event, 4)
    return teams_form(event=event, actor=actor, team_count=2)[0]


def _team_member_move(office, actor):
    from aksalarasa.events.models import TeamMember
    from aksalarasa.events.services import team_member_move, teams_form

    event = _event(office)
    _checked_in(event, 4)
    first, second = teams_form(event=event, actor=make_user("office_head", office), team_count=2)
    member = TeamMember.objects.filter(team=first).first()
    return team_member_move(
        event=event, registration_id=member.registration_id, team_id=second.pk, actor=actor
    )


# --- evidence ----------------------------------------------------------------------------------


def _instrument(audience: str = "resident"):
    from aksalarasa.evidence.models import InstrumentVersion
    from aksalarasa.evidence.services import instruments_install_defaults

    instruments_install_defaults()
    return InstrumentVersion.objects.filter(instrument__audience=audience, status="published").first()


def _draft(office, actor=None):
    from aksalarasa.evidence.services import instrument_version_create_draft

    author = actor or _grant(make_user("office_head", office), "admin")
    return instrument_version_create_draft(instrument=_instrument().instrument, actor=author)


def _instrument_version_create_draft(office, actor):
    return _draft(office, actor)


def _instrument_version_publish(office, actor):
    from aksalarasa.evidence.services import instrument_version_publish

    draft = _draft(office)
    return instrument_version_publish(version=draft, actor=actor, expected_version=draft.version)


def _item_add(office, actor):
    from aksalarasa.evidence.services import item_add

    draft = _draft(office)
    statement = {"key": "walk1", "text_id": "Saya hadir", "text_en": "I attend", "reverse": False}
    return item_add(version=draft, actor=actor, subscale=draft.subscales.first(), **statement)


def _item_update(office, actor):
    from aksalarasa.evidence.services import item_update

    item = _draft(office).items.first()
    return item_update(item=item, actor=actor, text_id="Saya datang", text_en="I come", reverse=False)


def _item_delete(office, actor):
    from aksalarasa.evidence.models import Item
    from aksalarasa.evidence.services import item_delete

    item = _draft(office).items.first()
    item_delete(item=item, actor=actor)
    assert not Item.objects.filter(pk=item.pk).exists()
    return item


def _administration(office, actor):
    from aksalarasa.evidence.services import administration_create

    return administration_create(
        actor=actor,
        program=make_program(office),
        instrument_version=_instrument(),
        group="resident",
        point="pre",
    )


def _administration_set_open(office, actor):
    from aksalarasa.evidence.services import administration_set_open

    administration = _administration(office, make_user("office_head", office))
    return administration_set_open(
        administration=administration, actor=actor, open=False, expected_version=administration.version
    )


def _response_submit(office, actor):
    from aksalarasa.evidence.services import response_submit

    administration = _administration(office, make_user("office_head", office))
    version = administration.instrument_version
    answers = {key: 3 for key in version.items.values_list("key", flat=True)}
    return response_submit(
        administration=administration, answers=answers, channel="paper", actor=actor, code="JALAN1"
    )


# --- guidance ----------------------------------------------------------------------------------


def _later(days: int = 1):
    return timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)


def _session_schedule(office, actor):
    from aksalarasa.guidance.services import session_schedule

    return session_schedule(client=make_client(office), actor=actor, scheduled_at=_later())


def _session_record(office, actor):
    from aksalarasa.guidance.services import session_record

    session, _next = session_record(client=make_client(office), actor=actor, data={"outcome": "attended"})
    return session


def _scheduled(office):
    from aksalarasa.guidance.services import session_schedule

    return session_schedule(
        client=make_client(office), actor=make_user("office_head", office), scheduled_at=_later()
    )


def _session_reschedule(office, actor):
    from aksalarasa.guidance.services import session_reschedule

    session = _scheduled(office)
    session_reschedule(session=session, actor=actor, new_at=_later(3), expected_version=session.version)
    return session


def _concern_resolve(office, actor):
    from aksalarasa.guidance.services import concern_resolve, session_record

    session, _next = session_record(
        client=make_client(office),
        actor=make_user("office_head", office),
        data={"outcome": "attended", "concern": True, "concern_text": "Tampak lelah"},
    )
    return concern_resolve(
        session=session, actor=actor, resolution="Dirujuk", expected_version=session.version
    )


def _schedule_data():
    return {"every_days": 7, "first_at": _later(), "until": None, "place": "office", "active": True}


def _schedule_save(office, actor):
    from aksalarasa.guidance.services import schedule_save

    return schedule_save(client=make_client(office), actor=actor, data=_schedule_data())


def _schedule_generate(office, actor):
    from aksalarasa.guidance.services import schedule_generate, schedule_save

    schedule = schedule_save(
        client=make_client(office), actor=make_user("office_head", office), data=_schedule_data()
    )
    return schedule_generate(schedule=schedule, actor=actor)[0]


def _group(office, actor):
    from aksalarasa.guidance.models import GuidanceSession
    from aksalarasa.guidance.services import group_create

    group = group_create(
        actor=actor,
        title="Kelompok",
        kind="personality",
        place="office",
        scheduled_at=_later(),
        participants=[make_client(office).pk, make_client(office).pk],
    )
    return GuidanceSession.objects.filter(group=group).first()


def _group_create(office, actor):
    return _group(office, actor)


def _group_record(office, actor):
    from aksalarasa.guidance.services import group_record

    session = _group(office, make_user("office_head", office))
    data = {"outcome": "attended", "version": session.version}
    return group_record(group=session.group, actor=actor, rows=[(session, data)])[0]


# --- partners ----------------------------------------------------------------------------------


def _partner_create(office, actor):
    from aksalarasa.partners.services import partner_create

    return partner_create(office=office, actor=actor, data={"name": "Yayasan Jalan", "legal_form": "yayasan"})


def _partner_update(office, actor):
    from aksalarasa.partners.services import partner_update

    partner = PartnerFactory(office=office)
    return partner_update(
        partner=partner, actor=actor, data={"name": "Mitra Baru"}, expected_version=partner.version
    )


def _service_create(office, actor):
    from aksalarasa.partners.services import service_create

    data = {"name": "Menjahit", "kind": "vocational", "for_adults": True}
    return service_create(partner=PartnerFactory(office=office), actor=actor, data=data)


def _service_update(office, actor):
    from aksalarasa.partners.services import service_update

    service = PartnerServiceFactory(partner=PartnerFactory(office=office))
    return service_update(
        service=service, actor=actor, data={"name": "Layanan"}, expected_version=service.version
    )


def _membership_link(office, actor):
    from aksalarasa.partners.services import membership_link

    staff = make_user("partner_staff", office)
    return membership_link(partner=PartnerFactory(office=office), user=staff, actor=actor)


def _membership_unlink(office, actor):
    from aksalarasa.partners.services import membership_unlink

    membership = make_membership(make_user("partner_staff", office), PartnerFactory(office=office))
    pk = membership.pk
    membership_unlink(membership=membership, actor=actor)
    membership.pk = pk  # delete() forgets the key; the history is read by it
    return membership  # its last history row is the deletion ("-")


def _referral(office, actor, *, send: bool = False, goals: str = ""):
    from aksalarasa.partners.services import referral_create

    service = PartnerServiceFactory(partner=PartnerFactory(office=office))
    return referral_create(
        client=make_client(office), service=service, actor=actor, reason="Butuh kerja", goals=goals, send=send
    )


def _referral_create(office, actor):
    return _referral(office, actor)


def _referral_transition(office, actor):
    from aksalarasa.partners.services import referral_transition

    referral = _referral(office, make_user("office_head", office))
    return referral_transition(
        referral=referral, actor=actor, target="sent", expected_version=referral.version
    )


def _accepted_by(office, actor, goals: str = ""):
    """A sent referral accepted by `actor`, made a staff member of the partner it went to."""
    from aksalarasa.partners.services import referral_transition

    referral = _referral(office, make_user("office_head", office), send=True, goals=goals)
    make_membership(_grant(actor, "partner_staff"), referral.partner)
    return referral_transition(
        referral=referral, actor=actor, target="accepted", expected_version=referral.version
    )


def _partner_session_record(office, actor, goals: str = ""):
    from aksalarasa.partners.services import partner_session_record

    referral = _accepted_by(office, actor, goals=goals)
    return partner_session_record(
        referral=referral,
        actor=actor,
        scheduled_at=timezone.now(),
        outcome="attended",
        engagement=3,
        expected_version=referral.version,
    )


def _service_report_submit(office, actor):
    from aksalarasa.partners.models import Referral
    from aksalarasa.partners.services import service_report_submit

    session = _partner_session_record(office, actor, goals="Bisa menjahit")  # now in progress
    referral = Referral.objects.get(client=session.client)
    return service_report_submit(
        referral=referral,
        actor=actor,
        recommendation="Lanjut",
        ratings=[{"rating": "achieved"}],
        expected_version=referral.version,
    )


# --- programs ----------------------------------------------------------------------------------


def _program_create(office, actor):
    from aksalarasa.programs.services import program_create

    data = {"title": "Program jalan", "acronym": "PJ", "start": TODAY, "end": TODAY.replace(month=8)}
    return program_create(actor=actor, data=data)


def _program_update(office, actor):
    from aksalarasa.programs.services import program_update

    program = make_program(office)
    return program_update(
        program=program, actor=actor, data={"title": "Baru"}, expected_version=program.version
    )


def _program_report_texts_save(office, actor):
    from aksalarasa.programs.services import program_report_texts_save

    program = make_program(office)
    return program_report_texts_save(
        program=program, actor=actor, data={"conclusions": "Berhasil"}, expected_version=program.version
    )


def _program_stage_move(office, actor):
    from aksalarasa.programs.models import STAGE_ORDER
    from aksalarasa.programs.services import program_stage_move

    program = make_program(office)
    program_stage_move(
        program=program, actor=actor, to_stage=STAGE_ORDER[1], reason="", expected_version=program.version
    )
    return program


def _record_add(office, actor):
    from aksalarasa.programs.models import Contact
    from aksalarasa.programs.services import record_add

    data = {"date": TODAY, "people": "Kepala desa", "institution": "Desa", "purpose": "Kenalan"}
    return record_add(program=make_program(office), model=Contact, data=data, actor=actor)


def _workshop(office, actor):
    from aksalarasa.programs.services import workshop_create

    data = {"date": TODAY, "focus_question": "Apa yang kita lakukan?", "facilitator": "F"}
    return workshop_create(program=make_program(office), actor=actor, data=data)


def _workshop_create(office, actor):
    return _workshop(office, actor)


def _workshop_cards_set(office, actor):
    from aksalarasa.programs.services import workshop_cards_set

    return workshop_cards_set(
        workshop=_workshop(office, make_user("office_head", office)), actor=actor, open=False
    )


def _workshop_resolve(office, actor):
    from aksalarasa.programs.services import workshop_resolve

    workshop = _workshop(office, make_user("office_head", office))
    return workshop_resolve(
        workshop=workshop, actor=actor, resolution="Sepakat", expected_version=workshop.version
    )


def _action_plan_save(office, actor):
    from aksalarasa.programs.services import action_plan_save

    return action_plan_save(
        program=make_program(office), actor=actor, data={"victory": "Desa bersih"}, expected_version=0
    )


def _plan_action_add(office, actor):
    from aksalarasa.programs.services import plan_action_add

    program = make_program(office)
    plan_action_add(
        program=program, actor=actor, data={"title": "Bersih pantai", "owner": "Tim", "due": TODAY}
    )
    return program.action_plan


def _evaluation_save(office, actor):
    from aksalarasa.programs.services import evaluation_save

    return evaluation_save(
        program=make_program(office), actor=actor, data={"strengths": "Kompak"}, expected_version=0
    )


def _handover_save(office, actor):
    from aksalarasa.programs.services import handover_save

    return handover_save(
        program=make_program(office), actor=actor, data={"next_steps": "Lanjut"}, expected_version=0
    )


def _indicators_replace(office, actor):
    from aksalarasa.programs.services import indicators_replace

    rows = [{"criterion": "Kehadiran", "weight": 100}]
    return indicators_replace(program=make_program(office), actor=actor, rows=rows)[0]


def _sentence_world(office, actor):
    from tests.factories import PartnerFactory, make_client, make_membership

    partner = PartnerFactory(office=office)
    supervisor = make_user("partner_staff", office)
    make_membership(supervisor, partner)
    return partner, supervisor, make_client(office, make_user("officer", office))


def _site_create(office, actor):
    from tests.factories import make_site

    partner, supervisor, _client = _sentence_world(office, actor)
    return make_site(office, partner, supervisors=[supervisor], actor=actor)


def _site_update(office, actor):
    from aksalarasa.sentences.services import site_update
    from tests.factories import make_site

    partner, supervisor, _client = _sentence_world(office, actor)
    site = make_site(office, partner, supervisors=[supervisor])
    data = {f: getattr(site, f) for f in ("name", "kind", "address", "regency", "work_kinds", "capacity_per_day",
            "opening_days", "opens_at", "closes_at", "non_commercial", "active")}  # fmt: skip
    data |= {"partner": partner, "supervisors": [], "safety_notes": "Sepatu tertutup"}
    return site_update(actor=actor, site=site, data=data, expected_version=site.version)


def _order_create(office, actor):
    from tests.factories import make_order

    _partner, _supervisor, client = _sentence_world(office, actor)
    return make_order(client, actor=actor)


def _order_create_with_client(office, actor):
    from aksalarasa.sentences.services import order_create_with_client
    from tests.factories import order_data

    client_data = {
        "register_number": "KS-W1",
        "full_name": "Klien Baru",
        "sex": "M",
        "birth_date": timezone.localdate().replace(year=1990),
    }
    return order_create_with_client(actor=actor, office=office, client_data=client_data, data=order_data())  # fmt: skip


def _order_update(office, actor):
    from aksalarasa.sentences.services import order_update
    from tests.factories import make_order, order_data

    _partner, _supervisor, client = _sentence_world(office, actor)
    order = make_order(client)
    data = order_data(decision_number=order.decision_number, notes="Diperbarui")
    return order_update(actor=actor, order=order, data=data, expected_version=order.version)


def _suitability_save(office, actor):
    from aksalarasa.clients.models import Litmas
    from aksalarasa.sentences.services import suitability_save

    _partner, _supervisor, client = _sentence_world(office, actor)
    litmas = Litmas.objects.create(
        office=office, client=client, purpose="community_sentence", requested_on=timezone.localdate(),
        due_date=timezone.localdate(), officer=client.officer,
    )  # fmt: skip
    return suitability_save(
        actor=actor, litmas=litmas, data={"admission": "favourable"}, expected_version=None
    )


def _hours_work_add(office, actor):
    from aksalarasa.sentences.services import hours_work_add
    from tests.factories import make_order

    _partner, _supervisor, client = _sentence_world(office, actor)
    order = make_order(client)
    data = {"work_date": order.start_date, "start": datetime.time(8), "end": datetime.time(10)}
    return hours_work_add(actor=actor, order=order, data=data)


def _hours_work_append(office, actor):
    """As the site app's batch calls it: the order locked and its ledger's state read by the caller."""
    from aksalarasa.sentences.services import hours_work_append
    from tests.factories import make_order

    _partner, _supervisor, client = _sentence_world(office, actor)
    order = make_order(client)
    data = {"work_date": order.start_date, "start": datetime.time(8), "end": datetime.time(10)}
    return hours_work_append(actor=actor, order=order, data=data, head=None, minutes_that_day=0, balance=0)


def _hours_correction_add(office, actor):
    from aksalarasa.sentences.services import hours_correction_add

    entry = _hours_work_add(office, make_user("office_head", office))
    data = {"minutes": -30, "reason": "Terlambat", "corrects": entry}
    return hours_correction_add(actor=actor, order=entry.order, data=data)


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


def _invitation_accept_many(office, actor):
    from aksalarasa.events.services import ClientConsent, invitation_accept_many, invitation_request

    first = _invitation_world(office, actor)  # makes `actor` an adult-section PK with an event
    invitation = invitation_request(event=first.event, actor=actor, officer=actor)
    clients = [make_client(office, actor, consent_community=True) for _ in range(2)]
    invitation_accept_many(
        invitation=invitation,
        actor=actor,
        choices=[
            ClientConsent(client=c, consent_given_by="Klien", consent_at=timezone.now()) for c in clients
        ],
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
    "events.invitation_accept_many": _invitation_accept_many,
    "events.invitation_decline": _invitation_decline,
    "sentences.site_create": _site_create,
    "sentences.site_update": _site_update,
    "sentences.order_create": _order_create,
    "sentences.order_create_with_client": _order_create_with_client,
    "sentences.order_update": _order_update,
    "sentences.suitability_save": _suitability_save,
    "accounts.staff_create": _staff_create,
    "accounts.staff_update": _staff_update,
    "accounts.staff_reset_password": _staff_reset_password,
    "offices.office_update_settings": _office_update_settings,
    "clients.client_create": _client_create,
    "clients.client_update": _client_update,
    "clients.client_photo_set": _client_photo_set,
    "clients.client_photo_remove": _client_photo_remove,
    "clients.client_reassign": _client_reassign,
    "clients.clients_category_refresh": _clients_category_refresh,
    "clients.supervision_create": _supervision_create,
    "clients.supervision_update": _supervision_update,
    "clients.litmas_request": _litmas,
    "clients.litmas_submit": _litmas_submit,
    "clients.no_contact_add": _no_contact_add,
    "clients.no_contact_remove": _no_contact_remove,
    "clients.breach_report_create": _breach_report_create,
    "clients.import_confirm": _import_confirm,
    "events.event_create": _event_create,
    "events.event_update": _event_update,
    "events.event_set_flags": _event_set_flags,
    "events.event_part_add": _event_part_add,
    "events.event_part_update": _event_part_update,
    "events.event_part_delete": _event_part_delete,
    "events.event_part_move": _event_part_move,
    "events.checklist_set_done": _checklist_set_done,
    "guidance.session_schedule": _session_schedule,
    "guidance.session_record": _session_record,
    "guidance.session_reschedule": _session_reschedule,
    "guidance.concern_resolve": _concern_resolve,
    "guidance.schedule_save": _schedule_save,
    "guidance.schedule_generate": _schedule_generate,
    "guidance.group_create": _group_create,
    "guidance.group_record": _group_record,
    "partners.partner_create": _partner_create,
    "partners.partner_update": _partner_update,
    "partners.service_create": _service_create,
    "partners.service_update": _service_update,
    "partners.membership_link": _membership_link,
    "partners.membership_unlink": _membership_unlink,
    "partners.referral_create": _referral_create,
    "partners.referral_transition": _referral_transition,
    "partners.partner_session_record": _partner_session_record,
    "partners.service_report_submit": _service_report_submit,
    "programs.program_create": _program_create,
    "programs.program_update": _program_update,
    "programs.program_report_texts_save": _program_report_texts_save,
    "programs.program_stage_move": _program_stage_move,
    "programs.workshop_create": _workshop_create,
    "programs.workshop_cards_set": _workshop_cards_set,
    "programs.workshop_resolve": _workshop_resolve,
    "programs.action_plan_save": _action_plan_save,
    "programs.plan_action_add": _plan_action_add,
    "programs.evaluation_save": _evaluation_save,
    "programs.handover_save": _handover_save,
    "programs.indicators_replace": _indicators_replace,
}

# name -> (walk, the field naming who wrote the row or None, why the record keeps no history)
UNTRACKED: dict[str, tuple[Callable[[Any, Any], Any], str | None, str]] = {
    "clients.import_run": (_import_run, "user", "an upload's run record, its own log: who, when, counts"),
    "events.registration_client_create": (
        _registration_client_create,
        "registered_by",
        "a registration is written once and never edited; the row names who registered",
    ),
    "events.registration_staff_create": (
        _registration_staff_create,
        "registered_by",
        "a registration is written once and never edited; the row names who registered",
    ),
    "events.event_check_in": (_event_check_in, "by", "a check-in is written once, never edited"),
    "events.check_in_insert": (_check_in_insert, "by", "a check-in is written once, never edited"),
    "events.interactions_record": (_interactions_record, "recorded_by", "a pair is recorded once"),
    "events.teams_form": (_teams_form, None, "teams are re-formed whole from the check-ins, never edited"),
    "events.team_member_move": (
        _team_member_move,
        None,
        "a team place follows the teams, kept without history",
    ),
    "evidence.instrument_version_create_draft": (
        _instrument_version_create_draft,
        "created_by",
        "questionnaire versions are the history: a published version never changes",
    ),
    "evidence.instrument_version_publish": (
        _instrument_version_publish,
        None,
        "publishing freezes the version for good (status and date on the row)",
    ),
    "evidence.item_add": (_item_add, None, "a draft's statements change only until it is published"),
    "evidence.item_update": (_item_update, None, "a draft's statements change only until it is published"),
    "evidence.item_delete": (_item_delete, None, "a draft's statements change only until it is published"),
    "evidence.administration_create": (_administration, "created_by", "a survey round names its creator"),
    "evidence.administration_set_open": (
        _administration_set_open,
        None,
        "opening or closing a survey round is a switch, checked against the version",
    ),
    "evidence.response_submit": (
        _response_submit,
        "entered_by",
        "answers are stored once, never edited (anonymous by design for residents)",
    ),
    "programs.record_add": (_record_add, "created_by", "simple stage records name their author"),
    "sentences.hours_work_add": (
        _hours_work_add,
        "recorded_by",
        "the hours ledger is append-only and hash-chained: an entry is never edited, a correction is a new one",
    ),
    "sentences.hours_work_append": (
        _hours_work_append,
        "recorded_by",
        "the hours ledger is append-only and hash-chained: an entry is never edited, a correction is a new one",
    ),
    "sentences.hours_correction_add": (
        _hours_correction_add,
        "recorded_by",
        "the hours ledger is append-only and hash-chained: an entry is never edited, a correction is a new one",
    ),
}


def test_every_writing_service_is_in_a_table():
    services = _services_with_actor()
    unlisted = sorted(services - set(WALKS) - set(UNTRACKED))
    assert unlisted == [], f"services with an actor in no table of tests/test_write_path.py: {unlisted}"
    gone = sorted((set(WALKS) | set(UNTRACKED)) - services)
    assert gone == [], f"tables name services that no longer exist: {gone}"
    assert not set(WALKS) & set(UNTRACKED)


@pytest.mark.parametrize("name", sorted(WALKS))
def test_the_newest_history_row_names_the_actor(name, office_a):
    actor = make_user("office_head", office_a, full_name="Kepala Penulis")
    with user_scope(actor):  # as in a request: the acting person's scope
        record = WALKS[name](office_a, actor)
    newest = record.history.order_by("-history_date", "-history_id").first()
    assert newest is not None, name
    assert newest.history_user_id == actor.pk, name


@pytest.mark.parametrize("name", sorted(UNTRACKED))
def test_a_record_without_history_names_its_author(name, office_a):
    walk, author_field, _reason = UNTRACKED[name]
    actor = make_user("office_head", office_a, full_name="Kepala Penulis")
    with user_scope(actor):  # as in a request: the acting person's scope
        record = walk(office_a, actor)
    assert not hasattr(type(record), "history"), f"{name} writes a record with a history: walk it in WALKS"
    if author_field:
        assert getattr(record, f"{author_field}_id") == actor.pk, name


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


def test_a_stale_delete_removes_nothing_and_writes_no_history_row(office_a):
    from aksalarasa.events.models import ChecklistItem
    from aksalarasa.events.services import event_part_delete

    actor = make_user("office_head", office_a)
    event = _event(office_a)
    item = _checklist_item(event, actor)
    rows = item.history.count()
    with pytest.raises(StaleVersion):
        event_part_delete(event=event, model=ChecklistItem, pk=item.pk, actor=actor, expected_version=7)
    assert ChecklistItem.objects.filter(pk=item.pk).exists() and item.history.count() == rows
    assert not event_part_delete(event=event, model=ChecklistItem, pk=item.pk + 99, actor=actor)


def test_a_new_record_is_saved_whole_and_an_edit_names_its_fields(office_a):
    from aksalarasa.core.history import save_versioned
    from aksalarasa.events.models import Event

    actor = make_user("office_head", office_a)
    existing = _event(office_a)
    with pytest.raises(ValueError):
        save_versioned(Event(office=office_a, program=existing.program), actor=actor, expected_version=1)
    with pytest.raises(ValueError):
        save_versioned(existing, actor=actor, expected_version=existing.version)


def test_only_the_write_helper_names_the_actor_on_a_history_row():
    """The idiom is written once: no other code sets django-simple-history's `_history_user` or
    `_change_reason`, calls its bulk writers, or checks a version by hand (`core.history` does)."""
    words = ("._history_user", "._change_reason", "bulk_create_with_history", "bulk_update_with_history")
    helper = ROOT / "aksalarasa" / "core" / "history.py"
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "aksalarasa").rglob("*.py"))
        if path != helper and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if any(word in line for word in words) or ('version=F("version")' in line)
    ]
    assert found == [], found
