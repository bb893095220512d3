"""Install the two default questionnaires (idempotent): `manage.py evidence_install_instruments`."""

from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.evidence.services import instruments_install_defaults


class Command(BaseCommand):
    help = "Create the default instruments (client interaction and motivation; resident attitude) if missing."

    @unscoped(reason="installing the standard instruments")
    def handle(self, *args, **options) -> None:
        created = instruments_install_defaults()
        self.stdout.write(f"Default instruments created: {created}")
