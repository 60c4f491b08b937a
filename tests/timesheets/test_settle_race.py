"""R-SETTLE and R-TIMESHEET at once (PostgreSQL): hours logged while a period is settled
either land before and are settled with it, or are refused; none slip in between."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tests.races import overlap, race
from timesheets.models import TimeEntry
from timesheets.services import period_lock, time_entry_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SETTLED_DAY = date(2026, 2, 20)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _settle():
    """Lock the period and count, in the same transaction, the entries it locked."""
    with transaction.atomic():
        period = period_lock(starts_on=date(2026, 2, 16), ends_on=date(2026, 3, 1))
        return TimeEntry.objects.filter(day__gte=period.starts_on, day__lte=period.ends_on).count()


def _log(team):
    return lambda: time_entry_log(
        actor=team.expert, task=team.task, day=SETTLED_DAY, hours=Decimal("2")
    )


def _unsettled_in_the_period():
    return TimeEntry.objects.unsettled().filter(day=SETTLED_DAY).count()


def test_hours_logged_while_the_period_is_being_settled_are_refused(team):
    settled, logged = overlap(_settle, _log(team))
    assert settled == 0
    assert isinstance(logged, ValidationError), logged
    assert "is settled" in " ".join(logged.messages)
    assert not TimeEntry.objects.exists()


def test_hours_logged_just_before_settling_are_settled_with_the_period(team):
    logged, settled = overlap(_log(team), _settle)
    assert isinstance(logged, TimeEntry), logged
    assert settled == 1
    assert TimeEntry.objects.get(pk=logged.pk).is_settled


def test_a_raw_insert_while_the_period_is_being_settled_is_refused(team):
    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TimeEntry._meta.db_table} (expert_id, task_id, project_id, "
                "organization_id, day, hours, description, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, 2, '', now(), now())",
                [team.expert.pk, team.task.pk, team.project.pk, team.organization.pk]
                + [SETTLED_DAY],
            )

    settled, inserted = overlap(_settle, insert)
    assert isinstance(inserted, IntegrityError), inserted
    assert not TimeEntry.objects.exists()


def test_logging_and_settling_at_once_leave_no_unsettled_hours_in_the_period(team):
    logged, settled = race(_log(team), _settle)
    assert _unsettled_in_the_period() == 0
    assert isinstance(logged, ValidationError) or settled == 1, (logged, settled)
