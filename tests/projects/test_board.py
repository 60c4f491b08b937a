"""The board page: this week's kanban and the backlog, figures, flags, filters and moves
(htmx and plain forms); its query count does not grow with tasks."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Assignment, Task
from projects.models.core import BOARD_COLUMNS
from tests.factories.projects import (
    AssignmentFactory,
    ReleaseFactory,
    TaskFactory,
    current_sprint,
)
from tests.factories.timesheets import TimeEntryFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "board"}


def _board(client, project, **params):
    return client.get(reverse("projects:board", kwargs={"pk": project.pk}), params)


def _column(response, key):
    board = response.context["board"]
    if key == "backlog":
        return board.backlog
    return next(c for c in board.columns if c.key == key)


def _fill(project, sprint, count, experts):
    """``count`` tasks spread over every column and the backlog, with hours and releases."""
    statuses = [*BOARD_COLUMNS, Task.Status.CANCELLED]
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            organization=project.organization,
            sprint=None if n % 7 == 0 else sprint,
            title=f"Task {n}",
            status=Task.Status.TODO if n % 7 == 0 else statuses[n % len(statuses)],
            estimate_hours=Decimal("2")
            if n % 5
            else None
            if n % 7 and n % 10 == 0
            else Decimal("1"),
            assignee=experts[n % len(experts)],
            position=n,
        )
        for n in range(count)
    )
    for task in tasks[: count // 3]:
        TimeEntryFactory(task=task, expert=task.assignee, day=sprint.starts_on)
    ReleaseFactory(project=project, tasks=tasks[:5])
    return tasks


class TestBoardPage:
    def test_given_tasks_then_each_sits_in_its_column_with_figures(self, client, project, lead):
        sprint = current_sprint(project)
        todo = TaskFactory(
            project=project, sprint=sprint, status="todo", estimate_hours=Decimal("3")
        )
        doing = TaskFactory(project=project, sprint=sprint, status="in_progress")
        done = TaskFactory(
            project=project, sprint=sprint, status="done", estimate_hours=Decimal("2")
        )
        TimeEntryFactory(task=done, expert=lead, hours=Decimal("2.5"), day=sprint.starts_on)
        backlog = TaskFactory(project=project, sprint=None, status="new", estimate_hours=None)
        cancelled = TaskFactory(project=project, sprint=sprint, status="cancelled")
        other_week = TaskFactory(
            project=project,
            sprint=current_sprint(project, now=timezone.now() + timedelta(days=7)),
        )
        client.force_login(lead)
        response = _board(client, project)
        assert response.status_code == 200
        assert [c.pk for c in _column(response, "todo").tasks] == [todo.pk]
        assert [c.pk for c in _column(response, "in_progress").tasks] == [doing.pk]
        assert [c.pk for c in _column(response, "done").tasks] == [done.pk]
        assert [c.pk for c in _column(response, "backlog").tasks] == [backlog.pk]
        shown = {
            t.pk
            for c in [*response.context["board"].columns, _column(response, "backlog")]
            for t in c.tasks
        }
        assert cancelled.pk not in shown and other_week.pk not in shown
        done_column = _column(response, "done")
        assert (done_column.count, done_column.estimate, done_column.hours) == (
            1,
            Decimal("2"),
            Decimal("2.5"),
        )
        html = response.content.decode()
        assert "est. 2 h · logged 2.50 h" in html

    def test_badges_flag_missing_estimates_and_in_progress_work_without_hours_this_week(
        self, client, project, lead
    ):
        sprint = current_sprint(project)
        new = TaskFactory(project=project, sprint=sprint, status="new", estimate_hours=None)
        idle = TaskFactory(project=project, sprint=sprint, status="in_progress")
        busy = TaskFactory(project=project, sprint=sprint, status="in_progress")
        TimeEntryFactory(task=busy, expert=lead, day=sprint.starts_on)
        # Hours before this week do not count as this week's.
        TimeEntryFactory(task=idle, expert=lead, day=sprint.starts_on - timedelta(days=1))
        client.force_login(lead)
        response = _board(client, project)
        cards = {t.pk: t for t in _column(response, "in_progress").tasks}
        assert cards[idle.pk].no_hours_this_week and not cards[busy.pk].no_hours_this_week
        assert _column(response, "new").tasks[0].needs_estimate
        html = response.content.decode()
        assert html.count('data-testid="badge-needs-estimate"') == 1
        assert html.count('data-testid="badge-no-hours"') == 1
        assert new.title in html

    def test_release_stage_badges_show_where_work_stands(self, client, project, lead):
        sprint = current_sprint(project)
        task = TaskFactory(project=project, sprint=sprint, status="in_progress")
        ReleaseFactory(project=project, tasks=[task], stage="tested")
        client.force_login(lead)
        html = _board(client, project).content.decode()
        assert 'data-testid="stage-badge"' in html and "Tested" in html

    def test_filters_by_assignee_kind_and_text(self, client, project, lead):
        sprint = current_sprint(project)
        other = AssignmentFactory(project=project, role=Assignment.Role.MEMBER).expert
        mine = TaskFactory(project=project, sprint=sprint, assignee=lead, title="Invoice export")
        theirs = TaskFactory(
            project=project, sprint=sprint, assignee=other, kind="bug", title="Login bug"
        )
        nobody = TaskFactory(project=project, sprint=sprint, title="Invoice layout")
        client.force_login(lead)

        def shown(**params):
            response = _board(client, project, **params)
            return {t.pk for c in response.context["board"].columns for t in c.tasks}

        assert shown(assignee="me") == {mine.pk}
        assert shown(assignee=str(other.pk)) == {theirs.pk}
        assert shown(assignee="none") == {nobody.pk}
        assert shown(kind="bug") == {theirs.pk}
        assert shown(q="invoice") == {mine.pk, nobody.pk}

    def test_an_htmx_filter_returns_only_the_board(self, client, project, lead):
        client.force_login(lead)
        response = client.get(reverse("projects:board", kwargs={"pk": project.pk}), **HTMX)
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="board"')
        assert "<html" not in html

    def test_customers_see_the_board_without_drag_and_drop_or_move_buttons(
        self, client, project, owner
    ):
        TaskFactory(project=project, sprint=current_sprint(project))
        client.force_login(owner)
        html = _board(client, project).content.decode()
        assert "data-board-list" not in html
        assert "Sortable.min.js" not in html
        assert "/move/" not in html and "/estimate/" not in html
        assert "Submit a task" in html

    def test_experts_get_drag_and_drop_served_locally(self, client, project, lead):
        client.force_login(lead)
        html = _board(client, project).content.decode()
        assert "data-board-list" in html
        assert "/static/vendor/sortable/Sortable.min.js" in html
        assert "/static/js/board.js" in html
        # Every script and stylesheet is served from here, none from a CDN. (Not a search
        # for "cdn" in the page: a random CSRF token or CSP nonce may spell it.)
        assets = re.findall(r'<script[^>]* src="([^"]+)"|<link[^>]* href="([^"]+)"', html)
        assert assets
        assert all((src or href).startswith("/static/") for src, href in assets), assets

    @pytest.mark.parametrize("who", ["lead", "owner"])
    def test_query_count_is_the_same_with_10_and_300_tasks(
        self, client, project, lead, owner, who, django_assert_num_queries
    ):
        sprint = current_sprint(project)
        member = AssignmentFactory(project=project, role=Assignment.Role.MEMBER).expert
        client.force_login(lead if who == "lead" else owner)
        _board(client, project)  # warm caches (content types)

        _fill(project, sprint, 10, [lead, member])
        with CaptureQueriesContext(connection) as small:
            response = _board(client, project)
        assert response.status_code == 200
        # The board's own reads are fixed (session, user, the project with the user's role
        # and assignment, sprints, the tasks with their hours and newest release, updates,
        # assignees, nav); the panels other areas include on the board add one each.
        assert len(small) <= BOARD_MAX_QUERIES

        _fill(project, sprint, 290, [lead, member])
        with django_assert_num_queries(len(small)):
            response = _board(client, project)
        assert response.status_code == 200
        board = response.context["board"]
        assert sum(c.count for c in [*board.columns, board.backlog]) > 200


BOARD_MAX_QUERIES = 11


class TestMoves:
    def _move(self, client, task, htmx=False, **data):
        url = reverse("projects:task_move", kwargs={"pk": task.pk})
        return client.post(url, data, **(HTMX if htmx else {}))

    def test_a_drag_saves_at_once_and_returns_the_board(self, client, project, lead):
        sprint = current_sprint(project)
        task = TaskFactory(project=project, sprint=sprint, status="todo")
        client.force_login(lead)
        response = self._move(
            client, task, htmx=True, status="in_progress", where="current", before=""
        )
        assert response.status_code == 200
        assert response.content.decode().lstrip().startswith('<div id="board"')
        task.refresh_from_db()
        assert task.status == "in_progress"
        assert [c.pk for c in _column(response, "in_progress").tasks] == [task.pk]

    def test_a_refused_drag_puts_the_card_back_and_says_why(self, client, project, lead):
        sprint = current_sprint(project)
        task = TaskFactory(project=project, sprint=sprint, status="in_progress", title="Export")
        client.force_login(lead)
        response = self._move(client, task, htmx=True, status="done", where="current")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="board-error"' in html
        assert "no hours have been logged on it" in html
        assert [c.pk for c in _column(response, "in_progress").tasks] == [task.pk]

    def test_without_javascript_a_button_moves_and_redirects_back_with_a_message(
        self, client, project, lead
    ):
        sprint = current_sprint(project)
        task = TaskFactory(project=project, sprint=sprint, status="todo")
        client.force_login(lead)
        back = reverse("projects:board", kwargs={"pk": project.pk}) + "?kind=task"
        response = self._move(client, task, status="in_progress", next=back)
        assert response.status_code == 302 and response["Location"] == back
        task.refresh_from_db()
        assert task.status == "in_progress"
        response = client.get(back)
        assert "is now in In progress" in response.content.decode()

    def test_without_javascript_a_refusal_is_a_message_too(self, client, project, lead):
        task = TaskFactory(project=project, status="new", estimate_hours=None)
        client.force_login(lead)
        response = self._move(client, task, status="todo")
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "needs an estimate before it can be planned" in html

    def test_an_offsite_next_is_ignored(self, client, project, lead):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(lead)
        response = self._move(client, task, status="in_progress", next="https://evil.example/")
        assert response["Location"] == project.get_absolute_url()

    def test_a_customer_cannot_move_a_task(self, client, project, owner):
        task = TaskFactory(project=project, sprint=current_sprint(project), status="todo")
        client.force_login(owner)
        response = self._move(client, task, htmx=True, status="in_progress")
        assert "Only the experts working on this project" in response.content.decode()
        task.refresh_from_db()
        assert task.status == "todo"

    def test_get_is_not_a_move(self, client, project, lead):
        task = TaskFactory(project=project)
        client.force_login(lead)
        assert client.get(reverse("projects:task_move", kwargs={"pk": task.pk})).status_code == 405

    def test_the_card_estimate_makes_a_new_task_ready(self, client, project, lead):
        task = TaskFactory(
            project=project, sprint=current_sprint(project), status="new", estimate_hours=None
        )
        client.force_login(lead)
        url = reverse("projects:task_estimate", kwargs={"pk": task.pk})
        response = client.post(url, {"estimate_hours": "0"}, **HTMX)
        assert "greater than zero" in response.content.decode()
        response = client.post(url, {"estimate_hours": "3.5"}, **HTMX)
        task.refresh_from_db()
        assert (task.status, task.estimate_hours) == ("todo", Decimal("3.5"))
        assert [c.pk for c in _column(response, "todo").tasks] == [task.pk]
