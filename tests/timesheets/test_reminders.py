"""R-HOURS / R-ESTIMATE: reminders to experts and the staff digest, each sent once."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from projects.models import Assignment, Task
from tests.factories.accounts import StaffFactory, expert
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import Reminder
from timesheets.reminders import expert_reminders_send, staff_digest_send
from timesheets.tasks import remind_experts_task, send_hours_digest_task

# Wednesday 11 March 2026, 08:30 UTC: 09:30 in Warsaw, 03:30 in New York.
WEDNESDAY_MORNING = datetime(2026, 3, 11, 8, 30, tzinfo=UTC)


@pytest.fixture
def backlog(team):
    """Eva (Warsaw, lead): one in-progress task silent since last week, one with hours this
    week, an unassigned new task on her project and a new task assigned to her."""
    team.expert.time_zone = "Europe/Warsaw"
    team.expert.save(update_fields=["time_zone"])
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 5))
    busy = TaskFactory(
        project=team.project,
        title="Busy task",
        status=Task.Status.IN_PROGRESS,
        assignee=team.expert,
    )
    TimeEntryFactory(expert=team.expert, task=busy, day=date(2026, 3, 10))
    TaskFactory(
        project=team.project,
        title="Customer idea",
        status=Task.Status.NEW,
        estimate_hours=None,
        first_estimate_hours=None,
    )
    TaskFactory(
        project=team.project,
        title="Assigned idea",
        status=Task.Status.NEW,
        estimate_hours=None,
        first_estimate_hours=None,
        assignee=team.expert,
    )
    return team


def _send(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return expert_reminders_send()


def test_given_silent_tasks_and_missing_estimates_when_the_job_runs_then_the_expert_is_told(
    backlog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(WEDNESDAY_MORNING) == 1

    (email,) = mail.outbox
    assert email.to == ["eva@experts.example"]
    assert email.subject == "[SoftwareSupp] Hours missing this week and tasks to estimate"
    assert "Pick-and-place API (Warehouse robots), last hours on 5 Mar" in email.body
    assert f"http://testserver/tasks/{backlog.task.pk}/" in email.body
    assert "Busy task" not in email.body
    assert "Customer idea" in email.body and "Assigned idea" in email.body
    assert "http://testserver/timesheet/" in email.body
    assert "Log hours in your week" in email.alternatives[0][0]
    reminder = Reminder.objects.get()
    assert (reminder.recipient, reminder.day) == (backlog.expert, date(2026, 3, 11))
    assert reminder.summary["missing_hours"] == [backlog.task.pk]


def test_given_a_reminder_sent_when_the_job_runs_again_that_day_then_nothing_more_is_sent(
    backlog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send(WEDNESDAY_MORNING)
        assert _send(WEDNESDAY_MORNING) == 0
        assert _send(datetime(2026, 3, 11, 16, 0, tzinfo=UTC)) == 0
        assert _send(datetime(2026, 3, 12, 9, 0, tzinfo=UTC)) == 1  # Thursday: a new day
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("moment", "why"),
    [
        (datetime(2026, 3, 11, 7, 30, tzinfo=UTC), "08:30 in Warsaw: before the morning hour"),
        (datetime(2026, 3, 14, 10, 0, tzinfo=UTC), "Saturday"),
    ],
)
def test_given_outside_working_hours_when_the_job_runs_then_no_one_is_reminded(
    backlog, moment, why
):
    assert _send(moment) == 0, why
    assert not Reminder.objects.exists()


def test_given_a_monday_when_the_job_runs_then_only_estimates_are_asked_for(
    backlog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(datetime(2026, 3, 9, 9, 0, tzinfo=UTC)) == 1
    (email,) = mail.outbox
    assert email.subject == "[SoftwareSupp] Tasks waiting for your estimate"
    assert "Pick-and-place API" not in email.body


def test_given_nothing_missing_when_the_job_runs_then_no_email_is_sent(team):
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 10))
    assert _send(datetime(2026, 3, 11, 12, 0, tzinfo=UTC)) == 0
    assert not mail.outbox


def test_given_a_member_when_an_unassigned_task_needs_an_estimate_then_the_lead_is_asked(
    backlog, django_capture_on_commit_callbacks
):
    member = expert(user__email="raj@experts.example")
    Assignment.objects.create(project=backlog.project, expert=member, starts_on=date(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        _send(datetime(2026, 3, 11, 12, 0, tzinfo=UTC))
    assert [email.to for email in mail.outbox] == [["eva@experts.example"]]


def test_given_one_reminder_per_day_when_a_second_row_is_written_then_the_database_refuses(
    team,
):
    Reminder.objects.create(
        kind=Reminder.Kind.EXPERT_DAILY, recipient=team.expert, day=date.today()
    )
    with pytest.raises(IntegrityError):
        Reminder.objects.create(
            kind=Reminder.Kind.EXPERT_DAILY, recipient=team.expert, day=date.today()
        )


def _experts_with_silent_tasks(count: int) -> None:
    for _ in range(count):
        person = expert()
        project = ProjectFactory()
        Assignment.objects.create(project=project, expert=person, starts_on=date(2026, 1, 1))
        TaskFactory(project=project, status=Task.Status.IN_PROGRESS, assignee=person)
        TaskFactory(
            project=project, status=Task.Status.NEW, estimate_hours=None, first_estimate_hours=None
        )


@pytest.mark.parametrize("experts", [1, 12])
def test_given_more_experts_when_the_job_runs_then_the_query_count_stays(
    db, django_assert_num_queries, experts
):
    _experts_with_silent_tasks(experts)
    # experts, reminders already sent, assignments, in-progress tasks, new tasks, insert,
    # the outbox's one insert for every message (plus the savepoint around the job)
    moment = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), django_assert_num_queries(9):
        assert remind_experts_task() == experts


# --- the staff digest ------------------------------------------------------------------

MONDAY_MORNING = datetime(2026, 3, 16, 6, 41, tzinfo=UTC)


def test_given_last_week_when_the_digest_runs_then_staff_get_it_once(
    backlog, django_capture_on_commit_callbacks
):
    staff = StaffFactory(email="sam@softwaresupp.com")
    TimeEntryFactory(expert=backlog.expert, task=backlog.other, day=date(2026, 3, 12), hours=3)
    TimeEntryFactory(expert=backlog.expert, task=backlog.task, day=date(2026, 3, 16), hours=9)

    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(MONDAY_MORNING, tick=False):
            assert staff_digest_send() is True
            assert staff_digest_send() is False
        with time_machine.travel(datetime(2026, 3, 18, 6, 41, tzinfo=UTC), tick=False):
            assert send_hours_digest_task() is False

    (email,) = mail.outbox
    assert email.to == [staff.email]
    assert email.subject == (
        "[SoftwareSupp] Hours digest, week of 9 Mar 2026: 1 task without hours, 2 without estimate"
    )
    assert "5 h in total" in email.body  # 2 h on 10 Mar + 3 h on 12 Mar; 16 Mar is next week
    assert "Pick-and-place API" in email.body  # in progress, no hours 9–15 Mar
    assert "Warehouse robots: 2, the oldest since" in email.body
    assert Reminder.objects.get(kind=Reminder.Kind.STAFF_WEEKLY).day == date(2026, 3, 9)


def test_given_a_missed_monday_when_the_digest_runs_later_in_the_week_then_it_catches_up(
    backlog, django_capture_on_commit_callbacks
):
    StaffFactory()
    wednesday = datetime(2026, 3, 18, 6, 41, tzinfo=UTC)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(wednesday):
        assert staff_digest_send() is True
    assert "week of 9 Mar 2026" in mail.outbox[0].subject


@pytest.mark.parametrize("experts", [1, 12])
def test_given_more_experts_when_the_digest_runs_then_the_query_count_stays(
    db, django_assert_num_queries, experts
):
    _experts_with_silent_tasks(experts)
    StaffFactory()
    # already sent?, hours by expert, silent tasks (count, list), new tasks (by project,
    # count), week total, the record, staff, the outbox rows, plus the savepoints around
    # the job
    with time_machine.travel(MONDAY_MORNING, tick=False), django_assert_num_queries(12):
        assert staff_digest_send() is True
