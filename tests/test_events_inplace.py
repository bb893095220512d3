"""Editing an event's checklist, roles, agenda and handed items in place (htmx and without it),
with a version check so that two coordinators never silently overwrite each other; over the API too."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from aksalarasa.accounts.services import api_token_create
from aksalarasa.events.models import AgendaItem, ChecklistItem, EventRole, HandedItem
from aksalarasa.programs.models import ProgramMember
from tests.factories import EventFactory, make_event_program, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def event_a(office_a):
    return EventFactory(office=office_a, program=make_event_program(office_a))


@pytest.fixture
def officer(office_a):
    user = make_user("officer", office_a)
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def agenda(event_a):
    return [
        AgendaItem.objects.create(
            event=event_a, position=1, starts_at=datetime.time(15, 0), title="Pembukaan"
        ),
        AgendaItem.objects.create(event=event_a, position=2, starts_at=datetime.time(15, 15), title="Doa"),
        AgendaItem.objects.create(
            event=event_a, position=3, starts_at=datetime.time(15, 30), title="Bersih pantai"
        ),
    ]


def _update_url(event, part, row):
    return reverse("events:part_update", args=[event.pk, part, row.pk])


def _agenda_post(row, **values):
    prefix = f"agenda-{row.pk}"
    data = {
        "version": row.version,
        "starts_at": row.starts_at.strftime("%H:%M") if row.starts_at else "",
        "ends_at": row.ends_at.strftime("%H:%M") if row.ends_at else "",
        "title": row.title,
        "lead": row.lead,
    } | values
    return {f"{prefix}-{k}": v for k, v in data.items()}


def test_edit_link_opens_the_row_as_a_form_in_the_section(client, officer, event_a, agenda):
    client.force_login(officer)
    row = agenda[1]
    url = reverse("events:part", args=[event_a.pk, "agenda"]) + f"?edit={row.pk}"
    response = client.get(url, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section id="part-agenda"')
    assert f'action="{_update_url(event_a, "agenda", row)}"' in html
    assert f'name="agenda-{row.pk}-version" value="1"' in html
    assert 'value="Doa"' in html
    # The other rows stay as text with their own edit links.
    assert html.count("row-edit-link") == 2


def test_without_javascript_the_edit_link_opens_the_form_on_the_event_page(client, officer, event_a, agenda):
    client.force_login(officer)
    row = agenda[0]
    redirect = client.get(reverse("events:part", args=[event_a.pk, "agenda"]) + f"?edit={row.pk}")
    assert redirect.status_code == 302
    assert redirect["Location"].endswith(f"?edit=agenda:{row.pk}#agenda")
    page = client.get(reverse("events:detail", args=[event_a.pk]) + f"?edit=agenda:{row.pk}").content.decode()
    assert f'action="{_update_url(event_a, "agenda", row)}"' in page
    assert "<h1>" in page


def test_saving_an_edit_changes_the_row_keeps_its_history_and_answers_the_section(
    client, officer, event_a, agenda
):
    client.force_login(officer)
    row = agenda[2]
    response = client.post(
        _update_url(event_a, "agenda", row),
        _agenda_post(row, title="Bersih-bersih pantai", ends_at="17:00", lead="Koordinator lapangan"),
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bersih-bersih pantai" in html and "15.30–17.00" in html and "Koordinator lapangan" in html
    assert "Saved." in html  # the message is shown in the swapped section, not on the next page
    row.refresh_from_db()
    assert (row.title, row.ends_at, row.version, row.position) == (
        "Bersih-bersih pantai",
        datetime.time(17, 0),
        2,
        3,
    )
    last = row.history.order_by("-history_id").first()
    assert last.history_user_id == officer.pk and last.title == "Bersih-bersih pantai"


def test_a_stale_edit_is_refused_and_the_first_change_stays(client, officer, event_a, agenda, office_a):
    """Two coordinators open the same row; the second to save is told, and nothing is overwritten."""
    other = make_user("officer", office_a)
    row = agenda[0]
    loaded = _agenda_post(row)  # both loaded version 1
    client.force_login(other)
    assert (
        client.post(
            _update_url(event_a, "agenda", row), loaded | {f"agenda-{row.pk}-title": "Sambutan"}
        ).status_code
        == 302
    )
    client.force_login(officer)
    response = client.post(
        _update_url(event_a, "agenda", row), loaded | {f"agenda-{row.pk}-title": "Pembukaan oleh MC"}, **HTMX
    )
    html = response.content.decode()
    assert "Someone else changed this record" in html
    assert 'value="Pembukaan oleh MC"' in html  # the refused input is kept in the form
    row.refresh_from_db()
    assert (row.title, row.version) == ("Sambutan", 2)


def test_an_end_before_the_start_is_refused_with_a_reason(client, officer, event_a, agenda):
    client.force_login(officer)
    row = agenda[0]
    response = client.post(_update_url(event_a, "agenda", row), _agenda_post(row, ends_at="14:00"))
    page = response.content.decode()
    assert response.status_code == 200  # the event page again, with the form and its error
    assert "The item must end after it starts." in page
    response = client.post(
        _update_url(event_a, "agenda", row), _agenda_post(row, starts_at="", ends_at="16:00"), **HTMX
    )
    assert "Give the start time too" in response.content.decode()
    row.refresh_from_db()
    assert row.ends_at is None and row.version == 1


def test_the_database_refuses_an_agenda_item_that_ends_before_it_starts(event_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            event=event_a, title="x", starts_at=datetime.time(10, 0), ends_at=datetime.time(9, 0)
        )


def test_moving_agenda_items_renumbers_the_order_and_flags_times_out_of_order(
    client, officer, event_a, agenda
):
    client.force_login(officer)
    move = reverse("events:part_move", args=[event_a.pk, "agenda", agenda[2].pk])
    response = client.post(move, {"direction": "up"}, **HTMX)
    assert [a.title for a in event_a.agenda.all()] == ["Pembukaan", "Bersih pantai", "Doa"]
    assert list(event_a.agenda.values_list("position", flat=True)) == [1, 2, 3]
    html = response.content.decode()
    assert html.index("Bersih pantai") < html.index("Doa")
    assert html.count("starts before the item above it") == 1  # Doa (15.15) now follows 15.30
    # The first row cannot go further up; moving it up changes nothing.
    client.post(reverse("events:part_move", args=[event_a.pk, "agenda", agenda[0].pk]), {"direction": "up"})
    assert [a.title for a in event_a.agenda.all()] == ["Pembukaan", "Bersih pantai", "Doa"]
    bad = client.post(move, {"direction": "sideways"}, **HTMX)
    assert bad.status_code == 200 and "Move an item up or down." in bad.content.decode()
    assert (
        client.post(
            reverse("events:part_move", args=[event_a.pk, "roles", agenda[0].pk]), {"direction": "up"}
        ).status_code
        == 404
    )


def test_removing_a_row_someone_changed_is_refused_and_removing_twice_is_harmless(
    client, officer, event_a, agenda
):
    client.force_login(officer)
    row = agenda[1]
    AgendaItem.objects.filter(pk=row.pk).update(version=2, title="Doa bersama")
    delete = reverse("events:part_delete", args=[event_a.pk, "agenda", row.pk])
    response = client.post(delete, {"version": 1}, **HTMX)
    assert "Someone else changed this record" in response.content.decode()
    assert AgendaItem.objects.filter(pk=row.pk).exists()
    assert client.post(delete, {"version": 2}, **HTMX).status_code == 200
    assert not AgendaItem.objects.filter(pk=row.pk).exists()
    assert client.post(delete, {"version": 2}, **HTMX).status_code == 200


def test_checklist_done_is_set_not_flipped(client, officer, event_a):
    """Two people ticking the same item from pages loaded at once both leave it done."""
    client.force_login(officer)
    item = ChecklistItem.objects.create(event=event_a, kind="tools", title="Karung sampah", position=1)
    url = reverse("events:checklist_toggle", args=[event_a.pk, item.pk])
    client.post(url, {"done": "1", "version": 1}, **HTMX)
    response = client.post(url, {"done": "1", "version": 1}, **HTMX)
    item.refresh_from_db()
    assert item.done is True and item.version == 2
    assert "Someone else changed" not in response.content.decode()
    client.post(url, {"done": "0", "version": 2})
    item.refresh_from_db()
    assert item.done is False


@pytest.mark.parametrize(
    ("part", "model", "create", "post", "expect"),
    [
        (
            "checklist",
            ChecklistItem,
            {"kind": "tools", "title": "Sapu", "position": 1},
            {"kind": "food", "title": "Snack dan air", "owner": "Pokmas", "done": "on"},
            {"kind": "food", "title": "Snack dan air", "owner": "Pokmas", "done": True},
        ),
        (
            "roles",
            EventRole,
            {"kind": "mc", "person": "Staf A"},
            {"kind": "prayer", "person": "Tokoh agama"},
            {"kind": "prayer", "person": "Tokoh agama"},
        ),
        (
            "handed",
            HandedItem,
            {"item": "Tempat sampah", "quantity": 2},
            {"item": "Tempat sampah", "quantity": "5", "recipient": "Banjar"},
            {"item": "Tempat sampah", "quantity": 5, "recipient": "Banjar"},
        ),
    ],
)
def test_every_part_is_edited_in_place(client, officer, event_a, part, model, create, post, expect):
    client.force_login(officer)
    row = model.objects.create(event=event_a, **create)
    data = {f"{part}-{row.pk}-{k}": v for k, v in (post | {"version": 1}).items()}
    response = client.post(_update_url(event_a, part, row), data, **HTMX)
    assert response.status_code == 200 and response.content.decode().startswith(f'<section id="part-{part}"')
    row.refresh_from_db()
    assert {k: getattr(row, k) for k in expect} == expect and row.version == 2


def test_a_bad_add_re_renders_with_errors_and_adds_nothing(client, officer, event_a):
    client.force_login(officer)
    url = reverse("events:part_add", args=[event_a.pk, "handed"])
    response = client.post(url, {"handed-item": "", "handed-quantity": "-1"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "errorlist" in html and '<details class="card" open>' in html
    assert not HandedItem.objects.exists()
    page = client.post(url, {"handed-item": "", "handed-quantity": "2"})
    assert page.status_code == 200 and "<h1>" in page.content.decode()
    assert not HandedItem.objects.exists()
    client.post(url, {"handed-item": "Kantong", "handed-quantity": "3"}, **HTMX)
    assert HandedItem.objects.get().quantity == 3


def test_readers_and_other_offices_cannot_edit_in_place(client, event_a, agenda, office_a, office_b):
    row = agenda[0]
    data = _agenda_post(row, title="Diubah")
    reader = make_user("national")  # may read every event, may change none
    client.force_login(reader)
    page = client.get(reverse("events:detail", args=[event_a.pk])).content.decode()
    assert "row-edit-link" not in page and "Pembukaan" in page
    assert client.post(_update_url(event_a, "agenda", row), data).status_code == 403
    assert client.get(reverse("events:part", args=[event_a.pk, "agenda"]), **HTMX).status_code == 403
    client.force_login(make_user("officer", office_b))
    assert client.post(_update_url(event_a, "agenda", row), data).status_code == 404
    assert (
        client.post(
            reverse("events:part_move", args=[event_a.pk, "agenda", row.pk]), {"direction": "down"}
        ).status_code
        == 404
    )
    client.force_login(make_user("officer", office_a))
    assert (
        client.post(reverse("events:part_update", args=[event_a.pk, "nonsense", row.pk]), data).status_code
        == 404
    )
    row.refresh_from_db()
    assert row.title == "Pembukaan" and row.position == 1


def test_event_page_with_a_row_open_for_editing_keeps_its_query_count(
    client, officer, event_a, django_assert_max_num_queries
):
    for i in range(15):
        AgendaItem.objects.create(event=event_a, position=i + 1, title=f"Item {i}")
        ChecklistItem.objects.create(event=event_a, kind="tools", title=f"Alat {i}", position=i + 1)
        EventRole.objects.create(event=event_a, kind="other", person=f"Orang {i}")
        HandedItem.objects.create(event=event_a, item=f"Barang {i}")
    client.force_login(officer)
    first = event_a.agenda.first()
    with django_assert_max_num_queries(25):
        page = client.get(reverse("events:detail", args=[event_a.pk]) + f"?edit=agenda:{first.pk}")
    assert page.status_code == 200 and page.content.decode().count("row-edit-link") == 59


# --- API ----------------------------------------------------------------------------------------------


def _auth(user) -> dict:
    _token, raw = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_changes_a_row_with_its_version_and_refuses_a_stale_one(client, event_a, agenda, office_a):
    team = make_user("program_team", office_a)
    ProgramMember.objects.create(office=office_a, program=event_a.program, user=team, role="coordinator")
    headers = _auth(team)
    row = agenda[1]
    url = f"/api/v1/events/{event_a.pk}/parts/agenda/{row.pk}"
    ok = client.patch(url, {"version": 1, "ends_at": "15:30"}, content_type="application/json", **headers)
    assert ok.status_code == 200, ok.content
    assert ok.json()["ends_at"] == "15:30:00" and ok.json()["title"] == "Doa"
    assert ok.json()["version"] == 2
    stale = client.patch(url, {"version": 1, "title": "X"}, content_type="application/json", **headers)
    assert stale.status_code == 409
    bad = client.patch(url, {"version": 2, "ends_at": "15:00"}, content_type="application/json", **headers)
    assert bad.status_code == 422 and "ends_at" in bad.json()["errors"]
    no_version = client.patch(url, {"title": "Y"}, content_type="application/json", **headers)
    assert no_version.status_code == 422
    row.refresh_from_db()
    assert (row.title, row.ends_at, row.version) == ("Doa", datetime.time(15, 30), 2)

    listing = client.get(f"/api/v1/events/{event_a.pk}/parts/agenda", **headers).json()
    assert [r["title"] for r in listing] == ["Pembukaan", "Doa", "Bersih pantai"]
    moved = client.post(f"{url}/move", {"direction": "down"}, content_type="application/json", **headers)
    assert [r["title"] for r in moved.json()] == ["Pembukaan", "Bersih pantai", "Doa"]

    added = client.post(
        f"/api/v1/events/{event_a.pk}/parts/roles",
        {"kind": "mc", "person": "Staf Bapas"},
        content_type="application/json",
        **headers,
    )
    assert added.status_code == 201 and added.json()["person"] == "Staf Bapas"
    role_url = f"/api/v1/events/{event_a.pk}/parts/roles/{added.json()['id']}"
    assert client.delete(f"{role_url}?version=7", **headers).status_code == 409
    assert client.delete(f"{role_url}?version=1", **headers).status_code == 204
    assert client.delete(role_url, **headers).status_code == 404
    assert client.get(f"/api/v1/events/{event_a.pk}/parts/bogus", **headers).status_code == 404


def test_api_readers_get_403_and_other_offices_404(client, event_a, agenda, office_b):
    row = agenda[0]
    url = f"/api/v1/events/{event_a.pk}/parts/agenda/{row.pk}"
    body = {"version": 1, "title": "X"}
    assert (
        client.patch(url, body, content_type="application/json", **_auth(make_user("national"))).status_code
        == 403
    )
    outsider = _auth(make_user("officer", office_b))
    assert client.patch(url, body, content_type="application/json", **outsider).status_code == 404
    assert client.get(f"/api/v1/events/{event_a.pk}/parts/agenda", **outsider).status_code == 404
    row.refresh_from_db()
    assert row.title == "Pembukaan"
