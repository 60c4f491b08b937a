"""The board: this week's kanban, the backlog, their figures and flags, in a fixed number of
queries whatever the number of tasks."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, Q, Sum

from projects.models import ProjectUpdate, Release, Sprint, Task, TaskHours
from projects.models.core import BOARD_COLUMNS
from softwaresupp.forms import parse_id

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BoardFilters:
    assignee: str = ""  # "", "me", "none" or a user id
    kind: str = ""
    text: str = ""

    @classmethod
    def from_query(cls, params) -> "BoardFilters":
        kind = params.get("kind", "")
        return cls(
            assignee=params.get("assignee", "").strip(),
            kind=kind if kind in Task.Kind.values else "",
            text=params.get("q", "").strip()[:100],
        )

    @property
    def active(self) -> bool:
        return bool(self.assignee or self.kind or self.text)

    def as_query(self) -> dict:
        return {
            k: v
            for k, v in (("assignee", self.assignee), ("kind", self.kind), ("q", self.text))
            if v
        }

    def apply(self, tasks, user):
        if self.assignee == "me":
            tasks = tasks.filter(assignee=user)
        elif self.assignee == "none":
            tasks = tasks.filter(assignee__isnull=True)
        elif (assignee_id := parse_id(self.assignee)) is not None:
            tasks = tasks.filter(assignee_id=assignee_id)
        if self.kind:
            tasks = tasks.filter(kind=self.kind)
        if self.text:
            tasks = tasks.filter(
                Q(title__icontains=self.text) | Q(description__icontains=self.text)
            )
        return tasks


class Neighbour(NamedTuple):
    status: str
    label: str


@dataclass
class Column:
    key: str  # a task status, or "backlog"
    label: str
    tasks: list = field(default_factory=list)
    # The neighbouring columns, for the buttons that move without dragging.
    previous: Neighbour | None = None
    following: Neighbour | None = None

    @property
    def count(self) -> int:
        return len(self.tasks)

    @property
    def estimate(self) -> Decimal:
        return sum((t.estimate_hours or ZERO for t in self.tasks), ZERO)

    @property
    def hours(self) -> Decimal:
        return sum((t.hours_logged for t in self.tasks), ZERO)


@dataclass
class Board:
    sprint: Sprint
    next_sprint: Sprint
    columns: list[Column]
    backlog: Column
    filters: BoardFilters
    updates: list

    @property
    def needs_estimate_count(self) -> int:
        return sum(1 for c in [*self.columns, self.backlog] for t in c.tasks if t.needs_estimate)

    @property
    def no_hours_count(self) -> int:
        return sum(1 for c in self.columns for t in c.tasks if t.no_hours_this_week)


def board_tasks(*, project, sprint: Sprint, filters: BoardFilters, user):
    """This week's tasks (cancelled ones leave the board) and the backlog's unstarted ones."""
    tasks = (
        Task.objects.filter(project=project)
        .filter(
            Q(sprint=sprint, status__in=BOARD_COLUMNS)
            | Q(sprint__isnull=True, status__in=(Task.Status.NEW, Task.Status.TODO))
        )
        .select_related("assignee")
        .prefetch_related(
            Prefetch(
                "releases",
                queryset=Release.objects.only("pk", "stage", "title", "created_at").order_by(
                    "-created_at", "-pk"
                ),
            )
        )
        .order_by("position", "pk")
    )
    return filters.apply(tasks, user)


def attach_hours(tasks: list, week: tuple) -> None:
    """Hours logged on each task in total and in ``week`` (R-HOURS), in one query."""
    rows = (
        TaskHours.objects.filter(task_id__in=[t.pk for t in tasks])
        .values("task_id")
        .annotate(total=Sum("hours"), week=Sum("hours", filter=Q(day__range=week)))
    )
    hours = {row["task_id"]: row for row in rows}
    for task in tasks:
        row = hours.get(task.pk, {})
        task.hours_logged = row.get("total") or ZERO
        task.hours_this_week = row.get("week") or ZERO
        # R-HOURS: work in progress is reported every week.
        task.no_hours_this_week = (
            task.status == Task.Status.IN_PROGRESS and not task.hours_this_week
        )
        releases = list(task.releases.all())
        task.latest_release = releases[0] if releases else None


def board_get(
    *, project, sprint: Sprint, next_sprint: Sprint, filters: BoardFilters, user
) -> Board:
    tasks = list(board_tasks(project=project, sprint=sprint, filters=filters, user=user))
    attach_hours(tasks, (sprint.starts_on, sprint.ends_on))
    labels = [Neighbour(status, Task.Status(status).label) for status in BOARD_COLUMNS]
    columns = {
        status: Column(
            status,
            label,
            previous=labels[i - 1] if i > 0 else None,
            following=labels[i + 1] if i + 1 < len(labels) else None,
        )
        for i, (status, label) in enumerate(labels)
    }
    backlog = Column("backlog", "Backlog")
    for task in tasks:
        (backlog if task.sprint_id is None else columns[task.status]).tasks.append(task)
    updates = list(
        ProjectUpdate.objects.filter(project=project)
        .select_related("task", "author")
        .order_by("-created_at", "-pk")[:5]
    )
    return Board(
        sprint=sprint,
        next_sprint=next_sprint,
        columns=list(columns.values()),
        backlog=backlog,
        filters=filters,
        updates=updates,
    )
