from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum

from projects.models import Task
from timesheets import demo
from timesheets.models import TimeEntry


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(datetime(2026, 3, 11, 12, 0, tzinfo=UTC), tick=False):
        yield


def test_given_demo_projects_when_seeding_twice_then_weeks_of_hours_exist_once(team):
    # A long-running task, opened at the start of the year.
    Task.objects.filter(pk=team.task.pk).update(
        created_at=datetime(2026, 1, 1, 9, 0, tzinfo=UTC), estimate_hours=Decimal("120")
    )
    demo.seed({"projects": {"robots": team.project}})

    count = TimeEntry.objects.count()
    assert count >= 30  # six weeks of working days since 1 January
    days = TimeEntry.objects.values("expert", "day").annotate(total=Sum("hours"))
    assert max(row["total"] for row in days) <= 24
    demo.seed({})  # found from the database, already seeded: unchanged
    assert TimeEntry.objects.count() == count


def test_given_no_projects_when_seeding_then_nothing_happens(db):
    demo.seed({})
    assert not TimeEntry.objects.exists()
