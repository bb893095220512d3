from django.core.management.base import BaseCommand

from aksalarasa.core.scoping import unscoped
from aksalarasa.seeding.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Bapas Kelas I Denpasar demo (idempotent: a second run changes nothing)."

    @unscoped(reason="load_demo: the fictional demo data of every office")
    def handle(self, *args, **options):
        ctx = load_demo()
        if ctx.created:
            created = ", ".join(f"{n} {what}" for what, n in sorted(ctx.created.items()))
            self.stdout.write(f"Demo loaded: created {created}.")
        else:
            self.stdout.write("Demo already loaded: nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        width = max(len(u) for u, _, _ in ctx.accounts)
        for username, roles, office in ctx.accounts:
            self.stdout.write(f"  {username.ljust(width)}  {roles}  [{office}]")
