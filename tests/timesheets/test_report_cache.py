"""The report's figures kept under the projects' board stamps
(``timesheets.selectors.report_cache``): a report seen before is read from the cache in
fewer queries, the same at any size; every change to what it shows (hours, tasks,
estimates, names, sprints, settlements, memberships) shows on the next view; viewers never
get each other's figures; nothing read by a transaction that wrote is kept.

These tests commit (``transaction=True``): the stamp is written at COMMIT on PostgreSQL."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Organization, User
from projects.models import Assignment, Project, Sprint, Task
from tests.factories.accounts import StaffFactory, customer, expert, login_verified_staff
from tests.factories.projects import ProjectFactory, SprintFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import SettledPeriod, TimeEntry
from timesheets.selectors import ReportFilter, report_figures

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = reverse("timesheets:report")
RANGE = {"start": "2026-03-02", "end": "2026-03-15"}
GROUPS = ("project", "sprint", "expert", "task")


@pytest.fixture(autouse=True)
def _empty_fragments():
    caches["fragments"].clear()
    yield


@pytest.fixture(autouse=True)
def _unsettled(transactional_db):
    """Settled periods go first when the test's rows are flushed: SQLite's flush deletes
    row by row, and the settled-entry trigger refuses to delete a settled entry."""
    yield
    SettledPeriod.objects.all().delete()


@pytest.fixture
def books(team):
    """Two weeks of Acme's hours by Eva on two tasks, in a sprint, and hours before the range."""
    sprint = SprintFactory(
        project=team.project, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 15), goal="Ship"
    )
    Task.objects.filter(pk__in=[team.task.pk, team.other.pk]).update(
        sprint=sprint, estimate_hours=Decimal("4")
    )
    for task, day, hours in (
        (team.task, date(2026, 2, 20), "1"),
        (team.task, date(2026, 3, 3), "2"),
        (team.task, date(2026, 3, 10), "2.5"),
        (team.other, date(2026, 3, 11), "6"),
    ):
        TimeEntryFactory(expert=team.expert, task=task, day=day, hours=Decimal(hours))
    team.sprint = sprint
    return team


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _figures(client, **params):
    """What the report shows: its totals and the rows of its page."""
    response = client.get(REPORT, {**RANGE, **params})
    assert response.status_code == 200
    summary = {
        name: response.context["summary"][name]
        for name in ("hours", "settled", "experts", "projects", "tasks", "entries")
    }
    page = response.context["page"]
    return summary, list(page.object_list), page.number, page.paginator.count


def _fresh(client, **params):
    caches["fragments"].clear()
    return _figures(client, **params)


@pytest.mark.parametrize("group", GROUPS)
def test_given_a_report_seen_before_when_nothing_changed_then_it_is_read_from_the_cache(
    books, group
):
    client = _client(books.customer)
    first = _figures(client, group=group)
    with CaptureQueriesContext(connection) as seen:
        again = _figures(client, group=group)
    assert again == first
    statements = " ".join(query["sql"] for query in seen.captured_queries)
    assert "projects_taskhours" not in statements  # no pass over the hours


@pytest.mark.parametrize("tasks", [1, 30])
@pytest.mark.parametrize("group", GROUPS)
def test_given_more_rows_when_a_report_seen_before_is_drawn_then_the_query_count_stays(
    books, django_assert_num_queries, tasks, group
):
    for _ in range(tasks):
        task = TaskFactory(project=books.project)
        TimeEntryFactory(expert=books.expert, task=task, day=date(2026, 3, 4))
    client = _client(books.customer)
    _figures(client, group=group)
    # session, user with their expert profile, the menu's organizations, the filter's
    # organization, project and expert choices, the settled spans, the projects' stamps
    with django_assert_num_queries(8):
        client.get(REPORT, {**RANGE, "group": group})


def test_given_the_entries_view_when_seen_again_then_it_is_read_afresh(books):
    client = _client(books.customer)
    _figures(client, group="entry")
    TimeEntry.objects.filter(task=books.task, day=date(2026, 3, 3)).update(
        description="Rewired the gripper"
    )
    response = client.get(REPORT, {**RANGE, "group": "entry"})
    assert "Rewired the gripper" in response.content.decode()


def _log_hours(books):
    TimeEntryFactory(expert=books.expert, task=books.other, day=date(2026, 3, 12))


def _delete_hours(books):
    TimeEntry.objects.get(task=books.task, day=date(2026, 3, 10)).delete()


def _rename_task(books):
    Task.objects.filter(pk=books.task.pk).update(title="Pick-and-place API v2")


def _change_estimate(books):
    Task.objects.filter(pk=books.other.pk).update(estimate_hours=Decimal("9.5"))


def _move_task(books):
    elsewhere = ProjectFactory(organization=books.organization, name="Sorting line")
    Task.objects.filter(pk=books.other.pk).update(project=elsewhere)


def _rename_project(books):
    Project.objects.filter(pk=books.project.pk).update(name="Warehouse robots II")


def _rename_organization(books):
    Organization.objects.filter(pk=books.organization.pk).update(name="Acme Robotics GmbH")


def _rename_expert(books):
    User.objects.filter(pk=books.expert.pk).update(first_name="Evangeline")


