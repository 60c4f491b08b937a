"""Reports: hours by project, sprint, expert and task with estimates against actuals.

Sums, counts and variances are computed by the database; Python only lays the rows out.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncWeek

from accounts.models import Organization, User
from projects.models import Assignment, Project, Sprint, Task
from timesheets.models import TimeEntry
from timesheets.selectors.common import HOURS, sum_hours


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
        settled=sum_hours(filter=Q(settlement__isnull=False)),
        hours=sum_hours(),
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
    range_hours = sum_hours(filter=Q(day__gte=report.start))

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
                actual=sum_hours(),
                hours=range_hours,
                **project_labels,
            )
            .order_by("organization_name", "project_name", "project_id")
        )
    if group == "task":
        return (
            to_date.values("task_id")
            .annotate(
                actual=sum_hours(),
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
            .annotate(hours=sum_hours(), tasks=Count("task", distinct=True), **project_labels)
            .order_by("-week", "organization_name", "project_name")
        )
    if group == "expert":
        return (
            in_range.values("expert_id")
            .annotate(
                hours=sum_hours(),
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
    if user.sees_everything:
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
