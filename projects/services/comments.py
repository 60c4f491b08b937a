"""Comments on tasks: the customer and the experts talk where the work is."""

from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Task, TaskComment
from projects.selectors.projects import active_assignments
from projects.services.access import require_participant
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify


def _comment_recipients(task: Task, actor):
    """The task's author and assignee; with no assignee, the project's lead experts."""
    people = [task.author, task.assignee]
    if task.assignee is None:
        people += [
            a.expert
            for a in active_assignments(task.project).filter(role="lead").select_related("expert")
        ]
    return [p for p in people if p is not None and p.is_active and p.pk != actor.pk]


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
