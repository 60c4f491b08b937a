"""R-SUMMARY: one weekly summary per project and week, emailed (HTML + text) to the
customer's members and kept on the board."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from accounts.models import Membership
from projects.models import Assignment, Project, ProjectUpdate, Query, Release, Task, WeeklySummary
from projects.services.sprints import sprints_ensure
from projects.services.summaries import weekly_summaries_send
from tests.factories.accounts import ExpertProfileFactory, customer
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from tests.query_counts import queries_undone

pytestmark = pytest.mark.django_db

WEEK_DAY = datetime(2025, 10, 22, 12, tzinfo=UTC)  # a Wednesday; the week is 20–26 Oct
AFTER_WEEK = datetime(2025, 10, 27, 6, tzinfo=UTC)  # Monday morning in Warsaw


def _setup():
    project = ProjectFactory(name="Fleet dashboard", time_zone="Europe/Warsaw")
    owner = customer(project.organization, Membership.Role.OWNER, email="anna@acme.example")
    member = customer(project.organization, Membership.Role.MEMBER, email="ben@acme.example")
    eva = ExpertProfileFactory(user__first_name="Eva", user__last_name="Kowalska").user
    raj = ExpertProfileFactory(user__first_name="Raj", user__last_name="Patel").user
    for person, role in ((eva, Assignment.Role.LEAD), (raj, Assignment.Role.MEMBER)):
        AssignmentFactory(project=project, expert=person, role=role, starts_on=date(2025, 1, 1))
    week, following = sprints_ensure(project=project, now=WEEK_DAY)
    week.goal = "Ship the orders export"
    week.save()
    monday = week.starts_on
    done = TaskFactory(
        project=project,
        sprint=week,
        status=Task.Status.DONE,
        title="Orders export 0",
        assignee=eva,
        estimate_hours=Decimal("4"),
        first_estimate_hours=Decimal("3"),
    )
    TimeEntryFactory(task=done, expert=eva, day=monday, hours=Decimal("5"))
    started = TaskFactory(
        project=project, sprint=week, status=Task.Status.IN_PROGRESS, title="Login page"
    )
    TimeEntryFactory(task=started, expert=raj, day=monday + timedelta(days=2), hours=Decimal("3"))
    TimeEntryFactory(task=started, expert=raj, day=monday - timedelta(days=3), hours=Decimal("1"))
    planned = TaskFactory(
        project=project, sprint=following, status=Task.Status.TODO, title="Reports"
    )
    Query.objects.create(project=project, title="Can we add VAT?", body="?", asked_at=WEEK_DAY)
    Query.objects.create(
        project=project,
        title="Old one",
        body="?",
        state=Query.State.RESOLVED,
        resolved_at=WEEK_DAY,
    )
    release = Release.objects.create(
        project=project,
        title="v1.4",
        stage=Release.Stage.PRODUCTION,
        stage_changed_at=WEEK_DAY,
    )
    milestone = TaskFactory(project=project, kind=Task.Kind.MILESTONE, title="MVP", sprint=week)
    ProjectUpdate.objects.create(
        project=project, task=milestone, kind="milestone", body="MVP demo done", created_at=WEEK_DAY
    )
    return {
        "project": project,
        "members": [owner, member],
        "experts": [eva, raj],
        "started": started,
        "planned": planned,
        "release": release,
    }


def _more_done_work(world, tasks, entries):
    """More finished tasks in the summarized week, each with its hours, and more hours on
    the started task."""
    eva, raj = world["experts"]
    started = world["started"]
    monday = started.sprint.starts_on
    for n in range(tasks):
        task = TaskFactory(
            project=world["project"],
            sprint=started.sprint,
            status=Task.Status.DONE,
            title=f"More {n}",
            assignee=eva,
            estimate_hours=Decimal("2"),
        )
        TimeEntryFactory(task=task, expert=eva, day=monday, hours=Decimal("1"))
    for n in range(entries):
        TimeEntryFactory(
            task=started, expert=raj, day=monday + timedelta(days=n % 7), hours=Decimal("0.5")
        )


class TestWeeklySummary:
    def test_given_a_week_ended_then_the_members_get_its_summary(
        self, django_capture_on_commit_callbacks
    ):
        _setup()
        with django_capture_on_commit_callbacks(execute=True):
            assert weekly_summaries_send(now=AFTER_WEEK) == 1

        summary = WeeklySummary.objects.get()
        assert (summary.week_starts_on, summary.week_ends_on) == (
            date(2025, 10, 20),
            date(2025, 10, 26),
        )
        data = summary.data
        assert data["goal"] == "Ship the orders export"
        assert [t["title"] for t in data["done"]] == ["Orders export 0"]
        assert data["done"][0]["hours"] == "5.00" and data["done"][0]["estimate"] == "4.00"
        assert data["hours_total"] == "8.00"  # 5 + 3; the hour before Monday is not this week
        assert data["hours_by_expert"] == [
            {"name": "Eva Kowalska", "hours": "5.00"},
            {"name": "Raj Patel", "hours": "3.00"},
        ]
        by_task = {row["title"]: row for row in data["hours_by_task"]}
        assert by_task["Orders export 0"]["over_estimate"] is True  # 5 h against 4 h
        assert by_task["Login page"]["total_hours"] == "4.00"
        # The in-progress and milestone tasks rolled over into next week's plan.
        assert data["planned"]["rolled_over_count"] == 2
        assert {t["title"] for t in data["next_sprint"]["tasks"]} == {
            "Reports",
            "Login page",
            "MVP",
        }
        assert [q["title"] for q in data["open_queries"]] == ["Can we add VAT?"]
        assert [r["title"] for r in data["releases"]] == ["v1.4"]
        assert [u["body"] for u in data["updates"]] == ["MVP demo done"]

        assert sorted(m.to[0] for m in mail.outbox) == ["anna@acme.example", "ben@acme.example"]
        message = mail.outbox[0]
        assert (
            message.subject
            == "[SoftwareSupp] Fleet dashboard: your weekly summary, week of 20 Oct 2025"
        )
        for part in (message.body, message.alternatives[0][0]):
            assert "Orders export 0" in part
            assert "Eva Kowalska" in part
            assert "Can we add VAT?" in part
            assert "Reports" in part
        assert message.alternatives[0][1] == "text/html"
        assert "http://testserver/tasks/" in message.alternatives[0][0]
        assert (summary.recipient_count, summary.sent_at) == (2, AFTER_WEEK)

    def test_given_it_runs_twice_then_one_summary_and_one_email_each(
        self, django_capture_on_commit_callbacks
    ):
        _setup()
        with django_capture_on_commit_callbacks(execute=True):
            weekly_summaries_send(now=AFTER_WEEK)
            assert weekly_summaries_send(now=AFTER_WEEK + timedelta(hours=1)) == 0
            assert weekly_summaries_send(now=AFTER_WEEK + timedelta(days=2)) == 0
        assert WeeklySummary.objects.count() == 1
        assert len(mail.outbox) == 2

    def test_given_the_week_has_not_ended_where_the_customer_is_then_no_summary(self):
        _setup()
        # Sunday 23:30 in Warsaw.
        assert weekly_summaries_send(now=datetime(2025, 10, 26, 22, 30, tzinfo=UTC)) == 0
        assert not WeeklySummary.objects.exists()

    def test_given_downtime_then_each_missed_week_is_summarized_once(self):
        world = _setup()
        # Ten days late: the week of 20 Oct and the week of 27 Oct have both ended.
        assert weekly_summaries_send(now=AFTER_WEEK + timedelta(days=10)) == 2
        assert set(world["project"].summaries.values_list("week_starts_on", flat=True)) == {
            date(2025, 10, 20),
            date(2025, 10, 27),
        }

    def test_given_weeks_older_than_the_catch_up_window_then_they_are_not_summarized(self):
        _setup()
        assert weekly_summaries_send(now=AFTER_WEEK + timedelta(days=40)) == 0
        assert not WeeklySummary.objects.exists()

    def test_given_a_paused_project_then_no_summary(self):
        world = _setup()
        Project.objects.filter(pk=world["project"].pk).update(status=Project.Status.PAUSED)
        assert weekly_summaries_send(now=AFTER_WEEK) == 0

    def test_query_count_does_not_grow_with_tasks_or_hours(self, django_assert_num_queries):
        world = _setup()

        def send():
            assert weekly_summaries_send(now=AFTER_WEEK) == 1

        queries_undone(send)  # warm caches (content types)
        small = queries_undone(send)
        assert len(small) <= SUMMARY_MAX_QUERIES
        _more_done_work(world, tasks=30, entries=60)
        with django_assert_num_queries(len(small)):
            send()

    def test_the_summary_is_kept_on_the_board(self, client):
        world = _setup()
        weekly_summaries_send(now=AFTER_WEEK)
        summary = WeeklySummary.objects.get()
        client.force_login(world["members"][1])
        listing = client.get(f"/projects/{world['project'].pk}/summaries/").content.decode()
        assert summary.get_absolute_url() in listing
        page = client.get(summary.get_absolute_url()).content.decode()
        assert "Orders export 0" in page and "Can we add VAT?" in page

    def test_the_celery_task_sends_the_summaries(self):
        from projects.tasks.board import weekly_summaries_send_task

        _setup()
        with time_machine.travel(AFTER_WEEK, tick=False):
            assert weekly_summaries_send_task.delay().get() == 1


# The rollover's fixed set (13), then for the one week: lock, check, 10 reads, validate, write,
# recipients, the week's surveys (read once for every recipient's email), event.
SUMMARY_MAX_QUERIES = 37
