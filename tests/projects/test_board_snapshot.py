"""The board's stamp and snapshot (projects.board_stamp, projects.views.snapshot): every
write that changes what the board page shows replaces the project's stamp once it is
committed, whatever path wrote it; an unchanged board is served from the snapshot in three
queries at any size; a change shows on the next page; nothing drawn by a transaction that
wrote is kept; no viewer gets another viewer's parts.

These tests commit (``transaction=True``): the stamp is written at COMMIT on PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import BoardStamp, Release, Sprint, Task
from projects.views.snapshot import BoardSnapshot
from tests.factories.projects import (
    ProjectFactory,
    ProjectUpdateFactory,
    ReleaseFactory,
    TaskFactory,
    current_sprint,
)
from tests.factories.queries import QueryFactory, QueryPromiseFactory
from tests.factories.timesheets import TimeEntryFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_fragments():
    caches["fragments"].clear()
    yield


def _stamp(project) -> str | None:
    return BoardStamp.objects.filter(project_id=project.pk).values_list("token", flat=True).first()


def _board(client, project, **params):
    response = client.get(reverse("projects:board", kwargs={"pk": project.pk}), params)
    assert response.status_code == 200
    return response.content.decode()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def task(project, lead):
    return TaskFactory(project=project, sprint=current_sprint(project), status="todo", title="Map")


def _hours(task, lead):
    TimeEntryFactory(task=task, expert=lead, hours=Decimal("1.5"))


def _release_stage(task, lead):
    release = ReleaseFactory(project=task.project)
    release.tasks.add(task)
    stamp = _stamp(task.project)
    Release.objects.filter(pk=release.pk).update(stage=Release.Stage.TESTED)
    assert _stamp(task.project) != stamp


def _release_tasks(task, lead):
    release = ReleaseFactory(project=task.project)
    stamp = _stamp(task.project)
    release.tasks.add(task)  # only the through row
    assert _stamp(task.project) != stamp
    stamp = _stamp(task.project)
    release.tasks.remove(task)
    assert _stamp(task.project) != stamp


def _promise(task, lead):
    query = QueryFactory(project=task.project)
    stamp = _stamp(task.project)
    QueryPromiseFactory(query=query)  # names its project through the query
    assert _stamp(task.project) != stamp


WRITES = {
    "task created": lambda task, lead: TaskFactory(project=task.project),
    "task renamed (raw update)": lambda task, lead: Task.objects.filter(pk=task.pk).update(
        title="Renamed"
    ),
    "task deleted": lambda task, lead: Task.objects.filter(pk=task.pk).delete(),
    "hours logged (the rollup)": _hours,
    "sprint goal": lambda task, lead: Sprint.objects.filter(project=task.project).update(
        goal="Ship"
    ),
    "release stage": _release_stage,
    "release's tasks": _release_tasks,
    "query asked": lambda task, lead: QueryFactory(project=task.project),
    "promise given": _promise,
    "milestone update": lambda task, lead: ProjectUpdateFactory(task=task),
    "assignee renamed": lambda task, lead: (
        type(lead).objects.filter(pk=lead.pk).update(first_name="Renamed")
    ),
    "project renamed": lambda task, lead: (
        type(task.project).objects.filter(pk=task.project.pk).update(name="Renamed")
    ),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_each_write_the_board_shows_replaces_its_stamp_and_no_other(write, task, lead):
    elsewhere = TaskFactory(project=ProjectFactory()).project
    before, other = _stamp(task.project), _stamp(elsewhere)
    assert before and other

    write(task, lead)

    assert _stamp(task.project) not in (None, before)
    assert _stamp(elsewhere) == other


def test_a_sign_in_does_not_replace_the_stamp(task, lead):
    before = _stamp(task.project)
    type(lead).objects.filter(pk=lead.pk).update(last_login=timezone.now())
    assert _stamp(task.project) == before


def test_a_rolled_back_write_leaves_the_stamp(task):
    before = _stamp(task.project)
    with pytest.raises(RuntimeError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(title="Never")
        raise RuntimeError
    assert _stamp(task.project) == before


@pytest.mark.postgres
def test_on_postgresql_the_stamp_is_written_at_commit_once_per_transaction(task):
    before = _stamp(task.project)
    with transaction.atomic():
        for n in range(3):
            Task.objects.filter(pk=task.pk).update(title=f"Title {n}")
        # Not before COMMIT: the stamp row is locked only for the commit itself.
        assert _stamp(task.project) == before
    after = _stamp(task.project)
    assert after != before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM projects_board_touch")
        assert cursor.fetchone()[0] == 0  # the commit's marker row is gone


def test_an_unchanged_board_is_served_in_three_queries_at_any_size(project, lead, task):
    client = _client(lead)
    counts = []
    for extra in (2, 40):
        TaskFactory.create_batch(extra, project=project, sprint=current_sprint(project))
        first = _board(client, project)
        with CaptureQueriesContext(connection) as queries:
            again = _board(client, project)
        counts.append(len(queries))
        assert again.count('data-testid="task-card"') == first.count('data-testid="task-card"')
    # The session, the user, the project with the viewer's rights and the stamp.
    assert counts == [3, 3]


def test_a_customer_also_gets_their_survey_panel_read_live(project, owner, task):
    client = _client(owner)
    _board(client, project)
    with CaptureQueriesContext(connection) as queries:
        _board(client, project)
    # As for the expert, then the customer's organizations (the navigation of every page)
    # and the survey of the week.
    assert len(queries) == 5
    assert "surveys_survey" in queries.captured_queries[-1]["sql"]


def test_every_change_shows_on_the_next_page(project, lead, task):
    client = _client(lead)
    _board(client, project)
    _board(client, project)

    Task.objects.filter(pk=task.pk).update(title="Faster fleet map")
    QueryFactory(project=project, title="Where is the export?")
    ProjectUpdateFactory(task=task, body="Milestone reached")
    type(lead).objects.filter(pk=lead.pk).update(first_name="Zofia")
    Sprint.objects.filter(project=project).update(goal="Ship the map")
    html = _board(client, project)

    for text in ("Faster fleet map", "Where is the export?", "Milestone reached", "Zofia"):
        assert text in html
    assert "Ship the map" in html


def test_parts_are_drawn_again_each_minute(project, lead, task, monkeypatch):
    client = _client(lead)
    _board(client, project)
    moment = timezone.now() + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    with CaptureQueriesContext(connection) as queries:
        _board(client, project)
    assert len(queries) > 3


def test_viewers_never_share_parts(project, lead, member, owner, task):
    Task.objects.filter(pk=task.pk).update(assignee=lead)
    pages = {user: _board(_client(user), project) for user in (lead, member, owner)}
    again = {user: _board(_client(user), project) for user in (lead, member, owner)}

    take = 'data-testid="assign-to-me"'
    assert take not in again[lead]  # the card is the lead's own
    assert take in again[member]
    assert 'name="status"' not in again[owner]  # a customer moves nothing
    assert "Ask a question" in again[owner] and "Ask a question" not in again[member]
    for user, html in pages.items():
        assert html.count(take) == again[user].count(take)


def test_filters_have_their_own_parts(project, lead, task):
    TaskFactory(project=project, sprint=current_sprint(project), title="Other work", kind="bug")
    client = _client(lead)
    _board(client, project)
    filtered = _board(client, project, kind="bug")
    assert "Other work" in filtered and ">Map<" not in filtered


def test_parts_drawn_by_a_transaction_that_wrote_are_not_kept(project, task):
    with transaction.atomic():
        snapshot = BoardSnapshot("board:test-wrote")
        Task.objects.filter(pk=task.pk).update(title="Uncommitted")
        snapshot.part("columns", lambda: "<p>Uncommitted</p>")
        snapshot.save()
    assert caches["fragments"].get("board:test-wrote") is None

    with transaction.atomic():
        snapshot = BoardSnapshot("board:test-read")
        snapshot.part("columns", lambda: "<p>Read</p>")
        snapshot.save()
    assert caches["fragments"].get("board:test-read") == {"columns": "<p>Read</p>"}


def test_no_csrf_token_is_kept_in_a_snapshot(project, lead, task, monkeypatch):
    written = {}
    fragments = caches["fragments"]
    set_one = fragments.set

    def spy(key, value, *args, **kwargs):
        written[key] = value
        return set_one(key, value, *args, **kwargs)

    monkeypatch.setattr(fragments, "set", spy)
    html = _board(_client(lead), project)
    snapshots = [value for key, value in written.items() if key.startswith("board:")]
    assert snapshots
    assert not any("csrfmiddlewaretoken" in part for s in snapshots for part in s.values())
    assert 'name="csrfmiddlewaretoken"' in html
