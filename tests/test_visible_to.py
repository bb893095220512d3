"""One `visible_to(user)` per office-owned model, and none of them shows another office's rows.

The scope (core/scoping.py) is the net; `visible_to` is the rule each read goes through. This
module checks the rule on its own: the test bodies run unscoped (conftest), so a `visible_to` that
forgot its filter would return every office's rows here and fail.

- Every model the scope walk finds (everything that reaches an office), history tables aside (they
  are read only through their record's page), has a `visible_to` on its default manager. No list
  of exceptions: a model added later without one fails by name.
- In the fuzz world (the generator's `tiny` preset: two offices in two regions with every record
  type, plus the records it leaves out), for every actor of the fuzz (each role of office A and
  the head of office B), every model's `visible_to` returns only rows of the offices the actor may
  reach; partner staff only rows of offices that referred a client to their organisation or own
  the partner.
- It is not empty: the head of office A sees rows of every model office A has, except an import's
  progress and a notification, which only their own person sees.
- An adult-section PK sees no record of a child client through any model that belongs to a client.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models

from aksalarasa.accounts.apps import office_rule
from aksalarasa.clients.models import Client
from aksalarasa.core.scoping import SCOPED_MODELS
from aksalarasa.offices.models import Office
from aksalarasa.partners.models import Partner, Referral
from tests.scale_world import tiny_world
from tests.test_api_fuzz import ACTORS, World, _world

pytestmark = pytest.mark.django_db

MODELS: list[tuple[type[models.Model], str]] = [
    (apps.get_model(label), path)
    for label, path in sorted(SCOPED_MODELS.items())
    if not label.split(".")[1].startswith("Historical")
]
# A person's own records, seen by nobody else (the head of office included).
OWNER_ONLY = {
    "clients.ImportRun": "an import's progress: the person who started it",
    "partners.Notification": "a notification: its recipient",
}


def test_every_office_owned_model_has_its_visible_to() -> None:
    missing = [
        m._meta.label for m, _ in MODELS if not callable(getattr(m._default_manager, "visible_to", None))
    ]
    assert len(MODELS) > 60
    assert missing == []


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    yield from tiny_world(django_db_blocker, 11, _world)


def _allowed_offices(user) -> set[int]:
    if user.role_partner_staff:
        partners = Partner.objects.filter(memberships__user=user)
        referring = Referral.objects.filter(service__partner__in=partners).values_list("office_id", flat=True)
        return set(referring) | set(partners.values_list("office_id", flat=True))
    rule = office_rule(user)
    offices = Office.objects.all()
    if not rule.everything:
        offices = offices.filter(pk__in=rule.office_ids) | offices.filter(
            regional_office_id__in=rule.region_ids
        )
    return set(offices.values_list("pk", flat=True))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_visible_to_stays_inside_the_actors_offices(world: World, actor: str) -> None:
    user = world.users[actor]
    allowed = _allowed_offices(user)
    leaks = {}
    for model, path in MODELS:
        seen = set(model._default_manager.visible_to(user).values_list(path, flat=True)) - {None}
        if seen - allowed:
            leaks[model._meta.label] = sorted(seen - allowed)
    assert leaks == {}


def test_the_office_head_sees_every_kind_of_the_offices_records(world: World) -> None:
    head, office = world.users["office_head"], world.offices["A"]
    empty = []
    for model, path in MODELS:
        label = model._meta.label
        if label in OWNER_ONLY or not model._default_manager.filter(**{path: office.pk}).exists():
            continue
        if not model._default_manager.visible_to(head).filter(**{path: office.pk}).exists():
            empty.append(label)
    assert empty == []
    # The other office's head sees none of them.
    other = world.users["other_office_head"]
    assert [
        m._meta.label
        for m, p in MODELS
        if m._default_manager.visible_to(other).filter(**{p: office.pk}).exists()
    ] == []


def _client_records() -> list[type[models.Model]]:
    """Models whose rows are a client's own record: they reach the client through `client`."""
    return [
        m
        for m, _ in MODELS
        if any(
            f.name == "client" and f.related_model is Client and not f.null for f in m._meta.concrete_fields
        )
    ]


def test_an_adult_section_officer_sees_no_record_of_a_child_client(world: World) -> None:
    user = world.users["officer_adult"]
    children = Client.objects.filter(office=world.offices["A"], category="child")
    assert children.exists()
    checked = _client_records()
    assert len(checked) >= 8
    seen = {
        m._meta.label: m._default_manager.visible_to(user).filter(client__in=children).count()
        for m in checked
    }
    assert {label: n for label, n in seen.items() if n} == {}
