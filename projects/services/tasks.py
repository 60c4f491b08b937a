"""Writes for tasks. Every change to a task goes through here and lands in the event log."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Project, Task
from softwaresupp.events import event_record


def _is_expert_or_staff_on(actor, project: Project) -> bool:
    return actor.is_staff or project.assignments.filter(expert=actor).exists()


@transaction.atomic
def task_create(
    *,
    actor,
    project: Project,
    title: str,
    description: str = "",
    kind: str = Task.Kind.TASK,
    priority: int = Task.Priority.NORMAL,
    estimate_hours: Decimal | None = None,
    assignee=None,
    sprint=None,
    due_on=None,
    status: str | None = None,
) -> Task:
    """Create a task. R-ESTIMATE: a customer's task arrives as *new*; an expert's task with
    an estimate may start in *to do*, never without one."""
    if status is None:
        status = (
            Task.Status.TODO
            if estimate_hours and _is_expert_or_staff_on(actor, project)
            else Task.Status.NEW
        )
    if status == Task.Status.TODO and not (estimate_hours and estimate_hours > 0):
        raise ValidationError(
            {"estimate_hours": "A task needs an estimate in hours before it goes to “to do”."}
        )
    if not _is_expert_or_staff_on(actor, project):
        # Customers submit; experts triage (estimate, schedule, assign).
        status, assignee = Task.Status.NEW, None
    last = (
        project.tasks.filter(sprint=sprint, status=status)
        .order_by("-position")
        .values_list("position", flat=True)
    )
    task = Task(
        project=project,
        organization=project.organization,
        title=title.strip(),
        description=description,
        kind=kind,
        priority=priority,
        estimate_hours=estimate_hours,
        first_estimate_hours=estimate_hours,
        assignee=assignee,
        sprint=sprint,
        due_on=due_on,
        status=status,
        position=(last.first() or 0) + 1,
        author=actor,
    )
    task.full_clean()
    task.save()
    event_record(
        actor=actor,
        target=task,
        verb="created",
        organization=project.organization,
        changes={"status": (None, task.get_status_display())},
    )
    return task
