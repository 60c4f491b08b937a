"""The board's cached cards (projects.views.cards): a board that has not changed renders no
card, a change renders only the cards it touches, every change shows at once, what a viewer
may do is never taken from another viewer's cards, and no CSRF token is ever cached."""

import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse

from accounts.models import Membership
from projects.models import Release
from projects.views.cards import CSRF_SLOT
from tests.factories.accounts import customer
from tests.factories.projects import (
    ReleaseFactory,
    TaskFactory,
    current_sprint,
)
from tests.factories.timesheets import TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_fragments():
    caches["fragments"].clear()
    yield


@pytest.fixture
def tasks(project, lead, member):
    sprint = current_sprint(project)
    return [
        TaskFactory(
            project=project,
            sprint=sprint,
            status="todo",
            title=f"Card {n}",
            assignee=lead if n % 2 else member,
            estimate_hours=Decimal("2"),
        )
        for n in range(6)
    ]


class Renders:
    """Template names rendered while it listens (Django's test instrumentation)."""

    def __init__(self):
        self.names = []

    def __enter__(self):
        template_rendered.connect(self._record)
        return self

    def __exit__(self, *exc):
        template_rendered.disconnect(self._record)

    def _record(self, sender, template, context, **kwargs):
        self.names.append(template.name)

    def count(self, name):
        return self.names.count(name)


def _board(client, project):
    response = client.get(reverse("projects:board", kwargs={"pk": project.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _signed_in(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_an_unchanged_board_renders_no_card_and_a_change_renders_only_its_card(
    project, lead, tasks
):
    client = _signed_in(lead)
    with Renders() as first:
        _board(client, project)
    assert first.count("projects/_card.html") == len(tasks)
    assert first.count("projects/_columns.html") == 1

    with Renders() as again:
        html = _board(client, project)
    assert again.count("projects/_card.html") == 0
    assert again.count("projects/_columns.html") == 0
    assert html.count('data-testid="task-card"') == len(tasks)

    tasks[2].title = "Card 2, renamed"
    tasks[2].save()
    with Renders() as changed:
        html = _board(client, project)
    assert changed.count("projects/_card.html") == 1
    assert "Card 2, renamed" in html


def test_every_change_a_card_shows_is_on_the_next_page(project, lead, member, tasks):
    client = _signed_in(lead)
    _board(client, project)  # every card cached
    task = tasks[1]

    TimeEntryFactory(task=task, expert=lead, hours=Decimal("1.75"), day=task.sprint.starts_on)
    assert "1.75 h" in _board(client, project)

    ReleaseFactory(project=project, tasks=[task], stage=Release.Stage.TESTED)
    assert "Tested" in _board(client, project)

    lead.first_name, lead.last_name = "Renata", "Quill"
    lead.save()
    assert "Renata Quill" in _board(client, project)

    task.estimate_hours = Decimal("7.5")
    task.priority = 4
    task.save()
    html = _board(client, project)
    assert "7.50 h" in html and "Urgent" in html


def test_what_a_viewer_may_do_is_never_taken_from_another_viewers_cards(
    project, lead, member, tasks
):
    _board(_signed_in(lead), project)  # the lead's cards cached first
    owner = customer(project.organization, Membership.Role.OWNER)

    customer_html = _board(_signed_in(owner), project)
    assert 'data-testid="assign-to-me"' not in customer_html
    assert "Plan this week" not in customer_html and 'name="status"' not in customer_html

    lead_html = _board(_signed_in(lead), project)
    member_html = _board(_signed_in(member), project)
    # "Assign to me" on the cards of the other expert's tasks only.
    assert lead_html.count('data-testid="assign-to-me"') == 3
    assert member_html.count('data-testid="assign-to-me"') == 3
    assert lead_html != member_html


def test_no_csrf_token_is_cached_and_each_viewer_posts_with_their_own(
    project, lead, tasks, monkeypatch
):
    fragments = caches["fragments"]
    written = {}  # key: value (an in-process cache's set_many calls set for each key)
    set_many, set_one = fragments.set_many, fragments.set

    def spy_many(data, *args, **kwargs):
        written.update(data)
        return set_many(data, *args, **kwargs)

    def spy_one(key, value, *args, **kwargs):
        written[key] = value
        return set_one(key, value, *args, **kwargs)

    monkeypatch.setattr(fragments, "set_many", spy_many)
    monkeypatch.setattr(fragments, "set", spy_one)
    first, second = _signed_in(lead), _signed_in(lead)
    html_first = _board(first, project)
    html_second = _board(second, project)

    fragments_written = [value for key, value in written.items() if not key.startswith("board:")]
    assert len(fragments_written) == len(tasks) + 1  # the cards, then the columns
    assert all(CSRF_SLOT in value for value in fragments_written)
    # The board's snapshot (where the stamp is committed) holds the columns' slots too.
    parts = [
        part
        for key, value in written.items()
        if key.startswith("board:")
        for part in value.values()
    ]
    assert not any("csrfmiddlewaretoken" in value for value in [*fragments_written, *parts])
    for html in (html_first, html_second):
        assert CSRF_SLOT not in html
        assert html.count('name="csrfmiddlewaretoken"') >= 2 * len(tasks)

    # A card's own form, as the page gave it, moves the card for the viewer who got it.
    task = tasks[0]
    token = re.search(
        rf'action="{reverse("projects:task_move", kwargs={"pk": task.pk})}"[^>]*>'
        r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
        html_second,
    ).group(1)
    response = second.post(
        reverse("projects:task_move", kwargs={"pk": task.pk}),
        {"csrfmiddlewaretoken": token, "status": "in_progress"},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "in_progress"
