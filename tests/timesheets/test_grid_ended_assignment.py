"""The weekly grid after an assignment ended: the expert keeps their own past hours, and
the project's tasks from their time, but nothing created after they left and nobody
else's hours (R-TENANT, R-TIMESHEET)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Assignment
from tests.factories.accounts import expert
from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import TimeEntry
from timesheets.services import time_entry_log

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
WEEK = reverse("timesheets:week")
PAST_WEEK = "2026-02-09"  # the leaver was assigned 2 – 20 February


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def leaver(team):
    person = expert(user__email="leo@experts.example")
    Assignment.objects.create(
        project=team.project, expert=person, starts_on=date(2026, 2, 2), ends_on=date(2026, 2, 20)
    )
    return person


@pytest.fixture
def old_task(team):
    return TaskFactory(
        project=team.project, title="Legacy import", created_at=datetime(2026, 2, 3, tzinfo=UTC)
    )


@pytest.fixture
def new_task(team):
    """Created after the leaver left; the still-assigned expert logs 7 h on it."""
    task = TaskFactory(project=team.project, title="Secret roadmap item")
    TimeEntryFactory(expert=team.expert, task=task, day=date(2026, 2, 11), hours=Decimal("7"))
    return task


def _cell(task, day: str = "2026-02-10") -> str:
    return f"cell-{task.pk}-{day}"


def test_given_an_ended_expert_when_adding_tasks_created_after_they_left_then_none_show(
    client, team, leaver, old_task, new_task
):
    TimeEntryFactory(expert=team.expert, task=old_task, day=date(2026, 3, 2), hours=Decimal("5"))
    TimeEntryFactory(expert=leaver, task=old_task, day=date(2026, 2, 10), hours=Decimal("1"))
    client.force_login(leaver)

    page = client.get(f"{WEEK}?week={PAST_WEEK}&add={new_task.pk}&add={team.other.pk}")

    grid = page.context["grid"]
    html = page.content.decode()
    assert [row.task for row in grid.rows] == [old_task]
    assert new_task not in grid.addable and team.other not in grid.addable
    assert "Secret roadmap item" not in html and "Dashboard charts" not in html
    # Only the leaver's own hour on the old task: not the 5 h logged after they left.
    assert grid.row_for(old_task.pk).task.logged_total == Decimal("1")
    assert grid.logged_total == Decimal("1")


def test_given_an_ended_expert_when_posting_a_cell_on_a_new_task_then_nothing_is_logged(
    client, team, leaver, new_task
):
    client.force_login(leaver)
    before = list(TimeEntry.objects.values_list("pk", "expert", "task", "day", "hours"))

    response = client.post(f"{WEEK}?week={PAST_WEEK}", {_cell(new_task): "2"})

    assert response.status_code == 404
    assert list(TimeEntry.objects.values_list("pk", "expert", "task", "day", "hours")) == before

    client.force_login(team.expert)
    saved = client.post(f"{WEEK}?week={PAST_WEEK}", {_cell(new_task): "2"})
    assert saved.status_code == 302
    assert TimeEntry.objects.get(task=new_task, day=date(2026, 2, 10)).expert == team.expert


def test_given_an_ended_expert_when_logging_late_on_a_task_of_their_time_then_it_is_saved(
    client, leaver, old_task
):
    client.force_login(leaver)

    response = client.post(f"{WEEK}?week={PAST_WEEK}", {_cell(old_task): "2"})

    assert response.status_code == 302
    assert TimeEntry.objects.get(task=old_task).hours == Decimal("2")
    refused = client.post(f"{WEEK}?week=2026-02-16", {_cell(old_task, "2026-02-23"): "2"})
    assert refused.status_code == 200  # a day after the assignment: refused beside the cell
    assert TimeEntry.objects.count() == 1


def test_given_a_task_added_after_the_assignment_ended_when_logging_then_it_is_refused(
    leaver, old_task, new_task
):
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=leaver, task=new_task, day=date(2026, 2, 10), hours=Decimal("1"))
    assert "was not assigned" in " ".join(error.value.message_dict["task"])
    time_entry_log(actor=leaver, task=old_task, day=date(2026, 2, 10), hours=Decimal("1"))
