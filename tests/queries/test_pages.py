"""The pages of queries: ask, respond, reply, files, lists, panels, the staff page."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Query, QueryResponse
from projects.selectors.projects import project_access
from projects.services.queries import query_ask, query_respond
from tests.factories.accounts import StaffFactory, login_verified_staff
from tests.factories.projects import ProjectFactory
from tests.factories.queries import QueryFactory, QueryPromiseFactory, QueryResponseFactory


def url(name, **kwargs):
    return reverse(f"queries:{name}", kwargs=kwargs)


@pytest.fixture
def query(team):
    return query_ask(
        actor=team.customer, project=team.project, title="Arm stops", body="At 2am, daily."
    )


class TestAsk:
    def test_given_a_customer_then_they_ask_with_files_and_land_on_the_query(self, client, team):
        client.force_login(team.customer)
        assert client.get(url("ask", pk=team.project.pk)).status_code == 200
        response = client.post(
            url("ask", pk=team.project.pk),
            {
                "title": "Arm stops at night",
                "body": "Logs attached.",
                "files": [
                    SimpleUploadedFile("log.txt", b"watchdog fired"),
                    SimpleUploadedFile("photo.jpg", b"\xff\xd8"),
                ],
            },
        )
        query = Query.objects.get()
        assert response.status_code == 302 and response["Location"] == query.get_absolute_url()
        assert sorted(query.attachments.values_list("name", flat=True)) == ["log.txt", "photo.jpg"]
        page = client.get(query.get_absolute_url())
        assert "An expert responds by" in page.content.decode()
        log = query.attachments.get(name="log.txt")
        download = client.get(log.get_absolute_url())
        assert b"".join(download.streaming_content) == b"watchdog fired"
        assert 'attachment; filename="log.txt"' in download["Content-Disposition"]

    def test_given_a_missing_title_then_the_error_is_beside_it_and_the_text_kept(
        self, client, team
    ):
        client.force_login(team.customer)
        response = client.post(url("ask", pk=team.project.pk), {"title": "", "body": "Kept text"})
        assert response.status_code == 200
        assert response.context["form"].errors["title"]
        assert "Kept text" in response.content.decode()
        assert not Query.objects.exists()

    def test_given_too_many_files_then_the_service_refusal_shows_beside_files(self, client, team):
        client.force_login(team.customer)
        files = [SimpleUploadedFile(f"f{n}.txt", b"x") for n in range(6)]
        response = client.post(
            url("ask", pk=team.project.pk), {"title": "T", "body": "B", "files": files}
        )
        assert "Attach at most 5 files." in response.context["form"].errors["files"]
        assert not Query.objects.exists()

    def test_given_an_expert_then_the_ask_page_sends_them_back(self, client, team):
        client.force_login(team.expert)
        response = client.get(url("ask", pk=team.project.pk))
        assert response["Location"] == url("project_list", pk=team.project.pk)


class TestRespondPage:
    def test_given_no_estimate_then_the_refusal_is_beside_the_field_and_the_text_kept(
        self, client, team, query
    ):
        client.force_login(team.expert)
        response = client.post(
            url("respond", pk=query.pk), {"kind": "answer", "body": "The watchdog limit."}
        )
        assert response.status_code == 400
        assert "hours to complete or a delivery deadline" in " ".join(
            response.context["respond_form"].errors["estimate_hours"]
        )
        assert "The watchdog limit." in response.content.decode()
        assert not QueryResponse.objects.exists()

    def test_a_deadline_is_typed_in_the_experts_time_zone(self, client, team):
        team.expert.time_zone = "Europe/Warsaw"
        team.expert.save()
        client.force_login(team.expert)
        with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
            query = query_ask(actor=team.customer, project=team.project, title="T", body="B")
            response = client.post(
                url("respond", pk=query.pk),
                {"kind": "answer", "body": "Tomorrow.", "deliver_by": "2026-03-03T10:00"},
            )
        assert response.status_code == 302
        assert QueryResponse.objects.get().deliver_by == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

    def test_the_customer_sees_the_answer_and_its_eta(self, client, team, query):
        query_respond(
            actor=team.expert,
            query=query,
            kind="answer",
            body="It is the watchdog.",
            estimate_hours=Decimal("3"),
        )
        client.force_login(team.customer)
        page = client.get(query.get_absolute_url()).content.decode()
        assert "It is the watchdog." in page
        assert "3 h to complete" in page
        assert "Respond to the customer" not in page

    def test_the_customer_replies_from_the_page(self, client, team, query):
        client.force_login(team.customer)
        response = client.post(url("reply", pk=query.pk), {"body": "More logs: none."})
        assert response.status_code == 302
        assert query.replies.get().body == "More logs: none."

    def test_resolve_from_the_page(self, client, team, query):
        client.force_login(team.customer)
        assert client.post(url("resolve", pk=query.pk)).status_code == 302
        query.refresh_from_db()
        assert query.state == Query.State.RESOLVED
        client.post(url("resolve", pk=query.pk), follow=True)
        page = client.get(query.get_absolute_url()).content.decode()
        assert "Reply to reopen" in page

    def test_post_only_routes_answer_405_to_get_once_looked_up(self, client, team, query):
        client.force_login(team.expert)
        for name in ("respond", "reply", "note", "create_task"):
            assert client.get(url(name, pk=query.pk)).status_code == 405, name

    def test_the_expert_makes_a_task_from_the_page(self, client, team, query):
        client.force_login(team.expert)
        response = client.post(
            url("create_task", pk=query.pk),
            {"title": "Fix watchdog", "estimate_hours": "2", "priority": "3"},
        )
        assert response.status_code == 302
        query.refresh_from_db()
        assert query.task.title == "Fix watchdog" and query.task.priority == 3


def many_queries(project, count):
    asked_at = datetime.now(UTC) - timedelta(hours=2)
    for n in range(count):
        query = QueryFactory(
            project=project,
            state="answered",
            asked_at=asked_at,
            first_responded_at=asked_at + timedelta(minutes=n),
        )
        QueryPromiseFactory(response=QueryResponseFactory(query=query))


class TestQueryCounts:
    """Lists read a fixed number of queries, whatever their length."""

    def test_project_and_user_lists(self, client, team, django_assert_num_queries):
        client.force_login(team.customer)
        many_queries(team.project, 2)
        routes = (url("project_list", pk=team.project.pk), url("list"))
        small = {}  # counts taken at once: a later request's log reset moves a capture's slice
        for route in routes:
            client.get(route)  # warm caches (content types)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(route).content.decode().count("query-deadline") == 2
            small[route] = len(queries)
            assert small[route] <= 10
        many_queries(team.project, 28)  # past the first page of 25
        for route in routes:
            with django_assert_num_queries(small[route]):
                assert client.get(route).content.decode().count("query-deadline") == 25

    def test_query_page(self, client, team, django_assert_num_queries):
        asked_at = datetime.now(UTC) - timedelta(hours=1)
        query = QueryFactory(
            project=team.project, state="answered", asked_at=asked_at, first_responded_at=asked_at
        )

        def respond(count):
            for _ in range(count):
                QueryPromiseFactory(
                    response=QueryResponseFactory(query=query, author=team.expert),
                    state="revised",
                    settled_at=asked_at,
                )

        def responses():
            html = client.get(query.get_absolute_url()).content.decode()
            return html.count('data-testid="query-response"')

        client.force_login(team.expert)
        respond(1)
        responses()  # warm caches (content types)
        with CaptureQueriesContext(connection) as small:
            assert responses() == 1
        assert len(small) <= 12
        respond(4)
        with django_assert_num_queries(len(small)):
            assert responses() == 5

    def test_staff_open_queries_by_time_left(self, client, team, django_assert_num_queries):
        def grow(count):
            many_queries(team.project, count)
            many_queries(ProjectFactory(), count)

        def deadlines():
            return client.get(url("staff_open")).content.decode().count("query-deadline")

        login_verified_staff(client, StaffFactory())
        grow(1)
        deadlines()  # warm caches (content types)
        with CaptureQueriesContext(connection) as small:
            assert deadlines() == 2
        assert len(small) <= 8
        grow(4)
        with django_assert_num_queries(len(small)):
            assert deadlines() == 10

    @pytest.mark.parametrize("count", [2, 30])
    def test_board_panel_include(self, team, count, django_assert_num_queries):
        many_queries(team.project, count)
        request = RequestFactory().get("/")
        request.user = team.customer
        template = Template('{% include "queries/board_panel.html" %}')
        access = project_access(user=team.customer, project=team.project)
        context = {"project": team.project, "request": request, "user": team.customer}
        with django_assert_num_queries(1):
            html = template.render(Context({**context, "access": access}))
        assert "Ask a question" in html
        assert f"{count} open" in html
        # Without the board's access it reads whether the user may ask.
        with django_assert_num_queries(2):
            assert f"{count} open" in template.render(Context(context))


@pytest.mark.parametrize("count", [2, 30, 300])
def test_the_dashboard_panel_reads_one_query_however_many_are_open(
    team, count, django_assert_num_queries
):
    many_queries(team.project, count)
    QueryFactory(project=team.project, asked_at=datetime.now(UTC) - timedelta(hours=2))
    template = Template('{% include "queries/dashboard_panel.html" %}')
    with django_assert_num_queries(1):
        html = template.render(Context({"user": team.expert}))
    assert html.count("query-deadline") == min(count + 1, 5)
    assert f"{count + 1}</span>" in html and "1 past the hour" in html


def test_staff_open_queries_come_soonest_deadline_first(client, team):
    now = datetime.now(UTC)
    later = QueryFactory(project=team.project, title="Later", asked_at=now - timedelta(minutes=5))
    overdue = QueryFactory(project=team.project, title="Overdue", asked_at=now - timedelta(hours=2))
    QueryFactory(project=team.project, title="Done", state="resolved", resolved_at=now)
    login_verified_staff(client, StaffFactory())
    page = client.get(url("staff_open")).content.decode()
    assert page.index(overdue.title) < page.index(later.title)
    assert "First response overdue by 1 h 00 min" in page
    assert "Done" not in page


def test_staff_pages_need_staff(client, team):
    client.force_login(team.customer)
    assert client.get(url("staff_open")).status_code == 404
    assert client.get(url("staff_figures")).status_code == 404


def test_the_dashboard_shows_the_experts_open_queries(client, team, query):
    client.force_login(team.expert)
    page = client.get(reverse("dashboard")).content.decode()
    assert "dashboard-queries" in page and "Arm stops" in page
