"""The scoping matrix: every role, two offices, exact sets, through selectors, HTTP and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aksalarasa.clients.models import Client
from aksalarasa.partners import selectors
from tests.factories import make_partner_world

ALL_REFERRALS = ("r_sent", "r_draft", "r_child", "r_p2", "r_b")
# viewer -> referrals they see (national/regional: counts only, never rows)
REFERRALS_SEEN = {
    "office_head": {"r_sent", "r_draft", "r_child", "r_p2"},
    "section_adult": {"r_sent", "r_draft", "r_p2"},
    "section_child": {"r_child"},
    "pk": {"r_sent", "r_draft", "r_p2"},
    "pk_child": {"r_child"},
    "program_team": set(),
    "admin": set(),
    "national": set(),
    "regional": set(),
    "staff1": {"r_sent", "r_child"},  # never the draft to the same partner
    "staff2": {"r_p2"},
    "staff3": {"r_b"},
    "pk_b": {"r_b"},
    "head_b": {"r_b"},
}
PARTNERS_SEEN = {
    "office_head": {"p1", "p2"},
    "section_adult": {"p1", "p2"},
    "pk": {"p1", "p2"},
    "program_team": {"p1", "p2"},
    "admin": {"p1", "p2"},
    "national": {"p1", "p2", "p3"},
    "regional": {"p1", "p2"},
    "staff1": {"p1"},
    "staff2": {"p2"},
    "staff3": {"p3"},
    "head_b": {"p3"},
}
# Clients partner staff see through the clients app's own scoping (its PARTNER reach, filled in by the partners app)
PARTNER_CLIENTS = {"staff1": {"adult", "child"}, "staff2": {"adult2"}, "staff3": {"client_b"}}


@pytest.fixture
def w(office_a, office_b):
    return make_partner_world(office_a, office_b)


def _keys(w, objs, candidates):
    by_pk = {w[k].pk: k for k in candidates}
    return {by_pk[o.pk] for o in objs if o.pk in by_pk} | {f"?{o.pk}" for o in objs if o.pk not in by_pk}


@pytest.mark.parametrize("viewer", sorted(REFERRALS_SEEN))
def test_referral_list_exact_set_per_role(w, viewer):
    seen = selectors.referral_list(viewer=w[viewer])
    assert _keys(w, seen, ALL_REFERRALS) == REFERRALS_SEEN[viewer]


@pytest.mark.parametrize("viewer", sorted(PARTNERS_SEEN))
def test_partner_list_exact_set_per_role(w, viewer):
    assert _keys(w, selectors.partner_list(viewer=w[viewer]), ("p1", "p2", "p3")) == PARTNERS_SEEN[viewer]


@pytest.mark.parametrize("viewer", sorted(PARTNER_CLIENTS))
def test_partner_staff_see_only_referred_clients(w, viewer):
    seen = Client.objects.visible_to(w[viewer])
    assert _keys(w, seen, ("adult", "adult2", "child", "client_b")) == PARTNER_CLIENTS[viewer]


def test_partner_staff_cannot_see_client_after_decline(w):
    from aksalarasa.partners import services

    services.referral_transition(
        referral=w["r_sent"],
        actor=w["staff1"],
        target="declined",
        expected_version=w["r_sent"].version,
        reason="Penuh",
    )
    assert not Client.objects.visible_to(w["staff1"]).filter(pk=w["adult"].pk).exists()
    # the declined referral itself stays in their list, with initials only
    referral = selectors.referral_get_for_viewer(viewer=w["staff1"], pk=w["r_sent"].pk)
    assert selectors.referral_label(viewer=w["staff1"], referral=referral) == "W.U.D."


def test_partner_staff_do_not_gain_supervisions_or_litmas_of_referred_clients(w):
    from aksalarasa.clients.models import Litmas, Supervision

    assert not Supervision.objects.visible_to(w["staff1"]).exists()
    assert not Litmas.objects.visible_to(w["staff1"]).exists()
    Supervision.objects.create(
        office=w["office_a"], client=w["adult"], program_type="pb", start="2026-01-01", end="2026-12-31"
    )
    assert Supervision.objects.visible_to(w["pk"]).count() == 1
    assert Supervision.objects.visible_to(w["staff1"]).count() == 0


@pytest.mark.parametrize("viewer", sorted(REFERRALS_SEEN))
def test_referral_pages_answer_404_to_outsiders(w, client, viewer):
    client.force_login(w[viewer])
    for key in ALL_REFERRALS:
        response = client.get(reverse("partners:referral_detail", args=[w[key].pk]))
        expected = 200 if key in REFERRALS_SEEN[viewer] else 404
        assert response.status_code == expected, (viewer, key)


@pytest.mark.parametrize("viewer", sorted(REFERRALS_SEEN))
def test_api_referrals_follow_the_same_matrix(w, client, viewer):
    client.force_login(w[viewer])
    listed = client.get("/api/v1/referrals")
    assert listed.status_code == 200
    expected_ids = {w[k].pk for k in REFERRALS_SEEN[viewer]}
    assert {row["id"] for row in listed.json()} == expected_ids
    for key in ALL_REFERRALS:
        status = client.get(f"/api/v1/referrals/{w[key].pk}").status_code
        assert status == (200 if key in REFERRALS_SEEN[viewer] else 404), (viewer, key)


@pytest.mark.parametrize("viewer", sorted(PARTNERS_SEEN))
def test_api_partners_follow_the_matrix(w, client, viewer):
    client.force_login(w[viewer])
    ids = {row["id"] for row in client.get("/api/v1/partners").json()}
    assert ids == {w[k].pk for k in PARTNERS_SEEN[viewer]}
    for key in ("p1", "p2", "p3"):
        status = client.get(f"/api/v1/partners/{w[key].pk}").status_code
        assert status == (200 if key in PARTNERS_SEEN[viewer] else 404)


def test_api_partner_never_gets_the_client_id_or_unshared_fields(w, client):
    client.force_login(w["staff1"])
    row = client.get(f"/api/v1/referrals/{w['r_child'].pk}").json()
    assert row["client_id"] is None
    assert row["client_label"] == "K.U.A."
    assert row["client_fields"] == {}
    assert row["shared_fields"] is None
    body = client.get("/api/v1/referrals").content.decode()
    assert "Komang Uji Anak" not in body and "Made Uji Kedua" not in body


def test_national_and_regional_get_counts_only_with_small_cells_hidden(w, client):
    client.force_login(w["national"])
    rows = client.get("/api/v1/referrals/counts").json()
    by_office = {r["office_id"]: r["counts"] for r in rows}
    assert by_office[w["office_a"].pk]["sent"] is None  # 3 sent: under 5, hidden
    assert client.get("/api/v1/referrals").json() == []
    client.force_login(w["staff1"])
    assert client.get("/api/v1/referrals/counts").json() == []


@pytest.mark.parametrize(
    ("viewer", "url_name", "status"),
    [
        ("staff1", "partners:partner_list", 404),
        ("pk", "partners:partner_list", 200),
        ("national", "partners:partner_list", 200),
        ("program_team", "partners:referral_list", 404),
        ("admin", "partners:referral_list", 404),
        ("staff1", "partners:referral_list", 200),
        ("pk", "partners:referral_list", 200),
        ("pk", "partners:partner_create", 404),
        ("program_team", "partners:partner_create", 200),
        ("office_head", "partners:partner_create", 200),
        ("staff1", "partners:partner_create", 404),
    ],
)
def test_pages_by_role(w, client, viewer, url_name, status):
    client.force_login(w[viewer])
    assert client.get(reverse(url_name)).status_code == status


def test_partner_staff_home_reaches_their_referrals_in_one_click(w, client):
    client.force_login(w["staff1"])
    page = client.get("/").content.decode()
    assert reverse("partners:referral_list") in page
    listing = client.get(reverse("partners:referral_list")).content.decode()
    assert "Yayasan Satu" in listing
    assert "Made Uji Kedua" not in listing and "M.U.K." not in listing  # the draft stays hidden


def test_referral_list_and_api_have_bounded_queries(w, client, django_assert_max_num_queries):
    from aksalarasa.partners import services
    from tests.factories import make_partner_client

    for i in range(15):
        c = make_partner_client(w["office_a"], w["pk"], full_name=f"Klien Tambahan {i}")
        services.referral_create(client=c, service=w["s1"], actor=w["pk"], reason="x", send=True)
    client.force_login(w["pk"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("partners:referral_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/referrals").json()) == 18
    client.force_login(w["staff1"])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("partners:referral_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/referrals").json()) == 17


def test_partner_name_shared_for_other_apps_client_pages(w):
    assert selectors.partner_name_shared(w["staff1"], w["adult"])  # shares the name, with consent
    assert not selectors.partner_name_shared(w["staff2"], w["adult2"])  # no consent, nothing shared
    assert not selectors.partner_name_shared(w["staff1"], w["child"])  # no guardian consent
    assert not selectors.partner_name_shared(w["staff2"], w["adult"])  # not their referral
    assert not selectors.partner_name_shared(w["pk"], w["adult"])  # not partner staff


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("pk", {"adult", "adult2"}),
        ("pk_child", {"child"}),
        ("section_child", {"child"}),
        ("office_head", {"adult", "adult2", "child"}),
        ("staff1", set()),
        ("program_team", set()),
        ("head_b", {"client_b"}),
    ],
)
def test_referable_clients_are_the_ones_the_viewer_may_refer(w, viewer, expected):
    seen = selectors.referable_clients(viewer=w[viewer])
    assert _keys(w, seen, ("adult", "adult2", "child", "client_b")) == expected
