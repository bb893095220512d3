"""`manage.py generate_scale`: synthetic data at scale for benchmarks (see aksalarasa/core/scale.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from aksalarasa.core import scale


class Command(BaseCommand):
    help = "Generate deterministic synthetic data (offices, staff, clients, sessions...) for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--preset", choices=sorted(scale.PRESETS), help="named size (default small)")
        parser.add_argument("--offices", type=int, help="number of offices (overrides the preset)")
        parser.add_argument(
            "--clients-per-office", type=int, help="clients per office (overrides the preset)"
        )
        parser.add_argument("--sessions-per-client", type=float, help="mean sessions per client")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        preset = scale.PRESETS[options["preset"] or "small"]
        offices = options["offices"] or preset.offices
        per_office = options["clients_per_office"] or preset.clients_per_office
        per_client = options["sessions_per_client"] or preset.sessions_per_client
        if offices < 1 or per_office < 1 or per_client <= 0:
            raise CommandError("sizes must be positive")
        started = time.perf_counter()
        try:
            report = scale.generate(
                offices=offices,
                clients_per_office=per_office,
                sessions_per_client=per_client,
                seed=options["seed"],
                log=lambda msg: self.stdout.write(msg) if options["verbosity"] > 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"generated in {elapsed:.1f} s ({report.sessions / elapsed:,.0f} sessions/s)")
