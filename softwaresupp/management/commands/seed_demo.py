import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# Demo modules, each with ``seed(world)``, run in this order (later ones use what earlier
# ones put in ``world``). Each is idempotent on its own, so a later module's demo data also
# reaches an older database.
DEMO_MODULES = [
    "accounts.demo",
    "projects.demo.boards",
    "timesheets.demo",
    "projects.demo.queries",
    "projects.demo.summaries",
    "payments.demo",
    "leads.demo",
    "onboarding.demo",
    "surveys.demo",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        world: dict = {}
        with transaction.atomic():
            for module in DEMO_MODULES:
                if importlib.util.find_spec(module) is None:
                    continue
                importlib.import_module(module).seed(world)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if options["verbosity"] >= 1:
            from accounts.demo import DEMO_PASSWORD, logins

            self.stdout.write(
                f"\nDemo logins at {settings.SITE_URL}/accounts/login/ (password: {DEMO_PASSWORD})"
            )
            for email, role in logins():
                self.stdout.write(f"  {email:<28} {role}")
