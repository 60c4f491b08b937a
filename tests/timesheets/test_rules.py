"""R-TIMESHEET: the hard rules of a time entry, kept by the service whatever the caller."""

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from projects.models import Assignment, Task
from softwaresupp.models import Event
from tests.factories.accounts import expert, verified_staff
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.factories.timesheets import SettledPeriodFactory, TimeEntryFactory
from timesheets.models import TimeEntry
from timesheets.services import time_entry_log, time_entry_update

# A Wednesday, midday in UTC.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _messages(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


def test_given_an_assigned_expert_when_logging_hours_then_the_entry_is_saved_and_recorded(team):
    entry = time_entry_log(
        actor=team.expert,
        task=team.task,
        day=date(2026, 3, 10),
        hours=Decimal("2.5"),
        description=" Wired the gripper endpoint ",
    )

    entry.refresh_from_db()
    assert entry.hours == Decimal("2.50")
    assert entry.project == team.project
    assert entry.organization == team.organization
    assert entry.description == "Wired the gripper endpoint"
    assert not entry.is_settled
    event = Event.objects.get(verb="hours logged")
    assert event.target_id == team.task.pk
    assert event.changes == {"hours": [None, "2.5"]}


@pytest.mark.parametrize("hours", ["0", "-1", "-0.25"])
def test_given_zero_or_negative_hours_when_logging_then_it_is_refused(team, hours):
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=TODAY, hours=Decimal(hours))
    assert "more than zero" in _messages(error, "hours")
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("hours", ["1.1", "0.2", "2.33"])
def test_given_hours_off_the_quarter_hour_when_logging_then_it_is_refused(team, hours):
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=TODAY, hours=Decimal(hours))
    assert "quarter hours" in _messages(error, "hours")


def test_given_hours_on_several_entries_when_the_day_would_pass_24_then_it_is_refused(team):
    """The 24-hour limit counts every entry of the expert that day, on any project."""
    elsewhere = ProjectFactory()
    Assignment.objects.create(project=elsewhere, expert=team.expert, starts_on=date(2026, 1, 1))
    other_task = TaskFactory(project=elsewhere, status=Task.Status.IN_PROGRESS)
    day = date(2026, 3, 9)
    time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("10"))
    time_entry_log(actor=team.expert, task=team.other, day=day, hours=Decimal("6"))
    time_entry_log(actor=team.expert, task=other_task, day=day, hours=Decimal("4"))

    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("4.25"))
    assert "20 h are already logged" in _messages(error, "hours")
    assert "at most 4 h more" in _messages(error, "hours")

    time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("4"))
    assert sum(e.hours for e in TimeEntry.objects.filter(day=day)) == Decimal("24")
    # Another expert's hours and another day do not count.
    colleague = expert()
    Assignment.objects.create(project=team.project, expert=colleague, starts_on=date(2026, 1, 1))
    time_entry_log(actor=colleague, task=team.task, day=day, hours=Decimal("8"))
    time_entry_log(actor=team.expert, task=team.task, day=date(2026, 3, 10), hours=Decimal("8"))


def test_given_an_entry_when_its_change_would_pass_24_hours_then_it_is_refused(team):
    day = date(2026, 3, 9)
    first = time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("20"))
    second = time_entry_log(actor=team.expert, task=team.other, day=day, hours=Decimal("2"))

    with pytest.raises(ValidationError) as error:
        time_entry_update(actor=team.expert, entry=second, hours=Decimal("4.5"))
    assert "at most 4 h more" in _messages(error, "hours")
    # Changing an entry does not count its own old hours against it.
    time_entry_update(actor=team.expert, entry=first, hours=Decimal("22"))
    assert TimeEntry.objects.get(pk=first.pk).hours == Decimal("22")


def test_given_a_day_in_the_future_when_logging_then_it_is_refused(team):
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=date(2026, 3, 12), hours=Decimal(1))
    assert "in the future" in _messages(error, "day")
    time_entry_log(actor=team.expert, task=team.task, day=TODAY, hours=Decimal(1))


def test_given_an_entry_when_moved_to_the_future_then_it_is_refused(team):
    entry = time_entry_log(actor=team.expert, task=team.task, day=TODAY, hours=Decimal(1))
    with pytest.raises(ValidationError) as error:
        time_entry_update(actor=team.expert, entry=entry, day=date(2026, 3, 13))
    assert "in the future" in _messages(error, "day")


