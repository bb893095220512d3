"""Guidance in the client's record: the timeline panel, the data-subject export and the retention run."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from aksalarasa.clients.pdp import retention_run
from aksalarasa.guidance.models import GuidanceSession
from tests.factories import GuidanceSessionFactory, SupervisionFactory, make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office_a):
    officer = make_user("officer", office_a)
    client = make_client(office_a, officer, full_name="I Made Linimasa")
    session = GuidanceSessionFactory(
        client=client,
        outcome="attended",
        engagement=3,
        client_said="Saya sudah bekerja di bengkel",
        response="Antusias bercerita",
        notes="Catatan PK",
    )
    return {"officer": officer, "client": client, "session": session}


def test_client_page_shows_the_guidance_timeline(client, world):
    client.force_login(world["officer"])
    body = client.get(reverse("clients:detail", args=[world["client"].pk])).content.decode()
    assert 'id="timeline-h"' in body
    assert "Antusias bercerita" in body
    assert reverse("guidance:client_sessions", args=[world["client"].pk]) in body


def test_data_subject_export_contains_the_sessions(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("clients:subject_export", args=[world["client"].pk, "json"]))
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "Saya sudah bekerja di bengkel" in text


def test_retention_clears_what_was_said_but_keeps_the_figures(world):
    SupervisionFactory(
        client=world["client"],
        status="completed",
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2016, 1, 1),
    )
    report = retention_run(dry_run=False)
    assert report.total >= 1
    session = GuidanceSession.objects.get(pk=world["session"].pk)
    assert (session.client_said, session.response, session.notes) == ("", "", "")
    assert (session.outcome, session.engagement) == ("attended", 3)
    old_values = GuidanceSession.history.filter(id=session.pk).values_list("client_said", "response", "notes")
    assert all(values == ("", "", "") for values in old_values)


@pytest.mark.parametrize("language", ["en", "id"])
def test_import_choices_accept_english_and_indonesian_labels(language):
    from django.utils import translation

    from aksalarasa.guidance.importing import _choice
    from aksalarasa.guidance.models import Kind

    with translation.override(language):
        assert _choice("Home visit", Kind.choices) == "home_visit"
        assert _choice("kunjungan rumah", Kind.choices) == "home_visit"
        assert _choice("home_visit", Kind.choices) == "home_visit"
        assert _choice("Kunjungan bulan", Kind.choices) is None
