"""The expert's weekly grid: tasks × days of one week, in the expert's time zone."""

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404

from accounts.models import User
from projects.models import Assignment, Project, Task
from timesheets.models import (
    RunningTimer,
    SettledPeriod,
    TimeEntry,
    lasted_until_created,
    local_today,
)
from timesheets.selectors.common import HOURS, ZERO


@dataclass
class GridCell:
    task_id: int
    day: date
    hours: Decimal
    entries: int
    settled: bool
    editable: bool = True
    reason: str = ""
    error: str = ""
    typed: str | None = None  # what the expert typed, shown again beside a refusal
    note: str = ""  # the entry's description, when the cell holds one entry
    typed_note: str | None = None
    saved: bool = False  # just saved through htmx: the cell says so

    @property
    def name(self) -> str:
        return f"cell-{self.task_id}-{self.day.isoformat()}"

    @property
    def note_name(self) -> str:
        return f"note-{self.task_id}-{self.day.isoformat()}"

    @property
    def shown_note(self) -> str:
        return self.note if self.typed_note is None else self.typed_note


@dataclass
class GridRow:
    task: Task
    cells: list[GridCell]
    from_last_week: bool = False

    @property
    def total(self) -> Decimal:
        return sum((cell.hours for cell in self.cells), ZERO)

    @property
    def estimate_percent(self) -> int:
        if not self.task.estimate_hours:
            return 0
        return min(100, int(self.task.logged_total * 100 / self.task.estimate_hours))

    @property
    def over_estimate(self) -> bool:
        return bool(self.task.estimate_hours) and self.task.logged_total > self.task.estimate_hours


@dataclass
class WeekGrid:
    expert: User
    monday: date
    today: date
    days: list[date]
    rows: list[GridRow]
    addable: list[Task] = field(default_factory=list)
    timer: RunningTimer | None = None
    # The day a phone shows (one day at a time; wider screens show the week).
    selected_day: date | None = None

    @property
    def sunday(self) -> date:
        return self.days[-1]

    @property
    def previous_monday(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_monday(self) -> date | None:
        nxt = self.monday + timedelta(days=7)
        return nxt if nxt <= self.today else None

    @property
    def selected_index(self) -> int:
        return self.days.index(self.selected_day) if self.selected_day in self.days else 0

    @property
    def day_totals(self) -> list[Decimal]:
        return [sum((row.cells[i].hours for row in self.rows), ZERO) for i in range(7)]

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), ZERO)

    @property
    def estimate_total(self) -> Decimal:
        return sum((row.task.estimate_hours or ZERO for row in self.rows), ZERO)

    @property
    def logged_total(self) -> Decimal:
        return sum((row.task.logged_total for row in self.rows), ZERO)

    def row_for(self, task_id: int) -> GridRow | None:
        return next((row for row in self.rows if row.task.pk == task_id), None)


def _assignments_by_project(expert, first: date, last: date) -> dict[int, list[Assignment]]:
    by_project: dict[int, list[Assignment]] = {}
    assignments = (
        Assignment.objects.overlapping(first, last)
        .filter(expert=expert)
        .only("project", "starts_on", "ends_on")
        .order_by()
    )
    for assignment in assignments:
        by_project.setdefault(assignment.project_id, []).append(assignment)
    return by_project


def _assignment_for_task(expert, first: date, last: date) -> Exists:
    """The task (the outer row) is on a project with an assignment of ``expert`` between
    ``first`` and ``last`` that lasted until the task was created: an expert who left does
    not reach tasks added after them, whatever ``?week=`` or ``?add=`` says."""
    return Exists(
        Assignment.objects.overlapping(first, last)
        .filter(expert=expert, project=OuterRef("project"))
        .filter(lasted_until_created(Cast(OuterRef("created_at"), DateField())))
    )


def _hours_seen_by(expert) -> Q:
    """Everyone's hours on a project the expert sees today; only their own otherwise."""
    return Q(expert=expert) | Q(project__in=Project.objects.visible_to(expert).values("pk"))


