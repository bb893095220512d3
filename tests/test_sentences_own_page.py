"""The person's own view (#18 item 9): a private link given at placement, no login; own balance,
next sessions, the site; complaints about the placement reach the section head (Kasi), not the site."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.core.cache import cache

from aksalarasa.sentences import person, plan_services
from aksalarasa.sentences.models import PersonLink, PlacementComplaint
from tests.factories import PartnerFactory, make_client, make_membership, make_order, make_site, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="PK Satu")
    head = make_user("office_head", office_a)
    kasi = make_user("section_head", office_a, section="adult")
    kasi_child = make_user("section_head", office_a, section="child")
    client = make_client(office_a, officer, full_name="I Made Contoh")
    partner = PartnerFactory(office=office_a, name="Pokmas Lipas Pantai")
    supervisor = make_user("partner_staff", office_a, full_name="Pengawas Pantai")
    make_membership(supervisor, partner)
    site = make_site(office_a, partner, supervisors=[supervisor], actor=head, name="Pantai Uji",
                     address="Jl. Pantai Mertasari No. 9")  # fmt: skip
    order = make_order(client, actor=officer, site=site)
    return {"officer": officer, "head": head, "kasi": kasi, "kasi_child": kasi_child, "client": client,
            "supervisor": supervisor, "site": site, "order": order, "office": office_a}  # fmt: skip


def _issue(client, w) -> str:
    client.force_login(w["officer"])
    response = client.post(f"/sentences/{w['order'].pk}/own-link/")
    assert response.status_code == 200
    url = re.search(r'id="own-link">([^<]+)<', response.content.decode()).group(1)
    assert "<svg" in response.content.decode()  # the QR code
    client.logout()
    return url.split("testserver", 1)[1]


def test_the_person_sees_their_balance_next_sessions_and_site_without_login(w, client):
    order = w["order"]
    day = order.start_date + timedelta(days=2)
    from aksalarasa.sentences import services

    services.hours_work_add(
        actor=w["officer"], order=order, data={"work_date": day, "start": time(8), "end": time(11)}
    )
    plan_services.plan_propose(actor=w["officer"], order=order)
    path = _issue(client, w)
    page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 200 and '<html lang="id"' in text
    assert "I Made Contoh" in text and "Jl. Pantai Mertasari No. 9" in text
    assert "3:00 dari 120:00 jam selesai" in text  # from the ledger: 3 of 120 hours
    assert text.count("<li>") >= 5  # the next planned sessions
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert (
        len(token) >= 40 and not PersonLink.objects.filter(token_hash=token).exists()
    )  # only a hash is kept


def test_a_child_is_shown_as_initials_on_the_own_page(w, client, office_a):
    child = make_client(office_a, w["officer"], child=True, full_name="Ketut Anak Contoh")
    order = make_order(child, actor=w["officer"], site=w["site"])
    token = person.link_issue(actor=w["officer"], order=order)
    text = client.get(f"/sentences/me/{token}/").content.decode()
    assert "Ketut Anak Contoh" not in text and child.initials in text


def test_a_wrong_revoked_or_missing_token_answers_exactly_like_none(w, client):
    first = person.link_issue(actor=w["officer"], order=w["order"])
    second = person.link_issue(actor=w["officer"], order=w["order"])  # giving a new link stops the old
    assert client.get(f"/sentences/me/{second}/").status_code == 200
    answers = [client.get(f"/sentences/me/{t}/") for t in (first, second[:-1] + "x", "x" * 43, "a" * 200)]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1


def test_the_look_up_is_rate_limited(w, client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.AKSALARASA_LOOKUP_RATE_PUBLIC = "3/m"
    cache.clear()
    codes = [client.get(f"/sentences/me/{'x' * 43}/").status_code for _ in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]


def test_a_complaint_reaches_the_kasi_and_the_head_never_the_site_or_the_pk(w, client):
    token = person.link_issue(actor=w["officer"], order=w["order"])
    url = f"/sentences/me/{token}/"
    empty = client.post(url, {"kind": "safety", "text": " "})
    assert empty.status_code == 422 and not PlacementComplaint.objects.exists()
    sent = client.post(
        url, {"kind": "commercial", "text": "Kami disuruh membersihkan kafe milik pengelola."}, follow=True
    )
    assert sent.status_code == 200 and "Kasi" in sent.content.decode()
    complaint = PlacementComplaint.objects.get()
    assert complaint.order == w["order"] and complaint.site == w["site"] and complaint.status == "open"
    for user, sees in [(w["kasi"], True), (w["head"], True), (w["kasi_child"], False),
                       (w["officer"], False), (w["supervisor"], False)]:  # fmt: skip
        client.force_login(user)
        listing = client.get("/sentences/complaints/")
        if sees:
            assert "kafe milik pengelola" not in listing.content.decode()  # the list shows the kind only
            assert "komersial" in listing.content.decode().lower()
            assert client.get(f"/sentences/complaints/{complaint.pk}/").status_code == 200
        else:
            assert listing.status_code == 404 or "Pantai Uji" not in listing.content.decode()
            assert client.get(f"/sentences/complaints/{complaint.pk}/").status_code == 404
    client.force_login(w["kasi"])
    handled = client.post(
        f"/sentences/complaints/{complaint.pk}/", {"version": 1, "response": "Lokasi ditegur."}
    )
    assert handled.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "handled" and complaint.handled_by == w["kasi"]
    stale = client.post(f"/sentences/complaints/{complaint.pk}/", {"version": 1, "response": "Lagi."})
    assert stale.status_code == 422


def test_the_kasi_sees_open_complaints_on_the_home_page(w, client):
    token = person.link_issue(actor=w["officer"], order=w["order"])
    client.post(f"/sentences/me/{token}/", {"kind": "dignity", "text": "Dibentak di depan warga."})
    client.force_login(w["kasi"])
    home = client.get("/").content.decode()
    assert "/sentences/complaints/" in home
    client.force_login(w["officer"])
    assert "/sentences/complaints/" not in client.get("/").content.decode()


def test_only_the_clients_guidance_staff_give_a_link(w, client, office_a):
    other = make_user("officer", office_a)
    client.force_login(other)
    assert client.post(f"/sentences/{w['order'].pk}/own-link/").status_code == 404
    client.force_login(w["supervisor"])
    assert client.post(f"/sentences/{w['order'].pk}/own-link/").status_code == 404
    assert not PersonLink.objects.exists()
