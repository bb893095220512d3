"""Issue 17 item 15, in Chromium: the MPA ballot has minus and plus buttons and a live "used n of m"
counter (a 0-vote ballot says so); TOP cards move by drag and drop, and by keyboard with the list
and Move button beside each card."""

from __future__ import annotations

import datetime

from django.urls import reverse

from aksalarasa.programs import services
from aksalarasa.programs.models import Card, Vote
from tests.browser.helpers import browser_login
from tests.factories import PASSWORD, OfficeFactory, make_program, make_user


def _assessment():
    office = OfficeFactory()
    team = make_user("program_team", office, username="tim.top")
    program = make_program(office, team=[(team, True)])
    assessment = services.assessment_create(
        program=program,
        data={
            "title": "Rembug",
            "date": datetime.date(2026, 6, 8),
            "facilitator": "F",
            "votes_per_person": 3,
        },
    )
    for title in ("Motivasi rendah", "Interaksi kurang"):
        services.assessment_item_add(assessment=assessment, data={"kind": "problem", "title": title})
    services.assessment_voting_set(assessment=assessment, open=True)
    return program, assessment, team


def test_ballot_plus_minus_and_live_counter(phone_page):
    _program, assessment, _team = _assessment()
    participant = services.assessment_participant_add(
        assessment=assessment, name="Warga", group="resident", sex="X"
    )
    page = phone_page
    page.goto(reverse("programs:ballot", args=[participant.ballot_token]))
    counter = page.locator("#ballot-used")
    assert counter.inner_text().strip() == "Belum ada suara diberikan: Anda punya 3."
    plus = page.locator("button.stepper", has_text="+")
    minus = page.locator("button.stepper", has_text="−")
    assert plus.count() == 2 and minus.count() == 2
    assert "Motivasi rendah" in plus.nth(0).get_attribute("aria-label")
    plus.nth(0).click()
    plus.nth(0).click()
    assert counter.inner_text().strip() == "Suara terpakai: 2 dari 3"
    plus.nth(1).click()
    assert counter.inner_text().strip() == "Suara terpakai: 3 dari 3"
    assert plus.nth(0).is_disabled() and plus.nth(1).is_disabled()  # no vote left
    minus.nth(0).click()
    assert counter.inner_text().strip() == "Suara terpakai: 2 dari 3"
    with page.expect_navigation():
        page.click("#ballot-form button[type=submit]")
    assert sorted(Vote.objects.filter(participant=participant).values_list("count", flat=True)) == [1, 1]

    # Taking every vote back and saving: the page says the ballot holds no votes.
    page.locator("button.stepper", has_text="−").nth(0).click()
    page.locator("button.stepper", has_text="−").nth(1).click()
    with page.expect_navigation():
        page.click("#ballot-form button[type=submit]")
    assert "tanpa suara" in page.inner_text("main .msg")
    assert sum(Vote.objects.filter(participant=participant).values_list("count", flat=True)) == 0


def test_top_cards_move_by_drag_and_drop_and_by_keyboard(page):
    program, _assessment_, team = _assessment()
    workshop = services.workshop_create(
        program=program,
        actor=team,
        data={
            "date": datetime.date(2026, 6, 11),
            "focus_question": "Apa yang kita lakukan?",
            "facilitator": "F",
        },
    )
    dragged = services.card_add(workshop=workshop, text="Bersih pantai")
    typed = services.card_add(workshop=workshop, text="Makan bersama")
    cluster = services.cluster_add(workshop=workshop, name="Aksi")
    browser_login(page, team.username, PASSWORD)
    page.goto(reverse("programs:workshop", args=[program.pk, workshop.pk]))

    with page.expect_navigation():
        page.drag_and_drop(
            f"li[data-card='{dragged.pk}']",
            f"[data-cluster='{cluster.pk}'] h4",
            source_position={"x": 4, "y": 6},
        )
    assert Card.objects.get(pk=dragged.pk).cluster_id == cluster.pk

    # Keyboard only: focus the card's list, pick the cluster with the arrow keys, press Move.
    select = page.locator(f"#assign-{typed.pk}")
    select.focus()
    select.select_option(str(cluster.pk))
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Card.objects.get(pk=typed.pk).cluster_id == cluster.pk
