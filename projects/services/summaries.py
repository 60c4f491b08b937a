"""The weekly summary (R-SUMMARY): each customer gets, per project and week, the work done,
hours by expert and by task, estimates against actuals, next sprint's plan and the open
queries, by email and on the board."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from projects.models import (
    Project,
    ProjectUpdate,
    Release,
    Sprint,
    Task,
    TaskHours,
    WeeklySummary,
)
from projects.selectors.projects import project_members
from projects.services.sprints import sprints_roll_over
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify

# After downtime, weeks that ended this long ago still get their summary; older ones
# would be news to no one.
CATCH_UP = timedelta(days=28)
ZERO = Decimal("0.00")


def _hours(value) -> str:
    return f"{(value or ZERO):.2f}"


def _name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def _week_bounds(project: Project, monday: date) -> tuple[datetime, datetime]:
    tz = zoneinfo.ZoneInfo(project.time_zone)
    start = datetime.combine(monday, time.min, tzinfo=tz)
    return start, start + timedelta(days=7)


def summary_data(*, sprint: Sprint) -> dict:
    """The week's figures, as display-ready values kept with the summary. A fixed number of
    queries, whatever the number of tasks and hours."""
    project = sprint.project
    week = (sprint.starts_on, sprint.ends_on)
    tasks = list(
        Task.objects.filter(sprint=sprint)
        .exclude(status=Task.Status.CANCELLED)
        .select_related("assignee")
        .order_by("position", "pk")
    )
    week_rows = list(
        TaskHours.objects.filter(project=project, day__range=week)
        .values("task_id", "task__title", "task__status", "task__estimate_hours")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "task__title")
    )
    task_ids = {row["task_id"] for row in week_rows} | {t.pk for t in tasks}
    total_to_date = dict(
        TaskHours.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .annotate(total=Sum("hours"))
        .values_list("task_id", "total")
    )
    by_expert = (
        TaskHours.objects.filter(project=project, day__range=week)
        .values("expert__first_name", "expert__last_name", "expert__email")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "expert__email")
    )
    done = [t for t in tasks if t.status == Task.Status.DONE]
    next_sprint = Sprint.objects.filter(
        project=project, starts_on=sprint.starts_on + timedelta(days=7)
    ).first()
    next_tasks = (
        list(
            Task.objects.filter(
                sprint=next_sprint,
                status__in=(Task.Status.NEW, Task.Status.TODO, Task.Status.IN_PROGRESS),
            )
            .select_related("assignee")
            .order_by("status", "position", "pk")
        )
        if next_sprint
        else []
    )
    starts_at, ends_at = _week_bounds(project, sprint.starts_on)
    releases = Release.objects.filter(
        project=project,
        stage=Release.Stage.PRODUCTION,
        stage_changed_at__gte=starts_at,
        stage_changed_at__lt=ends_at,
    ).order_by("stage_changed_at")
    updates = (
        ProjectUpdate.objects.filter(
            project=project, created_at__gte=starts_at, created_at__lt=ends_at
        )
        .select_related("task")
        .order_by("created_at")
    )
    open_queries = project.queries.exclude(state="resolved").order_by("asked_at")
    tz = zoneinfo.ZoneInfo(project.time_zone)

    planned_estimate = sum((t.estimate_hours or ZERO for t in tasks), ZERO)
    done_estimate = sum((t.estimate_hours or ZERO for t in done), ZERO)
    done_hours = sum((total_to_date.get(t.pk) or ZERO for t in done), ZERO)
    return {
        "week": {
            "label": sprint.label,
            "starts_on": sprint.starts_on.isoformat(),
            "ends_on": sprint.ends_on.isoformat(),
        },
        "goal": sprint.goal,
        "planned": {
            "count": len(tasks) + sprint.rolled_over_count,
            "estimate": _hours(planned_estimate + sprint.rolled_over_estimate_hours),
            "done_count": len(done),
            "done_estimate": _hours(done_estimate),
            "done_hours": _hours(done_hours),
            "rolled_over_count": sprint.rolled_over_count,
            "rolled_over_estimate": _hours(sprint.rolled_over_estimate_hours),
        },
        "done": [
            {
                "id": t.pk,
                "title": t.title,
                "kind": t.get_kind_display(),
                "assignee": str(t.assignee) if t.assignee else "",
                "estimate": _hours(t.estimate_hours),
                "first_estimate": _hours(t.first_estimate_hours),
                "hours": _hours(total_to_date.get(t.pk)),
            }
            for t in done
        ],
        "hours_total": _hours(sum((row["hours"] for row in week_rows), ZERO)),
        "hours_by_expert": [
            {
                "name": _name(
                    row["expert__first_name"], row["expert__last_name"], row["expert__email"]
                ),
                "hours": _hours(row["hours"]),
            }
            for row in by_expert
        ],
        "hours_by_task": [
            {
                "id": row["task_id"],
                "title": row["task__title"],
                "status": Task.Status(row["task__status"]).label,
                "hours": _hours(row["hours"]),
                "total_hours": _hours(total_to_date.get(row["task_id"])),
                "estimate": _hours(row["task__estimate_hours"])
                if row["task__estimate_hours"]
                else "",
                "over_estimate": bool(
                    row["task__estimate_hours"]
                    and (total_to_date.get(row["task_id"]) or ZERO) > row["task__estimate_hours"]
                ),
            }
            for row in week_rows
        ],
        "next_sprint": {
            "label": next_sprint.label if next_sprint else "",
            "goal": next_sprint.goal if next_sprint else "",
            "count": len(next_tasks),
            "estimate": _hours(sum((t.estimate_hours or ZERO for t in next_tasks), ZERO)),
            "tasks": [
                {
                    "id": t.pk,
                    "title": t.title,
                    "status": t.get_status_display(),
                    "estimate": _hours(t.estimate_hours) if t.estimate_hours else "",
                    "assignee": str(t.assignee) if t.assignee else "",
                }
                for t in next_tasks
            ],
        },
        "releases": [
            {"id": r.pk, "title": r.title, "on": f"{r.stage_changed_at.astimezone(tz):%a %d %b}"}
            for r in releases
        ],
        "updates": [
            {
                "kind": u.get_kind_display(),
                "task": u.task.title,
                "task_id": u.task_id,
                "body": u.body,
            }
            for u in updates
        ],
        "open_queries": [
            {
                "id": q.pk,
                "title": q.title,
                "state": q.get_state_display(),
                "asked_on": f"{q.asked_at.astimezone(tz):%d %b %Y}",
            }
            for q in open_queries
        ],
    }


@transaction.atomic
def weekly_summary_write(*, sprint: Sprint, send: bool = True, now=None) -> WeeklySummary | None:
    """R-SUMMARY: write one project's summary of one week and email it to the customer's
    members; once per project and week (the project row is locked, then the week is
    checked), so a second run or a second worker writes and sends nothing."""
    project = Project.objects.select_for_update().get(pk=sprint.project_id)
    if WeeklySummary.objects.filter(project=project, week_starts_on=sprint.starts_on).exists():
        return None
    sprint.project = project
    summary = WeeklySummary(
        project=project,
        organization_id=project.organization_id,
        sprint=sprint,
        week_starts_on=sprint.starts_on,
        week_ends_on=sprint.ends_on,
        data=summary_data(sprint=sprint),
        created_at=now or timezone.now(),
    )
    summary.full_clean()
    summary.save()
    if send:
        summary.recipient_count = notify(
            template="project_weekly_summary",
            recipients=project_members(project=project),
            key=f"weekly_summary:{project.pk}:{sprint.starts_on.isoformat()}",
            context={
                "project": project,
                "summary": summary,
                "data": summary.data,
                "summary_url": absolute_url(summary.get_absolute_url()),
                "board_url": absolute_url(project.get_absolute_url()),
            },
        )
        summary.sent_at = summary.created_at
        summary.save(update_fields=["recipient_count", "sent_at"])
    event_record(
        actor=None,
        target=project,
        verb="weekly summary sent" if send else "weekly summary written",
        organization=project.organization,
        note=sprint.label,
    )
    return summary


def weekly_summaries_send(*, now=None) -> int:
    """R-SUMMARY as a catch-up: first turn the weeks (R-SPRINT), then summarize every ended
    week of an active project that has no summary yet (within ``CATCH_UP``). Returns how
    many summaries were written."""
    now = now or timezone.now()
    sprints_roll_over(now=now)
    due = (
        Sprint.objects.filter(
            status=Sprint.Status.CLOSED,
            project__status=Project.Status.ACTIVE,
            ends_on__gte=(now - CATCH_UP).date(),
        )
        .exclude(
            Exists(
                WeeklySummary.objects.filter(
                    project_id=OuterRef("project_id"), week_starts_on=OuterRef("starts_on")
                )
            )
        )
        .select_related("project")
        .order_by("starts_on", "pk")
    )
    return sum(1 for sprint in due if weekly_summary_write(sprint=sprint, now=now))
