"""Reads for hour reporting, always starting from ``TimeEntry.objects.visible_to(user)``.

Sums, counts and variances are computed by the database; Python only lays the rows out.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.http import Http404

from accounts.models import Organization, User
from payments.models import Settlement
from projects.models import Assignment, Project, Sprint, Task
from softwaresupp.tenancy import get_visible_or_404
from timesheets.models import TimeEntry, local_today

ZERO = Decimal("0")
HOURS = DecimalField(max_digits=12, decimal_places=2)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _sum_hours(**filter_kwargs):
    return Coalesce(Sum("hours", **filter_kwargs), Value(ZERO), output_field=HOURS)


# --- single entries --------------------------------------------------------------------


def time_entry_get_for_edit(*, user, pk: int) -> TimeEntry:
    """An entry the user may change: their own (staff: anyone's). Others answer 404."""
    queryset = TimeEntry.objects.select_related("expert", "task", "project", "settlement")
    if not user.is_staff:
        queryset = queryset.filter(expert=user)
    return get_visible_or_404(queryset, user, pk=pk)


def task_loggable_get(*, user, pk: int) -> Task:
    """A task the user may see (404 otherwise): the quick "log hours" form posts to it."""
    return get_visible_or_404(Task.objects.select_related("project", "organization"), user, pk=pk)


def expert_assigned_on(*, expert, project, day: date) -> bool:
    return (
        Assignment.objects.filter(project=project, expert=expert, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exists()
    )


@dataclass
class TaskTimeSummary:
    logged: Decimal
    mine: Decimal
    estimate: Decimal | None
    entries: list
    can_log: bool
    today: date

    @property
    def remaining(self) -> Decimal | None:
        return None if self.estimate is None else self.estimate - self.logged

    @property
    def percent(self) -> int:
        if not self.estimate:
            return 0
        return min(100, int(self.logged * 100 / self.estimate))

    @property
    def over_estimate(self) -> bool:
        return self.estimate is not None and self.logged > self.estimate

    @property
    def over_by(self) -> Decimal:
        return self.logged - (self.estimate or ZERO)


def task_time_summary(*, user, task: Task, recent: int = 5) -> TaskTimeSummary:
    """Hours on one task as ``user`` may see them, for the task page's panel (3 queries)."""
    visible = TimeEntry.objects.visible_to(user).filter(task=task)
    totals = visible.aggregate(logged=_sum_hours(), mine=_sum_hours(filter=Q(expert=user)))
    entries = list(visible.select_related("expert").order_by("-day", "-id")[:recent])
    today = local_today(user)
    can_log = (
        task.status != Task.Status.CANCELLED
        and user.is_expert
        and expert_assigned_on(expert=user, project=task.project_id, day=today)
    )
    return TaskTimeSummary(
        logged=totals["logged"],
        mine=totals["mine"],
        estimate=task.estimate_hours,
        entries=entries,
        can_log=can_log,
        today=today,
    )


@dataclass
class HoursPanel:
    monday: date
    this_week: Decimal
    last_week: Decimal
    experts: int
    silent_tasks: list


def dashboard_hours(*, user) -> HoursPanel:
    """The dashboard's hours card: this week against last week (the user's own calendar
    week) and, for an expert, their in-progress tasks with no hours yet this week (R-HOURS).
    Two queries at most."""
    monday = monday_of(local_today(user))
    totals = (
        TimeEntry.objects.visible_to(user)
        .filter(day__gte=monday - timedelta(days=7), day__lte=monday + timedelta(days=6))
        .aggregate(
            this_week=_sum_hours(filter=Q(day__gte=monday)),
            last_week=_sum_hours(filter=Q(day__lt=monday)),
            experts=Count("expert", distinct=True, filter=Q(day__gte=monday)),
        )
    )
    silent = []
    if user.is_expert:
        silent = list(
            Task.objects.filter(
                assignee=user,
                status=Task.Status.IN_PROGRESS,
                project__in=Project.objects.visible_to(user).values("pk"),
            )
            .exclude(Exists(TimeEntry.objects.filter(task=OuterRef("pk"), day__gte=monday)))
            .select_related("project")
            .order_by("project__name", "title")[:5]
        )
    return HoursPanel(monday=monday, silent_tasks=silent, **totals)


# --- the weekly grid -------------------------------------------------------------------


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

    @property
    def name(self) -> str:
        return f"cell-{self.task_id}-{self.day.isoformat()}"


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


def _assignment_spans(expert, first: date, last: date) -> dict[int, list[tuple[date, date]]]:
    spans: dict[int, list[tuple[date, date]]] = {}
    assignments = (
        Assignment.objects.filter(expert=expert, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .order_by()
        .values_list("project_id", "starts_on", "ends_on")
    )
    for project_id, starts_on, ends_on in assignments:
        spans.setdefault(project_id, []).append((starts_on, ends_on or date.max))
    return spans


def week_grid(*, expert, monday: date, add_task_ids=()) -> WeekGrid:
    """The expert's week, tasks × days (a fixed 5 queries whatever the number of rows).

    Rows: tasks with the expert's hours this week, last week's tasks (quick entry), the
    expert's tasks in progress, and tasks the expert added, if they can take hours."""
    today = local_today(expert)
    days = [monday + timedelta(days=i) for i in range(7)]
    sunday = days[-1]
    spans = _assignment_spans(expert, monday - timedelta(days=7), sunday)

    cells = (
        TimeEntry.objects.filter(
            expert=expert, day__gte=monday - timedelta(days=7), day__lte=sunday
        )
        .values("task_id", "day")
        .annotate(
            hours=Sum("hours"),
            entries=Count("id"),
            settled=Count("id", filter=Q(settlement__isnull=False)),
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

    assigned_projects = list(spans)
    loggable = Q(project_id__in=assigned_projects) & ~Q(status=Task.Status.CANCELLED)
    wanted = (
        Q(pk__in=this_week_tasks)
        | (Q(pk__in=last_week_tasks | set(add_task_ids)) & loggable)
        | (Q(assignee=expert, status=Task.Status.IN_PROGRESS) & loggable)
    )
    logged_total = (
        TimeEntry.objects.filter(task=OuterRef("pk"))
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
        Settlement.objects.filter(starts_on__lte=sunday, ends_on__gte=monday).values_list(
            "starts_on", "ends_on"
        )
    )

    def covered(project_id: int, day: date) -> bool:
        return any(start <= day <= end for start, end in spans.get(project_id, ()))

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
            elif not covered(task.project_id, day):
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
        Task.objects.filter(loggable, project_id__in=assigned_projects)
        .exclude(pk__in=shown)
        .exclude(status=Task.Status.DONE)
        .select_related("project")
        .order_by("project__name", "title")[:200]
    )
    return WeekGrid(
        expert=expert, monday=monday, today=today, days=days, rows=rows, addable=addable
    )


def grid_task_get(*, expert, pk: int) -> Task:
    """A task whose cell the expert may write: on a project they are or were assigned to
    (hours may be logged late for a past assignment), or one they logged hours on. Anything
    else answers 404 (R-TENANT); the service then applies the day-by-day rules."""
    task = (
        Task.objects.select_related("project", "organization")
        .filter(pk=pk)
        .filter(
            Q(project__in=Assignment.objects.filter(expert=expert).values("project"))
            | Q(pk__in=TimeEntry.objects.filter(expert=expert).values("task"))
        )
        .first()
    )
    if task is None:
        raise Http404("No task found.")
    return task


# --- reports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    start: date
    end: date
    organization: Organization | None = None
    project: Project | None = None
    expert: User | None = None


GROUPS = {
    "project": "Project",
    "sprint": "Sprint",
    "expert": "Expert",
    "task": "Task",
    "entry": "Entries",
}


def report_entries(*, user, report: ReportFilter, in_range: bool = True):
    entries = TimeEntry.objects.visible_to(user)
    if report.organization:
        entries = entries.filter(organization=report.organization)
    if report.project:
        entries = entries.filter(project=report.project)
    if report.expert:
        entries = entries.filter(expert=report.expert)
    if in_range:
        return entries.filter(day__gte=report.start, day__lte=report.end)
    return entries.filter(day__lte=report.end)


def report_summary(*, user, report: ReportFilter) -> dict:
    """Totals of the range in one query."""
    return report_entries(user=user, report=report).aggregate(
        settled=_sum_hours(filter=Q(settlement__isnull=False)),
        hours=_sum_hours(),
        entries=Count("id"),
        experts=Count("expert", distinct=True),
        tasks=Count("task", distinct=True),
        projects=Count("project", distinct=True),
    )


def _variance(actual, estimate):
    return ExpressionWrapper(actual - estimate, output_field=HOURS)


def report_rows(*, user, report: ReportFilter, group: str):
    """One row per project, sprint (project × week), expert, task or entry, with hours in
    the range and, where a plan exists, the estimate and the variance (actual − estimate).

    - task: estimate of the task; actual = all hours on it up to the range's end.
    - project: estimates of the tasks worked on in the range; actual = all hours on those
      tasks up to the range's end.
    - sprint: estimates of the tasks planned in that week's sprint; actual = the week's hours.

    Project and sprint rows get their estimates from ``report_plans()``/``with_plans()``.
    """
    in_range = report_entries(user=user, report=report)
    to_date = report_entries(user=user, report=report, in_range=False).filter(
        Exists(in_range.filter(task_id=OuterRef("task_id")))
    )
    range_hours = _sum_hours(filter=Q(day__gte=report.start))

    # Rows are grouped by integer ids alone and their names read with MIN() (one value per
    # group): the database hashes a few thousand groups instead of sorting every entry by
    # text, then sorts only the grouped rows by name. The organization's name is reached
    # through the project: joined on the entry's own organization_id, which a customer's
    # filter pins, PostgreSQL underestimates the rows and picks a nested loop 10x slower.
    project_labels = {
        "project_name": Min("project__name"),
        "organization_name": Min("project__organization__name"),
    }
    if group == "project":
        # The estimates come from ``report_plans()``: a correlated subquery here would be
        # evaluated once per entry.
        return (
            to_date.values("project_id")
            .annotate(
                # ``actual`` first: once ``hours`` names the range's sum, Sum("hours")
                # would mean that annotation rather than the column.
                actual=_sum_hours(),
                hours=range_hours,
                **project_labels,
            )
            .order_by("organization_name", "project_name", "project_id")
        )
    if group == "task":
        return (
            to_date.values("task_id")
            .annotate(
                actual=_sum_hours(),
                hours=range_hours,
                title=Min("task__title"),
                status=Min("task__status"),
                estimate=Min("task__estimate_hours"),
                project_id=Min("project_id"),
                **project_labels,
            )
            .annotate(variance=_variance(F("actual"), F("estimate")))
            .order_by("organization_name", "project_name", "title", "task_id")
        )
    if group == "sprint":
        # The week's plan (its sprint's goal and estimates) comes from ``report_plans()``:
        # a subquery on the week here would drag the entry's day into the GROUP BY.
        return (
            in_range.annotate(week=TruncWeek("day"))
            .values("project_id", "week")
            .annotate(hours=_sum_hours(), tasks=Count("task", distinct=True), **project_labels)
            .order_by("-week", "organization_name", "project_name")
        )
    if group == "expert":
        return (
            in_range.values("expert_id")
            .annotate(
                hours=_sum_hours(),
                tasks=Count("task", distinct=True),
                days=Count("day", distinct=True),
                entries=Count("id"),
                first_name=Min("expert__first_name"),
                last_name=Min("expert__last_name"),
                email=Min("expert__email"),
            )
            .order_by("-hours", "email")
        )
    if group == "entry":
        return in_range.values(
            "id",
            "day",
            "hours",
            "description",
            "settlement_id",
            "expert_id",
            "task_id",
            first_name=F("expert__first_name"),
            last_name=F("expert__last_name"),
            email=F("expert__email"),
            title=F("task__title"),
            project_name=F("project__name"),
            organization_name=F("organization__name"),
        ).order_by("-day", "-id")
    raise ValueError(f"Unknown report grouping {group!r}")


class CountedRows:
    """A queryset of report rows whose count is already known from the summary (tasks
    worked, entries logged), so paging them costs no second pass over the entries."""

    def __init__(self, queryset, count: int):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def report_table(*, user, report: ReportFilter, group: str, summary: dict):
    """The report's rows: for tasks and entries, rows to page or stream, counted by the
    summary; for the bounded groupings, a list with the plans merged in."""
    rows = report_rows(user=user, report=report, group=group)
    if group == "task":
        return CountedRows(rows, summary["tasks"])
    if group == "entry":
        return CountedRows(rows, summary["entries"])
    rows = list(rows)
    plans = report_plans(user=user, report=report, group=group, rows=rows)
    return list(with_plans(rows, group=group, plans=plans))


def report_plans(*, user, report: ReportFilter, group: str, rows: list) -> dict | None:
    """The plan beside the project and sprint rows, in one query (as many rows as
    projects or sprints, never as entries):

    - project: the sum of the estimates of the tasks worked on in the range;
    - sprint: the week's sprint goal and the sum of its tasks' estimates.
    """
    if group not in ("project", "sprint"):
        return None
    project_ids = {row["project_id"] for row in rows}
    if group == "project":
        worked = report_entries(user=user, report=report).filter(task=OuterRef("pk"))
        estimates = (
            Task.objects.filter(project_id__in=project_ids)
            .filter(Exists(worked))
            .values("project_id")
            .annotate(estimate=Sum("estimate_hours"))
            .order_by()
        )
        return {row["project_id"]: row for row in estimates}
    if group == "sprint":
        plans = (
            Sprint.objects.filter(
                project_id__in=project_ids, starts_on__in={row["week"] for row in rows}
            )
            .values("project_id", "starts_on", "goal")
            .annotate(estimate=Sum("tasks__estimate_hours"))
            .order_by()
        )
        return {(plan["project_id"], plan["starts_on"]): plan for plan in plans}
    return None


def with_plans(rows, *, group: str, plans: dict | None):
    """Each project or sprint row with its plan's estimate (and goal) and the variance:
    actual − estimate."""
    if plans is None:
        yield from rows
        return
    for row in rows:
        if group == "project":
            plan, actual = plans.get(row["project_id"], {}), row["actual"]
        else:
            plan, actual = plans.get((row["project_id"], row["week"]), {}), row["hours"]
        estimate = plan.get("estimate")
        yield {
            **row,
            "goal": plan.get("goal", ""),
            "estimate": estimate,
            "variance": None if estimate is None else actual - estimate,
        }


def report_projects(*, user):
    return (
        Project.objects.visible_to(user)
        .select_related("organization")
        .order_by("organization__name", "name")
    )


def report_experts(*, user):
    """Experts a user may filter by: staff any expert; others the experts assigned to their
    organizations' projects, and themselves."""
    experts = User.objects.filter(expert_profile__isnull=False)
    if user.is_staff:
        return experts.order_by("first_name", "last_name", "email")
    return experts.filter(
        Q(pk=user.pk)
        | Q(
            Exists(
                Assignment.objects.filter(
                    expert=OuterRef("pk"),
                    organization__memberships__user=user,
                )
            )
        )
    ).order_by("first_name", "last_name", "email")


def report_organizations(*, user):
    return Organization.objects.visible_to(user).order_by("name")
