"""Projects reads hours from its rollup (projects.TaskHours); every way an entry changes keeps
that rollup equal to the entries, in the same transaction, and ``rollup_check`` proves it."""

import importlib
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from projects.models import TaskHours
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import TimeEntry
from timesheets.rollup import rollup_differences
from timesheets.services import (
    time_entry_cell_set,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
)

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MONDAY, TUESDAY = date(2026, 3, 9), date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _rollup(team) -> dict:
    return {
        (row.task_id, row.day): row.hours for row in TaskHours.objects.filter(expert=team.expert)
    }


def test_given_the_services_when_hours_are_logged_changed_moved_and_deleted_then_the_rollup_follows(
    team,
):
    first = time_entry_log(actor=team.expert, task=team.task, day=MONDAY, hours=Decimal("2"))
    time_entry_log(actor=team.expert, task=team.task, day=MONDAY, hours=Decimal("1.5"))
    assert _rollup(team) == {(team.task.pk, MONDAY): Decimal("3.5")}

    time_entry_update(actor=team.expert, entry=first, day=TUESDAY, hours=Decimal("4"))
    assert _rollup(team) == {
        (team.task.pk, MONDAY): Decimal("1.5"),
        (team.task.pk, TUESDAY): Decimal("4"),
    }

    time_entry_delete(actor=team.expert, entry=first)
    time_entry_cell_set(actor=team.expert, task=team.other, day=TUESDAY, hours=Decimal("0.25"))
    assert _rollup(team) == {
        (team.task.pk, MONDAY): Decimal("1.5"),
        (team.other.pk, TUESDAY): Decimal("0.25"),
    }
    assert rollup_differences() == []


def test_given_bulk_paths_when_entries_change_then_the_rollup_follows(team):
    entries = [TimeEntryFactory(expert=team.expert, task=team.task, day=MONDAY) for _ in range(3)]
    TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                expert=team.expert,
                task=team.other,
                project=team.project,
                organization=team.organization,
                day=MONDAY,
                hours=Decimal("1"),
            )
        ]
    )
    assert _rollup(team) == {
        (team.task.pk, MONDAY): Decimal("6"),
        (team.other.pk, MONDAY): Decimal("1"),
    }

    TimeEntry.objects.filter(pk=entries[0].pk).update(day=TUESDAY)
    entries[1].hours = Decimal("0.5")
    TimeEntry.objects.bulk_update([entries[1]], ["hours"])
    assert _rollup(team)[(team.task.pk, MONDAY)] == Decimal("2.5")
    assert _rollup(team)[(team.task.pk, TUESDAY)] == Decimal("2")

    TimeEntry.objects.filter(task=team.other).delete()
    entries[2].delete()
    assert _rollup(team) == {
        (team.task.pk, MONDAY): Decimal("0.5"),
        (team.task.pk, TUESDAY): Decimal("2"),
    }
    assert rollup_differences() == []


def test_given_a_refused_write_when_its_transaction_rolls_back_then_the_rollup_does_too(team):
    with pytest.raises(RuntimeError), transaction.atomic():
        time_entry_log(actor=team.expert, task=team.task, day=MONDAY, hours=Decimal("2"))
        raise RuntimeError("the request failed after the save")
    assert not TaskHours.objects.exists()


def test_given_raw_sql_behind_the_rollup_when_checked_then_the_command_fails_until_repaired(
    team, capsys
):
    entry = time_entry_log(actor=team.expert, task=team.task, day=MONDAY, hours=Decimal("2"))
    call_command("rollup_check")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TimeEntry._meta.db_table} SET hours = 3 WHERE id = %s", [entry.pk])

    with pytest.raises(CommandError, match="differs from the time entries in 1 place"):
        call_command("rollup_check")
    assert "rollup 2 h, entries 3 h" in capsys.readouterr().err

    call_command("rollup_check", "--repair")
    assert _rollup(team) == {(team.task.pk, MONDAY): Decimal("3")}


def test_given_entries_from_before_the_rollup_when_migrating_then_it_is_filled(team):
    TimeEntryFactory(expert=team.expert, task=team.task, day=MONDAY, hours=Decimal("2"))
    TimeEntryFactory(expert=team.expert, task=team.task, day=MONDAY, hours=Decimal("1.5"))
    TaskHours.objects.all().delete()  # as a database had it before projects.TaskHours

    importlib.import_module("timesheets.migrations.0002_fill_task_hours").fill(apps, None)
    # …and, later in the same migration run, projects counts the entries of each row.
    importlib.import_module("projects.migrations.0006_task_hours_entries").count_entries(apps, None)

    assert _rollup(team) == {(team.task.pk, MONDAY): Decimal("3.5")}
    assert rollup_differences() == []
