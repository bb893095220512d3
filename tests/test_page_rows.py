"""Rows fetched per key page: capped, and independent of other offices' size (issue #19 item 1).

Query counts are capped elsewhere (test_caseload, test_clients_views, ...); a page can keep its
query count and still read thousands of rows it does not show. Here every row any SELECT returns
is counted (the cursor's fetch calls), on a small office, then again after the office and another
office have grown: a paginated or summarised page must read about the same rows, and a page that
lists one officer's caseload at most a few rows per client listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from django.db.backends.utils import CursorWrapper
from django.urls import reverse
from django.utils import timezone

from aksalarasa.clients.models import Client
from aksalarasa.guidance.models import GuidanceSession
from aksalarasa.guidance.summaries import client_summaries_refresh
from tests.factories import OfficeFactory, make_user


@contextmanager
def rows_fetched() -> Iterator[dict[str, int]]:
    """Count the rows every cursor hands back (fetchone/fetchmany/fetchall), on any backend."""
    seen = {"rows": 0}

    def counting(name: str) -> Any:
        def fetch(self: CursorWrapper, *args: Any, **kwargs: Any) -> Any:
            result = getattr(self.cursor, name)(*args, **kwargs)
            seen["rows"] += (result is not None) if name == "fetchone" else len(result)
            return result

        return fetch

    with patch.multiple(
        CursorWrapper,
        create=True,
        fetchone=counting("fetchone"),
        fetchmany=counting("fetchmany"),
        fetchall=counting("fetchall"),
    ):
        yield seen


def grow(office, officer, n: int, sessions: int = 3) -> None:
    """n more clients of ``officer`` with a few past sessions each (bulk, summaries refreshed)."""
    start = Client.objects.filter(office=office).count()
    made = Client.objects.bulk_create(
        [
            Client(
                office=office,
                register_number=f"ROWS-{office.pk}-{start + i:05d}",
                full_name=f"Klien Baris {start + i}",
                sex="M",
                birth_date="1990-01-01",
                category="adult",
                officer=officer,
            )
            for i in range(n)
        ]
    )
    now = timezone.now()
    GuidanceSession.objects.bulk_create(
        [
            GuidanceSession(
                office=office,
                client=c,
                officer=officer,
                scheduled_at=now - timedelta(days=7 * k + 1),
                outcome="attended" if k % 3 else "unexcused",
                engagement=3 if k % 3 else None,
                kind="report_in",
                place="office",
            )
            for c in made
            for k in range(sessions)
        ]
    )
    client_summaries_refresh(clients=[c.pk for c in made])


# (page, viewer role, fixed rows allowed, rows allowed per client of the viewer's caseload listed)
PAGES = [
    ("core:home", "officer", 30, 0),
    ("clients:list", "office_head", 40, 0),  # one page of 25 clients and its counts
    # every client of the caseload is listed, with its sessions for the engagement trend (3 each here)
    ("guidance:caseload", "officer", 20, 7),
    ("guidance:section", "section_head", 80, 0),  # one page of 50 flagged clients, per-officer sums
    ("guidance:office", "office_head", 80, 0),
    ("dashboards:office", "office_head", 40, 0),
    ("dashboards:aggregate", "national", 60, 0),
]


@pytest.fixture
def world(db):
    office, other = OfficeFactory(name="Bapas Baris A"), OfficeFactory(name="Bapas Baris B")
    users = {
        "officer": make_user("officer", office, section="adult"),
        "office_head": make_user("office_head", office),
        "section_head": make_user("section_head", office, section="adult"),
        "national": make_user("national"),
    }
    other_officer = make_user("officer", other, section="adult")
    grow(office, users["officer"], 5)
    grow(other, other_officer, 5)
    return {"office": office, "other": other, "users": users, "other_officer": other_officer}


def page_rows(client, url: str) -> int:
    client.get(url)  # warm: first-request work (translations, caches) is not the page's
    with rows_fetched() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen["rows"]


@pytest.mark.parametrize(("name", "role", "fixed", "per_client"), PAGES, ids=[p[0] for p in PAGES])
def test_rows_fetched_are_capped_and_do_not_follow_other_offices(
    client, world, name, role, fixed, per_client
):
    viewer = world["users"][role]
    client.force_login(viewer)
    url = reverse(name)
    small = page_rows(client, url)
    grow(world["other"], world["other_officer"], 120)  # another office grows: nothing changes here
    assert page_rows(client, url) <= small + (2 if role == "national" else 0)
    grow(world["office"], world["users"]["officer"], 60)  # this office grows
    rows = page_rows(client, url)
    listed = Client.objects.filter(officer=world["users"]["officer"]).count() if per_client else 0
    cap = fixed + per_client * listed
    assert rows <= cap, f"{name} fetched {rows} rows (cap {cap})"
