from django.core.management.base import BaseCommand, CommandError

from timesheets.models import format_hours
from timesheets.rollup import rollup_differences, rollup_rebuild

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Check that the hours rollup (projects.TaskHours) equals the time entries; exits "
        "non-zero when it differs. --repair rebuilds it from the entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="Rebuild the rollup first.")

    def handle(self, *args, repair=False, **options):
        if repair:
            rollup_rebuild()
        differences = rollup_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS("The hours rollup equals the time entries."))
            return
        for task, expert, day, rollup, entries in differences[:SHOWN]:
            rollup_hours, rollup_count = rollup or (0, 0)
            entries_hours, entries_count = entries or (0, 0)
            counts = ""
            if rollup_count != entries_count:
                counts = f" ({rollup_count} entries counted, {entries_count} logged)"
            self.stderr.write(
                f"task {task} · expert {expert} · {day}: "
                f"rollup {format_hours(rollup_hours)} h, entries {format_hours(entries_hours)} h"
                f"{counts}"
            )
        places = f"{len(differences)} place" + ("s" if len(differences) > 1 else "")
        raise CommandError(f"The hours rollup differs from the time entries in {places}.")
