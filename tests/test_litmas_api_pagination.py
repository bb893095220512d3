"""GET /api/v1/litmas is paginated like /api/v1/clients: count, page, pages, results; overdue first
on the first page; each page only the caller's scope; masking as everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from aksalarasa.clients.models import Litmas
from tests.factories import make_client, make_user


def _litmas(client_obj, officer, *, requested_days_ago: int, submitted: bool = False) -> Litmas:
    today = timezone.localdate()
    requested = today - timedelta(days=requested_days_ago)
    return Litmas.objects.create(
        office=client_obj.office,
        client=client_obj,
        purpose=Litmas.Purpose.GUIDANCE,
        requested_on=requested,
        due_date=requested + timedelta(days=7),
        officer=officer,
        submitted_on=today if submitted else None,
    )


@pytest.fixture
def world(office_a, office_b):
    officer = make_user("officer", office_a)
    colleague = make_user("officer", office_a)
    outsider = make_user("officer", office_b)
    mine = [make_client(office_a, officer) for _ in range(5)]
    theirs = make_client(office_a, colleague)
    far = make_client(office_b, outsider)
    # 5 overdue (requested 20 days ago, due 13 days ago), 5 open not yet due, 2 submitted.
    overdue = [_litmas(c, officer, requested_days_ago=20) for c in mine]
    open_ = [_litmas(c, officer, requested_days_ago=1) for c in mine]
    done = [_litmas(c, officer, requested_days_ago=30, submitted=True) for c in mine[:2]]
    _litmas(theirs, colleague, requested_days_ago=20)
    _litmas(far, outsider, requested_days_ago=20)
    return {
        "officer": officer,
        "head": make_user("office_head", office_a),
        "overdue": overdue,
        "open": open_,
        "done": done,
    }


def test_pages_walk_every_row_once_in_order_overdue_first(client, world):
    client.force_login(world["officer"])
    first = client.get("/api/v1/litmas?page_size=4").json()
    assert (first["count"], first["page"], first["pages"]) == (12, 1, 3)
    assert len(first["results"]) == 4
    assert all(row["overdue"] for row in first["results"])
    seen = [row["id"] for row in first["results"]]
    overdue_flags = [row["overdue"] for row in first["results"]]
    for number in (2, 3):
        page = client.get(f"/api/v1/litmas?page_size=4&page={number}").json()
        assert page["page"] == number
        seen += [row["id"] for row in page["results"]]
        overdue_flags += [row["overdue"] for row in page["results"]]
    expected = {i.pk for i in world["overdue"] + world["open"] + world["done"]}
    assert len(seen) == 12 and set(seen) == expected
    # Overdue first, then open ones, then the submitted ones last.
    assert overdue_flags == [True] * 5 + [False] * 7
    assert set(seen[-2:]) == {i.pk for i in world["done"]}


def test_page_size_is_capped_and_defaults_to_fifty(client, world, office_a):
    officer = world["officer"]
    extra = make_client(office_a, officer)
    for days in range(60):
        _litmas(extra, officer, requested_days_ago=days % 3)
    client.force_login(officer)
    default = client.get("/api/v1/litmas").json()
    assert default["count"] == 72 and len(default["results"]) == 50 and default["pages"] == 2
    capped = client.get("/api/v1/litmas?page_size=100000").json()
    assert len(capped["results"]) == 72 and capped["pages"] == 1
    tiny = client.get("/api/v1/litmas?page_size=0").json()
    assert len(tiny["results"]) == 1 and tiny["pages"] == 72


def test_a_page_past_the_end_gives_the_last_page_and_bad_input_is_422(client, world):
    client.force_login(world["officer"])
    last = client.get("/api/v1/litmas?page_size=5&page=99").json()
    assert last["page"] == 3 and len(last["results"]) == 2
    bad = client.get("/api/v1/litmas?page=abc")
    assert bad.status_code == 422 and bad.json()["detail"]


def test_each_page_holds_only_the_callers_scope(client, world):
    client.force_login(world["head"])
    head = client.get("/api/v1/litmas?page_size=200").json()
    assert head["count"] == 13  # the colleague's client too, never office B's
    client.force_login(world["officer"])
    own = client.get("/api/v1/litmas?page_size=200").json()
    assert own["count"] == 12
    assert {row["officer_id"] for row in own["results"]} == {world["officer"].pk}


def test_filters_still_apply_with_pagination(client, world):
    client.force_login(world["officer"])
    open_only = client.get("/api/v1/litmas?open=true&page_size=3").json()
    assert open_only["count"] == 10 and open_only["pages"] == 4
    assert all(row["submitted_on"] is None for row in open_only["results"])
