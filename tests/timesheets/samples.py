from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories.timesheets import TimeEntryFactory


def populate(world):
    """An entry of expert A on tenant A's task (yesterday, so every rule would accept it)."""
    world.extra["entry_a"] = TimeEntryFactory(
        expert=world.expert_a,
        task=world.task_a,
        day=timezone.now().date() - timedelta(days=1),
        hours=Decimal("3.25"),
        description="Entry TENANT-A-SECRET",
    )


ROUTES = {
    "timesheets:week": None,
    "timesheets:report": None,
    "timesheets:export": None,
    "timesheets:task_log": lambda w: {"pk": w.task_a.pk},
    "timesheets:entry_edit": lambda w: {"pk": w.entry_a.pk},
    "timesheets:entry_delete": lambda w: {"pk": w.entry_a.pk},
}
