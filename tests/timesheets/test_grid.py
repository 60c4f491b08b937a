"""The expert's weekly grid: tasks × days typed inline (R-TIMESHEET)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Assignment, Task
from tests.factories.accounts import expert
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import TimeEntry

# Wednesday 11 March 2026; the week runs Monday 9 – Sunday 15 March.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
WEEK = reverse("timesheets:week")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def signed_in(client, team):
    client.force_login(team.expert)
    return client


def _cell(task, day: str) -> str:
    return f"cell-{task.pk}-{day}"


def test_given_an_expert_when_opening_the_week_then_their_tasks_and_last_weeks_are_rows(
    signed_in, team
):
    last_week_task = TaskFactory(project=team.project, title="Conveyor calibration")
    TimeEntryFactory(expert=team.expert, task=last_week_task, day=date(2026, 3, 4))
    TimeEntryFactory(expert=team.expert, task=team.other, day=date(2026, 3, 10), hours=3)
    foreign = TaskFactory(title="Someone else's work", status=Task.Status.IN_PROGRESS)

    page = signed_in.get(WEEK)

    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["grid"].monday == date(2026, 3, 9)
    titles = [row.task.title for row in page.context["grid"].rows]
    assert titles == ["Conveyor calibration", "Dashboard charts", "Pick-and-place API"]
    assert "last week" in html
    assert "Someone else&#x27;s work" not in html and foreign.title not in html
    assert f'name="{_cell(team.task, "2026-03-11")}"' in html  # today takes hours
    assert f'name="{_cell(team.task, "2026-03-12")}"' not in html  # tomorrow does not
    assert page.context["grid"].total == Decimal("3")


def test_given_a_cell_when_typed_through_htmx_then_it_is_saved_and_the_totals_follow(
    signed_in, team
):
    TimeEntryFactory(expert=team.expert, task=team.other, day=date(2026, 3, 10), hours=3)
    name = _cell(team.task, "2026-03-10")

    response = signed_in.post(
        f"{WEEK}?week=2026-03-09", {name: "1:30"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name
    )

    entry = TimeEntry.objects.get(task=team.task)
    assert (entry.day, entry.hours, entry.expert) == (
        date(2026, 3, 10),
        Decimal("1.5"),
        team.expert,
    )
    html = response.content.decode()
    assert f'id="td-{name}"' in html and 'value="1.5"' in html
    row_total = f'id="row-total-{team.task.pk}" hx-swap-oob="true">1.5</td>'
    assert row_total in html
    assert 'id="day-total-1" hx-swap-oob="true">4.5</td>' in html
    assert 'id="week-total" data-testid="week-total" hx-swap-oob="true">4.5</td>' in html

    signed_in.post(WEEK, {name: "2.25"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name)
    entry.refresh_from_db()
    assert entry.hours == Decimal("2.25")

    signed_in.post(WEEK, {name: ""}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name)
    assert not TimeEntry.objects.filter(task=team.task).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1:20", "quarter hours"),
        ("abc", "Type hours as 1.5 or 1:30"),
        ("25", "A day has 24 hours"),
        ("-2", "more than zero"),
    ],
)
def test_given_a_refused_cell_when_typed_then_the_error_shows_beside_what_was_typed(
    signed_in, team, typed, message
):
    name = _cell(team.task, "2026-03-10")
    response = signed_in.post(
        WEEK, {name: typed}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{typed}"' in html and "is-invalid" in html
    assert not TimeEntry.objects.exists()


def test_given_the_week_without_javascript_when_saved_then_changed_cells_are_written(
    signed_in, team
):
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 9), hours=2)
    data = {
        _cell(team.task, "2026-03-09"): "2",  # unchanged
        _cell(team.task, "2026-03-10"): "4",
        _cell(team.task, "2026-03-11"): "",
    }

    response = signed_in.post(f"{WEEK}?week=2026-03-09", data)

    assert response.status_code == 302
    assert sorted(TimeEntry.objects.values_list("day", "hours")) == [
        (date(2026, 3, 9), Decimal("2.00")),
        (date(2026, 3, 10), Decimal("4.00")),
    ]
    refused = signed_in.post(WEEK, {**data, _cell(team.task, "2026-03-11"): "30m x"})
    assert refused.status_code == 200
    assert "Some hours were not saved" in refused.content.decode()
    assert 'value="30m x"' in refused.content.decode()


def test_given_a_cell_of_several_entries_when_typed_then_it_is_refused(signed_in, team):
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 10), hours=1)
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 10), hours=2)
    name = _cell(team.task, "2026-03-10")

    page = signed_in.get(WEEK).content.decode()
    assert f'name="{name}"' not in page
    response = signed_in.post(WEEK, {name: "5"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name)
    assert "2 entries on this task" in response.content.decode()
    assert TimeEntry.objects.count() == 2


def test_given_a_task_of_another_tenant_when_added_or_posted_then_nothing_leaks(signed_in, team):
    foreign = TaskFactory(title="Foreign secret task")
    page = signed_in.get(f"{WEEK}?add={foreign.pk}")
    assert "Foreign secret task" not in page.content.decode()

    response = signed_in.post(WEEK, {_cell(foreign, "2026-03-10"): "2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert not TimeEntry.objects.exists()


def test_given_a_task_of_the_experts_project_when_added_then_it_becomes_a_row(signed_in, team):
    extra = TaskFactory(project=team.project, title="Spare parts import")
    page = signed_in.get(WEEK)
    assert extra in page.context["grid"].addable

    page = signed_in.get(f"{WEEK}?add={extra.pk}")
    assert extra.pk in [row.task.pk for row in page.context["grid"].rows]
    assert f"add={extra.pk}" in page.context["post_url"]


def test_given_weeks_when_navigating_then_the_future_is_not_offered(signed_in, team):
    assert signed_in.get(f"{WEEK}?week=2026-04-06").context["grid"].monday == date(2026, 3, 9)
    previous = signed_in.get(f"{WEEK}?week=2026-03-04").context["grid"]
    assert previous.monday == date(2026, 3, 2)
    assert previous.next_monday == date(2026, 3, 9)
    assert signed_in.get(f"{WEEK}?week=nonsense").context["grid"].monday == date(2026, 3, 9)


def test_given_a_day_off_the_assignment_when_shown_then_the_cell_is_locked(client, team):
    late_joiner = expert()
    Assignment.objects.create(project=team.project, expert=late_joiner, starts_on=date(2026, 3, 10))
    Task.objects.filter(pk=team.other.pk).update(assignee=late_joiner, status="in_progress")
    client.force_login(late_joiner)

    grid = client.get(WEEK).context["grid"]

    cells = {cell.day: cell for cell in grid.row_for(team.other.pk).cells}
    assert not cells[date(2026, 3, 9)].editable
    assert "Not assigned" in cells[date(2026, 3, 9)].reason
    assert cells[date(2026, 3, 10)].editable


def test_given_a_customer_when_opening_the_timesheet_then_they_go_to_the_report(client, team):
    client.force_login(team.customer)
    response = client.get(WEEK)
    assert response.status_code == 302
    assert response["Location"] == reverse("timesheets:report")


def _grow(team, tasks: int) -> None:
    project = ProjectFactory()
    Assignment.objects.create(project=project, expert=team.expert, starts_on=date(2026, 1, 1))
    for n in range(tasks):
        task = TaskFactory(project=project, status=Task.Status.IN_PROGRESS, assignee=team.expert)
        for day in (date(2026, 3, 3), date(2026, 3, 9), date(2026, 3, 10)):
            TimeEntryFactory(expert=team.expert, task=task, day=day, hours=Decimal("0.5"))
        TaskFactory(project=project, title=f"Backlog {n}")


@pytest.mark.parametrize("tasks", [1, 15])
def test_given_more_rows_when_the_grid_is_drawn_then_the_query_count_stays(
    signed_in, team, django_assert_num_queries, tasks
):
    _grow(team, tasks)
    # session, user with their expert profile, assignments, cells, tasks, settlements,
    # addable tasks, the running timer
    with django_assert_num_queries(8):
        page = signed_in.get(WEEK)
    assert len(page.context["grid"].rows) == tasks + 1


def test_given_more_rows_when_a_cell_is_saved_then_the_query_count_stays(
    signed_in, team, django_assert_num_queries
):
    def save(day: str):
        name = _cell(team.task, day)
        return signed_in.post(WEEK, {name: "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME=name)

    _grow(team, 1)
    save("2026-03-11")  # warm caches (content types)
    # the two grid reads around the save, the locks, the rules, the event and the hours rollup
    with CaptureQueriesContext(connection) as small:
        assert save("2026-03-09").status_code == 200
    _grow(team, 14)  # the saved day now has 15 other tasks' hours to roll up beside it
    with django_assert_num_queries(len(small)):
        assert save("2026-03-10").status_code == 200
    assert TimeEntry.objects.filter(task=team.task).count() == 3
