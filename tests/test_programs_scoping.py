"""Who sees which program and its stage records: exact sets per role, two offices, selectors,
pages (404 for outsiders, 403 for readers who try to write) and the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from aksalarasa.programs.models import Assessment, Contact, Program, ProgramPartner
from tests.factories import PartnerFactory, make_membership, make_program, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office_a, office_b):
    team = make_user("program_team", office_a)
    reader_member = make_user("program_team", office_a)
    users = {
        "national": make_user("national"),
        "regional": make_user("regional", office_a),
        "office_head": make_user("office_head", office_a),
        "section_head": make_user("section_head", office_a),
        "officer": make_user("officer", office_a),
        "admin": make_user("admin", office_a),
        "team": team,
        "reader_member": reader_member,
        "other_team": make_user("program_team", office_a),
        "partner_in": make_user("partner_staff", office_a),
        "partner_out": make_user("partner_staff", office_a),
        "head_b": make_user("office_head", office_b),
        "team_b": make_user("program_team", office_b),
    }
    p_a = make_program(office_a, title="A utama", team=[(team, True), (reader_member, False)])
    p_a2 = make_program(office_a, title="A kedua")
    p_b = make_program(office_b, title="B", team=[(users["team_b"], True)])
    partner_in = PartnerFactory(office=office_a)
    partner_out = PartnerFactory(office=office_a)
    make_membership(users["partner_in"], partner_in)
    make_membership(users["partner_out"], partner_out)
    ProgramPartner.objects.create(program=p_a, partner=partner_in, role="Narasumber")
    for program in (p_a, p_a2, p_b):
        Contact.objects.create(
            program=program,
            date=datetime.date(2026, 5, 30),
            people="Kepala",
            institution="Desa",
            purpose="Perkenalan",
            agreement="Mendukung",
            created_by=program.created_by,
        )
        Assessment.objects.create(
            program=program,
            title="MPA",
            date=datetime.date(2026, 6, 8),
            facilitator="F",
            code=f"C{program.pk}X",
        )
    return {"users": users, "programs": {"a": p_a, "a2": p_a2, "b": p_b}}


EXPECTED = {
    "national": {"a", "a2", "b"},
    "regional": {"a", "a2"},
    "office_head": {"a", "a2"},
    "section_head": {"a", "a2"},
    "officer": {"a", "a2"},
    "admin": {"a", "a2"},
    "team": {"a"},
    "reader_member": {"a"},
    "other_team": set(),
    "partner_in": {"a"},
    "partner_out": set(),
    "head_b": {"b"},
    "team_b": {"b"},
}
# Who may change program A (team members with edit rights and the office head).
EDITORS_OF_A = {"team", "office_head"}


def _names(world, ids):
    by_pk = {p.pk: key for key, p in world["programs"].items()}
    return {by_pk[i] for i in ids}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_program_and_child_records_visible_exactly_per_role(world, who):
    user = world["users"][who]
    assert _names(world, Program.objects.visible_to(user).values_list("pk", flat=True)) == EXPECTED[who]
    assert (
        _names(world, Contact.objects.visible_to(user).values_list("program_id", flat=True)) == EXPECTED[who]
    )
    assert (
        _names(world, Assessment.objects.visible_to(user).values_list("program_id", flat=True))
        == EXPECTED[who]
    )


def test_anonymous_sees_no_program(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Program.objects.visible_to(AnonymousUser()).exists()
    assert not Contact.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_pages_answer_404_to_outsiders(world, who, client):
    client.force_login(world["users"][who])
    for key, program in world["programs"].items():
        assessment = program.assessments.get()
        urls = [
            reverse("programs:detail", args=[program.pk]),
            reverse("programs:initiation", args=[program.pk]),
            reverse("programs:assessment", args=[program.pk, assessment.pk]),
            reverse("programs:assessment_projector", args=[program.pk, assessment.pk]),
            reverse("programs:evaluation", args=[program.pk]),
        ]
        for url in urls:
            expected = 200 if key in EXPECTED[who] else 404
            assert client.get(url).status_code == expected, (who, url)


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_only_editors_may_change_program_a(world, who, client):
    client.force_login(world["users"][who])
    program = world["programs"]["a"]
    response = client.post(
        reverse("programs:record_add", args=[program.pk, "group"]),
        {"group-kind": "target", "group-name": "Klien aktif"},
    )
    if who in EDITORS_OF_A:
        assert response.status_code == 302
        assert program.groups.filter(name="Klien aktif").exists()
    else:
        assert response.status_code == (403 if "a" in EXPECTED[who] else 404)
        assert not program.groups.exists()


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_api_lists_exactly_the_visible_programs(world, who, client):
    client.force_login(world["users"][who])
    response = client.get("/api/v1/programs")
    assert response.status_code == 200
    assert _names(world, [row["id"] for row in response.json()]) == EXPECTED[who]
    for key, program in world["programs"].items():
        status = client.get(f"/api/v1/programs/{program.pk}/records/contacts").status_code
        assert status == (200 if key in EXPECTED[who] else 404)


def test_api_refuses_writes_from_readers_and_outsiders(world, client):
    program = world["programs"]["a"]
    client.force_login(world["users"]["officer"])
    response = client.post(
        f"/api/v1/programs/{program.pk}/records/groups",
        {"kind": "target", "name": "X"},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.force_login(world["users"]["head_b"])
    response = client.post(
        f"/api/v1/programs/{program.pk}/records/groups",
        {"kind": "target", "name": "X"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not program.groups.exists()


def test_api_needs_authentication(world, client):
    assert client.get("/api/v1/programs").status_code == 401


def test_nav_shows_programs_to_partner_staff_only_when_taking_part(world, client):
    client.force_login(world["users"]["partner_in"])
    assert reverse("programs:list") in client.get(reverse("core:home")).content.decode()
    client.force_login(world["users"]["partner_out"])
    assert reverse("programs:list") not in client.get(reverse("core:home")).content.decode()


def test_report_downloads_are_offered_only_to_who_may_download_them(world, client):
    """Partner staff read a program they take part in, report tab included, but the report (the
    survey evidence) is not theirs: no link to a download that would answer 404."""
    from aksalarasa.programs.models import Program

    program = Program.objects.get(title="A utama")
    page = reverse("programs:report_texts", args=[program.pk])
    pdf = reverse("evidence:report_pdf", args=[program.pk])
    client.force_login(world["users"]["partner_in"])
    assert client.get(page).status_code == 200
    assert pdf not in client.get(page).content.decode() and client.get(pdf).status_code == 404
    client.force_login(world["users"]["office_head"])
    assert pdf in client.get(page).content.decode()


def test_program_list_page_query_count_is_flat(world, client, django_assert_max_num_queries):
    for n in range(10):
        make_program(world["programs"]["a"].office, title=f"Tambahan {n}")
    client.force_login(world["users"]["office_head"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Tambahan") == 10
