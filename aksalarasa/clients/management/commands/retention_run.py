"""Anonymise clients past their office's retention period (safe to run daily; idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from aksalarasa.clients.pdp import retention_run
from aksalarasa.core.scoping import unscoped


class Command(BaseCommand):
    help = "Anonymise clients whose last supervision ended more than the office's retention years ago."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be anonymised; change nothing."
        )

    @unscoped(reason="retention run: anonymises expired records of every office")
    def handle(self, *args, dry_run: bool = False, **options) -> None:
        report = retention_run(dry_run=dry_run)
        verb = "would anonymise" if dry_run else "anonymised"
        for office, count in sorted(report.per_office.items()):
            self.stdout.write(f"{office}: {verb} {count} client(s)")
        self.stdout.write(
            f"Total: {verb} {report.total} client(s)" + (" (dry run, nothing changed)" if dry_run else "")
        )
