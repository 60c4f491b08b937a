"""Reports: hours by project, sprint, expert and task with estimates against actuals.

Every grouping but the entries reads the hours rollup (``projects.TaskHours``: one row per
task, expert and day, kept equal to the entries by ``timesheets.rollup`` in the same
transaction as every entry change; ``manage.py rollup_check`` proves it). The rollup holds
a fraction of the entries' rows, so the reports cost about what a plain ``SUM … GROUP BY``
over the entries would; the rollup also counts the entries it sums. The "by entry" view
and its export read the entries themselves: they show them one by one.

Sums and counts are computed by the database; Python adds up their groups (a few
thousand at most), subtracts the estimates and lays the rows out.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

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
from django.db.models.functions import Coalesce, TruncWeek
from django.http import Http404

from accounts.models import Organization, User
from projects.models import Assignment, Project, Sprint, Task
from timesheets.models import SettledPeriod, TimeEntry
from timesheets.selectors.common import (
    HOURS,
    ZERO,
    hours_projects,
    hours_visible_to,
    sum_hours,
)


@dataclass(frozen=True)
class ReportFilter:
    start: date
    end: date
    organization: Organization | None = None
    project: Project | None = None
    expert: User | None = None
    # The settled spans meeting the range, once read (``settled_spans``): the cached
    # figures read them for their key, and the summary then need not read them again.
    settled: tuple[tuple[date, date], ...] | None = None


GROUPS = {
    "project": "Project",
    "sprint": "Sprint",
    "expert": "Expert",
    "task": "Task",
    "entry": "Entries",
}


def report_entries(*, user, report: ReportFilter, in_range: bool = True):
    """The time entries of the report (the "by entry" view and its export)."""
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


def report_hours(*, user, report: ReportFilter, in_range: bool = True):
    """The rollup rows (task × expert × day) of the report: the same entries as
    ``report_entries``, summed by day; the same visibility (``hours_visible_to``)."""
    rows = hours_visible_to(user)
    if report.organization:
        rows = rows.filter(
            project_id__in=Project.objects.filter(organization=report.organization).values("pk")
        )
    if report.project:
        rows = rows.filter(project=report.project)
    if report.expert:
        rows = rows.filter(expert=report.expert)
    if in_range:
        return rows.filter(day__gte=report.start, day__lte=report.end)
    return rows.filter(day__lte=report.end)


def settled_spans(report: ReportFilter) -> tuple[tuple[date, date], ...]:
    """The settled periods that meet the range (one short query, unless the report already
    carries them), adjacent periods merged into one span."""
    if report.settled is not None:
        return report.settled
    periods = SettledPeriod.objects.filter(
        starts_on__lte=report.end, ends_on__gte=report.start
    ).order_by("starts_on")
    spans: list[list[date]] = []
    for starts_on, ends_on in periods.values_list("starts_on", "ends_on"):
        if spans and starts_on <= spans[-1][1] + timedelta(days=1):
            spans[-1][1] = max(spans[-1][1], ends_on)
        else:
            spans.append([starts_on, ends_on])
    return tuple((starts_on, ends_on) for starts_on, ends_on in spans)


def settled_days(report: ReportFilter) -> Q:
    """The days of the settled periods that meet the range. An entry is settled when its
    day lies in a settled period (R-TIMESHEET: the lock is by day), so the rollup's hours
    on those days are the settled hours."""
    condition = Q(pk__in=[])
    for starts_on, ends_on in settled_spans(report):
        condition |= Q(day__gte=starts_on, day__lte=ends_on)
    return condition


def _coalesced(expression):
    return Coalesce(expression, ZERO, output_field=HOURS)


def report_summary(*, user, report: ReportFilter, group: str | None = None) -> dict:
    """Totals of the range from the rollup, without ``COUNT(DISTINCT …)`` over its rows
    for the totals:

    - the rows grouped by project and expert (as many groups as people on projects): the
      hours, the settled hours, the experts and each project's hours are added up from
      these groups;
    - the tasks worked in the range (their ids, hashed once) grouped by project: how many
      per project and the sum of their estimates (the project view's plan).

    The task view reads the worked tasks' ids in its order instead of their plans
    (``worked_task_ids``: it pages through them). The expert view adds its totals up from
    its own rows (one pass grouped by expert, ``expert_rows``) and counts the projects by
    index probes and the tasks by their ids. The entries are counted from the rollup's
    counts too (the "by entry" view pages by it)."""
    rows = report_hours(user=user, report=report)
    if group == "expert":
        return _expert_summary(user=user, report=report, rows=rows)
    pairs = (  # tuples, not dicts: thousands of groups for a large customer
        rows.values_list("project_id", "expert_id")
        .annotate(
            pair_hours=Sum("hours"),
            pair_settled=Sum("hours", filter=settled_days(report)),
            pair_entries=Sum("entries"),
        )
        .order_by()
    )
    hours = settled = ZERO
    entries, experts, project_hours = 0, set(), {}
    for project, expert, pair_hours, pair_settled, pair_entries in pairs:
        hours += pair_hours
        entries += pair_entries
        settled += pair_settled or ZERO
        experts.add(expert)
        project_hours[project] = project_hours.get(project, ZERO) + pair_hours
    summary = {
        "hours": hours,
        "settled": settled,
        "experts": len(experts),
        "projects": len(project_hours),
        "project_hours": project_hours,
        "entries": entries,
    }
    if group == "task":
        summary["task_ids"] = worked_task_ids(rows, project_ids=project_hours)
        summary["tasks"] = len(summary["task_ids"])
        return summary
    worked = (
        Task.objects.filter(pk__in=rows.values("task_id").distinct())
        .values("project_id")
        .annotate(worked=Count("pk"), estimate=Sum("estimate_hours"))
        .order_by()
    )
    summary["project_plans"] = {plan["project_id"]: plan for plan in worked}
    summary["tasks"] = sum(plan["worked"] for plan in summary["project_plans"].values())
    return summary


def _expert_summary(*, user, report: ReportFilter, rows) -> dict:
    """The expert view's totals from its own rows (hours, settled hours and entries per
    expert), the projects with hours (an index probe per project the user may see, no
    pass over the rows) and the tasks worked (their ids, hashed once)."""
    experts = list(expert_rows(rows, report=report))
    worked_on = Exists(rows.filter(project_id=OuterRef("pk")))
    return {
        "hours": sum((row["hours"] for row in experts), ZERO),
        "settled": sum((row["settled"] or ZERO for row in experts), ZERO),
        "entries": sum(row["entries"] for row in experts),
        "experts": len(experts),
        "projects": hours_projects(user).filter(worked_on).count(),
        "tasks": rows.values("task_id").distinct().count(),
        "expert_rows": experts,
    }


def expert_rows(rows, *, report: ReportFilter):
    """One row per expert with hours among ``rows``: hours, settled hours, tasks, days and
    entries, ids only (names are read by id: joined here, every row's names would travel
    through the sort the distinct counts need)."""
    return (
        rows.values("expert_id")
        .annotate(
            # Before ``hours``, which would otherwise name the annotation here.
            settled=Sum("hours", filter=settled_days(report)),
            hours=sum_hours(),
            tasks=Count("task", distinct=True),
            days=Count("day", distinct=True),
            entries=Sum("entries"),
        )
        .order_by("-hours", "expert_id")
    )


TASK_ORDER = ("project__organization__name", "project__name", "title", "pk")


def worked_task_ids(rows, *, project_ids) -> list[int]:
    """The ids of the tasks with hours among ``rows`` (the report's range), in the task
    view's order: organization, project, title. Two narrow statements instead of a join of
    the range's rows to the tasks: the distinct task ids of the rows (hashed, no sums),
    and the tasks of the projects with hours (``project_ids``, from the summary's groups)
    sorted by name, ids only; the worked ones are kept. A task moved to another project
    after its hours were logged (its hours keep their project) is looked up by id."""
    worked = set(rows.values_list("task_id", flat=True).distinct())
    tasks = Task.objects.order_by(*TASK_ORDER).values_list("pk", flat=True)
    ordered = [pk for pk in tasks.filter(project_id__in=project_ids) if pk in worked]
    if len(ordered) < len(worked):
        moved = worked.difference(ordered)
        ordered = list(tasks.filter(Q(project_id__in=project_ids) | Q(pk__in=moved)))
        ordered = [pk for pk in ordered if pk in worked]
    return ordered


def _variance(actual, estimate):
    return ExpressionWrapper(actual - estimate, output_field=HOURS)


def report_rows(*, user, report: ReportFilter, group: str):
    """One row per project, sprint (project × week), expert, task or entry, with hours in
    the range and, where a plan exists, the estimate and the variance (actual − estimate).

    - task: estimate of the task; actual = all hours on it up to the range's end.
    - project: estimates of the tasks worked on in the range; actual = all hours on those
      tasks up to the range's end.
    - sprint: estimates of the tasks planned in that week's sprint; actual = the week's hours.

    Every grouping but the entries reads the rollup. Project rows get ``actual`` from
    ``report_hours_before()``, project and sprint rows their estimates from
    ``report_plans()``/``with_plans()`` (in ``report_table()``).
    """
    in_range = report_hours(user=user, report=report)
    to_date = report_hours(user=user, report=report, in_range=False)
    range_hours = sum_hours(filter=Q(day__gte=report.start))

    # Rows are grouped by integer ids alone and their names read with MIN() (one value per
    # group): the database hashes a few thousand groups instead of sorting every row by
    # text, then sorts only the grouped rows by name.
    project_labels = {
        "project_name": Min("project__name"),
        "organization_name": Min("project__organization__name"),
    }
    if group == "project":
        # The range's hours; ``actual`` (all hours to date on the tasks worked in the
        # range) is those plus the hours before the range on the same tasks, added by
        # ``report_table()`` from ``report_hours_before()``: no second pass over the range.
        # The estimates come from ``report_plans()``.
        return (
            in_range.values("project_id")
            .annotate(hours=sum_hours(), **project_labels)
            .order_by("organization_name", "project_name", "project_id")
        )
    if group == "task":
        # A task is in the report when it has hours in the range: every rollup row has
        # hours (> 0), so that is a range sum above zero, kept in the same pass.
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
            .filter(hours__gt=0)
            .annotate(variance=_variance(F("actual"), F("estimate")))
            .order_by("organization_name", "project_name", "title", "task_id")
        )
    if group == "sprint":
        # The week's plan (its sprint's goal and estimates) comes from ``report_plans()``:
        # a subquery on the week here would drag the day into the GROUP BY.
        return (
            in_range.annotate(week=TruncWeek("day"))
            .values("project_id", "week")
            .annotate(hours=sum_hours(), tasks=Count("task", distinct=True), **project_labels)
            .order_by("-week", "organization_name", "project_name")
        )
    if group == "expert":
        # Names are added by ``report_table()`` (one query by id).
        return expert_rows(in_range, report=report)
    if group == "entry":
        return (
            report_entries(user=user, report=report)
            .with_settlement()
            .values(
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
            )
            .order_by("-day", "-id")
        )
    raise ValueError(f"Unknown report grouping {group!r}")


def report_hours_before(*, user, report: ReportFilter) -> dict[int, Decimal]:
    """Per project, the hours before the range on the tasks worked in it: with the range's
    own hours, all hours to date on those tasks. Reads the rows before the range only."""
    # EXISTS, so a range with little or nothing before it probes the task's rows in the
    # range by index rather than hashing every task of the range first.
    worked = report_hours(user=user, report=report).filter(task_id=OuterRef("task_id"))
    before = report_hours(user=user, report=report, in_range=False).filter(
        Exists(worked), day__lt=report.start
    )
    return dict(
        before.values("project_id")
        .annotate(before=Sum("hours"))
        .values_list("project_id", "before")
    )


class TaskRows:
    """The task view's rows, paged over the worked tasks' ids (in order, from the summary):
    a page reads its hundred tasks' names and estimates by id, and their sums (in the range
    and to date) from the rollup with no join: two small statements."""

    def __init__(self, *, user, report: ReportFilter, summary: dict):
        self.user, self.report = user, report
        self.task_ids = summary["task_ids"]

    def count(self) -> int:
        return len(self.task_ids)

    def __len__(self) -> int:
        return len(self.task_ids)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        ids = self.task_ids[key]
        if not ids:
            return []
        tasks = {
            pk: (title, status, estimate, project, project_name, organization_name)
            for pk, title, status, estimate, project, project_name, organization_name in (
                Task.objects.filter(pk__in=ids)
                .order_by()
                .values_list(
                    "pk",
                    "title",
                    "status",
                    "estimate_hours",
                    "project_id",
                    "project__name",
                    "project__organization__name",
                )
            )
        }
        sums = {
            task: (hours, actual)
            for task, hours, actual in report_hours(
                user=self.user, report=self.report, in_range=False
            )
            .filter(task_id__in=ids)
            .values_list("task_id")
            .annotate(
                range_hours=sum_hours(filter=Q(day__gte=self.report.start)),
                to_date=sum_hours(),
            )
            .order_by()
        }
        rows = []
        for pk in ids:
            # A task deleted, or whose hours were, since its id was read drops out.
            if pk not in tasks or not sums.get(pk, (ZERO,))[0]:
                continue
            title, status, estimate, project, project_name, organization_name = tasks[pk]
            hours, actual = sums[pk]
            rows.append(
                {
                    "task_id": pk,
                    "actual": actual,
                    "hours": hours,
                    "title": title,
                    "status": status,
                    "estimate": estimate,
                    "project_id": project,
                    "project_name": project_name,
                    "organization_name": organization_name,
                    "variance": None if estimate is None else actual - estimate,
                }
            )
        return rows


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
    if group == "project":
        return report_project_table(user=user, report=report, summary=summary)
    if group == "task":
        return TaskRows(user=user, report=report, summary=summary)
    if group == "expert" and "expert_rows" in summary:
        rows = summary["expert_rows"]
    else:
        rows = report_rows(user=user, report=report, group=group)
    if group == "entry":
        return CountedRows(rows, summary["entries"])
    rows = list(rows)
    if group == "expert":
        names = {
            pk: {"first_name": first, "last_name": last, "email": email}
            for pk, first, last, email in User.objects.filter(
                pk__in=[row["expert_id"] for row in rows]
            ).values_list("pk", "first_name", "last_name", "email")
        }
        rows = [{**row, **names[row["expert_id"]]} for row in rows]
        rows.sort(key=lambda row: (-row["hours"], row["email"]))
        return rows
    plans = report_plans(user=user, report=report, group=group, rows=rows)
    return list(with_plans(rows, group=group, plans=plans))


def report_project_table(*, user, report: ReportFilter, summary: dict) -> list:
    """The project rows from the summary's groups (hours and plans), their names (one
    query by id) and the hours before the range on their worked tasks: no pass over the
    range's rows beyond the summary's."""
    project_hours = summary["project_hours"]
    names = Project.objects.filter(pk__in=project_hours).values_list(
        "pk", "name", "organization__name"
    )
    before = report_hours_before(user=user, report=report)
    rows = [
        {
            "project_id": pk,
            "project_name": name,
            "organization_name": organization,
            "hours": project_hours[pk],
            "actual": project_hours[pk] + before.get(pk, ZERO),
        }
        for pk, name, organization in names
    ]
    rows.sort(key=lambda row: (row["organization_name"], row["project_name"], row["project_id"]))
    return list(with_plans(rows, group="project", plans=summary["project_plans"]))


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
        worked = report_hours(user=user, report=report).values("task_id")
        estimates = (
            Task.objects.filter(project_id__in=project_ids, pk__in=worked)
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


SEARCH_MATCHES = 20
SEARCHED_FIELDS = {
    "organization": ("name",),
    "project": ("name", "organization__name"),
    "expert": ("first_name", "last_name", "email"),
}


def report_choices(*, user, field: str):
    """The choices of one report filter: what the user may see (404 for another field)."""
    choices = {
        "organization": report_organizations,
        "project": report_projects,
        "expert": report_experts,
    }
    if field not in choices:
        raise Http404("No such filter.")
    return choices[field](user=user)


def report_choice_list(queryset, *, field: str, text: str, chosen: int | None):
    """A searched filter's short list, in one query: the chosen value (if the user may see
    it) and the first ``SEARCH_MATCHES`` choices whose names or emails contain every typed
    word, case-insensitive."""
    wanted = Q(pk=chosen) if chosen is not None else Q(pk__in=[])
    words = text.split()[:4]
    if words:
        matches = queryset
        for word in words:
            any_field = Q()
            for name in SEARCHED_FIELDS[field]:
                any_field |= Q(**{f"{name}__icontains": word})
            matches = matches.filter(any_field)
        wanted |= Q(pk__in=matches.values("pk")[:SEARCH_MATCHES])
    elif chosen is None:
        return queryset.none()
    return queryset.filter(wanted)
