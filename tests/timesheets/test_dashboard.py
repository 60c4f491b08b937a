from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.urls import reverse

from tests.factories.projects import TaskFactory
from tests.factories.timesheets import TimeEntryFactory
from timesheets.selectors import dashboard_hours

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_given_an_expert_with_a_silent_task_when_on_the_dashboard_then_it_is_flagged(client, team):
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 6), hours=5)
    client.force_login(team.expert)

    html = client.get(reverse("dashboard")).content.decode()

    assert 'data-testid="dashboard-hours"' in html
    assert "In progress, no hours yet this week" in html
    assert "Pick-and-place API" in html


def test_given_a_customer_when_on_the_dashboard_then_this_and_last_weeks_hours_show(client, team):
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 10), hours=2.5)
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 6), hours=4)
    TimeEntryFactory(task=TaskFactory(), day=date(2026, 3, 10), hours=7)  # another customer's
    panel = dashboard_hours(user=team.customer)
    assert (panel.this_week, panel.last_week, panel.experts) == (Decimal("2.5"), Decimal("4"), 1)
    client.force_login(team.customer)
    assert "2.5 h" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize("tasks", [1, 10])
def test_given_more_tasks_when_the_panel_is_drawn_then_the_query_count_stays(
    team, django_assert_num_queries, tasks
):
    for _ in range(tasks):
        TaskFactory(project=team.project, status="in_progress", assignee=team.expert)
    template = Template('{% include "timesheets/dashboard_panel.html" %}')
    # the expert's organizations, the week's totals, the silent tasks
    with django_assert_num_queries(3):
        template.render(Context({"user": team.expert}))
