from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from tests.factories.timesheets import TimeEntryFactory
from tests.tenancy import Sample
from timesheets.models import RunningTimer, TimeEntry


def populate(world):
    """An entry of expert A on tenant A's task (yesterday, so every rule would accept it)."""
    world.extra["entry_a"] = TimeEntryFactory(
        expert=world.expert_a,
        task=world.task_a,
        day=timezone.now().date() - timedelta(days=1),
        hours=Decimal("3.25"),
        description="Entry TENANT-A-SECRET",
    )
    # Expert A's timer, running on the milestone for ten minutes.
    world.extra["timer_a"] = RunningTimer.objects.create(
        expert=world.expert_a,
        task=world.milestone_a,
        organization=world.org_a,
        started_at=timezone.now() - timedelta(minutes=10),
    )


def _entry(w):
    return {"pk": w.entry_a.pk}


def _report(group):
    def query(w):
        return {
            "start": (w.today - timedelta(days=30)).isoformat(),
            "end": w.today.isoformat(),
            "organization": w.org_a.pk,
            "project": w.project_a.pk,
            "expert": w.expert_a.pk,
            "group": group,
            "page": "1",
            # The searched filters' text (read when a list is too long to show whole).
            "organization_q": w.org_a.name,
            "project_q": w.project_a.name,
            "expert_q": w.expert_a.email,
        }

    return query


def _grid_cell(w):
    return f"cell-{w.task_a.pk}-{w.past_monday.isoformat()}"


ROUTES = {
    # A past week and tasks to add: an expert who has left must not see A's tasks there.
    "timesheets:week": Sample(
        query=lambda w: {
            "week": w.past_monday.isoformat(),
            "add": [w.task_a.pk, w.milestone_a.pk],
            "day": w.past_monday.isoformat(),
            # "Copy last week's rows" is the same page with copy=1 (a redirect adding rows).
            "copy": "",
        },
        payload=lambda w: {_grid_cell(w): "1.5"},
        writer="expert_a",
        refused={"owner_a": 302},
        done=lambda w: TimeEntry.objects.filter(task=w.task_a, day=w.past_monday).exists(),
    ),
    "timesheets:report": Sample(query=_report("task")),
    "timesheets:export": Sample(query=_report("entry")),
    # The report filter's search: tenant A's names must not be offered to others.
    "timesheets:report_choices": Sample(
        query=lambda w: {
            "field": "project",
            "project_q": w.project_a.name,
            "project": w.project_a.pk,
        },
    ),
    # Starting a timer on A's task stops expert A's timer on the milestone first.
    "timesheets:timer_start": Sample(
        kwargs=lambda w: {"pk": w.task_a.pk},
        payload=lambda w: {},
        writer="expert_a",
        refused={"owner_a": 302, "member_a": 302},
        done=lambda w: RunningTimer.objects.filter(expert=w.expert_a, task=w.task_a).exists(),
    ),
    "timesheets:timer_stop": Sample(
        payload=lambda w: {"discard": "1"},
        writer="expert_a",
        done=lambda w: not RunningTimer.objects.filter(expert=w.expert_a).exists(),
    ),
    "timesheets:task_log": Sample(
        kwargs=lambda w: {"pk": w.task_a.pk},
        payload=lambda w: {
            "day": (w.today - timedelta(days=2)).isoformat(),
            "hours": "1.25",
            "description": "Swept log",
        },
        writer="expert_a",
        done=lambda w: TimeEntry.objects.filter(description="Swept log").exists(),
    ),
    "timesheets:entry_edit": Sample(
        kwargs=_entry,
        query=lambda w: {"next": reverse("timesheets:report")},
        payload=lambda w: {
            "day": w.entry_a.day.isoformat(),
            "hours": "2",
            "description": "Swept edit",
        },
        writer="expert_a",
        done=lambda w: TimeEntry.objects.filter(description="Swept edit").exists(),
    ),
    "timesheets:entry_delete": Sample(
        kwargs=_entry,
        payload=lambda w: {},
        writer="expert_a",
        form=lambda w: reverse("timesheets:entry_edit", kwargs=_entry(w)),
        done=lambda w: not TimeEntry.objects.filter(pk=w.entry_a.pk).exists(),
    ),
}
