"""Reminders about missing hours and estimates (R-HOURS, R-ESTIMATE).

- Each expert, once per local working day after 09:00 their time: in-progress tasks of
  theirs with no hours this week (from Tuesday: on Monday an empty week is normal) and
  new tasks waiting for their estimate.
- Staff, once per week: the same for the whole network over the last complete week, with
  each expert's hours.

Both are catch-ups: a ``Reminder`` row (unique per recipient and day, or per week) records
what was sent, so a second or late run sends nothing twice. The row and the emails commit
together; if two runs race, the unique constraint rolls one of them back, emails included.
Query counts are fixed: they do not grow with experts or tasks.
"""

import logging
import zoneinfo
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from projects.models import Assignment, Project, Task
from softwaresupp.dates import monday_of
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch
from timesheets.models import Reminder, TimeEntry

logger = logging.getLogger(__name__)

REMIND_FROM_HOUR = 9  # local time of the expert
DIGEST_LIST_LIMIT = 100  # tasks listed by name in the staff digest; the rest are counted


def _task_url(task_id: int) -> str:
    return absolute_url(reverse("projects:task_detail", kwargs={"pk": task_id}))


def _local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone or "UTC"))


def _active_assignments(first: date, last: date):
    return (
        Assignment.objects.overlapping(first, last)
        .filter(expert__is_active=True, project__status=Project.Status.ACTIVE)
        .only("expert", "project", "role", "starts_on", "ends_on")
    )


def _due_experts(now: datetime) -> dict[int, tuple[User, date]]:
    """Experts whose local day is a working day, past the reminder hour, and who have not
    had today's reminder: ``{expert id: (expert, local day)}``."""
    experts = User.objects.filter(
        is_active=True,
        expert_profile__isnull=False,
        # Assigned yesterday or later (yesterday: the local day may lag behind UTC).
        assignments__in=Assignment.objects.overlapping(now.date() - timedelta(days=1), date.max),
    ).distinct()
    due = {}
    for expert in experts:
        local = _local(now, expert.time_zone)
        if local.weekday() < 5 and local.hour >= REMIND_FROM_HOUR:
            due[expert.pk] = (expert, local.date())
    if not due:
        return due
    sent = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.EXPERT_DAILY,
            recipient_id__in=due,
            day__in={day for _, day in due.values()},
        ).values_list("recipient_id", "day")
    )
    return {pk: (expert, day) for pk, (expert, day) in due.items() if (pk, day) not in sent}


