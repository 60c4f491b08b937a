"""Audit: ids typed into query strings and multi-choice fields never give a server error.

``"²".isdigit()`` is true but ``int("²")`` raises; ids past 2**63 overflow SQLite. The bad
input sweep posts garbage into form fields; these are GET parameters and posted lists it
does not reach."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Release
from tests.factories.accounts import customer
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory, current_sprint

pytestmark = pytest.mark.django_db

ODD_IDS = ["²", "99999999999999999999"]


@pytest.fixture
def project():
    project = ProjectFactory()
    current_sprint(project)
    return project


@pytest.fixture
def lead(project):
    assignment = AssignmentFactory(
        project=project,
        role=Assignment.Role.LEAD,
        starts_on=timezone.now().date() - timedelta(days=30),
    )
    return assignment.expert


@pytest.mark.parametrize("value", ODD_IDS)
def test_the_boards_assignee_filter_ignores_an_odd_id(client, project, value):
    client.force_login(customer(project.organization, Membership.Role.OWNER))
    response = client.get(reverse("projects:board", kwargs={"pk": project.pk}), {"assignee": value})
    assert response.status_code == 200


@pytest.mark.parametrize("value", ODD_IDS)
def test_the_weekly_grid_ignores_an_odd_task_to_add(client, lead, value):
    client.force_login(lead)
    assert client.get(reverse("timesheets:week"), {"add": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", "-²"])
def test_a_project_form_refuses_odd_technology_ids_beside_the_field(client, project, value):
    client.force_login(customer(project.organization, Membership.Role.OWNER))
    response = client.post(
        reverse("projects:edit", kwargs={"pk": project.pk}),
        {
            "name": "Renamed",
            "skills": [value],
            "engagement_type": "hourly",
            "status": "active",
            "time_zone": "UTC",
            "communication_channel": "email",
        },
    )
    assert response.status_code == 200
    assert "skills" in response.context["form"].errors
    project.refresh_from_db()
    assert project.name != "Renamed"


def test_a_release_refuses_odd_task_ids_and_creates_nothing(client, project, lead):
    TaskFactory(project=project)
    client.force_login(lead)
    response = client.post(
        reverse("projects:release_list", kwargs={"pk": project.pk}),
        {"title": "v1", "tasks": ["²"]},
    )
    assert response.status_code == 200
    assert "tasks" in response.context["form"].errors
    assert not Release.objects.exists()
