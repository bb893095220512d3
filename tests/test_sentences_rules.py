"""Every legal limit of community sentences (UU 1/2023) has a test that tries to break it."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from aksalarasa.sentences import rules
from aksalarasa.sentences.rules import Decision


def cs(**extra) -> Decision:
    values = {
        "sentence_type": rules.COMMUNITY_SERVICE,
        "threatened_months": 36,
        "hours_ordered": 120,
        "hours_per_day": 4,
        "period_months": 6,
        "replaced_prison_days": 90,
        "replaced_fine": None,
    }
    values.update(extra)
    return Decision(**values)


def sup(**extra) -> Decision:
    values = {
        "sentence_type": rules.SUPERVISION,
        "threatened_months": 48,
        "hours_ordered": None,
        "hours_per_day": None,
        "period_months": 24,
        "replaced_prison_days": None,
        "replaced_fine": None,
        "general_conditions": "Tidak melakukan tindak pidana lagi.",
    }
    values.update(extra)
    return Decision(**values)


def fields(decision: Decision) -> set[str]:
    return {field for field, _message in rules.order_problems(decision)}


def test_a_lawful_decision_has_no_problem():
    assert rules.order_problems(cs()) == []
    assert rules.order_problems(sup()) == []


# Art. 85(4): 8 to 240 hours.
@given(st.integers(min_value=0, max_value=10_000))
def test_hours_ordered_outside_8_to_240_are_refused(hours):
    refused = "hours_ordered" in fields(cs(hours_ordered=hours, hours_per_day=8))
    assert refused == (not 8 <= hours <= 240)


def test_300_hours_are_refused_and_the_message_says_why():
    with translation.override("en"):
        [(field, message)] = rules.order_problems(cs(hours_ordered=300))
    assert field == "hours_ordered"
    assert "8 to 240 hours" in message and "Art. 85(4)" in message and "300" in message
    with translation.override("id"):
        [(_field, message)] = rules.order_problems(cs(hours_ordered=300))
    assert "8 sampai 240 jam" in message and "Pasal 85 ayat (4)" in message


# Art. 85(5): at most 8 hours a day.
@given(st.integers(min_value=0, max_value=24))
def test_more_than_8_hours_a_day_is_refused(per_day):
    refused = "hours_per_day" in fields(cs(hours_per_day=per_day, hours_ordered=8))
    assert refused == (not 1 <= per_day <= 8)


def test_10_hours_a_day_is_refused_and_says_why():
    with translation.override("en"):
        problems = dict(rules.order_problems(cs(hours_per_day=10)))
    assert "at most 8 hours a day" in problems["hours_per_day"] and "Art. 85(5)" in problems["hours_per_day"]


# Art. 85(5): spread over at most 6 months.
@given(st.integers(min_value=0, max_value=120))
def test_a_period_longer_than_6_months_is_refused(months):
    refused = "period_months" in fields(cs(period_months=months, hours_ordered=8))
    assert refused == (not 1 <= months <= 6)


def test_a_9_month_period_is_refused_and_says_why():
    with translation.override("en"):
        problems = dict(rules.order_problems(cs(period_months=9)))
    assert "at most 6 months" in problems["period_months"] and "9 months" in problems["period_months"]
    with translation.override("id"):
        problems = dict(rules.order_problems(cs(period_months=9)))
    assert "paling lama 6 bulan" in problems["period_months"]


# Art. 85(1): an offence threatened with less than 5 years.
@given(st.integers(min_value=0, max_value=240))
def test_only_offences_threatened_with_less_than_5_years(threat):
    refused = "threatened_months" in fields(cs(threatened_months=threat))
    assert refused == (threat >= 60)


# Art. 85(1): replacing at most 6 months of prison (180 days) or a fine of at most category II.
@given(st.integers(min_value=1, max_value=2000))
def test_the_replaced_prison_term_is_at_most_6_months(days):
    refused = "replaced_prison_days" in fields(cs(replaced_prison_days=days))
    assert refused == (days > 180)


@given(st.integers(min_value=1, max_value=100_000_000))
def test_the_replaced_fine_is_at_most_category_ii(fine):
    refused = "replaced_fine" in fields(cs(replaced_prison_days=None, replaced_fine=fine))
    assert refused == (fine > 10_000_000)


def test_the_decision_states_what_it_replaces():  # Art. 85(7)
    assert "replaced_prison_days" in fields(cs(replaced_prison_days=None, replaced_fine=None))


def test_hours_that_cannot_fit_the_period_are_refused():
    assert "hours_ordered" in fields(cs(hours_ordered=240, hours_per_day=1, period_months=6))


# Art. 75 and 76: supervision for an offence threatened with at most 5 years, at most 3 years long,
# at most as long as the threat, with the general condition.
@given(st.integers(min_value=0, max_value=120), st.integers(min_value=1, max_value=240))
def test_supervision_limits(months, threat):
    problems = fields(sup(period_months=months, threatened_months=threat))
    assert ("period_months" in problems) == (not 1 <= months <= 36 or months > threat)
    assert ("threatened_months" in problems) == (threat > 60)


def test_supervision_needs_the_general_condition():
    assert "general_conditions" in fields(sup(general_conditions=" "))


# Art. 85(5) again, for one day's work.
@given(st.integers(min_value=-60, max_value=600), st.integers(min_value=0, max_value=600))
def test_a_day_counts_at_most_8_hours(minutes, already):
    refused = bool(rules.day_problems(credited_minutes=minutes, minutes_already_that_day=already))
    assert refused == (minutes <= 0 or minutes + already > 480)


@pytest.mark.parametrize(
    "start, months, end",
    [
        (date(2026, 1, 15), 6, date(2026, 7, 14)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 1, 1), 36, date(2028, 12, 31)),
    ],
)
def test_period_end(start, months, end):
    assert rules.period_end(start, months) == end