def expert_reminders_send(*, now: datetime | None = None) -> int:
    """Email each due expert their tasks missing hours or estimates; returns how many
    experts were reminded."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _expert_reminders(now)
    except IntegrityError:
        logger.info("Another run sent these reminders first; nothing more to do.")
        return 0


def _expert_reminders(now: datetime) -> int:
    due = _due_experts(now)
    if not due:
        return 0
    days = [day for _, day in due.values()]
    first, last = min(days) - timedelta(days=7), max(days)
    assigned: dict[int, dict[int, list[Assignment]]] = defaultdict(lambda: defaultdict(list))
    leads: dict[int, set[int]] = defaultdict(set)
    members: dict[int, set[int]] = defaultdict(set)
    for assignment in _active_assignments(first, last):
        assigned[assignment.expert_id][assignment.project_id].append(assignment)
        members[assignment.project_id].add(assignment.expert_id)
        if assignment.role == Assignment.Role.LEAD:
            leads[assignment.project_id].add(assignment.expert_id)

    def on_project(expert_id: int, project_id: int, day: date) -> bool:
        return any(a.covers(day) for a in assigned.get(expert_id, {}).get(project_id, ()))

    in_progress = (
        Task.objects.filter(status=Task.Status.IN_PROGRESS, assignee_id__in=due)
        .annotate(last_logged=Max("time_entries__day"))
        .values("pk", "title", "project_id", "project__name", "assignee_id", "last_logged")
        .order_by("project__name", "title")
    )
    missing_hours = defaultdict(list)
    for task in in_progress:
        expert, day = due[task["assignee_id"]]
        if day.weekday() == 0 or not on_project(expert.pk, task["project_id"], day):
            continue
        if task["last_logged"] is None or task["last_logged"] < monday_of(day):
            missing_hours[expert.pk].append(task)

    new_tasks = (
        Task.objects.filter(
            status=Task.Status.NEW,
            project_id__in={p for projects in assigned.values() for p in projects},
        )
        .filter(Q(assignee_id__in=due) | Q(assignee__isnull=True))
        .values("pk", "title", "project_id", "project__name", "assignee_id", "created_at")
        .order_by("created_at")
    )
    missing_estimates = defaultdict(list)
    for task in new_tasks:
        # Unassigned work is triaged by the project's lead (every member if it has none).
        owners = (
            {task["assignee_id"]}
            if task["assignee_id"]
            else (leads[task["project_id"]] or members[task["project_id"]])
        )
        for expert_id in owners & due.keys():
            if on_project(expert_id, task["project_id"], due[expert_id][1]):
                missing_estimates[expert_id].append(task)

    reminded = [pk for pk in due if missing_hours[pk] or missing_estimates[pk]]
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=Reminder.Kind.EXPERT_DAILY,
                recipient_id=pk,
                day=due[pk][1],
                sent_at=now,
                summary={
                    "missing_hours": [t["pk"] for t in missing_hours[pk]],
                    "missing_estimates": [t["pk"] for t in missing_estimates[pk]],
                },
            )
            for pk in reminded
        ]
    )
    week_url = absolute_url(reverse("timesheets:week"))
    with outbox_batch():  # one INSERT for every expert's message
        for pk in reminded:
            expert, day = due[pk]
            notify(
                template="timesheet_reminder",
                recipients=[expert],
                key=f"timesheet_reminder:{pk}:{day.isoformat()}",
                context={
                    "expert_name": expert.get_short_name(),
                    "day": day,
                    "week_starts_on": monday_of(day),
                    "missing_hours": [{**t, "url": _task_url(t["pk"])} for t in missing_hours[pk]],
                    "missing_estimates": [
                        {**t, "url": _task_url(t["pk"])} for t in missing_estimates[pk]
                    ],
                    "week_url": week_url,
                },
            )
    return len(reminded)


def staff_digest_send(*, now: datetime | None = None) -> bool:
    """Email staff the last complete week (Monday to Sunday, UTC): each expert's hours,
    in-progress tasks that got no hours, new tasks waiting for an estimate. Once per week;
    returns whether it was sent."""
    now = now or timezone.now()
    week_starts_on = monday_of(now.date()) - timedelta(days=7)
    if Reminder.objects.filter(
        kind=Reminder.Kind.STAFF_WEEKLY, recipient__isnull=True, day=week_starts_on
    ).exists():
        return False
    try:
        with transaction.atomic():
            _staff_digest(now, week_starts_on)
    except IntegrityError:
        logger.info("Another run sent this week's digest first.")
        return False
    return True


def _staff_digest(now: datetime, monday: date) -> None:
    sunday = monday + timedelta(days=6)
    week = TimeEntry.objects.filter(day__gte=monday, day__lte=sunday)
    hours_by_expert = list(
        week.values("expert_id", "expert__first_name", "expert__last_name", "expert__email")
        .annotate(hours=Sum("hours"), tasks=Count("task", distinct=True))
        .order_by("-hours", "expert__email")[:DIGEST_LIST_LIMIT]
    )
    silent = Task.objects.filter(
        status=Task.Status.IN_PROGRESS, project__status=Project.Status.ACTIVE
    ).exclude(Exists(week.filter(task=OuterRef("pk"))))
    silent_count = silent.count()
    silent_tasks = list(
        silent.values(
            "pk",
            "title",
            "project__name",
            "organization__name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__email",
        ).order_by("organization__name", "project__name", "title")[:DIGEST_LIST_LIMIT]
    )
    unestimated = list(
        Task.objects.filter(status=Task.Status.NEW, project__status=Project.Status.ACTIVE)
        .values("project_id", "project__name", "organization__name")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by("oldest")
    )
    totals = week.aggregate(hours=Sum("hours"))
    unestimated_count = Task.objects.filter(
        status=Task.Status.NEW, project__status=Project.Status.ACTIVE
    ).count()
    Reminder.objects.create(
        kind=Reminder.Kind.STAFF_WEEKLY,
        day=monday,
        sent_at=now,
        summary={
            "experts": len(hours_by_expert),
            "silent_tasks": silent_count,
            "unestimated_tasks": unestimated_count,
        },
    )
    recipients = list(User.objects.filter(is_staff=True, is_active=True)) or [
        settings.STAFF_ALERT_EMAIL
    ]
    notify(
        template="timesheet_digest",
        recipients=recipients,
        context={
            "week_starts_on": monday,
            "week_ends_on": sunday,
            "total_hours": totals["hours"] or 0,
            "hours_by_expert": hours_by_expert,
            "silent_tasks": [{**t, "url": _task_url(t["pk"])} for t in silent_tasks],
            "silent_count": silent_count,
            "unestimated": unestimated,
            "unestimated_count": unestimated_count,
            "report_url": absolute_url(
                f"{reverse('timesheets:report')}?start={monday.isoformat()}"
                f"&end={sunday.isoformat()}&group=expert"
            ),
        },
    )