def _change_sprint_goal(books):
    Sprint.objects.filter(pk=books.sprint.pk).update(goal="Ship the gripper")


def _settle_a_week(books):
    SettledPeriod.objects.create(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 8))


CHANGES = {
    "hours logged": (_log_hours, GROUPS),
    "hours deleted": (_delete_hours, GROUPS),
    "task renamed": (_rename_task, ("task",)),
    "estimate changed": (_change_estimate, ("task", "project", "sprint")),
    "task moved": (_move_task, ("task", "project")),
    "project renamed": (_rename_project, ("task", "project", "sprint")),
    "organization renamed": (_rename_organization, ("task", "project", "sprint")),
    "expert renamed": (_rename_expert, ("expert",)),
    "sprint goal changed": (_change_sprint_goal, ("sprint",)),
    "a week settled": (_settle_a_week, GROUPS),
}


@pytest.mark.parametrize(
    ("change", "group"),
    [(name, group) for name, (_, groups) in CHANGES.items() for group in groups],
)
def test_given_a_report_seen_before_when_what_it_shows_changes_then_the_next_view_shows_it(
    books, change, group
):
    client = _client(books.customer)
    before = _figures(client, group=group)
    CHANGES[change][0](books)
    after = _figures(client, group=group)
    assert after != before
    assert after == _fresh(client, group=group)


def test_given_a_customer_who_left_the_organization_when_reporting_then_its_hours_are_gone(books):
    client = _client(books.customer)
    assert _figures(client, group="task")[0]["hours"] == Decimal("10.5")
    Membership.objects.filter(user=books.customer).delete()
    summary, rows, _, _ = _figures(client, group="task")
    assert summary["hours"] == 0 and rows == []


def test_given_viewers_with_the_same_filters_then_each_sees_their_own_figures(books):
    """Eva and the customer read the same project's stamps: the user is in the key too."""
    globex = ProjectFactory(name="Globex line")
    raj = expert(user__email="raj@experts.example")
    for project in (globex, books.project):
        Assignment.objects.create(project=project, expert=raj, starts_on=date(2026, 1, 1))
    TimeEntryFactory(
        expert=raj, task=TaskFactory(project=globex), day=date(2026, 3, 4), hours=Decimal("7")
    )
    TimeEntryFactory(expert=raj, task=books.task, day=date(2026, 3, 4), hours=Decimal("3"))
    viewers = {
        "acme": (_client(books.customer), Decimal("13.5")),
        "globex": (_client(customer(globex.organization, email="hank@globex.example")), 7),
        "eva": (_client(books.expert), Decimal("10.5")),
        "raj": (_client(raj), Decimal("10")),
    }
    for _ in range(2):  # the second round is read from the cache
        for client, hours in viewers.values():
            assert _figures(client, group="project")[0]["hours"] == hours


def test_given_staff_and_a_customer_with_the_same_filters_then_staff_see_every_tenant(books):
    globex = ProjectFactory(name="Globex line")
    raj = expert(user__email="raj@experts.example")
    Assignment.objects.create(project=globex, expert=raj, starts_on=date(2026, 1, 1))
    TimeEntryFactory(
        expert=raj, task=TaskFactory(project=globex), day=date(2026, 3, 4), hours=Decimal("7")
    )
    acme = _client(books.customer)
    staff = Client()
    login_verified_staff(staff, StaffFactory())
    assert _figures(acme, group="task")[0]["hours"] == Decimal("10.5")
    assert _figures(staff, group="task")[0]["hours"] == Decimal("17.5")
    assert _figures(acme, group="task")[0]["hours"] == Decimal("10.5")


def test_given_pages_when_paging_then_each_page_is_kept_apart(books):
    for number in range(120):
        task = TaskFactory(project=books.project, title=f"Task {number:03}")
        TimeEntryFactory(expert=books.expert, task=task, day=date(2026, 3, 5))
    client = _client(books.customer)
    first, second = _figures(client, group="task"), _figures(client, group="task", page="2")
    assert (first[2], second[2]) == (1, 2)
    assert {row["task_id"] for row in first[1]}.isdisjoint(row["task_id"] for row in second[1])
    assert _figures(client, group="task", page="x")[1] == first[1]
    assert _figures(client, group="task", page="999")[1] == second[1]
    assert _figures(client, group="task", page="2") == second


def test_given_a_transaction_that_wrote_when_it_reads_the_report_then_nothing_is_kept(books):
    report = ReportFilter(start=date(2026, 3, 2), end=date(2026, 3, 15))
    books.customer.refresh_from_db()
    with pytest.raises(RuntimeError), transaction.atomic():
        TimeEntryFactory(
            expert=books.expert, task=books.other, day=date(2026, 3, 13), hours=Decimal("1")
        )
        summary, _ = report_figures(
            user=books.customer, report=report, group="task", page_number=None, page_size=100
        )
        assert summary["hours"] == Decimal("11.5")
        raise RuntimeError("roll back")
    summary, _ = report_figures(
        user=books.customer, report=report, group="task", page_number=None, page_size=100
    )
    assert summary["hours"] == Decimal("10.5")
