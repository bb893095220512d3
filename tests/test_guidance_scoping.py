"""Who sees which guidance sessions: every role in two offices, through the selectors, the pages
(404 outside scope) and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.guidance import selectors
from aksalarasa.guidance.models import GuidanceSession
from tests.conftest import ROLES
from tests.factories import GuidanceSessionFactory, make_guidance_client, make_user

NOW = timezone.now()


@pytest.fixture
def scoped(office_a, office_b):
    users = {role: make_user(role, office_a) for role in ROLES}
    users["child_head"] = make_user("section_head", office_a, section="child")
    users["other_officer"] = make_user("officer", office_a)
    users["head_b"] = make_user("office_head", office_b)
    users["officer_b"] = make_user("officer", office_b)
    officer = users["officer"]
    clients = {
        "mine": make_guidance_client(office_a, officer),
        "mine_child": make_guidance_client(office_a, officer, category="child"),
        "colleague": make_guidance_client(office_a, users["other_officer"]),
        "b": make_guidance_client(office_b, users["officer_b"]),
    }
    sessions = {
        key: GuidanceSessionFactory(client=c, scheduled_at=NOW - timedelta(days=1))
        for key, c in clients.items()
    }
    return users, clients, sessions


EXPECTED = {
    "national": set(),
    "regional": set(),
    "office_head": {"mine", "mine_child", "colleague"},
    "section_head": {"mine", "colleague"},  # adult section
    "child_head": {"mine_child"},
    "officer": {"mine", "mine_child"},
    "other_officer": {"colleague"},
    "program_team": set(),
    "partner_staff": set(),
    "admin": set(),
    "head_b": {"b"},
    "officer_b": {"b"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_sessions_visible_exactly_per_role(scoped, who):
    users, _clients, sessions = scoped
    names = {v.pk: k for k, v in sessions.items()}
    seen = {names[s.pk] for s in GuidanceSession.objects.visible_to(users[who])}
    assert seen == EXPECTED[who]
    listed = {names[s.pk] for s in selectors.session_list(viewer=users[who])}
    assert listed == EXPECTED[who]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_pages_answer_404_outside_scope(client, scoped, who):
    users, clients, sessions = scoped
    client.force_login(users[who])
    for key, session in sessions.items():
        detail = client.get(reverse("guidance:session_detail", args=[session.pk]))
        page = client.get(reverse("guidance:client_sessions", args=[clients[key].pk]))
        ics = client.get(reverse("guidance:session_ics", args=[session.pk]))
        expected = 200 if key in EXPECTED[who] else 404
        assert (detail.status_code, page.status_code, ics.status_code) == (expected,) * 3, key
        record = client.post(reverse("guidance:session_record", args=[session.pk]), {})
        assert record.status_code == (422 if key in EXPECTED[who] else 404), key


@pytest.mark.parametrize("who", list(EXPECTED))
def test_api_answers_404_outside_scope(client, scoped, who):
    users, clients, sessions = scoped
    client.force_login(users[who])
    for key, session in sessions.items():
        one = client.get(f"/api/v1/guidance/sessions/{session.pk}")
        by_client = client.get(f"/api/v1/guidance/clients/{clients[key].pk}/sessions")
        expected = 200 if key in EXPECTED[who] else 404
        assert (one.status_code, by_client.status_code) == (expected, expected), key
        record = client.post(
            f"/api/v1/guidance/sessions/{session.pk}/record",
            {"version": 1, "outcome": "attended", "engagement": 3},
            content_type="application/json",
        )
        assert record.status_code == (200 if key in EXPECTED[who] else 404), key


ROLLUP_PAGES = {
    "guidance:caseload": {"officer", "other_officer", "officer_b"},
    "guidance:section": {"section_head", "child_head"},
    "guidance:office": {"office_head", "head_b"},
}


@pytest.mark.parametrize("url_name", list(ROLLUP_PAGES))
def test_overview_pages_only_for_their_role(client, scoped, url_name):
    users, _clients, _sessions = scoped
    for who, user in users.items():
        client.force_login(user)
        expected = 200 if who in ROLLUP_PAGES[url_name] else 404
        assert client.get(reverse(url_name)).status_code == expected, who


def test_office_view_never_counts_another_office(client, scoped):
    users, _clients, _sessions = scoped
    client.force_login(users["head_b"])
    rollup = client.get(reverse("guidance:office")).context["rollup"]
    assert rollup.totals.clients == 1


def test_anonymous_is_sent_to_login_and_api_says_401(client, scoped):
    _users, _clients, sessions = scoped
    response = client.get(reverse("guidance:session_detail", args=[sessions["mine"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/v1/guidance/sessions/{sessions['mine'].pk}").status_code == 401
