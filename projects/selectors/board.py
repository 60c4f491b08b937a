"""The board: this week's kanban, the backlog, their figures and flags, in a fixed number of
queries whatever the number of tasks."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import OuterRef, Q, Subquery, Sum

from projects.models import ProjectUpdate, Release, Sprint, Task, TaskHours
from projects.models.core import BOARD_COLUMNS, UNFINISHED_STATUSES
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
    # The cards as HTML, filled by the view (projects.views.cards) from the cache.
    cards_html: list = field(default_factory=list)
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
    # The columns as HTML, set by the view (projects.views.cards) from the cache.
    columns_html: str = ""

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
        .order_by("position", "pk")
    )
    return filters.apply(tasks, user)


def attach_hours(tasks: list, week: tuple) -> None:
    """Hours logged on each task in total and in ``week`` (R-HOURS), in one query."""
    hours = _hours_by_task([t.pk for t in tasks], week)
    for task in tasks:
        task.hours_logged, task.hours_this_week = hours.get(task.pk, (ZERO, ZERO))
        # R-HOURS: work in progress is reported every week.
        task.no_hours_this_week = (
            task.status == Task.Status.IN_PROGRESS and not task.hours_this_week
        )
        releases = list(task.releases.all())
        task.latest_release = releases[0] if releases else None


def _hours_by_task(task_ids, week: tuple) -> dict:
    rows = (
        TaskHours.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .annotate(total=Sum("hours"), week=Sum("hours", filter=Q(day__range=week)))
        .values_list("task_id", "total", "week")
    )
    return {task_id: (total or ZERO, week or ZERO) for task_id, total, week in rows}


class ReleaseBadge(NamedTuple):
    pk: int
    stage: str
    stage_label: str
    title: str


class Card(NamedTuple):
    """What one card shows, as plain values: the board reads rows, not model objects, and
    the tuple is also the card's cache key (projects.views.cards), so a cached card can
    never show anything but what these values render to."""

    pk: int
    title: str
    kind: str
    kind_label: str
    status: str
    priority: int
    priority_label: str
    sprint_id: int | None
    assignee_id: int | None
    assignee_name: str
    estimate_hours: Decimal | None
    due_on: object
    hours_logged: Decimal
    hours_this_week: Decimal
    release: ReleaseBadge | None

    @property
    def needs_estimate(self) -> bool:
        """R-ESTIMATE, as ``Task.needs_estimate``."""
        return self.status in UNFINISHED_STATUSES and not self.estimate_hours

    @property
    def no_hours_this_week(self) -> bool:
        # R-HOURS: work in progress is reported every week.
        return self.status == Task.Status.IN_PROGRESS and not self.hours_this_week


CARD_FIELDS = (
    "pk",
    "title",
    "kind",
    "status",
    "priority",
    "sprint_id",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__email",
    "estimate_hours",
    "due_on",
)


def _with_hours_and_release(tasks, week: tuple):
    """Each task's hours (in total and in ``week``) and newest release, as subqueries of
    the tasks' own query: one round trip for the whole board."""
    hours = TaskHours.objects.filter(task=OuterRef("pk")).order_by().values("task")
    releases = Release.tasks.through.objects.filter(task=OuterRef("pk")).order_by(
        "-release__created_at", "-release__pk"
    )
    return tasks.annotate(
        hours_total=Subquery(hours.annotate(sum=Sum("hours")).values("sum")),
        hours_week=Subquery(hours.filter(day__range=week).annotate(sum=Sum("hours")).values("sum")),
        release_pk=Subquery(releases.values("release_id")[:1]),
        release_stage=Subquery(releases.values("release__stage")[:1]),
        release_title=Subquery(releases.values("release__title")[:1]),
    )


def board_cards(*, project, sprint: Sprint, filters: BoardFilters, user) -> list[Card]:
    tasks = board_tasks(project=project, sprint=sprint, filters=filters, user=user)
    tasks = _with_hours_and_release(tasks, (sprint.starts_on, sprint.ends_on))
    rows = tasks.values_list(
        *CARD_FIELDS, "hours_total", "hours_week", "release_pk", "release_stage", "release_title"
    )
    kinds, priorities = dict(Task.Kind.choices), dict(Task.Priority.choices)
    stages = dict(Release.Stage.choices)
    return [
        Card(
            pk,
            title,
            kind,
            kinds.get(kind, kind),
            status,
            priority,
            priorities.get(priority, str(priority)),
            sprint_id,
            assignee_id,
            # As User.__str__: the full name, or the email address.
            (f"{first} {last}".strip() or email) if assignee_id else "",
            estimate,
            due_on,
            total or ZERO,
            week or ZERO,
            ReleaseBadge(release, stage, stages.get(stage, stage), release_title)
            if release
            else None,
        )
        for (
            pk,
            title,
            kind,
            status,
            priority,
            sprint_id,
            assignee_id,
            first,
            last,
            email,
            estimate,
            due_on,
            total,
            week,
            release,
            stage,
            release_title,
        ) in rows
    ]


def board_get(
    *, project, sprint: Sprint, next_sprint: Sprint, filters: BoardFilters, user
) -> Board:
    cards = board_cards(project=project, sprint=sprint, filters=filters, user=user)
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
    for card in cards:
        (backlog if card.sprint_id is None else columns[card.status]).tasks.append(card)
    return Board(
        sprint=sprint,
        next_sprint=next_sprint,
        columns=list(columns.values()),
        backlog=backlog,
        filters=filters,
    )


def board_updates(*, project, limit: int = 5) -> list:
    """The newest milestone updates and additional work, beside the board. Read apart from
    the board's cached parts: each shows how long ago it was posted."""
    return list(
        ProjectUpdate.objects.filter(project=project)
        .select_related("task", "author")
        .order_by("-created_at", "-pk")[:limit]
    )
