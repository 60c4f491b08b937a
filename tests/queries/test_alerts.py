"""The alert job of the 1-hour promise (R-QUERY-1H): a warning 15 minutes before the
deadline, a breach alert at it, each sent once per query whatever the runs."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.db import connection

from projects.models import Assignment, Query
from projects.services.queries import query_ask, query_respond
from projects.services.query_alerts import query_alerts_send
from projects.tasks.queries import query_alerts_task
from softwaresupp.schedule import BEAT_SCHEDULE
from tests.factories.accounts import StaffFactory
from tests.factories.projects import ProjectFactory
from tests.queries.conftest import SINCE

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STAFF_INBOX = "alerts@softwaresupp.example"


@pytest.fixture(autouse=True)
def staff_inbox(settings):
    settings.STAFF_ALERT_EMAIL = STAFF_INBOX


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the job at a moment; return who got which alert, as (template subject word, to)."""

    def run_at(moment):
        mail.outbox.clear()
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            counts = query_alerts_send()
        return counts, sorted((kind_of(m), m.to[0]) for m in mail.outbox)

    return run_at


def kind_of(message) -> str:
    subject = message.subject
    if "15 minutes left" in subject:
        return "warning"
    if "Missed the hour" in subject:
        return "breach"
    if "No expert assigned" in subject:
        return "unassigned"
    return subject


def asked(team, at=ASKED, title="Robot arm stops at night"):
    with time_machine.travel(at, tick=False):
        return query_ask(actor=team.customer, project=team.project, title=title, body="Help")


def experts(team, kind):
    return sorted([(kind, team.expert.email), (kind, team.member.email)])


class TestWarning:
    def test_given_45_minutes_have_passed_then_the_experts_are_warned_once(self, team, run):
        asked(team)
        assert run(ASKED + timedelta(minutes=44, seconds=59))[1] == []
        assert run(ASKED + timedelta(minutes=45))[1] == experts(team, "warning")
        assert run(ASKED + timedelta(minutes=45))[1] == []  # the same minute, again
        assert run(ASKED + timedelta(minutes=50))[1] == []  # a later run
        query = Query.objects.get()
        assert query.warned_at == ASKED + timedelta(minutes=45)

    def test_given_a_first_response_then_nobody_is_warned(self, team, run):
        query = asked(team)
        with time_machine.travel(ASKED + timedelta(minutes=30), tick=False):
            query_respond(
                actor=team.expert,
                query=query,
                kind="answer",
                body="On it",
                estimate_hours=Decimal("1"),
            )
        assert run(ASKED + timedelta(minutes=45))[1] == []
        assert run(ASKED + timedelta(hours=2))[1] == []


class TestBreach:
    def test_at_59_59_no_breach_at_60_00_a_breach_to_experts_and_staff_once(self, team, run):
        asked(team)
        run(ASKED + timedelta(minutes=45))  # the warning
        assert run(ASKED + timedelta(minutes=59, seconds=59))[1] == []
        counts, sent = run(ASKED + timedelta(minutes=60))
        assert counts["breached"] == 1
        assert sent == sorted([*experts(team, "breach"), ("breach", STAFF_INBOX)])
        assert run(ASKED + timedelta(minutes=60))[1] == []
        assert run(ASKED + timedelta(minutes=61))[1] == []
        assert run(ASKED + timedelta(days=1))[1] == []

    def test_given_a_response_at_59_59_then_no_breach_alert(self, team, run):
        query = asked(team)
        with time_machine.travel(ASKED + timedelta(minutes=59, seconds=59), tick=False):
            query_respond(
                actor=team.expert,
                query=query,
                kind="answer",
                body="Done",
                estimate_hours=Decimal("1"),
            )
        assert run(ASKED + timedelta(minutes=60))[1] == []

    def test_given_the_job_was_down_then_a_late_run_sends_the_breach_once_and_no_stale_warning(
        self, team, run
    ):
        asked(team)
        assert run(ASKED + timedelta(minutes=75))[1] == sorted(
            [*experts(team, "breach"), ("breach", STAFF_INBOX)]
        )
        assert run(ASKED + timedelta(minutes=76))[1] == []
        query = Query.objects.get()
        assert query.warned_at is None
        assert query.breach_alerted_at == ASKED + timedelta(minutes=75)

    def test_given_a_late_run_inside_the_last_15_minutes_then_the_warning_still_goes(
        self, team, run
    ):
        asked(team)
        assert run(ASKED + timedelta(minutes=58))[1] == experts(team, "warning")
        assert run(ASKED + timedelta(minutes=60))[1] == sorted(
            [*experts(team, "breach"), ("breach", STAFF_INBOX)]
        )


