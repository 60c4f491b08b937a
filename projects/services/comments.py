"""Comments on tasks: the customer and the experts talk where the work is."""

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Task, TaskComment
from projects.services.access import can_triage, is_customer_of, require_participant
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify


def _still_on_project(person, project) -> bool:
    """R-TENANT: an expert whose assignment ended, or a member who left the organization,
    no longer hears what is said on the project's tasks."""
    return person.is_active and (can_triage(person, project) or is_customer_of(person, project))


def _comment_recipients(task: Task, actor):
    """The task's author and assignee, while they still work on the project; with no
    assignee (or one who has left the project), the project's lead experts."""
    project = task.project
    people = [p for p in (task.author, task.assignee) if p is not None]
    people = [p for p in people if _still_on_project(p, project)]
    if task.assignee is None or task.assignee not in people:
        people += [
            a.expert
            for a in project.assignments.current().filter(role="lead").select_related("expert")
        ]
    return [p for p in people if p.is_active and p.pk != actor.pk]


@transaction.atomic
def task_comment_add(*, actor, task: Task, body: str) -> TaskComment:
    """Anyone working on the project comments; the others on the task hear of it."""
    require_participant(actor, task.project)
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write a comment first."})
    comment = TaskComment(task=task, organization_id=task.organization_id, author=actor, body=body)
    comment.full_clean()
    comment.save()
    event_record(
        actor=actor,
        target=task,
        verb="commented",
        organization=task.organization,
        note=body[:200],
    )
    notify(
        template="task_comment",
        recipients=_comment_recipients(task, actor),
        context={
            "task": task,
            "project": task.project,
            "comment": comment,
            "author": str(actor),
            "task_url": absolute_url(task.get_absolute_url()),
        },
    )
    return comment
