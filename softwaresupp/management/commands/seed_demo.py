import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

# Each app may have a ``demo`` module with ``seed(world)``; they run in this order and each
# is idempotent on its own, so a later app's demo data also reaches an older database.
DEMO_APPS = ["accounts", "projects", "timesheets", "payments", "leads", "onboarding", "surveys"]


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        world: dict = {}
        with transaction.atomic():
            for app in DEMO_APPS:
                if importlib.util.find_spec(f"{app}.demo") is None:
                    continue
                importlib.import_module(f"{app}.demo").seed(world)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        if options["verbosity"] >= 1:
            from accounts.demo import DEMO_PASSWORD, logins

            self.stdout.write(
                f"\nDemo logins at {settings.SITE_URL}/accounts/login/ (password: {DEMO_PASSWORD})"
            )
            for email, role in logins():
                self.stdout.write(f"  {email:<28} {role}")
