"""The fail-closed scope (aksalarasa/core/scoping.py, docs/scoping.md).

Test bodies run unscoped (conftest); each check that needs "no scope at all" runs in a fresh
context (`contextvars.Context().run`), exactly as a background thread or a forgotten command would.
"""

from __future__ import annotations

import contextvars

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import translation

from aksalarasa.accounts import services as account_services
from aksalarasa.clients.models import Client
from aksalarasa.core import scoping
from aksalarasa.events.models import Event
from aksalarasa.partners.models import Referral
from tests.factories import EventFactory, make_client, make_partner_world, make_user


def _ours():
    return [m for m in apps.get_models() if m.__module__.startswith("aksalarasa.")]


def _outside_any_scope(fn, *args):
    return contextvars.Context().run(fn, *args)


def test_every_model_is_scoped_or_listed_global_with_a_reason():
    labels = {m._meta.label for m in _ours()}
    for model in _ours():
        label = model._meta.label
        if label in scoping.GLOBAL_MODELS:
            assert scoping.GLOBAL_MODELS[label].strip(), label
            continue
        path = scoping.office_path(model)
        assert path is not None, f"{label} reaches no office: scope it or list it as global with a reason"
        assert scoping.SCOPED_MODELS[label] == path
    assert set(scoping.GLOBAL_MODELS) <= labels  # no stale entry
    # The domain's office-owned models are among them (a walk that found nothing would pass above).
    for label in (
        "clients.Client",
        "clients.Supervision",
        "clients.Litmas",
        "clients.BreachReport",
        "guidance.GuidanceSession",
        "guidance.GuidanceGroup",
        "partners.Partner",
        "partners.PartnerService",
        "partners.Referral",
        "partners.Notification",
        "programs.Program",
        "programs.Vote",
        "events.Event",
        "events.Registration",
        "events.CheckIn",
        "events.AgendaItem",
        "evidence.Administration",
        "evidence.Response",
        "evidence.Answer",
        "audit.AccessLog",
        "dashboards.OfficeSummary",
    ):
        assert label in scoping.SCOPED_MODELS, label


@pytest.mark.django_db
def test_every_office_owned_model_raises_outside_a_scope():
    assert scoping.SCOPED_MODELS
    for label in scoping.SCOPED_MODELS:
        model = apps.get_model(label)
        for manager in model._meta.managers:
            with pytest.raises(scoping.ScopeError, match=label):
                _outside_any_scope(lambda m=manager: list(m.all()))
            with pytest.raises(scoping.ScopeError, match=label):
                _outside_any_scope(lambda m=manager: m.count())


@pytest.mark.django_db
def test_writes_by_query_and_subqueries_raise_outside_a_scope(office_a):
    client = make_client(office_a)
    with pytest.raises(scoping.ScopeError, match="clients.Client"):
        _outside_any_scope(lambda: Client.objects.filter(pk=client.pk).update(address="x"))
    with pytest.raises(scoping.ScopeError, match="clients.Client"):
        _outside_any_scope(lambda: Client.objects.filter(pk=client.pk).delete())
    with pytest.raises(scoping.ScopeError, match="clients.Client"):
        _outside_any_scope(lambda: list(Referral._base_manager.filter(client__in=Client.objects.all())))
    client.refresh_from_db()
    assert client.address != "x"


@pytest.mark.django_db
def test_a_users_scope_never_returns_another_offices_rows(office_a, office_b):
    world = make_partner_world(office_a, office_b)
    EventFactory(office=office_a)
    EventFactory(office=office_b)
    head_a = world["office_head"]
    # Office B has rows of these models (so the check below is not vacuous).
    for model in (Client, Referral, Event):
        assert model.objects.filter(**{scoping.SCOPED_MODELS[model._meta.label]: office_b}).exists()

    def read_as_head_a():
        leaks = {}
        for label, path in scoping.SCOPED_MODELS.items():
            model = apps.get_model(label)
            rows = list(model.objects.all())
            foreign = [r for r in rows if model._base_manager.filter(pk=r.pk, **{path: office_b}).exists()]
            if foreign:
                leaks[label] = len(foreign)
        return leaks, {m: m.objects.count() for m in (Client, Referral, Event)}

    with scoping.user_scope(head_a):
        leaks, counts = read_as_head_a()
    assert leaks == {}
    assert all(counts.values()), counts  # office A's own rows are still there
    # A query built with no scope (a form's choices at import time) takes the scope it runs in.
    deferred = _outside_any_scope(lambda: Client.objects.all())
    with scoping.user_scope(head_a):
        assert {c.office_id for c in deferred.all()} == {office_a.pk}
    with pytest.raises(scoping.ScopeError):
        _outside_any_scope(lambda: list(deferred.all()))