def week_grid(*, expert, monday: date, add_task_ids=(), day: date | None = None) -> WeekGrid:
    """The expert's week, tasks × days (a fixed 6 queries whatever the number of rows).

    Rows: tasks with the expert's hours this week, last week's tasks (quick entry), the
    expert's tasks in progress, and tasks the expert added, if they can take hours."""
    today = local_today(expert)
    days = [monday + timedelta(days=i) for i in range(7)]
    if day not in days:
        day = today if today in days else monday
    selected_day = day
    sunday = days[-1]
    assignments = _assignments_by_project(expert, monday - timedelta(days=7), sunday)

    cells = (
        TimeEntry.objects.filter(
            expert=expert, day__gte=monday - timedelta(days=7), day__lte=sunday
        )
        .values("task_id", "day")
        .annotate(
            hours=Sum("hours"),
            entries=Count("id"),
            # Locked by its day: the same for every entry of the cell.
            settled=Exists(
                SettledPeriod.objects.filter(
                    starts_on__lte=OuterRef("day"), ends_on__gte=OuterRef("day")
                )
            ),
            # The note of a one-entry cell is its entry's description.
            note=Max("description"),
        )
        .order_by()
    )
    this_week: dict[tuple[int, date], dict] = {}
    last_week_tasks: set[int] = set()
    for cell in cells:
        if cell["day"] >= monday:
            this_week[(cell["task_id"], cell["day"])] = cell
        else:
            last_week_tasks.add(cell["task_id"])
    this_week_tasks = {task_id for task_id, _ in this_week}

    loggable = _assignment_for_task(expert, monday - timedelta(days=7), sunday) & ~Q(
        status=Task.Status.CANCELLED
    )
    wanted = (
        Q(pk__in=this_week_tasks)
        | (Q(pk__in=last_week_tasks | set(add_task_ids)) & loggable)
        | (Q(assignee=expert, status=Task.Status.IN_PROGRESS) & loggable)
    )
    logged_total = (
        TimeEntry.objects.filter(_hours_seen_by(expert), task=OuterRef("pk"))
        .order_by()
        .values("task")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    tasks = list(
        Task.objects.filter(wanted)
        .select_related("project")
        .annotate(logged_total=Coalesce(Subquery(logged_total), Value(ZERO), output_field=HOURS))
        .order_by("project__name", "title", "pk")
    )
    settled_periods = list(
        SettledPeriod.objects.filter(starts_on__lte=sunday, ends_on__gte=monday).values_list(
            "starts_on", "ends_on"
        )
    )

    def covered(task: Task, day: date) -> bool:
        created_on = task.created_at.astimezone(UTC).date()
        return any(
            assignment.covers(day) and created_on <= (assignment.ends_on or date.max)
            for assignment in assignments.get(task.project_id, ())
        )

    rows = []
    for task in tasks:
        row_cells = []
        for day in days:
            found = this_week.get((task.pk, day))
            cell = GridCell(
                day=day,
                task_id=task.pk,
                hours=found["hours"] if found else ZERO,
                entries=found["entries"] if found else 0,
                note=(found["note"] or "") if found and found["entries"] == 1 else "",
                settled=bool(found and found["settled"])
                or any(start <= day <= end for start, end in settled_periods),
            )
            if cell.settled:
                cell.editable, cell.reason = False, "Settled: paid and locked."
            elif day > today:
                cell.editable, cell.reason = False, "In the future."
            elif cell.entries > 1:
                cell.editable, cell.reason = False, "Several entries: change them in the list."
            elif task.status == Task.Status.CANCELLED:
                cell.editable, cell.reason = False, "The task is cancelled."
            elif not covered(task, day):
                cell.editable, cell.reason = False, "Not assigned to the project that day."
            row_cells.append(cell)
        rows.append(
            GridRow(
                task=task,
                cells=row_cells,
                from_last_week=task.pk in last_week_tasks and task.pk not in this_week_tasks,
            )
        )

    shown = {task.pk for task in tasks}
    addable = list(
        Task.objects.filter(loggable)
        .exclude(pk__in=shown)
        .exclude(status=Task.Status.DONE)
        .select_related("project")
        .order_by("project__name", "title")[:200]
    )
    timer = (
        RunningTimer.objects.filter(expert=expert).select_related("task", "task__project").first()
    )
    return WeekGrid(
        expert=expert,
        monday=monday,
        today=today,
        days=days,
        rows=rows,
        addable=addable,
        timer=timer,
        selected_day=selected_day,
    )


def rows_to_copy(*, expert, monday: date) -> tuple[date | None, list[int]]:
    """ "Copy last week's rows": the tasks of the most recent earlier week with the expert's
    hours (looking back up to 12 weeks), that the expert may still log on this week (an
    assignment overlapping it that lasted until the task was created; not cancelled nor
    done). Returns that week's Monday and the task ids, in two queries."""
    last_day = (
        TimeEntry.objects.filter(
            expert=expert, day__lt=monday, day__gte=monday - timedelta(weeks=12)
        )
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last_day is None:
        return None, []
    source = last_day - timedelta(days=last_day.weekday())
    sunday = monday + timedelta(days=6)
    task_ids = list(
        Task.objects.filter(
            pk__in=TimeEntry.objects.filter(
                expert=expert, day__gte=source, day__lte=source + timedelta(days=6)
            ).values("task")
        )
        .filter(_assignment_for_task(expert, monday, sunday))
        .exclude(status__in=(Task.Status.CANCELLED, Task.Status.DONE))
        .order_by("project__name", "title", "pk")
        .values_list("pk", flat=True)
    )
    return source, task_ids


def grid_task_get(*, expert, pk: int) -> Task:
    """A task whose cell the expert may write: on a project they are or were assigned to,
    created before that assignment ended (hours may be logged late for a past assignment),
    or one they logged hours on. Anything else answers 404 (R-TENANT); the service then
    applies the day-by-day rules."""
    task = (
        Task.objects.select_related("project", "organization")
        .filter(pk=pk)
        .filter(
            _assignment_for_task(expert, date.min, date.max)
            | Q(pk__in=TimeEntry.objects.filter(expert=expert).values("task"))
        )
        .first()
    )
    if task is None:
        raise Http404("No task found.")
    return task


# --- reports ---------------------------------------------------------------------------


def running_timer(*, user) -> RunningTimer | None:
    """The user's running timer, if any (one per expert)."""
    if not user.is_authenticated:
        return None
    return (
        RunningTimer.objects.visible_to(user)
        .filter(expert=user)
        .select_related("task", "task__project")
        .first()
    )
