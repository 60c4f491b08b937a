"""Hours reports and the CSV export: customers their organizations', experts their own,
staff everyone's, with estimates against actuals (R-TIMESHEET, R-TENANT)."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse

from projects.models import Assignment, Task
from tests.factories.accounts import MembershipFactory, StaffFactory, expert, login_verified_staff
from tests.factories.projects import ProjectFactory, SprintFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import SettledPeriod

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
REPORT = reverse("timesheets:report")
EXPORT = reverse("timesheets:export")
RANGE = {"start": "2026-03-02", "end": "2026-03-15"}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def books(team):
    """Two weeks of hours at Acme by Eva and Raj, hours before the range, and another
    customer's hours that Acme must never see."""
    raj = expert(user__email="raj@experts.example", user__first_name="Raj")
    Assignment.objects.create(project=team.project, expert=raj, starts_on=date(2026, 1, 1))
    sprint = SprintFactory(
        project=team.project, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 15), goal="Ship"
    )
    Task.objects.filter(pk=team.task.pk).update(sprint=sprint)  # estimate 4
    Task.objects.filter(pk=team.other.pk).update(sprint=sprint, estimate_hours=Decimal("10"))
    add = TimeEntryFactory
    add(expert=team.expert, task=team.task, day=date(2026, 2, 20), hours=Decimal("1"))  # before
    add(expert=team.expert, task=team.task, day=date(2026, 3, 3), hours=Decimal("2"))
    add(expert=team.expert, task=team.task, day=date(2026, 3, 10), hours=Decimal("2.5"))
    add(expert=raj, task=team.other, day=date(2026, 3, 10), hours=Decimal("6"))
    add(expert=raj, task=team.other, day=date(2026, 3, 11), hours=Decimal("1.25"))
    other_org_task = TaskFactory(title="Globex secret task")
    add(expert=raj, task=other_org_task, day=date(2026, 3, 10), hours=Decimal("7"))
    team.raj, team.sprint, team.other_org_task = raj, sprint, other_org_task
    return team


def _rows(client, **params):
    response = client.get(REPORT, {**RANGE, **params})
    assert response.status_code == 200
    return response, list(response.context["page"].object_list)


def test_given_a_customer_when_reporting_by_project_then_estimates_meet_actuals(client, books):
    client.force_login(books.customer)

    response, rows = _rows(client, group="project")

    assert len(rows) == 1
    row = rows[0]
    assert row["project_name"] == "Warehouse robots"
    assert row["hours"] == Decimal("11.75")  # in the range
    assert row["actual"] == Decimal("12.75")  # to date on those tasks, incl. 20 Feb
    assert row["estimate"] == Decimal("14")
    assert row["variance"] == Decimal("-1.25")
    summary = response.context["summary"]
    assert (summary["hours"], summary["experts"], summary["tasks"]) == (Decimal("11.75"), 2, 2)
    assert "Globex secret task" not in response.content.decode()


def test_given_a_customer_when_reporting_by_task_then_each_task_has_its_variance(client, books):
    client.force_login(books.customer)

    _, rows = _rows(client, group="task")

    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == {"Pick-and-place API", "Dashboard charts"}
    api = by_title["Pick-and-place API"]
    assert (api["hours"], api["actual"], api["estimate"], api["variance"]) == (
        Decimal("4.5"),
        Decimal("5.5"),
        Decimal("4"),
        Decimal("1.5"),
    )
    charts = by_title["Dashboard charts"]
    assert (charts["hours"], charts["variance"]) == (Decimal("7.25"), Decimal("-2.75"))


def test_given_a_customer_when_reporting_by_sprint_then_weeks_meet_their_plan(client, books):
    client.force_login(books.customer)

    response, rows = _rows(client, group="sprint")

    weeks = {row["week"]: row for row in rows}
    assert set(weeks) == {date(2026, 3, 2), date(2026, 3, 9)}
    planned = weeks[date(2026, 3, 9)]
    assert (planned["hours"], planned["estimate"], planned["variance"]) == (
        Decimal("9.75"),
        Decimal("14"),
        Decimal("-4.25"),
    )
    assert planned["goal"] == "Ship"
    unplanned = weeks[date(2026, 3, 2)]
    assert (unplanned["hours"], unplanned["estimate"]) == (Decimal("2"), None)
    assert "Week of 9 Mar 2026" in response.content.decode()


def test_given_a_customer_when_reporting_by_expert_then_each_expert_has_a_row(client, books):
    client.force_login(books.customer)

    _, rows = _rows(client, group="expert")

    assert [(r["email"], r["hours"], r["tasks"], r["days"]) for r in rows] == [
        ("raj@experts.example", Decimal("7.25"), 1, 2),
        ("eva@experts.example", Decimal("4.5"), 1, 2),
    ]


def test_given_an_expert_when_reporting_then_only_their_own_hours_show(client, books):
    client.force_login(books.expert)

    response, rows = _rows(client, group="entry")

    assert {row["email"] for row in rows} == {"eva@experts.example"}
    assert response.context["summary"]["hours"] == Decimal("4.5")
    assert "Raj" not in response.content.decode()


