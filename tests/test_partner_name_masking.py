"""Partner staff see an adult client's name on client pages only when their referral shares it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_partner_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(office_a, office_b):
    return make_partner_world(office_a, office_b)


def test_referral_without_the_name_shows_initials_on_client_pages_and_api(client, w):
    # r_p2: adult2 -> partner 2, sent, no consent and no name shared.
    client.force_login(w["staff2"])
    adult2 = w["adult2"]
    shown = 0
    for url in (reverse("clients:detail", args=[adult2.pk]), f"/api/v1/clients/{adult2.pk}"):
        response = client.get(url)
        body = response.content.decode()
        if response.status_code == 200:
            assert "Made Uji Kedua" not in body, url
            assert adult2.initials in body, url
            shown += 1
        else:
            assert response.status_code == 404, url
    assert shown == 2  # both the page and the API show the referred client, masked


def test_referral_that_shares_the_name_shows_it(client, w):
    # r_sent: adult -> partner 1 with consent, name and phone shared.
    client.force_login(w["staff1"])
    body = client.get(reverse("clients:detail", args=[w["adult"].pk])).content.decode()
    assert "Wayan Uji Dewasa" in body


def test_referrals_in_the_subject_export_and_cleared_by_retention(client, w):

    import json

    from aksalarasa.clients.pdp import client_anonymise
    from aksalarasa.partners.models import Referral

    client.force_login(w["pk"])
    data = client.get(reverse("clients:subject_export", args=[w["adult"].pk, "json"])).json()
    assert "Butuh keterampilan" in json.dumps(data, ensure_ascii=False)
    client_anonymise(client_id=w["adult"].pk)
    referral = Referral.objects.get(pk=w["r_sent"].pk)
    assert (referral.reason, referral.goals) == ("", "")
    assert referral.status == "sent"
    assert not Referral.history.filter(client_id=w["adult"].pk).exclude(reason="").exists()


def test_client_page_shows_referrals_with_the_end_of_service_ratings(client, w):
    from aksalarasa.partners import services

    referral = w["r_sent"]
    for target in ("accepted", "in_progress"):
        referral = services.referral_transition(
            referral=referral, actor=w["staff1"], target=target, expected_version=referral.version
        )
    services.service_report_submit(
        referral=referral,
        actor=w["staff1"],
        recommendation="Lanjutkan ke magang",
        ratings=[{"rating": "achieved"}, {"rating": "partly"}],
        expected_version=referral.version,
    )
    client.force_login(w["pk"])
    body = client.get(reverse("clients:detail", args=[w["adult"].pk])).content.decode()
    assert 'id="client-referrals-h"' in body
    assert "Menyelesaikan pelatihan" in body  # the outcome aimed at, with its rating
    assert reverse("partners:referral_detail", args=[referral.pk]) in body
