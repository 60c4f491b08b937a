"""Response-time figures per project and per expert (R-QUERY-1H)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Assignment, QueryPromise
from projects.selectors.query_figures import percentile, query_figures
from tests.factories.accounts import customer, expert, verified_staff
from tests.factories.projects import ProjectFactory
from tests.factories.queries import QueryFactory, QueryPromiseFactory, QueryResponseFactory

DAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NOW = DAY + timedelta(days=3)
PERIOD = {"start": DAY - timedelta(days=1), "end": DAY + timedelta(days=5)}


def answered(project, after, asked_at=DAY, **fields):
    return QueryFactory(
        project=project,
        asked_at=asked_at,
        first_responded_at=asked_at + after,
        state="answered",
        **fields,
    )


def figures_for(user):
    with time_machine.travel(NOW, tick=False):
        return query_figures(user=user, **PERIOD)


class TestArithmetic:
    def test_59_59_counts_as_within_the_hour_and_60_00_as_a_breach(self, team):
        answered(team.project, timedelta(minutes=59, seconds=59))
        answered(team.project, timedelta(minutes=60))
        (row,) = figures_for(team.customer).projects
        assert (row.asked, row.measured, row.on_time, row.breaches) == (2, 2, 1, 1)
        assert row.on_time_share == Decimal("50.0")

    def test_median_and_90th_percentile_of_time_to_first_response(self, team):
        for minutes in (5, 10, 15, 20, 25, 30, 35, 40, 45, 120):
            answered(team.project, timedelta(minutes=minutes))
        (row,) = figures_for(team.customer).projects
        assert row.median == timedelta(minutes=27, seconds=30)
        assert row.p90 == timedelta(minutes=45)
        assert (row.on_time, row.breaches) == (9, 1)
        assert row.on_time_share == Decimal("90.0")

    def test_unanswered_past_the_hour_is_a_breach_waiting_and_withdrawn_are_not(self, team):
        QueryFactory(project=team.project, asked_at=DAY)  # never answered: breach
        QueryFactory(project=team.project, asked_at=NOW - timedelta(minutes=30))  # still waiting
        QueryFactory(  # withdrawn by the customer within the hour
            project=team.project,
            asked_at=DAY,
            state="resolved",
            resolved_at=DAY + timedelta(minutes=10),
        )
        (row,) = figures_for(team.customer).projects
        assert (row.asked, row.measured, row.breaches, row.waiting) == (3, 1, 1, 1)
        assert row.on_time_share == Decimal("0.0")
        assert row.median is None

    def test_promises_kept_missed_and_open_past_their_deadline(self, team):
        query = answered(team.project, timedelta(minutes=5))
        for state, due in (
            (QueryPromise.State.KEPT, DAY + timedelta(hours=2)),
            (QueryPromise.State.MISSED, DAY + timedelta(hours=2)),
            (QueryPromise.State.REVISED, DAY + timedelta(hours=2)),
        ):
            QueryPromiseFactory(
                response=QueryResponseFactory(query=query, author=team.expert),
                state=state,
                due_at=due,
                settled_at=DAY + timedelta(hours=1),
            )
        overdue = answered(team.project, timedelta(minutes=5))
        QueryPromiseFactory(
            response=QueryResponseFactory(query=overdue, author=team.member),
            due_at=NOW - timedelta(minutes=1),
        )
        pending = answered(team.project, timedelta(minutes=5))
        QueryPromiseFactory(
            response=QueryResponseFactory(query=pending, author=team.member),
            due_at=NOW + timedelta(hours=1),
        )
        report = figures_for(team.customer)
        (row,) = report.projects
        assert (row.promises_kept, row.promises_missed, row.promises_open) == (1, 2, 1)
        assert row.promises_kept_share == Decimal("33.3")

    def test_nearest_rank_percentile(self):
        assert percentile([1], 90) == 1
        assert percentile(list(range(1, 11)), 90) == 9
        assert percentile(list(range(1, 101)), 90) == 90


class TestPerExpert:
    def test_an_expert_is_counted_on_queries_asked_while_assigned(self, team):
        late = expert(user__first_name="Zed")
        Assignment.objects.create(
            project=team.project, expert=late, starts_on=(DAY + timedelta(days=1)).date()
        )
        answered(team.project, timedelta(minutes=10))  # asked before Zed joined
        answered(team.project, timedelta(hours=2), asked_at=DAY + timedelta(days=1))
        rows = {row.label.split()[0]: row for row in figures_for(team.expert).experts}
        assert list(rows) == ["Eva"]  # an expert sees their own record only
        assert (rows["Eva"].asked, rows["Eva"].breaches) == (2, 1)
        staff_rows = {row.label.split()[0]: row for row in figures_for(verified_staff()).experts}
        assert staff_rows["Zed"].asked == 1 and staff_rows["Zed"].breaches == 1
        assert staff_rows["Raj"].asked == 2

    def test_promises_count_for_the_expert_who_made_them(self, team):
        query = answered(team.project, timedelta(minutes=5))
        QueryPromiseFactory(
            response=QueryResponseFactory(query=query, author=team.member),
            state=QueryPromise.State.KEPT,
            settled_at=DAY + timedelta(hours=1),
        )
        rows = {row.label.split()[0]: row for row in figures_for(verified_staff()).experts}
        assert rows["Raj"].promises_kept == 1
        assert rows["Eva"].promises_kept == 0


class TestVisibility:
    def test_customers_see_their_projects_experts_theirs_staff_all(self, team):
        other = ProjectFactory(name="Other shop")
        answered(other, timedelta(minutes=5))
        answered(team.project, timedelta(minutes=5))
        assert [r.label for r in figures_for(team.customer).projects] == ["Warehouse robots"]
        assert figures_for(team.customer).experts == []
        assert [r.label for r in figures_for(team.expert).projects] == ["Warehouse robots"]
        assert {r.label for r in figures_for(verified_staff()).projects} == {
            "Other shop",
            "Warehouse robots",
        }
        assert [r.label for r in figures_for(customer()).projects] == []


class TestPage:
    def test_the_figures_page_reads_a_fixed_number_of_queries(
        self, client, team, django_assert_num_queries
    ):
        def grow(start, stop):
            for n in range(start, stop):
                query = answered(team.project, timedelta(minutes=n), asked_at=DAY)
                QueryPromiseFactory(response=QueryResponseFactory(query=query, author=team.expert))

        def page():
            with time_machine.travel(NOW, tick=False):
                response = client.get(
                    reverse("queries:figures"), {"start": "2026-03-01", "end": "2026-03-06"}
                )
            assert response.status_code == 200
            return response.content.decode()

        client.force_login(team.expert)
        grow(0, 1)
        page()  # warm caches (content types)
        with CaptureQueriesContext(connection) as small:
            assert '<td class="text-end">1</td>' in page()
        assert len(small) <= 9
        grow(1, 5)
        with django_assert_num_queries(len(small)):
            assert '<td class="text-end">5</td>' in page()

    def test_a_period_that_ends_before_it_starts_is_explained(self, client, team):
        client.force_login(team.customer)
        response = client.get(
            reverse("queries:figures"), {"start": "2026-03-06", "end": "2026-03-01"}
        )
        assert "The period ends before it starts." in response.content.decode()

    def test_staff_are_sent_to_the_staff_figures(self, staff_client):
        client = staff_client
        response = client.get(reverse("queries:figures"))
        assert response["Location"] == reverse("queries:staff_figures")
