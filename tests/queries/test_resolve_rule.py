"""Who resolves a query decides what it proves (R-QUERY-1H, R-QUERY-ANSWER): the team
resolving it delivers the work (and is a response); the customer closing it proves neither
a response within the hour nor a promise kept."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from projects.models import Query, QueryPromise
from projects.selectors.query_figures import query_figures
from projects.services.queries import query_ask, query_resolve, query_respond

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PERIOD = {"start": ASKED - timedelta(days=1), "end": ASKED + timedelta(days=1)}


def _ask(team) -> Query:
    with time_machine.travel(ASKED, tick=False):
        return query_ask(actor=team.customer, project=team.project, title="Stuck", body="x")


def _at(minutes, service, **kwargs):
    with time_machine.travel(ASKED + timedelta(minutes=minutes), tick=False):
        return service(**kwargs)


def _answered_with_a_two_hour_promise(team) -> Query:
    query = _ask(team)
    _at(
        10,
        query_respond,
        actor=team.expert,
        query=query,
        kind="answer",
        body="On it.",
        estimate_hours=Decimal("2"),
    )
    return query


def _figures(team):
    with time_machine.travel(ASKED + timedelta(hours=12), tick=False):
        (row,) = query_figures(user=team.customer, **PERIOD).projects
    return row


def _promise(query) -> QueryPromise:
    return QueryPromise.objects.get(query=query)


def test_the_customer_closing_before_the_deadline_does_not_keep_the_promise(team):
    query = _answered_with_a_two_hour_promise(team)
    _at(30, query_resolve, actor=team.customer, query=query)
    assert _promise(query).state == QueryPromise.State.WITHDRAWN
    row = _figures(team)
    assert (row.promises_kept, row.promises_missed, row.promises_open) == (0, 0, 0)
    assert row.promises_kept_share is None


def test_the_customer_closing_after_the_deadline_leaves_the_promise_missed(team):
    query = _answered_with_a_two_hour_promise(team)
    _at(10 + 121, query_resolve, actor=team.customer, query=query)
    assert _promise(query).state == QueryPromise.State.MISSED
    assert (_figures(team).promises_kept, _figures(team).promises_missed) == (0, 1)


def test_the_team_delivering_by_the_deadline_keeps_the_promise(team):
    query = _answered_with_a_two_hour_promise(team)
    _at(30, query_resolve, actor=team.expert, query=query)
    assert _promise(query).state == QueryPromise.State.KEPT
    assert _figures(team).promises_kept == 1


@pytest.mark.parametrize("minutes, breaches", [(20, 0), (75, 1)])
def test_the_customer_closing_an_unanswered_query_is_no_response(team, minutes, breaches):
    query = _ask(team)
    _at(minutes, query_resolve, actor=team.customer, query=query)
    query.refresh_from_db()
    assert query.first_responded_at is None
    assert query.answered_on_time() is None
    row = _figures(team)
    assert (row.on_time, row.breaches) == (0, breaches)
    assert row.median is None


@pytest.mark.parametrize("minutes, on_time", [(20, 1), (75, 0)])
def test_the_team_resolving_an_unanswered_query_is_its_first_response(team, minutes, on_time):
    query = _ask(team)
    _at(minutes, query_resolve, actor=team.expert, query=query)
    query.refresh_from_db()
    assert query.first_responded_at == ASKED + timedelta(minutes=minutes)
    row = _figures(team)
    assert (row.measured, row.on_time, row.breaches) == (1, on_time, 1 - on_time)