class TestDigestsAndScope:
    def test_given_several_queries_then_each_person_gets_one_message_listing_them(self, team, run):
        asked(team, title="First question")
        asked(team, at=ASKED + timedelta(minutes=5), title="Second question")
        _, sent = run(ASKED + timedelta(minutes=55))
        assert sent == experts(team, "warning")
        assert "2 queries" in mail.outbox[0].subject
        assert "First question" in mail.outbox[0].body
        assert "Second question" in mail.outbox[0].body

    def test_given_two_customers_then_an_expert_hears_only_of_their_own_projects(self, team, run):
        other = ProjectFactory(name="Other customer's shop")
        from tests.factories.accounts import customer, expert

        other_expert = expert()
        Assignment.objects.create(project=other, expert=other_expert, starts_on=SINCE)
        with time_machine.travel(ASKED, tick=False):
            query_ask(actor=customer(other.organization), project=other, title="Shop", body="x")
        asked(team)
        run(ASKED + timedelta(minutes=50))
        bodies = {m.to[0]: m.body for m in mail.outbox}
        assert "Shop" in bodies[other_expert.email]
        assert "Robot arm" not in bodies[other_expert.email]
        assert "Shop" not in bodies[team.expert.email]


def test_a_long_list_shows_its_first_50_and_links_to_the_rest(team, run):
    open_queries(team.project, 60, ASKED)
    run(ASKED + timedelta(hours=1))
    staff_message = next(m for m in mail.outbox if m.to == [STAFF_INBOX])
    assert "60 queries" in staff_message.subject
    assert staff_message.body.count("Question ") == 50
    assert "…and 10 more: http://testserver/staff/queries/" in staff_message.body


class TestNobodyAssigned:
    def test_given_no_expert_on_the_project_then_staff_hear_at_once_and_only_once(
        self, team, run, django_capture_on_commit_callbacks
    ):
        Assignment.objects.filter(project=team.project).delete()
        with django_capture_on_commit_callbacks(execute=True):
            asked(team)
        assert [(kind_of(m), m.to[0]) for m in mail.outbox] == [("unassigned", STAFF_INBOX)]
        assert run(ASKED + timedelta(minutes=1))[1] == []
        assert run(ASKED + timedelta(minutes=60))[1] == [("breach", STAFF_INBOX)]

    def test_given_the_assignment_ended_after_asking_then_the_job_tells_staff(self, team, run):
        late_evening = datetime(2026, 3, 2, 23, 50, tzinfo=UTC)
        Assignment.objects.filter(project=team.project).update(ends_on=late_evening.date())
        asked(team, at=late_evening)  # the experts are still on the project: they hear
        counts, sent = run(late_evening + timedelta(minutes=15))  # past midnight: nobody
        assert sent == [("unassigned", STAFF_INBOX)]
        assert run(late_evening + timedelta(minutes=16))[1] == []
        assert run(late_evening + timedelta(minutes=60))[1] == [("breach", STAFF_INBOX)]

    def test_given_no_team_inbox_then_staff_users_are_alerted(self, team, run, settings):
        settings.STAFF_ALERT_EMAIL = ""
        staff = StaffFactory()
        StaffFactory(is_active=False)
        asked(team)
        _, sent = run(ASKED + timedelta(hours=1))
        assert ("breach", staff.email) in sent
        assert len([s for s in sent if s[1] not in (team.expert.email, team.member.email)]) == 1


def open_queries(project, count, asked_at):
    Query.objects.bulk_create(
        Query(
            project=project,
            organization_id=project.organization_id,
            title=f"Question {n}",
            body="x",
            asked_at=asked_at,
            first_response_due_at=asked_at + timedelta(hours=1),
        )
        for n in range(count)
    )


class TestQueryCount:
    """The job's SQL statements are fixed: the same for 10 and for 5,000 open queries."""

    @pytest.mark.parametrize("count", [10, 5000])
    def test_given_every_query_is_due_a_breach_then_the_statements_are_fixed(
        self, team, count, django_assert_num_queries, django_capture_on_commit_callbacks
    ):
        open_queries(team.project, count, ASKED)
        # The job's 5 and one outbox insert for all its messages; relaying them after the
        # commit is the outbox's work, not counted here.
        with (
            time_machine.travel(ASKED + timedelta(hours=1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
            django_assert_num_queries(6),
        ):
            counts = query_alerts_send()
        assert counts["breached"] == count
        assert Query.objects.filter(breach_alerted_at__isnull=True).count() == 0

    @pytest.mark.parametrize("count", [10, 5000])
    def test_given_nothing_is_due_then_the_statements_are_fixed(
        self, team, count, django_assert_num_queries
    ):
        open_queries(team.project, count, ASKED)
        with (
            time_machine.travel(ASKED + timedelta(minutes=10), tick=False),
            django_assert_num_queries(3),
        ):
            assert query_alerts_send() == {"unassigned": 0, "warned": 0, "breached": 0}


def test_the_celery_task_runs_the_job_every_minute(team):
    asked(team)
    with time_machine.travel(ASKED + timedelta(hours=1), tick=False):
        assert query_alerts_task.delay().get()["breached"] == 1
    entry = BEAT_SCHEDULE["query-alerts"]
    assert entry["task"] == query_alerts_task.name
    assert entry["schedule"] == crontab()  # every minute
    assert query_alerts_task.soft_time_limit < query_alerts_task.time_limit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_send_each_alert_once(team):
    """Two workers start the job at once: row locks (SKIP LOCKED) give each query to one."""
    open_queries(team.project, 200, ASKED)
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            with time_machine.travel(ASKED + timedelta(hours=1), tick=False):
                results.append(query_alerts_send()["breached"])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[-1] + sorted(results)[0] == 200
    assert Query.objects.filter(breach_alerted_at__isnull=True).count() == 0
