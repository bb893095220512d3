"""Core's one table: the look-up counters of the rate limits (aksalarasa/core/lookups.py)."""

from __future__ import annotations

from django.db import models


class LookupCount(models.Model):
    """How many look-ups of one kind one person (or address) made in one time window.

    Kept in the database, not in a process's memory, so every server process (gunicorn runs
    several) counts into the same number; incremented by one atomic upsert per look-up. Rows of
    past windows are removed as new windows start.
    """

    key = models.CharField(max_length=200, primary_key=True)  # group, a keyed hash of who, window
    window_end = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "core_lookup_count"
