"""Demo hours: first the hours of the demo boards' finished tasks (``world["board_hours"]``,
handed over by ``projects.demo.boards``, written as they are), then six weeks of working
days for every expert on the demo projects, logged through the same service as a person
would (so every rule holds). Idempotent: a project that already has this demo's hours is
left alone (the board's hours come first, so any hours at all would be the wrong marker)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError

from projects.models import Project, Task
from timesheets.models import TimeEntry, local_today
from timesheets.services import time_entry_log

WEEKS = 6
NOTES = [
    "Implemented the changes discussed on the call",
    "Code review and fixes after review",
    "Investigated the issue and wrote up the findings",
    "Wrote tests and fixed two edge cases",
    "Deployed to staging and checked with the customer",
    "Configuration and data clean-up",
    "Meeting with the customer's team, notes on the board",
    "Refactoring before the next feature",
    "",
]


def _projects(world: dict) -> list[Project]:
    projects = world.get("projects")
    if isinstance(projects, dict):
        projects = list(projects.values())
    if not projects:
        projects = list(Project.objects.all())
    return [p for p in projects if p.status == Project.Status.ACTIVE]


def seed(world: dict) -> None:
    for row in world.pop("board_hours", []):
        TimeEntry.objects.create(**row)
    for project in _projects(world):
        if TimeEntry.objects.filter(project=project, description__in=NOTES[:-1]).exists():
            continue
        tasks = list(
            project.tasks.filter(status__in=[Task.Status.IN_PROGRESS, Task.Status.DONE])
            .select_related("sprint")
            .order_by("pk")
        )
        if not tasks:
            continue
        logged = {task.pk: sum(e.hours for e in task.time_entries.all()) for task in tasks}
        rng = random.Random(f"timesheets-{project.name}")
        for assignment in project.assignments.select_related("expert").order_by("pk"):
            _seed_expert(assignment, tasks, logged, rng)


def _hours_cap(task) -> Decimal:
    # Finished work lands near its estimate; ongoing work may run over, which the board and
    # the reports then show as variance.
    estimate = task.estimate_hours or Decimal("8")
    return estimate * (Decimal("1.2") if task.status == Task.Status.DONE else Decimal("2"))


def _seed_expert(assignment, tasks, logged, rng) -> None:
    """Working days of the last weeks, on the expert's started or finished tasks (a finished
    one only until its sprint ended), stopping near each task's estimate, as real work would."""
    expert = assignment.expert
    today = local_today(expert)
    own = [t for t in tasks if t.assignee_id == expert.pk] or tasks
    for back in range(WEEKS * 7, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5 or not assignment.covers(day):
            continue
        candidates = [
            t
            for t in own
            if t.created_at.date() <= day
            and (t.sprint is None or t.status != Task.Status.DONE or day <= t.sprint.ends_on)
            and logged[t.pk] < _hours_cap(t)
        ]
        for task in rng.sample(candidates, k=min(len(candidates), rng.choice([1, 1, 2]))):
            hours = Decimal(rng.randint(4, 12)) / 4
            try:
                time_entry_log(
                    actor=expert, task=task, day=day, hours=hours, description=rng.choice(NOTES)
                )
            except ValidationError:
                # A settled period or a task cancelled since: the demo skips that day.
                continue
            logged[task.pk] += hours
