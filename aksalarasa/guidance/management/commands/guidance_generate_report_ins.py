"""Daily job: create the next report-in appointments of every active schedule (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.guidance.services import schedules_generate_all


class Command(BaseCommand):
    help = "Create report-in appointments up to N weeks ahead for every active schedule (safe to rerun)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--weeks", type=int, default=8, choices=range(1, 27), metavar="1-26")

    @unscoped(reason="report-in schedules of every office")
    def handle(self, *args, weeks: int, **options) -> None:
        created = schedules_generate_all(weeks_ahead=weeks)
        self.stdout.write(f"{created} appointment(s) created.")