def test_given_staff_when_reporting_then_every_customer_shows(client, books):
    login_verified_staff(client, StaffFactory())

    response, rows = _rows(client, group="project")

    assert len(rows) == 2
    assert response.context["summary"]["hours"] == Decimal("18.75")


def test_given_an_expert_who_is_also_a_member_when_reporting_then_nothing_counts_twice(
    client, books
):
    MembershipFactory(user=books.expert, organization=books.organization)
    MembershipFactory(organization=books.organization)  # more members must not multiply rows
    client.force_login(books.expert)

    response, rows = _rows(client, group="project")

    assert response.context["summary"]["hours"] == Decimal("11.75")
    assert rows[0]["hours"] == Decimal("11.75")


def test_given_another_tenants_project_when_filtering_then_it_is_refused_and_hidden(client, books):
    client.force_login(books.customer)

    response, rows = _rows(client, group="task", project=books.other_org_task.project_id)

    assert "Select a valid choice" in response.content.decode()
    assert "Globex secret task" not in response.content.decode()
    assert {row["title"] for row in rows} == {"Pick-and-place API", "Dashboard charts"}


def test_given_filters_when_reporting_then_project_and_expert_narrow_the_rows(client, books):
    second = ProjectFactory(organization=books.organization, name="Second line")
    Assignment.objects.create(project=second, expert=books.raj, starts_on=date(2026, 1, 1))
    TimeEntryFactory(expert=books.raj, task=TaskFactory(project=second), day=date(2026, 3, 4))
    client.force_login(books.customer)

    _, rows = _rows(client, group="project", project=second.pk)
    assert [row["project_name"] for row in rows] == ["Second line"]
    response, _ = _rows(client, group="expert", expert=books.expert.pk)
    assert response.context["summary"]["hours"] == Decimal("4.5")


def test_given_no_range_when_reporting_then_the_last_four_weeks_show(client, books):
    client.force_login(books.customer)
    response = client.get(REPORT)
    report = response.context["report"]
    assert (report.start, report.end) == (date(2026, 2, 16), date(2026, 3, 15))
    assert response.context["summary"]["hours"] == Decimal("12.75")


def test_given_an_empty_range_when_reporting_then_the_empty_state_says_what_next(client, books):
    client.force_login(books.customer)
    response = client.get(REPORT, {"start": "2025-01-01", "end": "2025-01-31"})
    assert "No hours were reported in this range" in response.content.decode()


@pytest.mark.parametrize(("group", "rows"), [("task", 2), ("entry", 4)])
def test_given_more_rows_than_a_page_when_paging_then_every_row_shows_once(
    client, books, monkeypatch, group, rows
):
    monkeypatch.setattr("timesheets.views.REPORT_PAGE_SIZE", 1)
    client.force_login(books.customer)
    seen = []
    for number in range(1, rows + 1):
        response = client.get(REPORT, {**RANGE, "group": group, "page": number})
        assert response.context["page"].paginator.num_pages == rows
        seen += [row.get("id", row["task_id"]) for row in response.context["page"]]
    assert len(set(seen)) == rows


TOTALS = ("hours", "settled", "entries", "experts", "projects", "tasks")


@pytest.mark.parametrize("who", ["customer", "expert", "staff"])
def test_given_any_grouping_when_reporting_then_the_totals_are_the_same(client, books, who):
    # The expert view adds its totals up from its own rows and the task view counts its
    # tasks from the ids it pages through: each must agree with the other views. Eva also
    # logged on another customer's project (her own hours there show to her and staff).
    SettledPeriod.objects.create(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 8))
    Assignment.objects.create(
        project=books.other_org_task.project, expert=books.expert, starts_on=date(2026, 1, 1)
    )
    TimeEntryFactory(
        expert=books.expert, task=books.other_org_task, day=date(2026, 3, 12), hours=Decimal("3")
    )
    if who == "staff":
        login_verified_staff(client, StaffFactory())
    else:
        client.force_login(getattr(books, who))

    totals = {}
    for group in ("project", "sprint", "expert", "task", "entry"):
        summary = client.get(REPORT, {**RANGE, "group": group}).context["summary"]
        totals[group] = tuple(summary[key] for key in TOTALS)

    expected = {
        "customer": (Decimal("11.75"), Decimal("2"), 4, 2, 1, 2),
        "expert": (Decimal("7.5"), Decimal("2"), 3, 1, 2, 2),
        "staff": (Decimal("21.75"), Decimal("2"), 6, 2, 2, 3),
    }[who]
    assert set(totals.values()) == {expected}


