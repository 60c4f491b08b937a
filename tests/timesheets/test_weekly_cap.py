"""R-PLAN: a customer's hourly plan may cap the expert's hours on the project per week; every
path that logs hours keeps it (the service, the grid, the model's clean)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from projects.models import Assignment
from timesheets.models import TimeEntry
from timesheets.services import time_entry_cell_set, time_entry_log, time_entry_update

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday
MONDAY, WEDNESDAY = date(2026, 3, 9), date(2026, 3, 11)
LAST_SUNDAY, NEXT_WEEK = date(2026, 3, 8), date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def capped(team):
    Assignment.objects.filter(project=team.project, expert=team.expert).update(
        weekly_hour_cap=Decimal("10")
    )
    return team


def _log(team, day, hours):
    return time_entry_log(actor=team.expert, task=team.task, day=day, hours=Decimal(hours))


def test_hours_up_to_the_cap_are_logged_and_beyond_it_refused_beside_the_hours(capped):
    _log(capped, MONDAY, "6")
    _log(capped, WEDNESDAY, "4")  # exactly the cap

    with pytest.raises(ValidationError) as refused:
        _log(capped, WEDNESDAY, "0.25")

    message = " ".join(refused.value.message_dict["hours"])
    assert "caps this project at 10 h a week" in message
    assert "at most 0 h more" in message
    assert TimeEntry.objects.count() == 2


def test_the_cap_counts_the_week_of_the_entry_only(capped):
    with time_machine.travel(datetime(2026, 3, 16, 12, 0, tzinfo=UTC), tick=False):
        _log(capped, LAST_SUNDAY, "10")
        _log(capped, MONDAY, "10")
        _log(capped, NEXT_WEEK, "10")
    assert TimeEntry.objects.count() == 3


def test_changing_an_entry_counts_the_others_not_itself(capped):
    entry = _log(capped, MONDAY, "8")
    time_entry_update(actor=capped.expert, entry=entry, hours=Decimal("10"))
    with pytest.raises(ValidationError):
        time_entry_update(actor=capped.expert, entry=entry, hours=Decimal("10.25"))
    entry.refresh_from_db()
    assert entry.hours == Decimal("10.00")


def test_the_grid_cell_is_refused_with_the_same_message(capped):
    _log(capped, MONDAY, "9")
    with pytest.raises(ValidationError, match="caps this project"):
        time_entry_cell_set(
            actor=capped.expert, task=capped.other, day=WEDNESDAY, hours=Decimal("2")
        )


def test_without_a_cap_a_week_takes_any_hours_within_a_day(team):
    _log(team, MONDAY, "12")
    _log(team, WEDNESDAY, "12")
    assert TimeEntry.objects.count() == 2
