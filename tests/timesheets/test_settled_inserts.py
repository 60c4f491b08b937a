"""R-TIMESHEET: a settled period takes no new entries, whichever path inserts them."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, models, transaction

from tests.factories.timesheets import SettledPeriodFactory
from timesheets.models import SettledEntryError, TimeEntry
from timesheets.services import time_entry_log

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SETTLED_DAY, OPEN_DAY = date(2026, 2, 20), date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def period(team):
    return SettledPeriodFactory(starts_on=date(2026, 2, 16), ends_on=date(2026, 3, 1))


def _entry(team, day, **fields) -> TimeEntry:
    return TimeEntry(
        expert=team.expert,
        task=team.task,
        project=team.project,
        organization=team.organization,
        day=day,
        hours=Decimal("2"),
        **fields,
    )


def test_bulk_create_refuses_a_batch_with_a_day_in_a_settled_period(team, period):
    with pytest.raises(SettledEntryError):
        TimeEntry.objects.bulk_create([_entry(team, OPEN_DAY), _entry(team, SETTLED_DAY)])
    assert not TimeEntry.objects.exists()


def test_bulk_create_outside_settled_periods_still_inserts(team, period):
    TimeEntry.objects.bulk_create([_entry(team, OPEN_DAY), _entry(team, date(2026, 2, 15))])
    assert TimeEntry.objects.count() == 2


def _insert(team, day) -> None:
    table = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (expert_id, task_id, project_id, organization_id, day, hours, "
            "description, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, 2, '', %s, %s)",
            [team.expert.pk, team.task.pk, team.project.pk, team.organization.pk, day] + [NOW, NOW],
        )


def test_a_raw_insert_in_a_settled_period_is_refused_by_the_database(team, period):
    with pytest.raises(IntegrityError, match="settled period"), transaction.atomic():
        _insert(team, SETTLED_DAY)
    _insert(team, OPEN_DAY)
    assert list(TimeEntry.objects.values_list("day", flat=True)) == [OPEN_DAY]


def test_a_bulk_insert_past_the_python_guard_is_refused_by_the_database(team, period):
    unguarded = models.QuerySet(model=TimeEntry)
    with pytest.raises(IntegrityError, match="settled period"), transaction.atomic():
        unguarded.bulk_create([_entry(team, OPEN_DAY), _entry(team, SETTLED_DAY)])
    assert not TimeEntry.objects.exists()


def test_moving_an_entry_onto_a_settled_day_is_refused_by_the_database(team, period):
    entry = time_entry_log(actor=team.expert, task=team.task, day=OPEN_DAY, hours=Decimal("2"))
    table = TimeEntry._meta.db_table
    with (
        pytest.raises(IntegrityError, match="settled period"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET day = %s WHERE id = %s", [SETTLED_DAY, entry.pk])
    assert TimeEntry.objects.get(pk=entry.pk).day == OPEN_DAY
    TimeEntry.objects.filter(pk=entry.pk).update(hours=Decimal("3"))  # other changes still pass
