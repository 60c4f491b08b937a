"""Shared reads for hour reporting: entries, a task's hours, the dashboard panel."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.models import Membership
from projects.models import Assignment, Project, Task, TaskHours
from softwaresupp.dates import monday_of
from softwaresupp.tenancy import get_visible_or_404
from timesheets.models import TimeEntry, local_today

ZERO = Decimal("0")
HOURS = DecimalField(max_digits=12, decimal_places=2)


def sum_hours(**filter_kwargs):
    return Coalesce(Sum("hours", **filter_kwargs), Value(ZERO), output_field=HOURS)


def hours_visible_to(user):
    """The hours rollup (``projects.TaskHours``) as ``TimeEntry.objects.visible_to(user)``
    shows the entries, rule for rule: staff all; an expert their own hours and those of
    their organizations' projects; customers their organizations' projects'. An entry's
    organization is its project's (the entry takes it from its task), so the rollup, which
    has no organization, reaches it through the project: a subquery of the organizations'
    project ids, or, for an expert (whose rule is an OR), a list read once per request so
    the OR does not turn into a scan of every row."""
    rows = TaskHours.objects.order_by()
    if not user.is_authenticated:
        return rows.none()
    if user.sees_everything:
        return rows
    memberships = Membership.objects.filter(user=user).order_by().values("organization_id")
    if not user.is_expert:
        return rows.filter(
            project_id__in=Project.objects.filter(organization_id__in=memberships).values("pk")
        )
    if not hasattr(user, "_timesheet_project_ids"):
        user._timesheet_project_ids = list(
            Project.objects.filter(organization_id__in=memberships).values_list("pk", flat=True)
        )
    if not user._timesheet_project_ids:
        return rows.filter(expert=user)
    return rows.filter(Q(expert=user) | Q(project_id__in=user._timesheet_project_ids))


def hours_projects(user):
    """The projects whose hours ``hours_visible_to(user)`` can show, as a small query on the
    projects (a superset is fine: callers still ask the rollup): staff every project; a
    customer their organizations'; an expert those and the projects of their own hours."""
    projects = Project.objects.order_by()
    if not user.is_authenticated:
        return projects.none()
    if user.sees_everything:
        return projects
    memberships = Membership.objects.filter(user=user).order_by().values("organization_id")
    if not user.is_expert:
        return projects.filter(organization_id__in=memberships)
    own = TaskHours.objects.filter(expert=user).order_by().values("project_id")
    return projects.filter(Q(organization_id__in=memberships) | Q(pk__in=own))


# --- single entries --------------------------------------------------------------------


def time_entry_get_for_edit(*, user, pk: int) -> TimeEntry:
    """An entry the user may change: their own (staff: anyone's). Others answer 404."""
    queryset = TimeEntry.objects.select_related("expert", "task", "project").with_settlement()
    if not user.sees_everything:
        queryset = queryset.filter(expert=user)
    return get_visible_or_404(queryset, user, pk=pk)


def task_loggable_get(*, user, pk: int) -> Task:
    """A task the user may see (404 otherwise): the quick "log hours" form posts to it."""
    return get_visible_or_404(Task.objects.select_related("project", "organization"), user, pk=pk)


def expert_assigned_on(*, expert, project, day: date) -> bool:
    return Assignment.objects.covering(day).filter(project=project, expert=expert).exists()


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
    totals = visible.aggregate(logged=sum_hours(), mine=sum_hours(filter=Q(expert=user)))
    entries = list(
        visible.select_related("expert").with_settlement().order_by("-day", "-id")[:recent]
    )
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
            this_week=sum_hours(filter=Q(day__gte=monday)),
            last_week=sum_hours(filter=Q(day__lt=monday)),
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
