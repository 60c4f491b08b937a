"""From a query to a task in one step (R-QUERY-ACTION); the internal community thread that
the customer never sees (R-QUERY-COMMUNITY)."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import QueryNote, QueryResponse, Task
from projects.selectors.queries import query_get, query_task_initial
from projects.services.queries import query_ask, query_respond, query_task_create
from projects.services.query_threads import query_note_add
from softwaresupp.models import Event
from tests.factories.accounts import customer, login_verified_staff

ASKED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET = "Internal-only: their server is misconfigured"


@pytest.fixture
def query(team):
    with time_machine.travel(ASKED, tick=False):
        query = query_ask(
            actor=team.customer,
            project=team.project,
            title="Add a night shift mode",
            body="The arm should slow down between 22:00 and 6:00.",
        )
        query_respond(
            actor=team.expert,
            query=query,
            kind=QueryResponse.Kind.ANSWER,
            body="Doable: about a day of work.",
            estimate_hours=Decimal("8"),
            deliver_by=datetime(2026, 3, 4, 15, 0, tzinfo=UTC),
        )
    return query


class TestTaskFromQuery:
    def test_the_task_form_is_prefilled_from_the_query_and_its_estimate(self, team, query):
        initial = query_task_initial(query_get(user=team.expert, pk=query.pk))
        assert initial["title"] == "Add a night shift mode"
        assert "slow down between 22:00 and 6:00" in initial["description"]
        assert query.get_absolute_url() in initial["description"]
        assert initial["estimate_hours"] == Decimal("8.00")
        assert initial["due_on"].isoformat() == "2026-03-04"

    def test_given_an_expert_then_one_step_creates_a_linked_task(self, team, query):
        task = query_task_create(
            actor=team.expert,
            query=query,
            title="Night shift mode",
            description="From the query",
            estimate_hours=Decimal("8"),
        )
        query.refresh_from_db()
        assert query.task == task
        assert task.source_query == query
        assert task.project == team.project
        assert task.estimate_hours == Decimal("8")
        assert task.status == Task.Status.TODO  # estimated by an expert (R-ESTIMATE)
        assert task.assignee == team.expert
        assert Event.objects.filter(verb="task created", target_id=query.pk).exists()

    def test_given_a_task_already_then_a_second_is_refused(self, team, query):
        query_task_create(actor=team.expert, query=query, title="One")
        with pytest.raises(ValidationError, match="already has a task"):
            query_task_create(actor=team.member, query=query, title="Two")
        assert Task.objects.count() == 1

    def test_given_the_customer_then_they_cannot_turn_it_into_a_task(self, team, query):
        with pytest.raises(ValidationError):
            query_task_create(actor=team.customer, query=query, title="Mine")
        assert not Task.objects.exists()

    def test_the_task_page_include_shows_the_query_it_came_from(
        self, team, query, django_assert_num_queries
    ):
        task = query_task_create(actor=team.expert, query=query, title="Night shift mode")
        task = Task.objects.get(pk=task.pk)
        with django_assert_num_queries(1):
            html = render_to_string("queries/task_link.html", {"task": task})
        assert "Add a night shift mode" in html and query.get_absolute_url() in html
        other = Task.objects.create(project=team.project, title="Unrelated")
        assert "task-source-query" not in render_to_string(
            "queries/task_link.html", {"task": other}
        )

    def test_the_query_page_links_the_task(self, client, team, query):
        query_task_create(actor=team.expert, query=query, title="Night shift mode")
        client.force_login(team.customer)
        page = client.get(query.get_absolute_url()).content.decode()
        assert "Night shift mode" in page


class TestCommunityThread:
    def test_given_an_expert_asks_the_community_then_staff_and_the_other_experts_hear(
        self, team, query, settings, django_capture_on_commit_callbacks
    ):
        settings.STAFF_ALERT_EMAIL = "alerts@softwaresupp.example"
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            query_note_add(actor=team.expert, query=query, body=SECRET, ask_community=True)
        assert sorted(m.to[0] for m in mail.outbox) == [
            "alerts@softwaresupp.example",
            team.member.email,
        ]
        assert all(SECRET in m.body for m in mail.outbox)
        assert team.customer.email not in {m.to[0] for m in mail.outbox}

    def test_a_community_response_needs_the_question_for_the_community(self, team, query):
        with pytest.raises(ValidationError) as error:
            query_respond(
                actor=team.expert,
                query=query,
                kind=QueryResponse.Kind.COMMUNITY,
                body="We are checking with our community.",
                estimate_hours=Decimal("3"),
            )
        assert "community_question" in error.value.message_dict

    def test_a_community_response_posts_its_question_on_the_internal_thread_only(
        self, team, query, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            query_respond(
                actor=team.expert,
                query=query,
                kind=QueryResponse.Kind.COMMUNITY,
                body="We are checking with our community.",
                estimate_hours=Decimal("3"),
                community_question=SECRET,
            )
        note = QueryNote.objects.get()
        assert note.body == SECRET and note.asks_community
        to_customer = [m for m in mail.outbox if m.to == [team.customer.email]]
        assert len(to_customer) == 1
        assert "checking with our community" in to_customer[0].body
        assert SECRET not in to_customer[0].body
        assert SECRET not in to_customer[0].alternatives[0][0]

    def test_the_customer_never_sees_the_thread_on_the_page_or_in_the_export(
        self, client, team, query
    ):
        query_note_add(actor=team.expert, query=query, body=SECRET, ask_community=True)
        client.force_login(team.customer)
        page = client.get(query.get_absolute_url()).content.decode()
        assert SECRET not in page and "Internal thread" not in page
        export = client.get(
            reverse("queries:project_export", kwargs={"pk": team.project.pk})
        ).content.decode()
        assert SECRET not in export
        assert "Add a night shift mode" in export
        # Nor does the event log carry the words.
        assert not any(SECRET in str(e.changes) + e.note for e in Event.objects.all())

    def test_a_customer_who_is_also_an_expert_elsewhere_does_not_see_it(self, team, query):
        from tests.factories.accounts import ExpertProfileFactory

        both = customer(team.organization)
        ExpertProfileFactory(user=both)
        query_note_add(actor=team.expert, query=query, body=SECRET)
        assert not QueryNote.objects.visible_to(both).exists()
        assert QueryNote.objects.visible_to(team.member).exists()

    def test_the_projects_experts_and_staff_see_and_post_on_the_thread(
        self, client, team, query, staff_user
    ):
        query_note_add(actor=team.expert, query=query, body=SECRET)
        client.force_login(team.member)
        assert SECRET in client.get(query.get_absolute_url()).content.decode()
        login_verified_staff(client, staff_user)
        assert SECRET in client.get(query.get_absolute_url()).content.decode()
        response = client.post(
            reverse("queries:note", kwargs={"pk": query.pk}),
            {"body": "Staff here: check the firewall.", "ask_community": ""},
        )
        assert response.status_code == 302
        assert QueryNote.objects.filter(author=staff_user).exists()

    def test_the_customer_cannot_post_on_the_thread(self, client, team, query):
        client.force_login(team.customer)
        response = client.post(
            reverse("queries:note", kwargs={"pk": query.pk}), {"body": "let me in"}
        )
        assert response.status_code == 400
        assert not QueryNote.objects.exists()

    def test_an_expert_whose_assignment_ended_no_longer_sees_it(self, team, query):
        query_note_add(actor=team.expert, query=query, body=SECRET)
        team.project.assignments.filter(expert=team.member).update(
            ends_on=datetime.now(UTC).date() - timedelta(days=1)
        )
        assert not QueryNote.objects.visible_to(team.member).exists()


def test_export_is_a_csv_of_the_public_record(client, team, query):
    client.force_login(team.customer)
    response = client.get(reverse("queries:project_export", kwargs={"pk": team.project.pk}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][1] == "Title"
    assert rows[1][1] == "Add a night shift mode"
    assert rows[1][6] == "yes"
