"""manage.py guidance_rebuild_summaries: recompute every client's guidance summary from the sessions.

The section and office roll-ups read these summaries; every session writer keeps them current, so
this is only needed after sessions were written outside the application (a restore, a bulk SQL
load). Safe to run at any time, and idempotent.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.guidance.summaries import client_summaries_rebuild


class Command(BaseCommand):
    help = "Recompute every client's guidance summary (read by the section and office overviews)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--office", type=int, action="append", help="Only this office id (repeatable).")

    @unscoped(reason="guidance summaries of every office")
    def handle(self, *args, office: list[int] | None = None, **options) -> None:
        started = time.perf_counter()
        n = client_summaries_rebuild(office_ids=office)
        self.stdout.write(f"{n} client summaries rebuilt in {time.perf_counter() - started:.1f} s.")
