"""Asking, responding with an estimate, replying and resolving (R-QUERY-1H, R-QUERY-ANSWER)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from projects.models import Query, QueryPromise, QueryResponse
from projects.services.queries import query_ask, query_resolve, query_respond
from projects.services.query_threads import query_reply
from tests.factories.accounts import expert

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ask(team, **fields):
    return query_ask(
        actor=team.customer,
        project=team.project,
        title=fields.get("title", "Robot arm stops at night"),
        body=fields.get("body", "Since Monday the arm stops at 2am. Logs attached."),
    )


def respond(team, query, actor=None, **fields):
    fields.setdefault("kind", QueryResponse.Kind.ANSWER)
    fields.setdefault("body", "It is the watchdog timer; I will change its limit.")
    return query_respond(actor=actor or team.expert, query=query, **fields)


class TestAsking:
    def test_given_a_customer_when_they_ask_then_the_deadline_is_one_hour_later(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
        query.refresh_from_db()
        assert query.asked_at == ASKED
        assert query.first_response_due_at == ASKED + timedelta(hours=1)
        assert query.state == Query.State.WAITING
        assert query.first_responded_at is None

    def test_given_a_new_query_then_the_projects_experts_hear_at_once(
        self, team, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ask(team)
        assert sorted(m.to[0] for m in mail.outbox) == [team.expert.email, team.member.email]
        assert "respond by" in mail.outbox[0].subject.lower()

    def test_given_an_expert_of_the_project_when_they_ask_then_it_is_refused(self, team):
        with pytest.raises(ValidationError, match="customer's organization"):
            query_ask(actor=team.expert, project=team.project, title="x", body="y")
        assert not Query.objects.exists()

    def test_given_a_closed_project_then_asking_is_refused(self, team):
        team.project.status = "closed"
        team.project.save()
        with pytest.raises(ValidationError, match="closed"):
            ask(team)
        assert not Query.objects.exists()

    def test_given_an_empty_title_then_the_refusal_names_the_field(self, team):
        with pytest.raises(ValidationError) as error:
            query_ask(actor=team.customer, project=team.project, title="  ", body="y")
        assert "title" in error.value.message_dict


class TestFirstResponseClock:
    """R-QUERY-1H at its edges: 59:59 after asking is on time, 60:00 is a breach."""

    @pytest.mark.parametrize(
        "after, on_time",
        [(timedelta(minutes=59, seconds=59), True), (timedelta(minutes=60), False)],
    )
    def test_given_a_response_at_the_edge_then_it_is_on_time_or_a_breach(
        self, team, after, on_time
    ):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
        with time_machine.travel(ASKED + after, tick=False):
            respond(team, query, estimate_hours=Decimal("2"))
        query.refresh_from_db()
        assert query.first_responded_at == ASKED + after
        assert query.answered_on_time() is on_time
        assert query.is_breached() is not on_time

    def test_given_no_response_when_the_hour_is_up_then_it_is_a_breach(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
        assert not query.is_breached(now=ASKED + timedelta(minutes=59, seconds=59))
        assert query.is_breached(now=ASKED + timedelta(minutes=60))

    def test_given_a_first_response_then_later_ones_do_not_move_the_clock(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
        with time_machine.travel(ASKED + timedelta(minutes=10), tick=False):
            respond(team, query, estimate_hours=Decimal("2"))
        with time_machine.travel(ASKED + timedelta(minutes=90), tick=False):
            respond(team, query, estimate_hours=Decimal("1"), actor=team.member)
        query.refresh_from_db()
        assert query.first_responded_at == ASKED + timedelta(minutes=10)
        assert query.state == Query.State.ANSWERED


class TestEstimateIsRequired:
    """R-QUERY-ANSWER: a response without hours to complete or a delivery deadline is refused."""

    def test_given_no_estimate_then_the_response_is_refused_with_a_clear_message(self, team):
        query = ask(team)
        with pytest.raises(ValidationError) as error:
            respond(team, query)
        assert (
            "hours to complete or a delivery deadline"
            in error.value.message_dict["estimate_hours"][0]
        )
        query.refresh_from_db()
        assert query.first_responded_at is None and query.state == Query.State.WAITING
        assert not QueryResponse.objects.exists()

    @pytest.mark.parametrize("kind", list(QueryResponse.Kind.values))
    def test_given_any_kind_then_an_estimate_is_needed(self, team, kind):
        query = ask(team)
        with pytest.raises(ValidationError):
            respond(team, query, kind=kind, community_question="Anyone seen this?")

    def test_given_a_deadline_in_the_past_then_it_is_refused(self, team):
        query = ask(team)
        with time_machine.travel(ASKED, tick=False), pytest.raises(ValidationError) as error:
            respond(team, query, deliver_by=ASKED - timedelta(minutes=1))
        assert "future" in error.value.message_dict["deliver_by"][0]

    def test_given_zero_hours_then_it_is_refused(self, team):
        query = ask(team)
        with pytest.raises(ValidationError) as error:
            respond(team, query, estimate_hours=Decimal("0"))
        assert "estimate_hours" in error.value.message_dict

    def test_the_database_refuses_a_response_without_an_estimate_too(self, team):
        from django.db import IntegrityError, transaction

        query = ask(team)
        with pytest.raises(IntegrityError), transaction.atomic():
            QueryResponse.objects.create(
                query=query, organization=team.organization, body="x", kind="answer"
            )

    def test_given_a_delivery_deadline_only_then_it_is_the_promise(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            response = respond(team, query, deliver_by=ASKED + timedelta(days=2))
        assert response.promise.due_at == ASKED + timedelta(days=2)
        assert response.promise.state == QueryPromise.State.OPEN

    def test_given_hours_then_the_promise_is_that_many_hours_from_now(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            response = respond(team, query, estimate_hours=Decimal("3.5"))
        assert response.promise.due_at == ASKED + timedelta(hours=3, minutes=30)


class TestWhoResponds:
    def test_given_the_customer_then_they_cannot_respond(self, team):
        query = ask(team)
        with pytest.raises(ValidationError, match="experts and staff"):
            respond(team, query, actor=team.customer, estimate_hours=Decimal("1"))

    def test_given_an_expert_of_another_project_then_they_cannot_respond(self, team):
        query = ask(team)
        with pytest.raises(ValidationError):
            respond(team, query, actor=expert(), estimate_hours=Decimal("1"))

    def test_given_staff_then_they_can_respond(self, team, staff_user):
        query = ask(team)
        respond(team, query, actor=staff_user, estimate_hours=Decimal("1"))
        query.refresh_from_db()
        assert query.state == Query.State.ANSWERED


class TestCustomerEmail:
    def test_given_a_response_then_the_customer_gets_it_with_its_eta_in_html_and_text(
        self, team, django_capture_on_commit_callbacks
    ):
        team.customer.time_zone = "Europe/Warsaw"
        team.customer.save()
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            mail.outbox.clear()
            with django_capture_on_commit_callbacks(execute=True):
                respond(
                    team,
                    query,
                    kind=QueryResponse.Kind.RESEARCH,
                    body="This needs research; it may take a while.",
                    estimate_hours=Decimal("6"),
                )
        (message,) = mail.outbox
        assert message.to == [team.customer.email]
        html = message.alternatives[0][0]
        for body in (message.body, html):
            assert "This needs research; it may take a while." in body
            assert "6 h to complete" in body
            # 09:00 UTC + 6 h = 15:00 UTC = 16:00 in Warsaw (CET)
            assert "16:00" in body
        assert "Needs research" in message.subject and "ETA" in message.subject


class TestPromises:
    def test_given_a_new_deadline_before_the_old_one_passed_then_the_old_is_revised(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            first = respond(team, query, estimate_hours=Decimal("2"))
        with time_machine.travel(ASKED + timedelta(hours=1), tick=False):
            second = respond(team, query, estimate_hours=Decimal("4"))
        first.promise.refresh_from_db()
        assert first.promise.state == QueryPromise.State.REVISED
        assert second.promise.state == QueryPromise.State.OPEN

    def test_given_a_new_deadline_after_the_old_one_passed_then_the_old_is_missed(self, team):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            first = respond(team, query, estimate_hours=Decimal("2"))
        with time_machine.travel(ASKED + timedelta(hours=3), tick=False):
            respond(team, query, estimate_hours=Decimal("4"))
        first.promise.refresh_from_db()
        assert first.promise.state == QueryPromise.State.MISSED

    def test_given_the_same_deadline_again_then_the_promise_stands(self, team):
        deadline = ASKED + timedelta(days=1)
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            respond(team, query, deliver_by=deadline)
            respond(team, query, deliver_by=deadline, body="Still on track.")
        assert list(query.promises.values_list("state", flat=True)) == ["open"]

    @pytest.mark.parametrize(
        "delivered_after, state",
        [
            (timedelta(hours=2), QueryPromise.State.KEPT),
            (timedelta(hours=2, seconds=1), QueryPromise.State.MISSED),
        ],
    )
    def test_given_delivery_then_the_promise_is_kept_or_missed(self, team, delivered_after, state):
        with time_machine.travel(ASKED, tick=False):
            query = ask(team)
            response = respond(team, query, estimate_hours=Decimal("2"))
        with time_machine.travel(ASKED + delivered_after, tick=False):
            query_resolve(actor=team.expert, query=query)
        response.promise.refresh_from_db()
        assert response.promise.state == state
        assert response.promise.settled_at == ASKED + delivered_after
        query.refresh_from_db()
        assert query.state == Query.State.RESOLVED


class TestThread:
    def test_given_the_expert_needs_input_then_the_query_waits_on_the_customer(self, team):
        query = ask(team)
        respond(team, query, estimate_hours=Decimal("1"), waiting_on_customer=True)
        query.refresh_from_db()
        assert query.state == Query.State.WAITING_ON_CUSTOMER
        query_reply(actor=team.customer, query=query, body="Here are the logs.")
        query.refresh_from_db()
        assert query.state == Query.State.ANSWERED

    def test_given_a_resolved_query_when_the_customer_replies_then_it_opens_again(
        self, team, django_capture_on_commit_callbacks
    ):
        query = ask(team)
        respond(team, query, estimate_hours=Decimal("1"))
        query_resolve(actor=team.customer, query=query)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            query_reply(actor=team.customer, query=query, body="It stopped again tonight.")
        query.refresh_from_db()
        assert query.state == Query.State.ANSWERED and query.resolved_at is None
        assert {m.to[0] for m in mail.outbox} == {team.expert.email, team.member.email}

    def test_given_a_resolved_query_then_experts_cannot_respond(self, team):
        query = ask(team)
        query_resolve(actor=team.customer, query=query)
        with pytest.raises(ValidationError, match="resolved"):
            respond(team, query, estimate_hours=Decimal("1"))

    def test_given_an_expert_then_they_cannot_reply_as_the_customer(self, team):
        query = ask(team)
        with pytest.raises(ValidationError):
            query_reply(actor=team.expert, query=query, body="x")

    def test_given_an_expert_resolves_then_the_customer_is_told(
        self, team, django_capture_on_commit_callbacks
    ):
        query = ask(team)
        respond(team, query, estimate_hours=Decimal("1"))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            query_resolve(actor=team.expert, query=query)
        assert [m.to[0] for m in mail.outbox] == [team.customer.email]
        with pytest.raises(ValidationError, match="already resolved"):
            query_resolve(actor=team.expert, query=query)
