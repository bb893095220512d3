"""Role-first home pages (issue 17, item 12): each role's next actions lead, the office card follows;
the partner's home shows nothing internal to the office."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.clients.models import Litmas
from tests.factories import (
    GuidanceSessionFactory,
    PartnerFactory,
    make_guidance_client,
    make_membership,
    make_program,
    make_user,
)


@pytest.fixture
def world(office_a, users_a):
    officer = users_a["officer"]
    flagged = make_guidance_client(office_a, officer, full_name="Made Terlambat")
    GuidanceSessionFactory(
        client=flagged,
        scheduled_at=timezone.now() - timedelta(days=3),
        outcome="attended",
        engagement=2,
        concern=True,
        concern_text="Tidak punya tempat tinggal tetap",
    )
    Litmas.objects.create(
        office=office_a,
        client=flagged,
        purpose="guidance",
        requested_on=timezone.localdate() - timedelta(days=20),
        due_date=timezone.localdate() - timedelta(days=13),
        officer=officer,
    )
    make_user("officer", office_a, full_name="Ketut Baru Masuk", must_change_password=True)
    make_program(office_a, team=[(users_a["program_team"], True)], acronym="PANTAI")
    partner = PartnerFactory(office=office_a, name="Yayasan Uji")
    make_membership(users_a["partner_staff"], partner)
    return {"client": flagged}


def _home(client, user) -> lxml.html.HtmlElement:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def _headings(doc) -> list[str]:
    """The main content's card headings, in page order."""
    return [h.get("id") for h in doc.xpath("//main//section/h2[@id]")]


LEADS = {
    "office_head": "home-heads-h",
    "section_head": "home-heads-h",
    "officer": "home-caseload-h",
    "program_team": "home-programs-h",
    "admin": "home-pending-h",
    "national": "dash-home-h",
    "regional": "dash-home-h",
    "partner_staff": "home-referrals-h",
}


@pytest.mark.parametrize("role", sorted(LEADS))
def test_the_roles_next_actions_lead_and_the_office_card_follows(client, users_a, world, role):
    doc = _home(client, users_a[role])
    headings = _headings(doc)
    assert headings and headings[0] == LEADS[role], headings
    office_card = "offices-h" if role in ("national", "regional") else "office-h"
    if role != "partner_staff":
        assert office_card in headings and headings.index(office_card) > 0, headings


def test_heads_see_overdue_litmas_and_open_concerns_with_links(client, users_a, world):
    doc = _home(client, users_a["office_head"])
    (card,) = doc.xpath("//section[h2[@id='home-heads-h']]")
    text = card.text_content()
    assert "Made Terlambat" in text and "Tidak punya tempat tinggal tetap" in text
    assert "1 Litmas terlambat" in text and "1 kekhawatiran terbuka" in text
    hrefs = card.xpath(".//a/@href")
    assert any(h.startswith(reverse("clients:litmas_list")) for h in hrefs)
    assert reverse("clients:detail", args=[world["client"].pk]) in hrefs


def test_the_administrator_sees_accounts_not_ready(client, users_a, world):
    doc = _home(client, users_a["admin"])
    (card,) = doc.xpath("//section[h2[@id='home-pending-h']]")
    assert "Ketut Baru Masuk" in card.text_content()


def test_the_program_team_sees_what_the_stage_still_lacks(client, users_a, world):
    doc = _home(client, users_a["program_team"])
    (card,) = doc.xpath("//section[h2[@id='home-programs-h']]")
    text = card.text_content()
    assert "PANTAI" in text and "Berikutnya dicatat:" in text
    assert any("/initiation/" in h for h in card.xpath(".//a/@href"))


def test_the_partners_home_shows_nothing_internal_to_the_office(client, users_a, world, office_a):
    doc = _home(client, users_a["partner_staff"])
    main = doc.xpath("//main")[0]
    text = main.text_content()
    assert _headings(doc) == ["home-referrals-h"]
    for internal in (
        "Made Terlambat",  # a client not referred to the partner
        "Ketut Baru Masuk",  # a staff member
        "Staf aktif",  # the office's staff count
        "Litmas",
        "kekhawatiran",
        "PANTAI",
    ):
        assert internal not in text, internal
    assert not main.xpath(".//a[contains(@href, '/offices/')]")
