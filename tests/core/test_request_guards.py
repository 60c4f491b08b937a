"""Hostile request parameters: NUL bytes and dates at the calendar's edges answer a friendly
400 or an ordinary page, never a 500 (PostgreSQL refuses NUL in text; date arithmetic
overflows near year 1 and 9999)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.models import Assignment, Task
from tests.factories.accounts import customer, expert
from tests.factories.projects import ProjectFactory, TaskFactory
from tests.factories.queries import QueryFactory
from tests.factories.timesheets import TimeEntryFactory

EDGE_DATES = ["0001-01-01", "0001-01-07", "9999-12-31", "1900-02-28"]
DATE_PARAMS = ["week", "start", "end", "day", "due_on", "starts_on", "ends_on", "deliver_by"]


@pytest.fixture
def site(db):
    project = ProjectFactory()
    owner = customer(project.organization)
    person = expert()
    Assignment.objects.create(project=project, expert=person, starts_on=date(2026, 1, 1))
    task = TaskFactory(project=project, status=Task.Status.IN_PROGRESS, assignee=person)
    entry = TimeEntryFactory(expert=person, task=task, day=date(2026, 1, 5))
    query = QueryFactory(project=project, author=owner)
    return SimpleNamespace(
        project=project, owner=owner, expert=person, task=task, entry=entry, query=query
    )


def _urls(site) -> list[str]:
    """The pages that read dates or filters, and the forms that take them."""
    project, task, query = site.project.pk, site.task.pk, site.query.pk
    return [
        reverse("dashboard"),
        reverse("projects:list"),
        reverse("projects:board", args=[project]),
        reverse("projects:team", args=[project]),
        reverse("projects:task_create", args=[project]),
        reverse("projects:sprint_list", args=[project]),
        reverse("projects:task_detail", args=[task]),
        reverse("queries:list"),
        reverse("queries:figures"),
        reverse("queries:detail", args=[query]),
        reverse("queries:respond", args=[query]),
        reverse("queries:project_list", args=[project]),
        reverse("queries:project_export", args=[project]),
        reverse("timesheets:week"),
        reverse("timesheets:report"),
        reverse("timesheets:export"),
        reverse("timesheets:task_log", args=[task]),
        reverse("timesheets:entry_edit", args=[site.entry.pk]),
    ]


@pytest.mark.parametrize("who", ["owner", "expert"])
def test_a_nul_byte_in_any_parameter_is_refused_with_a_friendly_400(client, site, who):
    client.force_login(getattr(site, who))
    client.raise_request_exception = False
    failures = []
    for url in _urls(site):
        for method, data in (("get", {"q": "a\x00b"}), ("post", {"title": "\x00"})):
            response = getattr(client, method)(url, data)
            if response.status_code != 400 or b"could not understand" not in response.content:
                failures.append(f"{method.upper()} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_nul_byte_in_a_parameter_name_or_the_path_is_refused(client, site):
    client.force_login(site.owner)
    board = reverse("projects:board", args=[site.project.pk])
    assert client.get(f"{board}?a%00b=1").status_code == 400
    assert client.get(f"{board}%00").status_code in (400, 404)


@pytest.mark.parametrize("who", ["owner", "expert"])
def test_dates_at_the_calendars_edges_never_give_a_server_error(client, site, who):
    client.force_login(getattr(site, who))
    client.raise_request_exception = False
    failures = []
    for url in _urls(site):
        for day in EDGE_DATES:
            params = dict.fromkeys(DATE_PARAMS, day)
            for method in ("get", "post"):
                response = getattr(client, method)(url, params)
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {day}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_grid_cell_at_the_calendars_edge_is_refused_not_a_server_error(client, site):
    client.force_login(site.expert)
    client.raise_request_exception = False
    week = reverse("timesheets:week")
    for day in EDGE_DATES:
        response = client.post(f"{week}?week={day}", {f"cell-{site.task.pk}-{day}": "1"})
        assert response.status_code < 500, day


@pytest.mark.parametrize(
    "target", ["0001-01-01", "dashboard", "//evil.example/", "https://evil.example/"]
)
def test_a_next_that_is_not_a_path_on_this_site_falls_back(client, site, target):
    client.force_login(site.expert)
    client.raise_request_exception = False
    url = reverse("timesheets:entry_edit", args=[site.entry.pk])
    response = client.post(url, {"day": "2026-01-05", "hours": "2", "next": target})
    assert response.status_code == 302
    assert response["Location"].startswith("/hours/")
    comment = client.post(
        reverse("projects:task_comment", args=[site.task.pk]), {"body": "Hi", "next": target}
    )
    assert comment.status_code == 302
    assert comment["Location"].startswith(reverse("projects:task_detail", args=[site.task.pk]))


def test_a_delivery_moment_at_the_calendars_edge_is_refused_beside_the_field(client, site):
    client.force_login(site.expert)
    response = client.post(
        reverse("queries:respond", args=[site.query.pk]),
        {"kind": "answer", "body": "Soon", "deliver_by": "9999-12-31T23:59"},
    )
    assert response.status_code in (200, 400)
    assert "Pick a date between 2000 and 2100" in response.content.decode()
    assert not site.query.responses.exists()