def test_given_tasks_of_two_projects_when_paging_by_task_then_the_order_holds(
    client, books, monkeypatch
):
    monkeypatch.setattr("timesheets.views.REPORT_PAGE_SIZE", 2)
    second = ProjectFactory(organization=books.organization, name="Assembly line")
    Assignment.objects.create(project=second, expert=books.raj, starts_on=date(2026, 1, 1))
    for title in ("Welding", "Conveyor"):
        TimeEntryFactory(
            expert=books.raj, task=TaskFactory(project=second, title=title), day=date(2026, 3, 4)
        )
    client.force_login(books.customer)

    titles = []
    for number in (1, 2):
        response = client.get(REPORT, {**RANGE, "group": "task", "page": number})
        titles += [(row["project_name"], row["title"]) for row in response.context["page"]]

    assert titles == [
        ("Assembly line", "Conveyor"),
        ("Assembly line", "Welding"),
        ("Warehouse robots", "Dashboard charts"),
        ("Warehouse robots", "Pick-and-place API"),
    ]
    assert response.context["summary"]["tasks"] == 4


def test_given_a_task_moved_to_another_project_when_reporting_by_task_then_it_still_shows(
    client, books
):
    # Its hours keep the project they were logged on (the rollup's rows are not moved).
    second = ProjectFactory(organization=books.organization, name="Assembly line")
    Task.objects.filter(pk=books.task.pk).update(project=second)
    client.force_login(books.customer)

    response, rows = _rows(client, group="task")

    assert [(row["title"], row["hours"], row["actual"]) for row in rows] == [
        (books.task.title, Decimal("4.5"), Decimal("5.5")),
        (books.other.title, Decimal("7.25"), Decimal("7.25")),
    ]
    assert response.context["summary"]["tasks"] == 2


def _csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_given_a_customer_when_exporting_entries_then_their_rows_stream_as_csv(client, books):
    TimeEntryFactory(
        expert=books.expert,
        task=books.task,
        day=date(2026, 3, 4),
        hours=Decimal("0.25"),
        description='=HYPERLINK("http://evil")',
    )
    client.force_login(books.customer)

    response = client.get(EXPORT, {**RANGE, "group": "entry"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="hours-entry-20260302-20260315.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:3] == ["Day", "Organization", "Project"]
    assert len(rows) == 1 + 5
    assert "Globex secret task" not in str(rows)
    formula = next(row for row in rows if row[8] == "0.25")
    assert formula[9] == '\'=HYPERLINK("http://evil")'


def test_given_a_grouping_when_exporting_then_the_csv_has_the_reports_rows(client, books):
    client.force_login(books.customer)
    rows = _csv(client.get(EXPORT, {**RANGE, "group": "task"}))
    assert rows[0] == [
        "Organization",
        "Project",
        "Task id",
        "Task",
        "Status",
        "Hours in range",
        "Hours to date",
        "Estimate",
        "Variance",
    ]
    assert sorted(row[3] for row in rows[1:]) == ["Dashboard charts", "Pick-and-place API"]


def _grow(books, tasks: int) -> None:
    for _ in range(tasks):
        task = TaskFactory(project=books.project, estimate_hours=Decimal("3"))
        for day in (date(2026, 3, 3), date(2026, 3, 10)):
            TimeEntryFactory(expert=books.raj, task=task, day=day)


@pytest.mark.parametrize("tasks", [1, 20])
@pytest.mark.parametrize("group", ["project", "sprint", "expert", "task", "entry"])
def test_given_more_rows_when_the_report_is_drawn_then_the_query_count_stays(
    client, books, django_assert_num_queries, tasks, group
):
    _grow(books, tasks)
    client.force_login(books.customer)
    # session, user with their expert profile, the menu's organizations, the filter's organization,
    # project and expert choices (at most 51 each), the summary (the settled periods, the
    # hours by project and expert, the worked tasks by project: it also counts the rows to
    # page; for tasks their distinct ids, then the projects' tasks in order) and the rows
    # (for tasks, the page's names and its sums); projects add their names and the hours
    # before the range, sprints their plans; experts: their rows give the totals, the
    # projects and tasks are counted, names read. Every grouping but the entries also reads
    # the projects' board stamps (the key its figures are kept under) and, inside the
    # test's transaction on PostgreSQL, whether the transaction wrote (nothing is kept then)
    queries = {"project": 11, "sprint": 11, "expert": 11, "task": 12, "entry": 10}[group]
    if group != "entry":
        queries += 1 + (connection.vendor == "postgresql")
    with django_assert_num_queries(queries):
        client.get(REPORT, {**RANGE, "group": group})


@pytest.mark.parametrize("tasks", [1, 20])
def test_given_more_rows_when_exporting_then_the_query_count_stays(
    client, books, django_assert_num_queries, tasks
):
    _grow(books, tasks)
    client.force_login(books.customer)
    # session, user with their expert profile, the filter's organization, project and
    # expert choices (at most 51 each), the rows (read in chunks; on PostgreSQL one COPY)
    with django_assert_num_queries(6):
        rows = _csv(client.get(EXPORT, {**RANGE, "group": "entry"}))
    assert len(rows) == 1 + 4 + 2 * tasks
