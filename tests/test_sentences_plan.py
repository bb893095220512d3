"""The scheduler of community-service sessions (#18 item 4): the pure planner (hypothesis
properties), the services, the pages and the API."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import lokal
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aksalarasa.sentences import plan_selectors, plan_services, rules, scheduling
from aksalarasa.sentences.models import PlannedSession, UnavailableTime
from tests.factories import (
    PartnerFactory,
    make_client,
    make_membership,
    make_order,
    make_site,
    make_user,
)

# --- the pure planner: properties -----------------------------------------------------------------

times = st.integers(min_value=5 * 60, max_value=20 * 60).map(lambda m: time(m // 60, m % 60))


@st.composite
def worlds(draw):
    opens = draw(st.integers(min_value=5, max_value=12))
    closes = draw(st.integers(min_value=opens + 1, max_value=22))
    site = scheduling.SiteHours(
        opening_days=frozenset(draw(st.sets(st.integers(1, 7), min_size=1))),
        opens=time(opens),
        closes=time(closes),
        capacity=draw(st.integers(1, 5)),
    )
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 30)))
    end = rules.period_end(start, draw(st.integers(1, rules.MAX_PERIOD_MONTHS)))
    in_period = st.dates(min_value=start, max_value=end)
    busy = []
    for _ in range(draw(st.integers(0, 4))):
        a, b = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
        busy.append(scheduling.Busy(draw(st.integers(1, 7)), a, b, "work"))
    world = scheduling.World(
        site=site,
        period_start=start,
        period_end=end,
        daily_limit_minutes=scheduling.daily_limit(draw(st.none() | st.integers(1, 8))),
        unavailable=busy,
        others_at_site=draw(st.dictionaries(in_period, st.integers(0, 6), max_size=40)),
        own_minutes=draw(st.dictionaries(in_period, st.integers(0, 8 * 60), max_size=20)),
    )
    first = start + timedelta(days=draw(st.integers(0, 40)))
    return world, first


def _m(t: time) -> int:
    return t.hour * 60 + t.minute


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=worlds(), remaining=st.integers(min_value=0, max_value=240 * 60))
def test_a_proposed_plan_obeys_every_rule(data, remaining):
    world, first = data
    plan = scheduling.propose(remaining_minutes=remaining, first_day=first, world=world)
    days = [s.day for s in plan.sessions]
    assert len(days) == len(set(days)), "one session a day"
    for s in plan.sessions:
        # Art. 85(5): never more than 8 hours in one day (with what that day already has)
        assert s.minutes + world.own_minutes.get(s.day, 0) <= 8 * 60
        assert s.minutes + world.own_minutes.get(s.day, 0) <= world.daily_limit_minutes
        # never outside the period, never before the first day
        assert first <= s.day and world.period_start <= s.day <= world.period_end
        # never a national holiday or cuti bersama (lokal-id), only the site's opening days
        assert lokal.holidays_on(s.day) == []
        assert s.day.isoweekday() in world.site.opening_days
        # within the opening hours; never over capacity; never at an unavailable time
        assert world.site.opens <= s.start < s.end <= world.site.closes
        assert world.others_at_site.get(s.day, 0) < world.site.capacity
        for b in world.unavailable:
            assert b.weekday != s.day.isoweekday() or _m(s.end) <= _m(b.start) or _m(b.end) <= _m(s.start)
        assert scheduling.session_problems(s, world) == []
    assert plan.planned_minutes <= remaining
    # The order page's warning ("no longer fit", from capacity_minutes) agrees with the plan.
    capacity = scheduling.capacity_minutes(first_day=first, world=world)
    most = capacity.planned_minutes
    assert capacity.fits and all(scheduling.session_problems(s, world) == [] for s in capacity.sessions)
    if remaining <= most:
        assert plan.planned_minutes == remaining and plan.fits
    else:
        assert plan.planned_minutes <= most and not plan.fits
    # ... and names the most that can be planned: that many minutes fit, one more does not.
    assert scheduling.propose(remaining_minutes=most, first_day=first, world=world).fits
    assert not scheduling.propose(remaining_minutes=most + 1, first_day=first, world=world).fits


def test_hours_that_end_in_a_short_window_fit_and_the_warning_says_so():
    """Found by the property above: a site open one hour on Mondays, Tuesdays and Sundays, a Sunday
    with 421 of its 480 minutes already used (59 left, under the one-hour minimum of a session);
    2 hours and 1 minute left. The plan finishes them, the last minute on that Sunday; the page
    warned they no longer fit, counting at most 2 hours. Up to 2 hours 59 minutes fit."""
    site = scheduling.SiteHours(frozenset({1, 2, 7}), time(7), time(8), 1)
    world = scheduling.World(
        site=site,
        period_start=date(2026, 6, 8),
        period_end=date(2026, 6, 14),
        own_minutes={date(2026, 6, 14): 421},
    )
    plan = scheduling.propose(remaining_minutes=121, first_day=date(2026, 6, 8), world=world)
    assert [(s.day, s.minutes) for s in plan.sessions] == [
        (date(2026, 6, 8), 60),
        (date(2026, 6, 9), 60),
        (date(2026, 6, 14), 1),
    ]
    assert plan.fits
    assert scheduling.capacity_minutes(first_day=date(2026, 6, 8), world=world).planned_minutes == 179
    assert scheduling.propose(remaining_minutes=179, first_day=date(2026, 6, 8), world=world).fits
    assert not scheduling.propose(remaining_minutes=180, first_day=date(2026, 6, 8), world=world).fits


def test_a_year_without_a_holiday_decree_is_never_planned():
    site = scheduling.SiteHours(frozenset(range(1, 8)), time(8), time(16), 3)
    world = scheduling.World(site=site, period_start=date(2027, 12, 1), period_end=date(2028, 5, 31))
    plan = scheduling.propose(remaining_minutes=400 * 60, first_day=date(2027, 12, 1), world=world)
    assert plan.unknown_years == frozenset({2028})
    assert all(s.day.year == 2027 for s in plan.sessions)
    problems = scheduling.session_problems(scheduling.Session(date(2028, 1, 10), time(8), time(10)), world)
    assert any("2028" in message for _field, message in problems)


def test_the_rules_of_one_session_each_say_why():
    site = scheduling.SiteHours(frozenset({1, 2, 3, 4, 5}), time(8), time(16), 1)
    world = scheduling.World(
        site=site,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 5, 31),
        unavailable=[scheduling.Busy(3, time(8), time(12), "school")],
        others_at_site={date(2026, 12, 8): 1},
    )

    def fields(day, start, end):
        return [
            f
            for f, _m in scheduling.session_problems(scheduling.Session(day, time(*start), time(*end)), world)
        ]

    assert fields(date(2026, 12, 7), (8, 0), (16, 0)) == []  # Monday, 8 hours
    assert fields(date(2026, 12, 7), (7, 0), (16, 0)) == ["starts_at", "ends_at"]  # opens 8, 9 hours
    assert fields(date(2026, 12, 25), (8, 0), (10, 0)) == ["day"]  # Christmas
    assert fields(date(2026, 12, 12), (8, 0), (10, 0)) == ["day"]  # Saturday: closed
    assert fields(date(2026, 12, 8), (8, 0), (10, 0)) == ["day"]  # full that day
    assert fields(date(2026, 12, 9), (9, 0), (13, 0)) == ["starts_at"]  # Wednesday school
    assert fields(date(2027, 6, 1), (8, 0), (10, 0)) == ["day", "day"]  # after the period; a holiday
    with_limit = scheduling.World(**{**world.__dict__, "daily_limit_minutes": scheduling.daily_limit(4)})
    problems = scheduling.session_problems(
        scheduling.Session(date(2026, 12, 7), time(8), time(13)), with_limit
    )
    assert [f for f, _m in problems] == ["ends_at"]


# --- services, pages and the API -------------------------------------------------------------------


@pytest.fixture
def w(office_a, office_b):
    officer = make_user("officer", office_a, full_name="PK Satu")
    other_officer = make_user("officer", office_a, full_name="PK Dua")
    head = make_user("office_head", office_a)
    client = make_client(office_a, officer, full_name="I Made Contoh")
    partner = PartnerFactory(office=office_a, name="Pokmas Lipas Pantai")
    supervisor = make_user("partner_staff", office_a, full_name="Pengawas Pantai")
    make_membership(supervisor, partner)
    site = make_site(office_a, partner, supervisors=[supervisor], actor=head, name="Pantai Uji")
    order = make_order(client, actor=officer, site=site)
    return {"officer": officer, "other_officer": other_officer, "head": head, "client": client,
            "site": site, "order": order, "office": office_a}  # fmt: skip


def _holiday_on_open_day(order):
    day = plan_selectors.first_day(order)
    while day <= order.end_date:
        if lokal.holidays_on(day) and str(day.isoweekday()) in order.site.opening_days:
            return day
        day += timedelta(days=1)
    raise AssertionError("no holiday in the period")


def _open_day(order, after=None):
    day = after or plan_selectors.first_day(order) + timedelta(days=1)
    while not (lokal.is_working_day(day, weekend=[0]) and str(day.isoweekday()) in order.site.opening_days):
        day += timedelta(days=1)
    return day


def test_proposing_plans_the_hours_left_on_working_days_only(w, client):
    order = w["order"]
    client.force_login(w["officer"])
    response = client.post(f"/sentences/{order.pk}/plan/propose/")
    assert response.status_code == 302
    sessions = list(PlannedSession.objects.filter(order=order))
    assert sum(s.minutes for s in sessions) == order.hours_ordered * 60
    assert all(s.minutes <= order.hours_per_day * 60 for s in sessions)  # the ruled 4 hours a day
    assert all(not lokal.holidays_on(s.day) for s in sessions)
    assert all(order.start_date <= s.day <= order.end_date for s in sessions)
    assert sessions[0].history.first().history_user_id == w["officer"].pk
    page = client.get(f"/sentences/{order.pk}/").content.decode()
    assert 'id="plan-summary"' in page and 'id="plan-warning"' not in page


def test_proposing_again_replaces_the_future_plan_and_respects_unavailable_times(w):
    order = w["order"]
    plan_services.plan_propose(actor=w["officer"], order=order)
    for weekday in "123456":
        plan_services.unavailable_create(
            actor=w["officer"], order=order,
            data={"weekday": weekday, "starts_at": time(7), "ends_at": time(13), "reason": "work"},
        )  # fmt: skip
    sessions = plan_services.plan_propose(actor=w["officer"], order=order)
    assert PlannedSession.objects.filter(order=order).count() == len(sessions)
    assert all(s.starts_at >= time(13) for s in sessions)
    assert sum(s.minutes for s in sessions) == order.hours_ordered * 60


def test_capacity_counts_other_peoples_sessions_at_the_site(w, office_a):
    site = w["site"]
    site.capacity_per_day = 1
    site.save()
    other = make_order(
        make_client(office_a, w["officer"], full_name="Ni Luh Lain"), actor=w["officer"], site=site
    )
    day = _open_day(w["order"])
    plan_services.session_create(
        actor=w["officer"], order=other, data={"day": day, "starts_at": time(8), "ends_at": time(10)}
    )
    with pytest.raises(ValidationError) as refused:
        plan_services.session_create(
            actor=w["officer"],
            order=w["order"],
            data={"day": day, "starts_at": time(12), "ends_at": time(14)},
        )
    assert "full" in str(refused.value)
    plan = plan_services.plan_propose(actor=w["officer"], order=w["order"])
    assert day not in {s.day for s in plan}


def test_editing_refuses_a_session_that_breaks_a_rule_with_the_reason(w, client):
    order = w["order"]
    client.force_login(w["officer"])
    day = _open_day(order)
    session = plan_services.session_create(
        actor=w["officer"], order=order, data={"day": day, "starts_at": time(8), "ends_at": time(10)}
    )
    url = f"/sentences/plan/sessions/{session.pk}/edit/"
    holiday = _holiday_on_open_day(order)
    cases = [
        ({"day": holiday, "starts_at": "08:00", "ends_at": "10:00"}, lokal.holidays_on(holiday)[0].name),
        (
            {"day": day, "starts_at": "07:00", "ends_at": "16:00"},
            "Pasal 85 ayat (5)",
        ),  # 9 h (and the ruled 4)
        ({"day": day, "starts_at": "05:00", "ends_at": "07:00"}, "07:00"),  # before the site opens
        (
            {"day": order.end_date + timedelta(days=3), "starts_at": "08:00", "ends_at": "10:00"},
            "jangka waktu",
        ),
        ({"day": day - timedelta(days=3), "starts_at": "08:00", "ends_at": "10:00"}, "lampau"),
    ]
    for values, reason in cases:
        data = {**values, "day": values["day"].isoformat(), "version": session.version}
        response = client.post(url, data)
        assert response.status_code == 422, values
        assert reason in response.content.decode(), (values, reason)
        session.refresh_from_db()
        assert (session.day, session.starts_at, session.ends_at) == (day, time(8), time(10))
    moved = client.post(url, {"day": day.isoformat(), "starts_at": "09:00", "ends_at": "12:00", "version": 1})
    assert moved.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.version) == (time(9), 2)
    stale = client.post(url, {"day": day.isoformat(), "starts_at": "10:00", "ends_at": "12:00", "version": 1})
    assert stale.status_code == 422 and "Orang lain" in stale.content.decode()
    gone = client.post(f"/sentences/plan/sessions/{session.pk}/delete/", {"version": 2})
    assert gone.status_code == 302 and not PlannedSession.objects.filter(pk=session.pk).exists()


def test_the_order_page_warns_when_the_hours_left_no_longer_fit(w, office_a, client):
    officer = w["officer"]
    today = w["order"].office.today()
    late = make_order(
        make_client(office_a, officer, full_name="Komang Telat"), actor=officer, site=w["site"],
        hours_ordered=240, hours_per_day=8, period_months=1, start_date=today - timedelta(days=25),
        decision_date=today - timedelta(days=26),
    )  # fmt: skip
    client.force_login(officer)
    page = client.get(f"/sentences/{late.pk}/").content.decode()
    assert 'id="plan-warning"' in page and "240" in page
    body = client.get(f"/api/v1/sentences/orders/{late.pk}/plan").json()
    assert body["fits"] is False and body["warning"] and body["remaining_minutes"] == 240 * 60
    assert body["possible_minutes"] < body["remaining_minutes"]
    fine = client.get(f"/api/v1/sentences/orders/{w['order'].pk}/plan").json()
    assert fine["fits"] is True and fine["warning"] == ""


def test_the_plan_is_the_clients_guidance_staffs_only(w, client):
    order = w["order"]
    session = plan_services.session_create(
        actor=w["officer"],
        order=order,
        data={"day": _open_day(order), "starts_at": time(8), "ends_at": time(10)},
    )
    client.force_login(w["other_officer"])
    assert client.get(f"/sentences/{order.pk}/plan/").status_code == 404
    assert client.post(f"/sentences/{order.pk}/plan/propose/").status_code == 404
    assert client.get(f"/sentences/plan/sessions/{session.pk}/edit/").status_code == 404
    assert client.get(f"/api/v1/sentences/orders/{order.pk}/plan").status_code == 404
    assert client.delete(f"/api/v1/sentences/plan/sessions/{session.pk}?version=1").status_code == 404
    assert PlannedSession.objects.filter(pk=session.pk).exists()
    client.force_login(w["head"])
    assert client.get(f"/sentences/{order.pk}/plan/").status_code == 200


def test_the_api_plans_moves_and_removes_sessions(w, client):
    order = w["order"]
    client.force_login(w["officer"])
    day = _open_day(order)
    url = f"/api/v1/sentences/orders/{order.pk}/plan/sessions"

    def post(path, body):
        return client.post(path, json.dumps(body), content_type="application/json")

    created = post(url, {"day": day.isoformat(), "starts_at": "08:00", "ends_at": "10:00"})
    assert created.status_code == 201 and created.json()["minutes"] == 120
    too_long = post(url, {"day": day.isoformat(), "starts_at": "10:00", "ends_at": "13:00"})  # 5 h > ruled 4
    assert too_long.status_code == 422 and "4 jam" in json.dumps(too_long.json(), ensure_ascii=False)
    sid = created.json()["id"]
    moved = client.put(
        f"/api/v1/sentences/plan/sessions/{sid}",
        json.dumps({"day": day.isoformat(), "starts_at": "09:00", "ends_at": "11:00", "version": 1}),
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = client.delete(f"/api/v1/sentences/plan/sessions/{sid}?version=1")
    assert stale.status_code == 409 and PlannedSession.objects.filter(pk=sid).exists()
    assert client.delete(f"/api/v1/sentences/plan/sessions/{sid}?version=2").status_code == 204
    busy = post(
        f"/api/v1/sentences/orders/{order.pk}/plan/unavailable",
        {"weekday": 5, "starts_at": "11:30", "ends_at": "13:00", "reason": "worship", "note": "Jumatan"},
    )
    assert busy.status_code == 201
    assert post(f"/api/v1/sentences/orders/{order.pk}/plan/unavailable", {"weekday": 9, "starts_at": "11:30",
                "ends_at": "13:00", "reason": "worship"}).status_code == 422  # fmt: skip
    proposed = post(f"/api/v1/sentences/orders/{order.pk}/plan/propose", {})
    assert proposed.status_code == 200 and proposed.json()["planned_minutes"] == order.hours_ordered * 60
    for s in proposed.json()["sessions"]:
        friday = date.fromisoformat(s["day"]).isoweekday() == 5
        assert not friday or s["ends_at"] <= "11:30:00" or s["starts_at"] >= "13:00:00"
    assert UnavailableTime.objects.filter(order=order).count() == 1


def test_the_plan_page_reads_in_a_fixed_number_of_queries(w, client, django_assert_max_num_queries):
    client.force_login(w["officer"])
    plan_services.plan_propose(actor=w["officer"], order=w["order"])
    assert PlannedSession.objects.filter(order=w["order"]).count() > 20
    with django_assert_max_num_queries(25):
        response = client.get(f"/sentences/{w['order'].pk}/plan/")
    assert response.status_code == 200
