"""The timer stopped twice at once (two tabs, a double click that got through): its time is
logged once (PostgreSQL: the second stop waits for the first one's lock, then finds no
timer)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.races import race
from timesheets.models import RunningTimer, TimeEntry
from timesheets.services import timer_start, timer_stop

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


def test_a_timer_stopped_twice_at_once_logs_its_time_once(team):
    with time_machine.travel(NOW, tick=False) as clock:
        timer_start(actor=team.expert, task=team.task)
        clock.shift(timedelta(minutes=20))
        outcomes = race(
            lambda: timer_stop(actor=team.expert), lambda: timer_stop(actor=team.expert)
        )
    entries = [o for o in outcomes if isinstance(o, TimeEntry)]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(entries) == 1 and len(refusals) == 1, outcomes
    assert TimeEntry.objects.get().hours == Decimal("0.5")
    assert not RunningTimer.objects.exists()


def test_two_timers_started_at_once_leave_one_running(team):
    with time_machine.travel(NOW, tick=False):
        outcomes = race(
            lambda: timer_start(actor=team.expert, task=team.task),
            lambda: timer_start(actor=team.expert, task=team.other),
        )
    assert all(isinstance(o, RunningTimer) for o in outcomes), outcomes
    assert RunningTimer.objects.filter(expert=team.expert).count() == 1
