"""Pure domain rules of the clients app (no database): category by age, Litmas due dates."""

from __future__ import annotations

from datetime import date, timedelta

CHILD_MIN_AGE = 12
ADULT_AGE = 18
LITMAS_DAYS = {"child": 3, "adult": 7}


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def category_for(birth_date: date, reference: date) -> str:
    """'child' when 12 to under 18 at the reference date (start of supervision), else 'adult'.

    Under 12 a person cannot be a client (UU SPPA); the forms refuse that, and this function
    still answers 'child' so that a record never silently becomes an adult one.
    """
    return "child" if age_on(birth_date, reference) < ADULT_AGE else "adult"


def category_reference(periods: list[tuple[date, str]], today: date) -> date:
    """The day the category is judged on: the start of the current supervision period.

    `periods` are (start, status). The current period is the latest-starting active one; if none is
    active, the latest-starting one; with no period at all, today.
    """
    if not periods:
        return today
    active = [start for start, status in periods if status == "active"]
    return max(active) if active else max(start for start, _ in periods)


def litmas_due(requested_on: date, category: str) -> date:
    """3 calendar days for a child, 7 for an adult, counted from the request."""
    return requested_on + timedelta(days=LITMAS_DAYS.get(category, 7))
