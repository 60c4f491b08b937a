"""Issue 14, item 5: a new customer owner's dashboard says what to do next; query pages
say when a project has no expert instead of promising the hour."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership
from projects.models import Assignment
from projects.selectors import projects as project_selectors
from tests.factories.accounts import OrganizationFactory, customer, expert
from tests.factories.projects import ProjectFactory
from tests.factories.queries import QueryFactory

pytestmark = pytest.mark.django_db


def steps(client, user):
    client.force_login(user)
    html = client.get("/").content.decode()
    return html, {
        key: f'data-testid="step-{key}" data-done="yes"' in html
        for key in ("project", "match", "team")
    }


def test_a_new_owner_sees_three_steps_starting_with_create_a_project(client):
    owner = customer(OrganizationFactory(name="Nina's Bakery"))
    html, done = steps(client, owner)
    assert 'data-testid="first-steps"' in html and "Getting Nina&#x27;s Bakery started" in html
    assert done == {"project": False, "match": False, "team": False}
    assert reverse("projects:create") in html
    assert "Ask your" not in html and "owner can start" not in html
    assert "Create your first one" in html


def test_the_steps_tick_off_as_the_owner_goes_and_disappear_when_all_are_done(client):
    organization = OrganizationFactory()
    owner = customer(organization)
    project = ProjectFactory(organization=organization)
    assert steps(client, owner)[1] == {"project": True, "match": False, "team": False}
    Invitation.objects.create(organization=organization, email="mark@bakery.example")
    assert steps(client, owner)[1] == {"project": True, "match": False, "team": True}
    Assignment.objects.create(project=project, expert=expert(), starts_on=date(2025, 1, 1))
    html, _ = steps(client, owner)
    assert 'data-testid="first-steps"' not in html


def test_the_match_step_links_to_posting_the_work_for_matching(client):
    organization = OrganizationFactory(slug="bakery")
    owner = customer(organization)
    ProjectFactory(organization=organization)
    html, _ = steps(client, owner)
    url = reverse("onboarding:posting_new", kwargs={"slug": "bakery"})
    assert f'href="{url}">Post for matching</a>' in html


def test_without_a_posting_route_the_match_step_links_nowhere(client, monkeypatch):
    monkeypatch.setattr(project_selectors, "MATCHING_ROUTES", ("onboarding:no_such_route",))
    organization = OrganizationFactory()
    owner = customer(organization)
    ProjectFactory(organization=organization)
    html, _ = steps(client, owner)
    assert "Post for matching</a>" not in html
    assert "propose experts to you" in html


def test_a_member_who_is_not_an_owner_gets_no_steps(client):
    organization = OrganizationFactory()
    customer(organization)
    member = customer(organization, Membership.Role.MEMBER)
    html, _ = steps(client, member)
    assert 'data-testid="first-steps"' not in html
    assert "owner can start one" in html


class TestNoExpertOnTheProject:
    def test_the_query_pages_say_so_instead_of_promising_an_hour(self, client):
        organization = OrganizationFactory()
        owner = customer(organization)
        project = ProjectFactory(organization=organization)
        client.force_login(owner)
        listing = client.get(reverse("queries:project_list", kwargs={"pk": project.pk}))
        assert "No expert is assigned to this project yet" in listing.content.decode()
        ask = client.get(reverse("queries:ask", kwargs={"pk": project.pk})).content.decode()
        assert "no one-hour promise" in ask and "responds within one hour" not in ask
        response = client.post(
            reverse("queries:ask", kwargs={"pk": project.pk}),
            {"title": "Oven timer", "body": "It resets."},
            follow=True,
        )
        page = response.content.decode()
        assert "No expert is assigned to this project yet" in page
        assert "An expert responds by" not in page and "no expert assigned yet" in page

    def test_with_an_expert_the_hour_is_promised(self, client):
        organization = OrganizationFactory()
        owner = customer(organization)
        project = ProjectFactory(organization=organization)
        Assignment.objects.create(project=project, expert=expert(), starts_on=date(2025, 1, 1))
        query = QueryFactory(project=project, author=owner)
        client.force_login(owner)
        page = client.get(query.get_absolute_url()).content.decode()
        assert "An expert responds within one hour" in page and "Respond by" in page
