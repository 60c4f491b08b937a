"""Response-time figures of the 1-hour promise, per project and per expert (R-QUERY-1H).

Over the queries asked in a period: the share answered within the hour, the median and
90th-percentile time to first response, breaches, and the delivery promises kept. Read in a
fixed number of SQL queries; the arithmetic is done here so that it is the same on
PostgreSQL and SQLite.
"""

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Project, Query
from projects.models.queries import (
    BREACH,
    ON_TIME,
    WAITING,
    QueryPromise,
    first_response_outcome,
)


def percentile(values: list, pct: int):
    """Nearest-rank percentile: the smallest value with at least ``pct`` % at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class ResponseFigures:
    label: str
    url: str = ""
    asked: int = 0  # queries asked in the period
    measured: int = 0  # answered, or still unanswered when the hour was up
    on_time: int = 0  # first response before 60:00
    breaches: int = 0  # first response at 60:00 or later, or none by then
    waiting: int = 0  # unanswered, the hour not yet up: no outcome yet
    times: list = field(default_factory=list, repr=False)  # time to first response
    promises_kept: int = 0
    promises_missed: int = 0  # delivered late, replaced late, or open past the deadline
    promises_open: int = 0

    def add_query(self, asked_at, due_at, responded_at, resolved_at, now) -> None:
        self.asked += 1
        outcome = first_response_outcome(
            due_at=due_at, responded_at=responded_at, resolved_at=resolved_at, now=now
        )
        if outcome == WAITING:
            self.waiting += 1
        if outcome not in (ON_TIME, BREACH):
            return
        self.measured += 1
        if responded_at is not None:
            self.times.append(responded_at - asked_at)
        if outcome == ON_TIME:
            self.on_time += 1
        else:
            self.breaches += 1

    def add_promise(self, state, due_at, now) -> None:
        if state == QueryPromise.State.KEPT:
            self.promises_kept += 1
        elif state == QueryPromise.State.MISSED or (
            state == QueryPromise.State.OPEN and now > due_at
        ):
            self.promises_missed += 1
        elif state == QueryPromise.State.OPEN:
            self.promises_open += 1

    @property
    def on_time_share(self) -> Decimal | None:
        return _share(self.on_time, self.measured)

    @property
    def median(self) -> timedelta | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p90(self) -> timedelta | None:
        return percentile(self.times, 90) if self.times else None

    @property
    def promises_settled(self) -> int:
        return self.promises_kept + self.promises_missed

    @property
    def promises_kept_share(self) -> Decimal | None:
        return _share(self.promises_kept, self.promises_settled)


@dataclass
class FiguresReport:
    start: datetime
    end: datetime
    overall: ResponseFigures
    projects: list[ResponseFigures]
    experts: list[ResponseFigures]


def _name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email


def query_figures(*, user, start: datetime, end: datetime) -> FiguresReport:
    """Figures over the queries asked in [start, end). Customers see their own projects',
    experts their own (and their projects'), staff everyone's. Four SQL queries."""
    now = timezone.now()
    visible_projects = Project.objects.visible_to(user)
    assignments = Assignment.objects.overlapping(start.date(), end.date())
    if user.sees_everything:
        queries = Query.objects.all()
    elif user.is_expert:
        # Their own record follows every assignment they had in the period.
        assignments = assignments.filter(expert=user)
        queries = Query.objects.filter(
            Q(project__in=visible_projects.values("pk"))
            | Q(project__in=assignments.values("project_id"))
        )
    else:
        assignments = assignments.none()
        queries = Query.objects.visible_to(user)
    queries = queries.filter(asked_at__gte=start, asked_at__lt=end)

    rows = list(
        queries.values_list(
            "pk",
            "project_id",
            "asked_at",
            "first_response_due_at",
            "first_responded_at",
            "resolved_at",
        )
    )
    project_names = dict(
        visible_projects.filter(pk__in={row[1] for row in rows}).values_list("pk", "name")
    )
    team = defaultdict(list)  # project id → (expert id, starts_on, ends_on)
    expert_names = {}
    for expert_id, project_id, starts_on, ends_on, first, last, email in assignments.values_list(
        "expert_id",
        "project_id",
        "starts_on",
        "ends_on",
        "expert__first_name",
        "expert__last_name",
        "expert__email",
    ):
        team[project_id].append((expert_id, starts_on, ends_on))
        expert_names[expert_id] = _name(first, last, email)

    overall = ResponseFigures(label="All projects")
    by_project = {
        pk: ResponseFigures(label=name, url=reverse("queries:project_list", kwargs={"pk": pk}))
        for pk, name in project_names.items()
    }
    by_expert = {pk: ResponseFigures(label=name) for pk, name in expert_names.items()}
    project_of = {}
    for pk, project_id, asked_at, due_at, responded_at, resolved_at in rows:
        project_of[pk] = project_id
        asked_day = asked_at.date()
        on_duty = {
            expert_id
            for expert_id, starts_on, ends_on in team[project_id]
            if starts_on <= asked_day and (ends_on is None or asked_day <= ends_on)
        }
        targets = [by_expert[expert_id] for expert_id in sorted(on_duty)]
        if project_id in by_project:
            targets += [overall, by_project[project_id]]
        for figures in targets:
            figures.add_query(asked_at, due_at, responded_at, resolved_at, now)

    promises = QueryPromise.objects.filter(query__in=queries.values("pk")).values_list(
        "query_id", "expert_id", "state", "due_at"
    )
    for query_id, expert_id, state, due_at in promises:
        project_id = project_of.get(query_id)
        if project_id in by_project:
            overall.add_promise(state, due_at, now)
            by_project[project_id].add_promise(state, due_at, now)
        if expert_id in by_expert:
            by_expert[expert_id].add_promise(state, due_at, now)

    return FiguresReport(
        start=start,
        end=end,
        overall=overall,
        projects=sorted(by_project.values(), key=lambda f: f.label.lower()),
        experts=sorted(
            (f for f in by_expert.values() if f.asked or f.promises_settled or f.promises_open),
            key=lambda f: f.label.lower(),
        ),
    )
