"""The look-up counters of the rate limits live in the database (core.models.LookupCount).

gunicorn runs several processes; a count kept in a process's memory would let each of them count
on its own, multiplying the rate. The counter is one atomic upsert in the database: these tests
count from separate database connections at once (threads, as separate processes would) and find
every count, and find the number in the table, not in the process.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from aksalarasa.core.lookups import count_lookup, parse_rate
from aksalarasa.core.models import LookupCount


def test_rates_read_as_written_and_bad_ones_are_refused() -> None:
    assert parse_rate("120/m") == (120, 60)
    assert parse_rate("5/10m") == (5, 600)
    assert parse_rate("3/d") == (3, 86400)
    for bad in ("", "x/m", "5/w", "5", "/m"):
        with pytest.raises(ValueError):
            parse_rate(bad)


@pytest.mark.django_db
def test_the_count_lives_in_the_database_not_in_the_process() -> None:
    now = 1_000_000.0
    assert [count_lookup("search:abc", 60, now=now) for _ in range(3)] == [1, 2, 3]
    row = LookupCount.objects.get()
    assert row.count == 3 and row.key.startswith("search:abc:60:")
    LookupCount.objects.filter(pk=row.pk).update(count=40)  # the table is the count: nothing else holds it
    assert count_lookup("search:abc", 60, now=now + 1) == 41
    # Another window starts at one and removes the rows of windows that have ended.
    assert count_lookup("search:abc", 60, now=now + 60) == 1
    assert LookupCount.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_look_ups_lose_no_count() -> None:
    """Four connections counting 25 times each at once: 100, and every count seen exactly once."""
    seen: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def work() -> None:
        try:
            start.wait()
            for _ in range(25):
                n = count_lookup("checkin:desk", 86400, now=2_000_000.0)
                with lock:
                    seen.append(n)
        except BaseException as exc:  # reported below, with the others
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(seen) == list(range(1, 101))
    assert LookupCount.objects.get().count == 100
