"""Milestone updates and additional work: reported on the board, sent to the customer's
members (R-MILESTONE)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import ProjectUpdate, Task
from projects.selectors.projects import project_members
from projects.services.access import require_triage
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify


def _post(*, actor, task: Task, kind: str, body: str) -> ProjectUpdate:
    update = ProjectUpdate(
        project=task.project,
        organization_id=task.organization_id,
        task=task,
        kind=kind,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        body=body.strip(),
    )
    update.full_clean()
    update.save()
    event_record(
        actor=actor,
        target=task,
        verb=f"posted {update.get_kind_display().lower()}",
        organization=task.organization,
        note=update.body,
    )
    notify(
        template="project_update",
        recipients=project_members(project=task.project).exclude(pk=getattr(actor, "pk", None)),
        context={
            "update": update,
            "project": task.project,
            "task": task,
            "author": str(actor) if update.author else "SoftwareSupp",
            "task_url": absolute_url(task.get_absolute_url()),
            "board_url": absolute_url(task.project.get_absolute_url()),
        },
    )
    return update


@transaction.atomic
def milestone_update_post(*, actor, task: Task, body: str) -> ProjectUpdate:
    """R-MILESTONE: an expert reports progress on a milestone; it stays on the board and the
    customer's members get it by email."""
    require_triage(actor, task.project)
    if task.kind != Task.Kind.MILESTONE:
        raise ValidationError("Updates are posted on milestones; this task is not a milestone.")
    if not body.strip():
        raise ValidationError({"body": "Write what changed on this milestone."})
    return _post(actor=actor, task=task, kind=ProjectUpdate.Kind.MILESTONE, body=body)


def additional_work_report(*, actor, task: Task) -> ProjectUpdate:
    """R-MILESTONE: work added beyond the plan is announced on the board and by email, so
    the customer's members are never surprised by it. Called inside the task's write."""
    estimate = f" Estimated at {task.estimate_hours} h." if task.estimate_hours else ""
    body = (task.description.strip() or task.title) + estimate
    return _post(actor=actor, task=task, kind=ProjectUpdate.Kind.ADDITIONAL_WORK, body=body)
