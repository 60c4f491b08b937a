"""Audit, R-HOURS: a done task has hours logged on it, whichever path removes them (the
entry's delete page, the weekly grid, Django admin)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Task
from tests.factories.accounts import StaffFactory, login_verified_staff
from timesheets.models import TimeEntry
from timesheets.services import time_entry_delete, time_entry_log

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday
DAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def done(team):
    """The expert's task, with one entry, marked done."""
    entry = time_entry_log(actor=team.expert, task=team.task, day=DAY, hours=Decimal("3"))
    Task.objects.filter(pk=team.task.pk).update(status=Task.Status.DONE)
    team.entry = entry
    return team


def test_given_a_done_task_when_its_last_entry_is_deleted_then_it_is_refused(done):
    with pytest.raises(ValidationError) as error:
        time_entry_delete(actor=done.expert, entry=done.entry)
    assert "done" in " ".join(error.value.messages)
    assert TimeEntry.objects.filter(pk=done.entry.pk).exists()


def test_given_a_done_task_with_two_entries_then_one_can_go(done):
    time_entry_log(actor=done.expert, task=done.task, day=date(2026, 3, 9), hours=Decimal("1"))
    time_entry_delete(actor=done.expert, entry=done.entry)
    assert TimeEntry.objects.filter(task=done.task).count() == 1


def test_given_a_task_not_done_then_its_last_entry_can_go(team):
    entry = time_entry_log(actor=team.expert, task=team.task, day=DAY, hours=Decimal("3"))
    time_entry_delete(actor=team.expert, entry=entry)
    assert not TimeEntry.objects.exists()


def test_given_a_done_task_when_the_delete_page_is_posted_then_the_hours_stay(done, client):
    client.force_login(done.expert)
    response = client.post(reverse("timesheets:entry_delete", kwargs={"pk": done.entry.pk}))
    assert response.status_code == 302
    assert TimeEntry.objects.filter(pk=done.entry.pk).exists()


def test_given_a_done_task_when_its_grid_cell_is_cleared_then_the_hours_stay(done, client):
    client.force_login(done.expert)
    url = reverse("timesheets:week") + "?week=2026-03-09"
    response = client.post(
        url, {f"cell-{done.task.pk}-{DAY.isoformat()}": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "done" in response.content.decode()
    assert TimeEntry.objects.filter(pk=done.entry.pk).exists()


def test_given_a_done_task_when_staff_delete_its_last_entry_in_the_admin_then_it_is_refused(
    done, client
):
    login_verified_staff(client, StaffFactory(is_superuser=True))
    delete = reverse("admin:timesheets_timeentry_delete", args=[done.entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:timesheets_timeentry_changelist")
    second = time_entry_log(
        actor=done.expert, task=done.task, day=date(2026, 3, 9), hours=Decimal("1")
    )
    response = client.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [done.entry.pk, second.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert TimeEntry.objects.filter(task=done.task).count() == 1
