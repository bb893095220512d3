"""Instruments, administrations and responses: versioning, validation, scoping, public answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aksalarasa.evidence import services
from aksalarasa.evidence.models import Administration, Answer, Instrument, InstrumentVersion, Item, Response
from tests.factories import EventFactory, make_client, make_program, make_user


@pytest.fixture
def instruments(db):
    services.instruments_install_defaults()
    return {
        "client": InstrumentVersion.objects.get(instrument__key="client-interaction-motivation", number=1),
        "resident": InstrumentVersion.objects.get(instrument__key="resident-attitude", number=1),
    }


@pytest.fixture
def world(office_a, office_b, instruments):
    head = make_user("office_head", office_a)
    officer = make_user("officer", office_a)
    other_officer = make_user("officer", office_a)
    team = make_user("program_team", office_a)
    outsider_team = make_user("program_team", office_a)
    program = make_program(office_a, team=[(team, True)], created_by=head)
    event = EventFactory(office=office_a, program=program)
    own_client = make_client(office_a, officer)
    other_client = make_client(office_a, other_officer)
    residents_before = services.administration_create(
        actor=head,
        program=program,
        instrument_version=instruments["resident"],
        group="resident",
        point="before",
        event=event,
    )
    clients_before = services.administration_create(
        actor=head, program=program, instrument_version=instruments["client"], group="client", point="before"
    )
    return {
        "head": head,
        "officer": officer,
        "other_officer": other_officer,
        "team": team,
        "outsider_team": outsider_team,
        "partner": make_user("partner_staff", office_a),
        "regional": make_user("regional", office_a),
        "head_b": make_user("office_head", office_b),
        "program": program,
        "event": event,
        "own_client": own_client,
        "other_client": other_client,
        "residents_before": residents_before,
        "clients_before": clients_before,
    }


def full_answers(version: InstrumentVersion, value: int = 4) -> dict[str, int]:
    return {key: value for key in version.items.values_list("key", flat=True)}


# --- instruments -----------------------------------------------------------------------------


def test_default_instruments_are_installed_once_with_subscales_and_reverse_items(instruments):
    assert services.instruments_install_defaults() == 0  # idempotent
    assert Instrument.objects.count() == 2
    for version in instruments.values():
        assert version.is_published
        assert version.subscales.count() == 3
        for sub in version.subscales.all():
            assert 4 <= sub.items.count() <= 5
            assert sub.items.filter(reverse=True).exists()
        assert all(i.text_id and i.text_en and i.intent for i in version.items.all())


def test_published_version_cannot_change(instruments, office_a):
    admin = make_user("admin", office_a)
    version = instruments["resident"]
    item = version.items.first()
    with pytest.raises(services.PublishedVersionLocked):
        services.item_update(item=item, actor=admin, text_id="Diubah", text_en="Changed", reverse=False)
    with pytest.raises(services.PublishedVersionLocked):
        services.item_add(
            version=version,
            actor=admin,
            subscale=version.subscales.first(),
            key="new1",
            text_id="Baru",
            text_en="New",
            reverse=False,
        )
    with pytest.raises(services.PublishedVersionLocked):
        services.item_delete(item=item, actor=admin)
    item.refresh_from_db()
    assert item.text_en != "Changed"
    assert version.items.count() == 13


def test_editing_makes_a_new_version_that_can_change_until_published(instruments, office_a):
    admin = make_user("admin", office_a)
    old = instruments["client"]
    draft = services.instrument_version_create_draft(instrument=old.instrument, actor=admin)
    assert draft.number == 2 and not draft.is_published
    assert services.instrument_version_create_draft(instrument=old.instrument, actor=admin) == draft
    assert draft.items.count() == old.items.count()
    item = draft.items.get(key="com1")
    services.item_update(item=item, actor=admin, text_id="Teks baru", text_en="New text", reverse=False)
    services.instrument_version_publish(version=draft, actor=admin, expected_version=draft.version)
    draft.refresh_from_db()
    assert draft.is_published
    assert old.items.get(key="com1").text_en != "New text"  # the old wording stays
    with pytest.raises(services.PublishedVersionLocked):
        services.item_update(
            item=draft.items.get(key="com1"), actor=admin, text_id="x", text_en="y", reverse=False
        )


def test_officer_cannot_edit_questionnaires(instruments, office_a):
    officer = make_user("officer", office_a)
    with pytest.raises(PermissionDenied):
        services.instrument_version_create_draft(instrument=instruments["client"].instrument, actor=officer)


def test_version_page_edit_and_publish_flow(instruments, office_a, client):
    admin = make_user("admin", office_a)
    client.force_login(admin)
    instrument = instruments["client"].instrument
    response = client.post(reverse("evidence:new_version", args=[instrument.pk]))
    draft = InstrumentVersion.objects.get(instrument=instrument, number=2)
    assert response.url == reverse("evidence:version", args=[draft.pk])
    item = draft.items.get(key="con4")
    page = client.post(
        reverse("evidence:item_edit", args=[item.pk]),
        {"text_id": "Saya bisa membantu orang lain.", "text_en": "I can help others.", "intent": "x"},
    )
    assert page.status_code == 302
    assert Item.objects.get(pk=item.pk).text_en == "I can help others."
    client.post(reverse("evidence:publish", args=[draft.pk]), {"version": draft.version})
    assert InstrumentVersion.objects.get(pk=draft.pk).is_published
    # the edit page of a published version's item refuses and changes nothing
    page = client.post(
        reverse("evidence:item_edit", args=[item.pk]), {"text_id": "Lagi", "text_en": "Again", "intent": ""}
    )
    assert page.status_code == 200
    assert "cannot change" in page.content.decode() or "tidak dapat" in page.content.decode().lower()
    assert Item.objects.get(pk=item.pk).text_en == "I can help others."


# --- administrations ----------------------------------------------------------------------------


def test_administration_refuses_draft_version_wrong_group_and_foreign_event(world, instruments, office_a):
    admin = make_user("admin", office_a)
    draft = services.instrument_version_create_draft(instrument=instruments["client"].instrument, actor=admin)
    other_event = EventFactory(office=office_a)
    with pytest.raises(ValidationError) as exc:
        services.administration_create(
            actor=world["head"],
            program=world["program"],
            instrument_version=draft,
            group="resident",
            point="before",
            event=other_event,
        )
    assert set(exc.value.message_dict) == {"instrument_version", "group", "event"}


@pytest.mark.parametrize("who", ["partner", "head_b", "outsider_team"])
def test_outsiders_cannot_create_administrations(world, instruments, who):
    with pytest.raises(PermissionDenied):
        services.administration_create(
            actor=world[who],
            program=world["program"],
            instrument_version=instruments["client"],
            group="client",
            point="after",
        )


# --- responses -------------------------------------------------------------------------------


def test_incomplete_or_out_of_range_answers_store_nothing(world, instruments):
    admin = world["residents_before"]
    answers = full_answers(instruments["resident"])
    answers.pop("tru2")
    answers["chg1"] = 6
    answers["dis1"] = "3.5"
    with pytest.raises(ValidationError) as exc:
        services.response_submit(administration=admin, answers=answers, channel="online", code="BALI2023")
    errors = exc.value.message_dict
    assert errors["item_tru2"] == ["Please answer this statement."]
    assert errors["item_chg1"] == ["Choose an answer from 1 to 5."]
    assert errors["item_dis1"] == ["Answer with a whole number."]
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_scores_are_subscale_means_with_reverse_items_mirrored(world, instruments):
    version = instruments["resident"]
    answers = full_answers(version, 4)  # agreeing with everything, reverse items included
    response = services.response_submit(
        administration=world["residents_before"], answers=answers, channel="online", code="  bali-2023 "
    )
    # trust: tru1, tru2, tru4 = 4 and tru3 reversed = 2 -> (4 + 4 + 2 + 4) / 4
    assert response.scores["trust"] == pytest.approx(3.5)
    # distance: dis1, dis3, dis5 = 4; dis2, dis4 reversed = 2 -> 16 / 5
    assert response.scores["distance"] == pytest.approx(3.2)
    assert response.answers.count() == version.items.count()
    assert "BALI" not in response.code_hash and len(response.code_hash) == 64


def test_code_is_case_and_space_insensitive_and_answers_once(world, instruments):
    answers = full_answers(instruments["resident"])
    services.response_submit(
        administration=world["residents_before"], answers=answers, channel="online", code="Bali 2023"
    )
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            administration=world["residents_before"], answers=answers, channel="online", code="BALI-2023"
        )
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.response_submit(
            administration=world["residents_before"], answers=answers, channel="online", code="ab"
        )
    assert Response.objects.count() == 1


def test_client_answers_need_a_client_the_staff_member_works_with(world, instruments):
    answers = full_answers(instruments["client"])
    admin = world["clients_before"]
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            administration=admin,
            answers=answers,
            channel="paper",
            actor=world["officer"],
            client=world["other_client"],
        )
    assert "client" in exc.value.message_dict
    response = services.response_submit(
        administration=admin,
        answers=answers,
        channel="paper",
        actor=world["officer"],
        client=world["own_client"],
    )
    assert response.client == world["own_client"]
    with pytest.raises(ValidationError):
        services.response_submit(
            administration=admin,
            answers=answers,
            channel="paper",
            actor=world["head"],
            client=world["own_client"],
        )


def test_closed_administration_takes_no_answers(world, instruments):
    admin = world["residents_before"]
    services.administration_set_open(
        administration=admin, actor=world["head"], open=False, expected_version=admin.version
    )
    with pytest.raises(ValidationError):
        services.response_submit(
            administration=admin,
            answers=full_answers(instruments["resident"]),
            channel="online",
            code="KODE1",
        )


# --- pages: paper entry, public link, scoping ------------------------------------------------------


def test_paper_entry_page_saves_and_rerenders_errors(world, instruments, client):
    client.force_login(world["officer"])
    url = reverse("evidence:enter", args=[world["clients_before"].pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<fieldset" in html and "<legend>" in html and 'type="radio"' in html
    data = {f"item_{k}": v for k, v in full_answers(instruments["client"], 3).items()}
    data.pop("item_mot3")
    bad = client.post(url, {**data, "client": world["own_client"].pk})
    assert bad.status_code == 422
    assert Response.objects.count() == 0
    ok = client.post(url, {**data, "item_mot3": "2", "client": world["own_client"].pk})
    assert ok.status_code == 302
    assert Response.objects.get().channel == "paper"


def test_public_link_answers_without_account_and_shows_only_own_submission(world, instruments, client):
    token = world["residents_before"].public_token
    url = reverse("evidence:public", args=[token])
    assert client.get(url).status_code == 200
    data = {f"item_{k}": v for k, v in full_answers(instruments["resident"], 5).items()}
    bad = client.post(url, {**data, "item_tru1": "9", "code": "WARGA77"})
    assert bad.status_code == 422
    assert "Nothing was saved" in bad.content.decode() or "Tidak ada yang disimpan" in bad.content.decode()
    assert Response.objects.count() == 0
    ok = client.post(url, {**data, "code": "warga77"})
    assert ok.status_code == 302
    thanks = client.get(ok.url)
    assert thanks.status_code == 200
    # another browser cannot open that submission
    from django.test import Client as Browser

    assert Browser().get(ok.url).status_code == 404


def test_public_link_is_refused_for_client_questionnaires_and_closed_ones(world, client):
    assert (
        client.get(reverse("evidence:public", args=[world["clients_before"].public_token])).status_code == 404
    )
    assert client.get(reverse("evidence:public", args=["nope"])).status_code == 404
    admin = world["residents_before"]
    services.administration_set_open(
        administration=admin, actor=world["head"], open=False, expected_version=admin.version
    )
    assert client.get(reverse("evidence:public", args=[admin.public_token])).status_code == 410


@pytest.mark.parametrize(
    "who, status",
    [("head", 200), ("officer", 200), ("team", 200), ("regional", 200), ("partner", 404), ("head_b", 404)],
)
def test_administration_page_access_matrix(world, client, who, status):
    client.force_login(world[who])
    assert (
        client.get(reverse("evidence:administration", args=[world["clients_before"].pk])).status_code
        == status
    )


def test_individual_responses_follow_the_survey_responses_row(world, instruments, client):
    answers = full_answers(instruments["client"])
    admin = world["clients_before"]
    services.response_submit(
        administration=admin,
        answers=answers,
        channel="paper",
        actor=world["officer"],
        client=world["own_client"],
    )
    services.response_submit(
        administration=admin,
        answers=answers,
        channel="paper",
        actor=world["head"],
        client=world["other_client"],
    )
    assert Response.objects.visible_to(world["head"]).count() == 2
    assert list(Response.objects.visible_to(world["officer"])) == [
        Response.objects.get(client=world["own_client"])
    ]
    assert Response.objects.visible_to(world["team"]).count() == 0  # aggregates only
    assert Response.objects.visible_to(world["partner"]).count() == 0
    assert Response.objects.visible_to(world["regional"]).count() == 0
    client.force_login(world["officer"])
    page = client.get(reverse("evidence:administration", args=[admin.pk])).content.decode()
    assert world["own_client"].full_name in page
    assert world["other_client"].full_name not in page
    from aksalarasa.audit.models import AccessLog

    assert AccessLog.objects.filter(user=world["officer"], object_id=str(world["own_client"].pk)).exists()


def test_create_administration_page_validates_and_creates(world, instruments, client):
    client.force_login(world["team"])
    url = reverse("evidence:program", args=[world["program"].pk])
    bad = client.post(
        url, {"instrument_version": instruments["client"].pk, "group": "resident", "point": "after"}
    )
    assert bad.status_code == 422
    before = Administration.objects.count()
    ok = client.post(
        url, {"instrument_version": instruments["resident"].pk, "group": "resident", "point": "after"}
    )
    assert ok.status_code == 302
    assert Administration.objects.count() == before + 1


def test_qr_code_is_an_svg_of_the_public_link(world, client):
    client.force_login(world["head"])
    response = client.get(reverse("evidence:qr", args=[world["residents_before"].pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
