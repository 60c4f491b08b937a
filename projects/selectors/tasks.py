"""Reads for one task: its details, comments, updates, releases and history."""

from decimal import Decimal

from django.db.models import Sum

from projects.models import Task, TaskAttachment, TaskHours
from softwaresupp.events import event_list_for
from softwaresupp.tenancy import get_visible_or_404

# How the history names what changed (the event log stores field names).
CHANGE_LABELS = {
    "estimate_hours": "estimate",
    "estimate": "estimate",
    "due_on": "due date",
    "sprint": "sprint",
    "status": "column",
}


def _change_rows(event) -> list:
    return [
        (CHANGE_LABELS.get(field, field.replace("_", " ")), before, after)
        for field, (before, after) in event.changes.items()
    ]


def task_get(*, user, pk: int) -> Task:
    return get_visible_or_404(
        Task.objects.select_related(
            "project", "project__organization", "sprint", "assignee", "author"
        ),
        user,
        pk=pk,
    )


def task_page(*, task: Task) -> dict:
    """What the task page shows beside the task itself."""
    hours = TaskHours.objects.filter(task=task).aggregate(total=Sum("hours"))["total"]
    history = list(event_list_for(task)[:200])
    for event in history:
        event.change_rows = _change_rows(event)
    return {
        "comments": list(task.comments.select_related("author")),
        "updates": list(task.updates.select_related("author")),
        "releases": list(task.releases.order_by("-created_at")),
        "attachments": list(task.attachments.select_related("uploaded_by")),
        "history": history,
        "hours_logged": hours or Decimal("0.00"),
    }


def task_attachment_get(*, user, task_pk: int, pk: int) -> TaskAttachment:
    """A task's file, for whoever may see the task; anything else is 404 (R-TENANT)."""
    task = get_visible_or_404(Task.objects.all(), user, pk=task_pk)
    return get_visible_or_404(task.attachments.all(), user, pk=pk)