@pytest.mark.django_db
def test_regional_and_national_scopes(office_a, office_b):
    make_client(office_a)
    make_client(office_b)
    regional = make_user("regional", office_a)
    national = make_user("national")
    with scoping.user_scope(national):
        assert {c.office_id for c in Client.objects.all()} == {office_a.pk, office_b.pk}
    with scoping.user_scope(regional):
        seen = {c.office_id for c in Client.objects.all()}
    expected = {o.pk for o in (office_a, office_b) if o.regional_office_id == regional.regional_office_id}
    assert seen == expected and office_a.pk in seen
    with scoping.user_scope(None):  # anonymous: no office at all
        assert not Client.objects.exists()


@pytest.mark.django_db
def test_an_api_token_request_runs_in_the_token_owners_scope(client, office_a, office_b):
    mine = make_client(office_a)
    theirs = make_client(office_b)
    head = make_user("office_head", office_a)
    seen_scopes = []
    original = scoping._condition

    def spy(model, label):  # called when a scoped query's SQL is built
        seen_scopes.append(scoping.current())
        return original(model, label)

    _, raw = account_services.api_token_create(user=head, name="scanner")
    scoping._condition = spy
    try:
        response = _outside_any_scope(
            lambda: client.get("/api/v1/clients", HTTP_AUTHORIZATION=f"Bearer {raw}")
        )
    finally:
        scoping._condition = original
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert seen_scopes and all(
        s is not None and s.rule == scoping.OfficeRule(office_ids=(office_a.pk,)) for s in seen_scopes
    )


@pytest.mark.django_db
def test_a_page_request_runs_in_the_signed_in_persons_scope_not_the_tests(client, office_a, office_b):
    head = make_user("office_head", office_a)
    client.force_login(head)
    seen = []
    original = scoping._condition

    def spy(model, label):
        seen.append(scoping.current())
        return original(model, label)

    scoping._condition = spy
    try:
        assert client.get("/clients/").status_code == 200
    finally:
        scoping._condition = original
    assert seen and all(s.rule == scoping.OfficeRule(office_ids=(office_a.pk,)) for s in seen)
    assert scoping.current().reason == "test body"  # the request's scope ended with it


@pytest.mark.django_db(transaction=True)
def test_management_commands_run_with_their_named_scope(office_a):
    make_client(office_a)
    _outside_any_scope(lambda: call_command("refresh_summaries", quiet=True))
    _outside_any_scope(lambda: call_command("guidance_rebuild_summaries"))


def test_unscoped_needs_a_reason():
    for reason in ("", "   ", None):
        with pytest.raises(ValueError):
            scoping.unscoped(reason=reason)  # type: ignore[arg-type]

    @scoping.unscoped(reason="decorated")
    def inner():
        return scoping.current()

    assert _outside_any_scope(inner).reason == "decorated"
    assert _outside_any_scope(scoping.current) is None


@pytest.mark.django_db
def test_no_contact_lookup_by_number_finds_only_clients_the_person_may_see(client, office_a):
    """An adult-section officer can neither learn of nor link to a child client by register number."""
    from aksalarasa.clients.models import NoContact

    officer = make_user("officer", office_a, section="adult")
    own = make_client(office_a, officer)
    other_adult = make_client(office_a, officer)
    child = make_client(office_a, make_user("officer", office_a, section="child"), child=True)
    client.force_login(officer)
    url = f"/clients/{own.pk}/no-contacts/"

    def add(number):
        return client.post(
            url,
            {"other_register_number": number, "person_name": "", "reason": "Konflik"},
            HTTP_HX_REQUEST="true",
        )

    child_answer = add(child.register_number)
    nowhere_answer = add("NOPE/404/2099")
    assert child_answer.status_code == nowhere_answer.status_code == 200
    with translation.override(officer.language):  # the page speaks the person's language
        message = str(translation.gettext("No client of this office has this register number."))
    for answer in (child_answer, nowhere_answer):
        assert message in answer.content.decode()
    assert not NoContact.objects.filter(client=own).exists()
    # The same form links a client the officer may see (so the check above can fail).
    add(other_adult.register_number)
    assert NoContact.objects.filter(client=own, other_client=other_adult).exists()


@pytest.mark.django_db
def test_exclude_across_a_relation_and_grouped_counts_run_in_a_scope(office_a, office_b):
    """exclude() across a relation compiles a copy of the outer query with its table trimmed
    away: the scope stays on the outer query (a filter on the copy made invalid SQL)."""
    from aksalarasa.events.selectors import registration_counts
    from tests.factories import RegistrationFactory

    officer = make_user("officer", office_a)
    registered = make_client(office_a, officer)
    free = make_client(office_a, officer)
    make_client(office_b)
    event = EventFactory(office=office_a)
    RegistrationFactory(event=event, client=registered, group="client")
    RegistrationFactory(event=event)
    with scoping.user_scope(officer):
        assert list(Client.objects.exclude(event_registrations__event=event)) == [free]
        assert registration_counts(event) == {
            "client": {"registered": 1, "checked_in": 0},
            "resident": {"registered": 1, "checked_in": 0},
        }
