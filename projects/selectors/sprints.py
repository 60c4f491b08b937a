"""Reads for sprints: the week's plan against what was done, estimates against hours."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from projects.models import Sprint, Task, TaskHours
from projects.selectors.board import attach_hours
from softwaresupp.tenancy import get_visible_or_404

ZERO = Decimal("0.00")


def sprint_get(*, user, pk: int) -> Sprint:
    return get_visible_or_404(
        Sprint.objects.select_related("project", "project__organization"), user, pk=pk
    )


def sprint_list(*, project):
    return project.sprints.order_by("-starts_on")


@dataclass
class SprintReport:
    sprint: Sprint
    tasks: list
    hours_by_expert: list
    previous: Sprint | None
    following: Sprint | None

    def _sum(self, tasks, attr) -> Decimal:
        return sum((getattr(t, attr) or ZERO for t in tasks), ZERO)

    @property
    def planned(self) -> list:
        return [t for t in self.tasks if t.status != Task.Status.CANCELLED]

    @property
    def done(self) -> list:
        return [t for t in self.tasks if t.status == Task.Status.DONE]

    @property
    def planned_count(self) -> int:
        return len(self.planned) + self.sprint.rolled_over_count

    @property
    def planned_estimate(self) -> Decimal:
        return self._sum(self.planned, "estimate_hours") + self.sprint.rolled_over_estimate_hours

    @property
    def done_estimate(self) -> Decimal:
        return self._sum(self.done, "estimate_hours")

    @property
    def hours_this_week(self) -> Decimal:
        return sum((row["hours"] for row in self.hours_by_expert), ZERO)

    @property
    def done_percent(self) -> int:
        return round(100 * len(self.done) / self.planned_count) if self.planned_count else 0


def sprint_report(*, sprint: Sprint) -> SprintReport:
    week = (sprint.starts_on, sprint.ends_on)
    tasks = list(
        sprint.tasks.select_related("assignee")
        .prefetch_related("releases")
        .order_by("status", "position", "pk")
    )
    attach_hours(tasks, week)
    by_expert = list(
        TaskHours.objects.filter(project_id=sprint.project_id, day__range=week)
        .values("expert_id", "expert__first_name", "expert__last_name", "expert__email")
        .annotate(hours=Sum("hours"))
        .order_by("-hours")
    )
    siblings = Sprint.objects.filter(project_id=sprint.project_id)
    return SprintReport(
        sprint=sprint,
        tasks=tasks,
        hours_by_expert=by_expert,
        previous=siblings.filter(starts_on__lt=sprint.starts_on).order_by("-starts_on").first(),
        following=siblings.filter(starts_on__gt=sprint.starts_on).order_by("starts_on").first(),
    )
