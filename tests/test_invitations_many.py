"""A PK answers a request addressed to them or their section with several of their own clients at
once (issue 17, item 6): each ticked client is registered with their own consent and gets an
accepted request of its own; only the PK's own clients are offered, a foreign id (another PK's
client, another office's) is refused and changes nothing; all or nothing; the same over the API."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aksalarasa.accounts.services import api_token_create
from aksalarasa.events import selectors, services
from aksalarasa.events.models import Invitation, Registration
from tests.factories import make_client
from tests.test_invitations import world  # noqa: F401  (the fixture)

CONSENT = "2026-12-01T09:00"


@pytest.fixture
def many(world):  # noqa: F811
    office = world["event"].office
    pk = world["pk_child"]
    extra = [
        make_client(office, pk, child=True, full_name=f"Anak Binaan {n}", consent_community=True)
        for n in (1, 2)
    ]
    no_consent = make_client(
        office, pk, child=True, full_name="Anak Tanpa Persetujuan", consent_community=False
    )
    invitation = services.invitation_request(event=world["event"], actor=world["team"], section="child")
    return {**world, "mine": [world["child"], *extra], "no_consent": no_consent, "invitation": invitation}


def _post(clients, *, version=1, **override):
    data = {"action": "accept", "version": version, "clients": [c.pk for c in clients]}
    for c in clients:
        data[f"consent_given_by_{c.pk}"] = f"Wali {c.full_name}"
        data[f"consent_at_{c.pk}"] = CONSENT
    data.update(override)
    return data


def test_the_pk_sees_only_own_clients_who_may_come(many, client):
    client.force_login(many["pk_child"])
    page = client.get(reverse("events:invitation_decide", args=[many["invitation"].pk]))
    html = page.content.decode()
    for c in many["mine"]:
        assert f'name="clients" value="{c.pk}"' in html
        assert f'name="consent_given_by_{c.pk}"' in html and f'name="consent_at_{c.pk}"' in html
    for other in (many["adult"], many["client_b"], many["no_consent"]):
        assert f'name="clients" value="{other.pk}"' not in html
    assert html.count('<label class="visually-hidden" for="id_consent_given_by_') == len(many["mine"])


def test_the_pk_invites_several_clients_at_once_each_with_consent(many, client):
    client.force_login(many["pk_child"])
    url = reverse("events:invitation_decide", args=[many["invitation"].pk])
    response = client.post(url, _post(many["mine"]))
    assert response.status_code == 302
    event = many["event"]
    registered = Registration.objects.filter(event=event, client__in=many["mine"])
    assert registered.count() == 3
    accepted = Invitation.objects.filter(event=event, state="accepted").order_by("pk")
    assert sorted(i.client_id for i in accepted) == sorted(c.pk for c in many["mine"])
    for invitation in accepted:
        assert invitation.section == "child" and invitation.requested_by == many["team"]
        assert (
            invitation.decided_by == many["pk_child"]
            and invitation.registration.client_id == invitation.client_id
        )
        assert invitation.consent_given_by == f"Wali {invitation.client.full_name}"
        assert invitation.consent_at.isoformat().startswith("2026-12-01T01:00")  # 09:00 WITA
    assert accepted[0].pk == many["invitation"].pk  # the request itself answered with the first
    assert not Invitation.objects.pending().filter(event=event).exists()


@pytest.mark.parametrize("foreign", ["adult", "client_b", "no_consent"])
def test_a_foreign_id_is_refused_and_changes_nothing(many, client, foreign):
    client.force_login(many["pk_child"])
    url = reverse("events:invitation_decide", args=[many["invitation"].pk])
    response = client.post(url, _post([many["mine"][0], many[foreign]]))
    assert response.status_code == 422
    assert response.context["accept_form"].errors["clients"]
    assert not Registration.objects.filter(event=many["event"]).exists()
    many["invitation"].refresh_from_db()
    assert many["invitation"].state == "pending" and many["invitation"].version == 1


def test_every_ticked_client_needs_consent_or_nothing_is_registered(many, client):
    client.force_login(many["pk_child"])
    url = reverse("events:invitation_decide", args=[many["invitation"].pk])
    second = many["mine"][1]
    future = (timezone.now() + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, _post(many["mine"], **{f"consent_given_by_{second.pk}": ""}))
    assert response.status_code == 422
    assert response.context["accept_form"].errors[f"consent_given_by_{second.pk}"]
    response = client.post(url, _post(many["mine"], **{f"consent_at_{second.pk}": future}))
    assert response.status_code == 422
    assert response.context["accept_form"].errors[f"consent_at_{second.pk}"] == [
        "Waktu ini berada di masa depan."
    ]
    assert client.post(url, _post([])).status_code == 422  # nobody ticked
    stale = client.post(url, _post(many["mine"], version=7))
    assert stale.status_code == 422
    assert not Registration.objects.filter(event=many["event"]).exists()
    assert Invitation.objects.filter(event=many["event"]).count() == 1


def test_the_service_refuses_foreign_and_separately_asked_clients_atomically(many):
    invitation, pk = many["invitation"], many["pk_child"]

    def consent(c):
        return services.ClientConsent(c, "Wali", timezone.now() - datetime.timedelta(hours=1))

    with pytest.raises(ValidationError):
        services.invitation_accept_many(
            invitation=invitation,
            actor=pk,
            choices=[consent(many["mine"][0]), consent(many["adult"])],
            expected_version=1,
        )
    late = services.ClientConsent(many["mine"][2], "Wali", timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):  # the third's consent is in the future: the first two roll back
        services.invitation_accept_many(
            invitation=invitation,
            actor=pk,
            choices=[consent(many["mine"][0]), consent(many["mine"][1]), late],
            expected_version=1,
        )
    assert Invitation.objects.filter(event=many["event"]).count() == 1
    named = services.invitation_request(event=many["event"], actor=many["team"], client=many["mine"][0])
    assert many["mine"][0] not in selectors.invitation_own_clients(pk, many["event"])
    with pytest.raises(ValidationError):
        services.invitation_accept_many(
            invitation=invitation,
            actor=pk,
            choices=[consent(many["mine"][1]), consent(many["mine"][0])],
            expected_version=1,
        )
    with pytest.raises(ValidationError):  # a request that names its client is answered for it
        services.invitation_accept_many(
            invitation=named, actor=pk, choices=[consent(many["mine"][0])], expected_version=1
        )
    assert not Registration.objects.filter(event=many["event"]).exists()
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_the_api_accepts_several_clients(many, client):
    _t, token = api_token_create(user=many["pk_child"], name="p")
    url = f"/api/v1/invitations/{many['invitation'].pk}/accept"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "version": 1,
        "clients": [
            {"client_id": c.pk, "consent_given_by": "Wali", "consent_at": CONSENT} for c in many["mine"][:2]
        ],
    }
    foreign = {
        **body,
        "clients": [
            *body["clients"],
            {"client_id": many["client_b"].pk, "consent_given_by": "x", "consent_at": CONSENT},
        ],
    }
    refused = client.post(url, foreign, content_type="application/json", **auth)
    assert refused.status_code == 422 and "clients" in refused.json()["errors"]
    assert not Registration.objects.filter(event=many["event"]).exists()
    answered = client.post(url, body, content_type="application/json", **auth)
    assert answered.status_code == 200, answered.content
    assert answered.json()["state"] == "accepted" and answered.json()["registration_code"]
    assert Registration.objects.filter(event=many["event"], client__in=many["mine"][:2]).count() == 2
