"""Group sessions: creation (scope, no-contact), one-screen recording of every participant (all or
nothing, the single-session rules), the timeline and caseload, scoping and masking, the API, the
demo, and the permission matrix of the new URLs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aksalarasa.accounts.models import User
from aksalarasa.clients import services as client_services
from aksalarasa.guidance import services
from aksalarasa.guidance.models import GuidanceGroup, GuidanceSession
from aksalarasa.guidance.selectors import caseload_row
from aksalarasa.seeding.demo import DemoContext
from aksalarasa.seeding.demo import guidance as demo
from tests.factories import UserFactory, make_guidance_client, make_user

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="Putu Pembimbing")
    other_officer = make_user("officer", office_a, full_name="Nyoman Lain")
    world = {
        "officer": officer,
        "other_officer": other_officer,
        "head": make_user("office_head", office_a),
        "section": make_user("section_head", office_a, section="adult"),
        "section_child": make_user("section_head", office_a, section="child"),
        "program_team": make_user("program_team", office_a),
        "partner_staff": make_user("partner_staff", office_a),
        "officer_b": make_user("officer", office_b),
        "head_b": make_user("office_head", office_b),
        "a1": make_guidance_client(office_a, officer, full_name="Wayan Peserta Satu"),
        "a2": make_guidance_client(office_a, officer, full_name="Made Peserta Dua"),
        "a3": make_guidance_client(office_a, officer, full_name="Ketut Peserta Tiga"),
        "theirs": make_guidance_client(office_a, other_officer, full_name="Gede Klien Lain"),
        "child": make_guidance_client(office_a, other_officer, category="child", full_name="Komang Anak"),
    }
    world["far"] = make_guidance_client(office_b, world["officer_b"], full_name="Budi Jauh")
    User.objects.update(language="en")  # pages answer in English here (Indonesian is proven elsewhere)
    return world


def _create(actor, participants, *, when=None, **extra) -> GuidanceGroup:
    return services.group_create(
        actor=actor,
        title=extra.pop("title", "Bimbingan kelompok"),
        kind=extra.pop("kind", "personality"),
        place=extra.pop("place", "community"),
        scheduled_at=when or NOW - timedelta(hours=2),
        participants=[c.pk for c in participants],
        **extra,
    )


def _row(session, **extra) -> dict:
    data = {
        f"s{session.pk}-version": str(session.version),
        f"s{session.pk}-outcome": "attended",
        f"s{session.pk}-engagement": "3",
    }
    data.update({f"s{session.pk}-{k}": v for k, v in extra.items()})
    return data


# --- creation ---------------------------------------------------------------------------------------


def test_officer_creates_a_group_on_the_page(client, w):
    client.force_login(w["officer"])
    form = client.get(reverse("guidance:group_create"))
    html = form.content.decode()
    assert form.status_code == 200
    assert "Wayan Peserta Satu" in html and "Gede Klien Lain" not in html and "Budi Jauh" not in html
    when = NOW + timedelta(days=3)
    response = client.post(
        reverse("guidance:group_create"),
        {
            "title": "  Bimbingan   kelompok Oktober ",
            "kind": "personality",
            "place": "community",
            "scheduled_at": _local(when),
            "participants": [w["a1"].pk, w["a2"].pk, w["a3"].pk],
        },
    )
    group = GuidanceGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "guidance:group_detail", args=[group.pk]
    )
    assert group.title == "Bimbingan kelompok Oktober" and group.officer == w["officer"]
    sessions = GuidanceSession.objects.filter(group=group)
    assert sorted(s.client_id for s in sessions) == sorted([w["a1"].pk, w["a2"].pk, w["a3"].pk])
    assert {(s.kind, s.place, s.outcome, s.office_id) for s in sessions} == {
        ("personality", "community", "", w["a1"].office_id)
    }
    # The time typed is the office's local time (WITA in the test office).
    assert abs((sessions[0].scheduled_at - when).total_seconds()) < 60
    assert sessions[0].history.first().history_user == w["officer"]


def test_clients_outside_scope_are_refused_and_nothing_is_created(client, w):
    client.force_login(w["officer"])
    for outsider in (w["theirs"], w["far"]):
        response = client.post(
            reverse("guidance:group_create"),
            {
                "title": "X",
                "kind": "personality",
                "place": "office",
                "scheduled_at": _local(NOW + timedelta(days=1)),
                "participants": [w["a1"].pk, outsider.pk],
            },
        )
        assert response.status_code == 422
    with pytest.raises(Exception, match="clients you may see"):
        _create(w["officer"], [w["a1"], w["theirs"]])
    assert not GuidanceGroup.objects.exists() and not GuidanceSession.objects.exists()


def test_no_contact_pair_cannot_be_in_the_same_group(client, w):
    client_services.no_contact_add(
        actor=w["head"], client=w["a1"], other_client=w["a2"], person_name="", reason="korban"
    )
    client.force_login(w["officer"])
    response = client.post(
        reverse("guidance:group_create"),
        {
            "title": "Kelompok",
            "kind": "personality",
            "place": "community",
            "scheduled_at": _local(NOW + timedelta(days=1)),
            "participants": [w["a1"].pk, w["a2"].pk, w["a3"].pk],
        },
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "no-contact" in html and "Wayan Peserta Satu" in html and "Made Peserta Dua" in html
    assert not GuidanceGroup.objects.exists() and not GuidanceSession.objects.exists()
    # Without one of the pair it works.
    assert _create(w["officer"], [w["a1"], w["a3"]]).sessions.count() == 2


def test_bad_input_is_refused_with_reasons(client, w):
    client.force_login(w["officer"])
    response = client.post(
        reverse("guidance:group_create"),
        {
            "title": " ",
            "kind": "partner",
            "place": "home",
            "scheduled_at": _local(NOW + timedelta(days=800)),
            "participants": [w["a1"].pk],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "at least two participants" in html and "one year ahead" in html
    assert not GuidanceGroup.objects.exists()


# --- recording on one screen ------------------------------------------------------------------------


def test_record_every_participant_at_once(client, w):
    group = _create(w["officer"], [w["a1"], w["a2"], w["a3"]])
    s1, s2, s3 = (GuidanceSession.objects.get(group=group, client=w[k]) for k in ("a1", "a2", "a3"))
    client.force_login(w["officer"])
    page = client.get(reverse("guidance:group_detail", args=[group.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for key in ("a1", "a2", "a3"):
        assert w[key].full_name in html
    assert f'name="s{s1.pk}-outcome"' in html and f'name="s{s3.pk}-engagement"' in html
    data = {
        **_row(s1, engagement="4", client_said="Mau ikut pelatihan"),
        **_row(s2, outcome="unexcused", engagement=""),
        **_row(s3, outcome="late", engagement="2", concern="on", concern_text="Terlihat murung"),
    }
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), data)
    assert response.status_code == 302
    for session in (s1, s2, s3):
        session.refresh_from_db()
    assert (s1.outcome, s1.engagement, s1.client_said) == ("attended", 4, "Mau ikut pelatihan")
    assert (s2.outcome, s2.engagement) == ("unexcused", None)
    assert (s3.outcome, s3.engagement, s3.has_open_concern) == ("late", 2, True)
    assert s1.recorded_by == w["officer"] and s1.version == 2


def test_one_bad_row_saves_nothing_and_says_which(client, w):
    group = _create(w["officer"], [w["a1"], w["a2"]])
    s1, s2 = (GuidanceSession.objects.get(group=group, client=w[k]) for k in ("a1", "a2"))
    client.force_login(w["officer"])
    data = {
        **_row(s1),
        # The single-session rules: engagement only when attended; a reason when not held.
        **_row(s2, outcome="excused", engagement="3"),
    }
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Engagement is recorded only when the client attended." in html
    assert "Nothing was saved" in html
    assert not GuidanceSession.objects.exclude(outcome="").exists()
    data = {**_row(s1, engagement=""), **_row(s2, outcome="not_held", engagement="")}
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Choose the engagement level (1-4)." in html and "Say why the session did not happen." in html
    assert not GuidanceSession.objects.exclude(outcome="").exists()


def test_a_stale_row_undoes_the_whole_group(client, w):
    group = _create(w["officer"], [w["a1"], w["a2"]])
    s1, s2 = (GuidanceSession.objects.get(group=group, client=w[k]) for k in ("a1", "a2"))
    client.force_login(w["officer"])
    data = {**_row(s1), **_row(s2)}
    data[f"s{s2.pk}-version"] = "5"  # someone else saved this row meanwhile
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), data)
    assert response.status_code == 422
    assert "Someone else changed this record" in response.content.decode()
    s1.refresh_from_db()
    assert s1.outcome == "" and s1.version == 1  # the first row was rolled back too


def test_a_future_group_cannot_be_recorded_as_attended(client, w):
    group = _create(w["officer"], [w["a1"], w["a2"]], when=NOW + timedelta(days=3))
    s1, s2 = (GuidanceSession.objects.get(group=group, client=w[k]) for k in ("a1", "a2"))
    client.force_login(w["officer"])
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), {**_row(s1), **_row(s2)})
    assert response.status_code == 422
    assert "still ahead" in response.content.decode()


# --- timeline and caseload --------------------------------------------------------------------------


def test_group_sessions_show_on_the_timeline_and_count_in_the_caseload(client, w):
    group = _create(w["officer"], [w["a1"], w["a2"]])
    s1, s2 = (GuidanceSession.objects.get(group=group, client=w[k]) for k in ("a1", "a2"))
    services.group_record(
        group=group,
        actor=w["officer"],
        rows=[
            (s1, {"version": 1, "outcome": "attended", "engagement": 3}),
            (s2, {"version": 1, "outcome": "unexcused", "engagement": None}),
        ],
    )
    row = caseload_row(viewer=w["officer"], client=w["a1"])
    assert (row.attended, row.expected) == (1, 1) and row.last_contact is not None
    client.force_login(w["officer"])
    link = reverse("guidance:group_detail", args=[group.pk])
    sessions_page = client.get(reverse("guidance:client_sessions", args=[w["a1"].pk])).content.decode()
    assert link in sessions_page and "group session" in sessions_page
    assert reverse("guidance:group_create") in sessions_page
    detail_page = client.get(reverse("clients:detail", args=[w["a1"].pk])).content.decode()
    assert link in detail_page


# --- scoping and masking ----------------------------------------------------------------------------


def test_who_sees_a_group_and_whom_they_see_in_it(client, w):
    # The adult section head groups an adult of one officer with an adult of another; the child
    # section head, another office, program team and partner staff see nothing.
    group = _create(w["section"], [w["a1"], w["theirs"]])
    url = reverse("guidance:group_detail", args=[group.pk])
    expected = {
        "officer": 200,  # sees a1
        "other_officer": 200,  # sees "theirs"
        "head": 200,
        "section": 200,
        "section_child": 404,
        "program_team": 404,
        "partner_staff": 404,
        "officer_b": 404,
        "head_b": 404,
    }
    for key, status in expected.items():
        client.force_login(w[key])
        assert client.get(url).status_code == status, key
        assert (group in GuidanceGroup.objects.visible_to(w[key])) == (status == 200), key
    client.force_login(w["officer"])
    html = client.get(url).content.decode()
    assert "Wayan Peserta Satu" in html
    assert "Gede Klien Lain" not in html and w["theirs"].initials in html
    theirs_session = GuidanceSession.objects.get(group=group, client=w["theirs"])
    assert f'name="s{theirs_session.pk}-outcome"' not in html  # not editable by this officer
    assert reverse("guidance:client_sessions", args=[w["theirs"].pk]) not in html
    client.logout()
    assert client.get(url).status_code == 302


def test_masked_participant_cannot_be_recorded_through_the_page(client, w):
    group = _create(w["section"], [w["a1"], w["theirs"]])
    mine = GuidanceSession.objects.get(group=group, client=w["a1"])
    theirs = GuidanceSession.objects.get(group=group, client=w["theirs"])
    client.force_login(w["officer"])
    response = client.post(reverse("guidance:group_detail", args=[group.pk]), {**_row(mine), **_row(theirs)})
    assert response.status_code == 302
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert mine.outcome == "attended" and theirs.outcome == ""


def test_group_list_shows_only_visible_groups(client, w):
    mine = _create(w["officer"], [w["a1"], w["a2"]], title="Kelompok Saya")
    _create(
        w["officer_b"], [w["far"], make_guidance_client(w["far"].office, w["officer_b"])], title="Kelompok B"
    )
    client.force_login(w["officer"])
    html = client.get(reverse("guidance:group_list")).content.decode()
    assert "Kelompok Saya" in html and "Kelompok B" not in html
    assert reverse("guidance:group_detail", args=[mine.pk]) in html
    client.force_login(w["program_team"])
    assert client.get(reverse("guidance:group_list")).status_code == 404


# --- API --------------------------------------------------------------------------------------------


def test_api_create_list_get_and_record(client, w):
    client.force_login(w["officer"])
    created = client.post(
        "/api/v1/guidance/groups",
        {
            "title": "Kelompok API",
            "scheduled_at": (NOW - timedelta(hours=1)).isoformat(),
            "client_ids": [w["a1"].pk, w["a2"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["participants"] == 2 and body["recorded"] == 0
    assert {p["client_name"] for p in body["participant_sessions"]} == {
        "Wayan Peserta Satu",
        "Made Peserta Dua",
    }
    listing = client.get("/api/v1/guidance/groups?page_size=1").json()
    assert (listing["count"], listing["pages"], listing["results"][0]["id"]) == (1, 1, body["id"])
    sessions = [p["session"] for p in body["participant_sessions"]]
    bad = client.post(
        f"/api/v1/guidance/groups/{body['id']}/record",
        {
            "rows": [
                {"session_id": sessions[0]["id"], "version": 1, "outcome": "attended", "engagement": 3},
                {"session_id": sessions[1]["id"], "version": 1, "outcome": "attended"},
            ]
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and not GuidanceSession.objects.exclude(outcome="").exists()
    good = client.post(
        f"/api/v1/guidance/groups/{body['id']}/record",
        {
            "rows": [
                {"session_id": s["id"], "version": 1, "outcome": "attended", "engagement": 3}
                for s in sessions
            ]
        },
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["recorded"] == 2
    stale = client.post(
        f"/api/v1/guidance/groups/{body['id']}/record",
        {"rows": [{"session_id": sessions[0]["id"], "version": 1, "outcome": "late", "engagement": 2}]},
        content_type="application/json",
    )
    assert stale.status_code == 409


def test_api_refuses_scope_and_no_contact_and_masks(client, w):
    client_services.no_contact_add(
        actor=w["head"], client=w["a1"], other_client=w["a2"], person_name="", reason=""
    )
    client.force_login(w["officer"])
    for ids in ([w["a1"].pk, w["a2"].pk], [w["a1"].pk, w["far"].pk], [w["a1"].pk]):
        response = client.post(
            "/api/v1/guidance/groups",
            {"title": "X", "scheduled_at": NOW.isoformat(), "client_ids": ids},
            content_type="application/json",
        )
        assert response.status_code == 422 and response.json()["errors"], ids
    assert not GuidanceGroup.objects.exists()
    group = _create(w["section"], [w["a1"], w["theirs"]])
    body = client.get(f"/api/v1/guidance/groups/{group.pk}").json()
    hidden = [p for p in body["participant_sessions"] if not p["visible"]]
    assert len(hidden) == 1 and hidden[0]["session"] is None
    assert hidden[0]["client_name"] == w["theirs"].initials
    client.force_login(w["officer_b"])
    assert client.get(f"/api/v1/guidance/groups/{group.pk}").status_code == 404
    assert client.get("/api/v1/guidance/groups").json()["count"] == 0
    client.logout()
    assert client.get("/api/v1/guidance/groups").status_code == 401


# --- demo -------------------------------------------------------------------------------------------


def test_demo_groups_are_recorded_and_loading_twice_changes_nothing(office_a):
    officers = [make_user("officer", office_a) for _ in range(2)]
    for i in range(10):
        make_guidance_client(office_a, officers[i % 2], register_number=f"DGRP-{i:02d}")
    demo.load(DemoContext(objects={"denpasar": office_a}))
    groups = list(GuidanceGroup.objects.order_by("scheduled_at"))
    assert len(groups) == 3
    snapshot = sorted(
        GuidanceSession.objects.filter(group__isnull=False).values_list(
            "group_id", "client_id", "outcome", "engagement"
        )
    )
    held = [g for g in groups if g.scheduled_at < timezone.now()]
    assert len(held) == 2
    assert all(not g.sessions.filter(outcome="").exists() for g in held)
    assert all(g.sessions.count() == 5 for g in groups)  # five adults of the first officer
    ctx = DemoContext(objects={"denpasar": office_a})
    demo.load(ctx)
    assert GuidanceGroup.objects.count() == 3 and not ctx.created
    assert (
        sorted(
            GuidanceSession.objects.filter(group__isnull=False).values_list(
                "group_id", "client_id", "outcome", "engagement"
            )
        )
        == snapshot
    )


# --- the permission matrix of the new URLs ----------------------------------------------------------

GROUP_WALK = {
    # actor: (list, new form, group page, API list, API one)
    "anonymous": ("login", "login", "login", 401, 401),
    "national": (404, 404, 404, 200, 404),
    "regional": (404, 404, 404, 200, 404),
    "office_head": (200, 200, 200, 200, 200),
    "section_head": (200, 200, 200, 200, 200),
    "officer": (200, 200, 404, 200, 404),  # an officer with no participant in the group
    "program_team": (404, 404, 404, 200, 404),
    "partner_staff": (404, 404, 404, 200, 404),
    "admin": (404, 404, 404, 200, 404),
    "superuser": (200, 404, 200, 200, 200),
}


@pytest.mark.parametrize("actor", sorted(GROUP_WALK))
def test_permission_walk_of_the_group_urls(client, office_a, office_b, actor):
    lead = make_user("officer", office_a)
    group = _create(lead, [make_guidance_client(office_a, lead), make_guidance_client(office_a, lead)])
    far_lead = make_user("officer", office_b)
    far = _create(
        far_lead, [make_guidance_client(office_b, far_lead), make_guidance_client(office_b, far_lead)]
    )
    user = (
        None
        if actor == "anonymous"
        else UserFactory(office=None, is_superuser=True, is_staff=True)
        if actor == "superuser"
        else make_user(actor, office_a)
    )
    if user is not None:
        client.force_login(user)
    urls = [
        reverse("guidance:group_list"),
        reverse("guidance:group_create"),
        reverse("guidance:group_detail", args=[group.pk]),
        "/api/v1/guidance/groups",
        f"/api/v1/guidance/groups/{group.pk}",
    ]
    for url, expected in zip(urls, GROUP_WALK[actor], strict=True):
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code == expected, (url, response.status_code)
    # Another office's group: 404 for everyone but the superuser.
    response = client.get(reverse("guidance:group_detail", args=[far.pk]))
    assert response.status_code == {"anonymous": 302, "superuser": 200}.get(actor, 404)
    # Posting a record to the group: only own-office guidance staff (and the superuser).
    post = client.post(reverse("guidance:group_detail", args=[group.pk]), {})
    assert post.status_code == {
        "anonymous": 302,
        "office_head": 422,
        "section_head": 422,
        "superuser": 422,
    }.get(actor, 404)