@pytest.mark.parametrize(
    ("utc_moment", "time_zone", "day", "allowed"),
    [
        # 23:30 UTC on Wednesday is already Thursday 00:30 in Warsaw: Thursday is today there.
        (datetime(2026, 3, 11, 23, 30, tzinfo=UTC), "Europe/Warsaw", date(2026, 3, 12), True),
        (datetime(2026, 3, 11, 23, 30, tzinfo=UTC), "UTC", date(2026, 3, 12), False),
        # 05:00 UTC on Wednesday is still Tuesday evening in Los Angeles.
        (datetime(2026, 3, 11, 5, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 11), False),
        (datetime(2026, 3, 11, 5, 0, tzinfo=UTC), "America/Los_Angeles", date(2026, 3, 10), True),
        # Auckland is 13 hours ahead: at 11:30 UTC it is 00:30 the next day.
        (datetime(2026, 3, 11, 11, 30, tzinfo=UTC), "Pacific/Auckland", date(2026, 3, 12), True),
        (datetime(2026, 3, 11, 10, 59, tzinfo=UTC), "Pacific/Auckland", date(2026, 3, 12), False),
    ],
)
def test_given_an_expert_in_a_time_zone_when_logging_at_the_day_boundary_then_their_day_counts(
    team, utc_moment, time_zone, day, allowed
):
    team.expert.time_zone = time_zone
    team.expert.save(update_fields=["time_zone"])
    with time_machine.travel(utc_moment, tick=False):
        if allowed:
            time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("1"))
        else:
            with pytest.raises(ValidationError) as error:
                time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal("1"))
            assert "in the future" in _messages(error, "day")
            assert time_zone in _messages(error, "day")


def test_given_an_expert_not_assigned_to_the_project_when_logging_then_it_is_refused(team):
    stranger = expert()
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=stranger, task=team.task, day=TODAY, hours=Decimal("1"))
    assert "was not assigned to the project Warehouse robots" in _messages(error, "task")


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "day", "allowed"),
    [
        (date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 6), True),  # last day
        (date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 9), False),  # after it ended
        (date(2026, 3, 10), None, date(2026, 3, 9), False),  # before it started
        (date(2026, 3, 10), None, date(2026, 3, 10), True),  # first day
    ],
)
def test_given_an_assignment_span_when_logging_then_only_its_days_take_hours(
    team, starts_on, ends_on, day, allowed
):
    member = expert()
    Assignment.objects.create(
        project=team.project, expert=member, starts_on=starts_on, ends_on=ends_on
    )
    # The task existed during the assignment (one added after it ended is out of reach).
    Task.objects.filter(pk=team.task.pk).update(created_at=datetime(2026, 3, 2, tzinfo=UTC))
    if allowed:
        time_entry_log(actor=member, task=team.task, day=day, hours=Decimal("3"))
    else:
        with pytest.raises(ValidationError) as error:
            time_entry_log(actor=member, task=team.task, day=day, hours=Decimal("3"))
        assert "was not assigned" in _messages(error, "task")


def test_given_a_cancelled_task_when_logging_then_it_is_refused(team):
    Task.objects.filter(pk=team.task.pk).update(status=Task.Status.CANCELLED)
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=TODAY, hours=Decimal("1"))
    assert "is cancelled" in _messages(error, "task")


def test_given_a_settled_period_when_logging_a_day_in_it_then_it_is_refused(team):
    SettledPeriodFactory(starts_on=date(2026, 2, 16), ends_on=date(2026, 3, 1))
    with pytest.raises(ValidationError) as error:
        time_entry_log(actor=team.expert, task=team.task, day=date(2026, 3, 1), hours=Decimal(1))
    assert "is settled" in _messages(error, "day")
    time_entry_log(actor=team.expert, task=team.task, day=date(2026, 3, 2), hours=Decimal(1))


def test_given_another_expert_when_logging_for_someone_else_then_it_is_refused(team):
    with pytest.raises(PermissionDenied):
        time_entry_log(
            actor=expert(), expert=team.expert, task=team.task, day=TODAY, hours=Decimal(1)
        )


def test_given_staff_when_logging_for_an_expert_then_the_rules_still_apply(team):
    staff = verified_staff()
    entry = time_entry_log(
        actor=staff, expert=team.expert, task=team.task, day=TODAY, hours=Decimal("1.75")
    )
    assert entry.expert == team.expert
    with pytest.raises(ValidationError):
        time_entry_log(actor=staff, task=team.task, day=TODAY, hours=Decimal("1"))


@pytest.mark.parametrize("hours", ["0", "24.25", "1.10"])
def test_given_a_raw_write_when_hours_break_the_rules_then_the_database_refuses(team, hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntryFactory(task=team.task, expert=team.expert, hours=Decimal(hours))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_given_two_entries_saved_at_once_when_together_they_pass_24_hours_then_one_is_refused():
    """The expert's row is locked while the day's total is checked, so two requests cannot
    both pass against the old total."""
    project = ProjectFactory()
    eva = expert()
    Assignment.objects.create(project=project, expert=eva, starts_on=date(2026, 1, 1))
    tasks = [TaskFactory(project=project), TaskFactory(project=project)]
    barrier = threading.Barrier(2)
    outcomes = []

    def log(task):
        try:
            barrier.wait()
            time_entry_log(actor=eva, task=task, day=TODAY, hours=Decimal("13"))
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "saved"]
    assert TimeEntry.objects.filter(expert=eva).count() == 1
