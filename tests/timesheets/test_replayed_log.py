"""Hours logged from the task page and replayed outside the browser (the same token) are
logged once. The weekly grid needs no token: a cell post sets the cell's total, so a replay
sets the same total again."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.projects.test_replayed_create import token
from timesheets.models import TimeEntry
from timesheets.services import time_entry_cell_set

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _log(client, team, headers=None, **extra):
    url = reverse("timesheets:task_log", kwargs={"pk": team.task.pk})
    return client.post(url, {"day": "2026-03-10", "hours": "2", **extra}, headers=headers)


def _new_token(client, team) -> str:
    return token(client.get(reverse("timesheets:task_log", kwargs={"pk": team.task.pk})))


def test_the_task_page_form_carries_a_token(client, team):
    client.force_login(team.expert)
    page = client.get(reverse("projects:task_detail", kwargs={"pk": team.task.pk}))
    assert token(page)


def test_the_same_hours_posted_twice_are_logged_once(client, team):
    client.force_login(team.expert)
    sent = _new_token(client, team)
    assert _log(client, team, submission=sent).status_code == 302
    assert _log(client, team, submission=sent).status_code == 302
    assert TimeEntry.objects.get().hours == Decimal("2")


def test_the_same_hours_posted_twice_by_htmx_are_logged_once(client, team):
    client.force_login(team.expert)
    sent = _new_token(client, team)
    for _ in range(2):
        assert _log(client, team, {"HX-Request": "true"}, submission=sent).status_code == 200
    assert TimeEntry.objects.count() == 1


def test_two_showings_of_the_form_log_twice(client, team):
    client.force_login(team.expert)
    _log(client, team, submission=_new_token(client, team))
    _log(client, team, submission=_new_token(client, team))
    assert TimeEntry.objects.count() == 2


def test_hours_without_a_token_are_logged_each_time(client, team):
    client.force_login(team.expert)
    _log(client, team)
    _log(client, team)
    assert TimeEntry.objects.count() == 2


def test_a_grid_cell_set_twice_holds_the_hours_once(team):
    for _ in range(2):
        time_entry_cell_set(actor=team.expert, task=team.task, day=date(2026, 3, 10), hours=2)
    assert TimeEntry.objects.get().hours == Decimal("2")
