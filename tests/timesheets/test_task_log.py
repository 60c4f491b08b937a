"""Quick "log hours" on the task page (R-TIMESHEET)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tests.factories.accounts import expert
from tests.factories.timesheets import TimeEntryFactory
from timesheets.models import TimeEntry

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _log_url(task) -> str:
    return reverse("timesheets:task_log", kwargs={"pk": task.pk})


def test_given_an_expert_on_the_task_page_when_logging_hours_then_they_return_to_it(client, team):
    client.force_login(team.expert)
    task_page = reverse("projects:task_detail", kwargs={"pk": team.task.pk})
    page = client.get(task_page).content.decode()
    assert 'data-testid="task-log-form"' in page
    assert 'max="2026-03-11"' in page

    response = client.post(
        _log_url(team.task),
        {"day": "2026-03-10", "hours": "2h15", "description": "Gripper API", "next": task_page},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == task_page
    assert "Logged 2.25 h on “Pick-and-place API”" in response.content.decode()
    entry = TimeEntry.objects.get()
    assert (entry.expert, entry.day, entry.hours) == (
        team.expert,
        date(2026, 3, 10),
        Decimal("2.25"),
    )


def test_given_htmx_when_logging_then_the_panel_is_swapped_with_the_new_total(client, team):
    client.force_login(team.expert)
    TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 9), hours=1)

    response = client.post(
        _log_url(team.task), {"day": "2026-03-11", "hours": "3.5"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert 'id="task-time-panel"' in html
    assert "Logged 3.5 h on Wed 11 Mar." in html
    assert "4.5 of 4 h" in " ".join(html.split())
    assert "0.5 h over the estimate" in html


@pytest.mark.parametrize("htmx", [True, False])
def test_given_a_future_day_when_logging_then_the_error_is_beside_the_day(client, team, htmx):
    client.force_login(team.expert)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = client.post(
        _log_url(team.task),
        {"day": "2026-03-12", "hours": "2", "description": "Typed text kept"},
        **headers,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "is in the future" in html
    assert "Typed text kept" in html
    assert not TimeEntry.objects.exists()


def test_given_a_customer_when_viewing_the_task_then_they_see_hours_but_no_form(client, team):
    TimeEntryFactory(
        expert=team.expert, task=team.task, day=date(2026, 3, 9), hours=2, description="Wiring"
    )
    client.force_login(team.customer)

    page = client.get(reverse("projects:task_detail", kwargs={"pk": team.task.pk}))

    html = page.content.decode()
    assert 'data-testid="task-time-panel"' in html
    assert "Wiring" in html
    assert 'data-testid="task-log-form"' not in html
    client.post(_log_url(team.task), {"day": "2026-03-10", "hours": "2"})
    assert TimeEntry.objects.count() == 1


def test_given_an_expert_not_on_the_project_when_posting_then_the_task_is_not_found(client, team):
    client.force_login(expert())
    assert client.post(_log_url(team.task), {"day": "2026-03-10", "hours": "2"}).status_code == 404
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize("entries", [1, 12])
def test_given_more_entries_when_the_panel_is_drawn_then_the_query_count_stays(
    team, django_assert_num_queries, entries
):
    for n in range(entries):
        TimeEntryFactory(expert=team.expert, task=team.task, day=date(2026, 3, 1 + n % 9))
    request = RequestFactory().get("/")
    request.user = team.expert
    template = Template('{% include "timesheets/task_log_panel.html" %}')
    # the expert's organizations, totals, latest entries, assignment, the running timer (the
    # expert profile is already loaded)
    with django_assert_num_queries(5):
        html = template.render(Context({"request": request, "task": team.task}))
    assert html.count("border-top py-1") == min(entries, 5)
