"""Client referrals linked to a program's termination: only referrals the editor may see can be
linked, and a client's name is shown only to people who may see the referral itself."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aksalarasa.programs.models import ProgramMember, ProgramPartner, ProgramReferral
from tests.factories import make_partner_world, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(office_a, office_b):
    world = make_partner_world(office_a, office_b)
    program = make_program(office_a, team=[(world["program_team"], True)])
    ProgramMember.objects.create(office=office_a, program=program, user=world["pk"], role="PK", can_edit=True)
    ProgramPartner.objects.create(program=program, partner=world["p2"], role="Mitra")
    world["program"] = program
    return world


def test_officer_links_own_clients_referral_and_sees_the_name(w, client):
    client.force_login(w["pk"])
    program = w["program"]
    response = client.post(
        reverse("programs:referral_link", args=[program.pk]),
        {"referral-referral": w["r_sent"].pk, "referral-note": "Lanjutan"},
    )
    assert response.status_code == 302
    assert ProgramReferral.objects.filter(program=program, referral=w["r_sent"]).exists()
    page = client.get(reverse("programs:termination", args=[program.pk])).content.decode()
    assert "Wayan Uji Dewasa" in page
    from aksalarasa.audit.models import AccessLog

    assert AccessLog.objects.filter(
        user=w["pk"], object_type="clients.client", object_id=str(w["adult"].pk), action="view"
    ).exists()


def test_referral_of_another_officer_or_office_cannot_be_linked(w, client):
    client.force_login(w["pk"])
    program = w["program"]
    response = client.post(
        f"/api/v1/programs/{program.pk}/referrals",
        {"referral_id": w["r_b"].pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not ProgramReferral.objects.exists()


def test_program_team_and_other_partner_read_the_link_without_the_client(w, client):
    ProgramReferral.objects.create(program=w["program"], referral=w["r_sent"])
    for reader in (w["program_team"], w["staff2"]):
        client.force_login(reader)
        page = client.get(reverse("programs:termination", args=[w["program"].pk])).content.decode()
        assert "Yayasan Satu" in page
        assert "Wayan Uji Dewasa" not in page
        rows = client.get(f"/api/v1/programs/{w['program'].pk}/referrals").json()
        assert rows[0]["client"] is None and rows[0]["partner"] == "Yayasan Satu"
