"""manage.py refresh_summaries: rebuild the dashboards' summaries (safe to run at any time).

Run it on a schedule, every few minutes (the dashboards say how old their figures are), e.g. cron:
    */5 * * * *  cd /srv/aksalarasa && .venv/bin/python manage.py refresh_summaries --quiet
and on demand after a bulk load (import, generate_scale). Two runs at once: the second changes
nothing (PostgreSQL advisory lock).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.dashboards.services import summaries_refresh


class Command(BaseCommand):
    help = "Rebuild the dashboards' summaries from the raw rows (safe to run on a schedule)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing unless it fails.")

    @unscoped(reason="refresh_summaries: national figures from every office")
    def handle(self, *args, quiet: bool = False, **options) -> None:
        cpu = time.process_time()
        state = summaries_refresh()
        cpu = time.process_time() - cpu
        if quiet:
            return
        if state is None:
            self.stdout.write("Another refresh is running; nothing changed.")
            return
        self.stdout.write(
            f"Summaries as of {state.as_of:%Y-%m-%d %H:%M:%S %Z} for zones {', '.join(state.zones)}: "
            f"{state.seconds:.2f} s wall, {cpu:.2f} s CPU in this process."
        )
