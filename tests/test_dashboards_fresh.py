"""Dashboard figures are at most a minute behind a write, with no cron job and no extra process:
a committed write marks the summaries out of date; a dashboard read rebuilds them when they are
a minute old or more."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aksalarasa.dashboards.models import SummaryState
from aksalarasa.dashboards.services import summaries_refresh
from tests.factories import OfficeFactory, SupervisionFactory, make_client, make_user

pytestmark = pytest.mark.django_db


def _add_clients(office, n: int) -> None:
    officer = make_user("officer", office)
    for _ in range(n):
        SupervisionFactory(client=make_client(office, officer), program_type="pb")


def _active_clients(client) -> int:
    html = client.get(reverse("dashboards:office")).content.decode()
    return int(re.search(r'id="stat-clients">([\d.]+)<', html).group(1).replace(".", ""))


@pytest.fixture
def office(db, django_capture_on_commit_callbacks):
    office = OfficeFactory()
    with django_capture_on_commit_callbacks(execute=True):  # as the commit of a real request would
        _add_clients(office, 6)
    summaries_refresh()
    return office


def _age_summaries(seconds: int) -> None:
    SummaryState.objects.filter(pk=1).update(as_of=timezone.now() - timedelta(seconds=seconds))


def test_a_write_shows_on_the_next_read_once_the_summaries_are_a_minute_old(
    client, office, django_capture_on_commit_callbacks
):
    client.force_login(make_user("office_head", office))
    assert _active_clients(client) == 6
    _age_summaries(61)
    before = SummaryState.objects.get().as_of
    assert _active_clients(client) == 6  # nothing written since: no rebuild
    assert SummaryState.objects.get().as_of == before
    with django_capture_on_commit_callbacks(execute=True):
        _add_clients(office, 1)
    assert SummaryState.objects.get().changed_at > before
    assert _active_clients(client) == 7  # rebuilt on read
    assert SummaryState.objects.get().as_of > before


def test_summaries_younger_than_a_minute_are_read_as_they_are(
    client, office, django_capture_on_commit_callbacks
):
    client.force_login(make_user("office_head", office))
    _age_summaries(20)
    with django_capture_on_commit_callbacks(execute=True):
        _add_clients(office, 1)
    assert _active_clients(client) == 6  # at most a minute behind: still the last refresh
    _age_summaries(60)
    assert _active_clients(client) == 7


def test_a_write_only_queues_one_mark_per_transaction_and_no_refresh(
    office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            _add_clients(office, 3)
    assert len(callbacks) == 1  # one small UPDATE after the commit, no rebuild
    assert SummaryState.objects.get().changed_at is None
    callbacks[0]()  # the commit
    assert SummaryState.objects.get().changed_at > SummaryState.objects.get().as_of


def test_a_rolled_back_write_marks_nothing(office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _add_clients(office, 1)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert SummaryState.objects.get().changed_at is None


@pytest.mark.django_db(transaction=True)
def test_a_mark_that_fails_after_the_commit_is_logged_and_the_write_still_answers_success(
    monkeypatch, caplog
):
    """The mark runs once the write is stored: if its UPDATE fails (a lock, a lost connection), the
    caller must hear that the write succeeded, or a phone or scanner would retry a stored write."""
    from django.db import OperationalError

    from aksalarasa.dashboards import services as dashboard_services
    from aksalarasa.events import services as event_services
    from aksalarasa.events.models import CheckIn
    from tests.factories import EventFactory, RegistrationFactory, make_event_program

    office = OfficeFactory()
    event = EventFactory(office=office, program=make_event_program(office))
    registration = RegistrationFactory(event=event)
    staff = make_user("officer", office)

    def locked() -> None:
        raise OperationalError("database table is locked")

    monkeypatch.setattr(dashboard_services, "summaries_mark_changed", locked)
    with caplog.at_level("ERROR", logger="django.db.backends.base"):
        result = event_services.event_check_in(event=event, code=registration.code, actor=staff)
    assert result.created
    assert CheckIn.objects.filter(registration=registration).count() == 1
    assert any("on_commit" in r.getMessage() for r in caplog.records)
