"""`manage.py generate_scale`: synthetic data at scale for benchmarks (see aksalarasa/seeding/scale.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from aksalarasa.core.scoping import unscoped
from aksalarasa.seeding import scale

PER_OFFICE = ("partners", "referrals", "programs", "registrations", "responses", "orders")


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic data (offices, staff, clients, sessions, partners, referrals, "
        "programs, events, registrations, responses) for benchmarks."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--preset", choices=sorted(scale.PRESETS), help="named size (default small)")
        parser.add_argument("--offices", type=int, help="number of offices (overrides the preset)")
        parser.add_argument(
            "--clients-per-office",
            type=int,
            help="clients per office (overrides the preset; the per-office sizes below not given then "
            "follow the clients, in the national ratios)",
        )
        parser.add_argument("--sessions-per-client", type=float, help="mean sessions per client")
        for what in PER_OFFICE:
            parser.add_argument(
                f"--{what}-per-office", type=int, help=f"{what} per office (overrides the preset)"
            )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--resume",
            action="store_true",
            help="continue an interrupted run (same seed and sizes): offices already there are skipped",
        )

    @unscoped(reason="generate_scale: the national generator writes every office")
    def handle(self, *args, **options) -> None:
        preset = scale.PRESETS[options["preset"] or "small"]
        offices = options["offices"] or preset.offices
        per_office = options["clients_per_office"] or preset.clients_per_office
        per_client = options["sessions_per_client"] or preset.sessions_per_client
        sizes = {}
        for what in PER_OFFICE:
            key = f"{what}_per_office"
            given = options[key]
            if given is not None:
                sizes[key] = given
            elif not options["clients_per_office"]:
                sizes[key] = getattr(preset, key)
        if offices < 1 or per_office < 1 or per_client <= 0 or any(v < 0 for v in sizes.values()):
            raise CommandError("sizes must be positive")
        started = time.perf_counter()
        cpu = time.process_time()
        try:
            report = scale.generate(
                offices=offices,
                clients_per_office=per_office,
                sessions_per_client=per_client,
                seed=options["seed"],
                resume=options["resume"],
                log=lambda msg: self.stdout.write(msg) if options["verbosity"] > 1 else None,
                **sizes,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        for line in report.lines():
            self.stdout.write(line)
        inserting = sum(report.seconds.values())
        self.stdout.write(
            f"generated {report.total:,} rows in {elapsed:.1f} s wall ({cpu:.1f} s CPU of this process; "
            f"{inserting:.1f} s inserting): {report.total / elapsed:,.0f} rows/s, "
            f"{report['sessions'] / elapsed:,.0f} sessions/s"
        )
