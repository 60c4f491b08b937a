"""Weekly sprints (R-SPRINT): Monday to Sunday in the project's time zone; the current and
the next sprint always exist; when a week ends its unfinished tasks move on."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from projects.models import Project, Sprint, Task
from projects.models.core import UNFINISHED_STATUSES
from projects.services.access import require_triage
from softwaresupp.dates import week_of
from softwaresupp.events import event_record
from softwaresupp.models import Event

# Projects whose weeks still turn: a paused project keeps its sprints ready for the restart.
LIVE_STATUSES = (Project.Status.ACTIVE, Project.Status.PAUSED)


def week_wanted(project: Project, now: datetime | None = None):
    """The Monday of the project's current week: the sprint the board shows."""
    return _weeks_wanted(project, now or timezone.now())[0]


def _weeks_wanted(project: Project, now: datetime) -> tuple:
    monday, _ = week_of(project.local_today(now))
    return monday, monday + timedelta(days=7)


def _create_missing(projects, now: datetime) -> None:
    """Create every missing current/next sprint of ``projects`` in three queries."""
    wanted = {(p.pk, monday): p for p in projects for monday in _weeks_wanted(p, now)}
    if not wanted:
        return
    existing = set(
        Sprint.objects.filter(
            project_id__in={pk for pk, _ in wanted}, starts_on__in={day for _, day in wanted}
        ).values_list("project_id", "starts_on")
    )
    missing = [
        Sprint(
            project_id=pk,
            organization_id=project.organization_id,
            starts_on=monday,
            ends_on=monday + timedelta(days=6),
        )
        for (pk, monday), project in wanted.items()
        if (pk, monday) not in existing
    ]
    # Another worker may create the same week at the same moment; the unique constraint
    # keeps one and the other insert is skipped.
    Sprint.objects.bulk_create(missing, ignore_conflicts=True)


def sprints_ensure(*, project: Project, now: datetime | None = None) -> tuple[Sprint, Sprint]:
    """R-SPRINT: the project's current and next sprint, created if missing."""
    now = now or timezone.now()
    current_monday, next_monday = _weeks_wanted(project, now)
    found = {
        s.starts_on: s for s in project.sprints.filter(starts_on__in=[current_monday, next_monday])
    }
    if len(found) < 2:
        _create_missing([project], now)
        found = {
            s.starts_on: s
            for s in project.sprints.filter(starts_on__in=[current_monday, next_monday])
        }
    return found[current_monday], found[next_monday]


def _rollover_event(task: Task, source: Sprint, target: Sprint, now, content_type) -> Event:
    # Built here, not through event_record, so a week's moves are written in one insert;
    # the row has the same shape event_record gives it.
    return Event(
        created_at=now,
        actor=None,
        organization_id=task.organization_id,
        target_type=content_type,
        target_id=task.pk,
        verb="rolled over",
        changes={"sprint": [source.label, target.label]},
        note="Unfinished when the week ended.",
    )


@dataclass(frozen=True)
class RolloverResult:
    sprints_closed: int
    tasks_moved: int


@transaction.atomic
def sprints_roll_over(*, now: datetime | None = None) -> RolloverResult:
    """R-SPRINT, the weekly turn, as a catch-up: make sure every live project has its
    current and next sprint, close every sprint whose Sunday has passed where the customer
    is, and move its unfinished tasks into the project's current sprint, each move written
    to the task's history. Closed sprints are never reopened, so running it twice (or two
    workers at once: the sprints are locked) moves each task once. The number of queries
    does not grow with projects, sprints or tasks."""
    now = now or timezone.now()
    live = list(
        Project.objects.filter(status__in=LIVE_STATUSES).only("pk", "time_zone", "organization_id")
    )
    _create_missing(live, now)

    # A sprint can only be over if its Sunday is before today somewhere on Earth.
    latest_possible_today = (now + timedelta(days=1)).date()
    candidates = list(
        Sprint.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(status=Sprint.Status.OPEN, ends_on__lt=latest_possible_today)
        .order_by("pk")
    )
    due = [s for s in candidates if s.ends_on < s.project.local_today(now)]
    if not due:
        return RolloverResult(0, 0)

    current_week = {
        s.project_id: week_of(s.project.local_today(now))[0]
        for s in due
        if s.project.status in LIVE_STATUSES
    }
    targets = {
        target.project_id: target
        for target in Sprint.objects.filter(
            project_id__in=current_week, starts_on__in=set(current_week.values())
        )
        if current_week[target.project_id] == target.starts_on
    }
    moving = list(
        Task.objects.select_for_update(of=("self",))
        .filter(sprint__in=due, status__in=UNFINISHED_STATUSES, project_id__in=targets)
        .order_by("sprint__starts_on", "position", "pk")
    )
    last_position = {
        (row["sprint_id"], row["status"]): row["last"] or 0
        for row in Task.objects.filter(sprint__in=targets.values())
        .values("sprint_id", "status")
        .annotate(last=Max("position"))
    }
    by_pk = {s.pk: s for s in due}
    content_type = ContentType.objects.get_for_model(Task)
    events, rolled = [], {s.pk: [0, Decimal("0")] for s in due}
    for task in moving:
        source, target = by_pk[task.sprint_id], targets[task.project_id]
        key = (target.pk, task.status)
        last_position[key] = last_position.get(key, 0) + 1
        task.sprint, task.position, task.updated_at = target, last_position[key], now
        rolled[source.pk][0] += 1
        rolled[source.pk][1] += task.estimate_hours or Decimal("0")
        events.append(_rollover_event(task, source, target, now, content_type))
    Task.objects.bulk_update(moving, ["sprint", "position", "updated_at"])
    Event.objects.bulk_create(events)

    for sprint in due:
        sprint.status, sprint.closed_at = Sprint.Status.CLOSED, now
        sprint.rolled_over_count, sprint.rolled_over_estimate_hours = rolled[sprint.pk]
    Sprint.objects.bulk_update(
        due, ["status", "closed_at", "rolled_over_count", "rolled_over_estimate_hours"]
    )
    return RolloverResult(sprints_closed=len(due), tasks_moved=len(moving))


@transaction.atomic
def sprint_goal_update(*, actor, sprint: Sprint, goal: str) -> Sprint:
    """The sprint's goal is the experts' promise for the week; they (and staff) set it."""
    require_triage(actor, sprint.project)
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    goal = goal.strip()
    if goal == sprint.goal:
        return sprint
    before, sprint.goal = sprint.goal, goal
    sprint.full_clean()
    sprint.save(update_fields=["goal"])
    event_record(
        actor=actor,
        target=sprint,
        verb="goal set",
        organization=sprint.organization,
        changes={"goal": (before or None, goal or None)},
    )
    return sprint
