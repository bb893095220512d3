"""Failures the API fuzz (tests/test_api_fuzz.py) found, each kept as a plain test.

Each test sends the request that failed and validates the answer against the published OpenAPI
document with the same schemathesis checks as the fuzz (status code, content type, body schema).
"""

from __future__ import annotations

import datetime
import inspect

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aksalarasa.accounts import services as account_services
from config.wsgi import application
from tests.factories import (
    EventFactory,
    GuidanceSessionFactory,
    make_guidance_client,
    make_partner_world,
    make_user,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def wsgi_in_test_transaction(db):
    """Serve the WSGI app inside the test's transaction (see tests/test_api_fuzz.py)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(user, method: str, path: str, *, path_parameters=None, body=None, status: int):
    """Send one request as `user` (a personal token), check it as the fuzz does, return the answer."""
    _token, raw = account_services.api_token_create(user=user, name="regression")
    operation = schema[path][method]
    kwargs = {"path_parameters": path_parameters or {}}
    if body is not None:
        kwargs["body"] = body
    case = operation.Case(**kwargs)
    response = case.call(headers={"Authorization": f"Bearer {raw}", "Accept-Encoding": "identity"})
    assert response.status_code == status, response.text
    case.validate_response(response, checks=CHECKS)
    return response


def test_two_api_schemas_never_share_a_name():
    """The guidance and the partners API both had a `SessionOut` (and events and partners an
    `EventOut`): django-ninja publishes one component per name, so the document described a
    guidance session with the partner session's required fields (`referral_status`, ...)."""
    import importlib

    from config.api import api

    seen: dict[str, type] = {}
    for router_path in (
        "accounts", "offices", "clients", "guidance", "partners", "programs", "events", "evidence",
    ):  # fmt: skip
        module = importlib.import_module(f"aksalarasa.{router_path}.api")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, Schema) or cls.__module__ != module.__name__:
                continue
            other = seen.setdefault(cls.__name__, cls)
            assert other is cls or other.model_json_schema() == cls.model_json_schema(), (
                f"{other.__module__}.{cls.__name__} and {cls.__module__}.{cls.__name__} share a name"
            )
    assert "PartnerSessionOut" in api.get_openapi_schema()["components"]["schemas"]


def test_a_guidance_session_answers_as_documented(office_a):
    officer = make_user("officer", office_a)
    client = make_guidance_client(office_a, officer)
    session = GuidanceSessionFactory(client=client)
    call(
        officer,
        "GET",
        "/api/v1/guidance/sessions/{session_id}",
        path_parameters={"session_id": session.pk},
        status=200,
    )
    call(
        officer, "GET", "/api/v1/guidance/clients/{client_id}/sessions", path_parameters={"client_id": client.pk},
        status=200,
    )  # fmt: skip


def test_agenda_times_answer_as_documented(office_a):
    """An agenda time is a time of day without an offset ("15:00:00"); the document called it
    JSON Schema's `time` format, which requires one."""
    from aksalarasa.events.models import AgendaItem

    head = make_user("office_head", office_a)
    event = EventFactory(office=office_a, published=True)
    AgendaItem.objects.create(
        event=event, position=0, starts_at=datetime.time(15, 0), ends_at=datetime.time(15, 30), title="Doa"
    )
    for path in ("/api/v1/events/{event_id}", "/api/v1/events/{event_id}/agenda"):
        response = call(head, "GET", path, path_parameters={"event_id": event.pk}, status=200)
        assert "15:00:00" in response.text


def test_a_role_without_evidence_gets_a_documented_404(office_a, office_b):
    """Partner staff have no questionnaires: the list answers 404 ("not yours", never 403), which
    the document did not list."""
    w = make_partner_world(office_a, office_b)
    call(w["staff1"], "GET", "/api/v1/evidence/instruments", status=404)


def test_a_session_for_another_offices_client_gets_a_documented_404(office_a, office_b):
    """A body naming a record of another office answers 404 like a path id; the document did not
    list 404 for operations with no path id."""
    officer = make_user("officer", office_a)
    foreign = make_guidance_client(office_b, make_user("officer", office_b))
    call(
        officer,
        "POST",
        "/api/v1/guidance/sessions",
        body={"client_id": foreign.pk, "scheduled_at": "2026-12-10T09:00:00Z"},
        status=404,
    )
    assert not foreign.sessions.exists()


@pytest.mark.parametrize(
    "path, body",
    [
        (
            "/api/v1/clients",
            {"register_number": "FZ-1", "full_name": "Klien", "sex": "M", "birth_date": 18429},
        ),
        (
            "/api/v1/clients/{client_id}/supervisions",
            {"program_type": "pb", "start": 2169349666518314, "end": "x"},
        ),
        ("/api/v1/clients/{client_id}", {"birth_date": {"year": 1990}, "version": 0}),
    ],
)
def test_a_number_or_an_object_where_a_form_wants_a_date_is_a_422(office_a, path, body):
    """The form-backed operations handed the JSON values to Django's forms as they came: a date
    field given a number called `.strip()` on it (500). Payloads now become form data the way a
    browser sends it (core.forms.json_form_data), and the answer is 422 with the field named."""
    head = make_user("office_head", office_a)
    client = make_guidance_client(office_a, make_user("officer", office_a))
    method = "PATCH" if path.endswith("{client_id}") else "POST"
    if method == "PATCH":
        body["version"] = client.version
    response = call(head, method, path, path_parameters={"client_id": client.pk}, body=body, status=422)
    field = "birth_date" if "birth_date" in body else "start"
    assert field in response.json()["errors"]
    assert not client.supervisions.exists()


def test_site_opening_hours_answer_as_documented(office_a):
    """The same `time` format on the community-sentence sites (opens_at, closes_at): one shared
    type now (core.api_types.LocalTime)."""
    from tests.factories import make_site

    head = make_user("office_head", office_a)
    site = make_site(office_a, actor=head)
    call(head, "GET", "/api/v1/sentences/sites", status=200)
    response = call(
        head, "GET", "/api/v1/sentences/sites/{site_id}", path_parameters={"site_id": site.pk}, status=200
    )
    assert response.json()["opens_at"] == "07:00:00"
