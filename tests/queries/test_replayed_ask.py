"""A question replayed outside the browser (the same token) is asked once, even when both
posts arrive at the same moment."""

import pytest
from django.urls import reverse

from projects.models import Query
from projects.services.queries import query_ask
from tests.projects.test_replayed_create import token
from tests.races import race


def _ask(client, team, **extra):
    url = reverse("queries:ask", kwargs={"pk": team.project.pk})
    return client.post(url, {"title": "Robot stuck", "body": "Since 9:00.", **extra})


def _new_token(client, team) -> str:
    return token(client.get(reverse("queries:ask", kwargs={"pk": team.project.pk})))


def test_the_same_question_posted_twice_is_asked_once(client, team):
    client.force_login(team.customer)
    sent = _new_token(client, team)
    first, again = _ask(client, team, submission=sent), _ask(client, team, submission=sent)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Query.objects.count() == 1


def test_two_showings_of_the_form_ask_twice(client, team):
    client.force_login(team.customer)
    _ask(client, team, submission=_new_token(client, team))
    _ask(client, team, submission=_new_token(client, team))
    assert Query.objects.count() == 2


def test_a_question_without_a_token_is_asked_each_time(client, team):
    client.force_login(team.customer)
    _ask(client, team)
    _ask(client, team)
    assert Query.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_question_posted_twice_at_once_is_asked_once(team):
    sent = "0b7c4c43-5b1e-4d0e-9d55-7a1f3d1d2a10"

    def ask():
        return query_ask(
            actor=team.customer, project=team.project, title="Stuck", body="x", submission=sent
        )

    first, second = race(ask, ask)
    assert isinstance(first, Query) and isinstance(second, Query), (first, second)
    assert first.pk == second.pk
    assert Query.objects.count() == 1
