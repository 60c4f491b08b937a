"""Projects in Django admin: view-only, edited through ``project_update`` so the rules hold
and the change lands in the project's history (issue 8, item 3)."""

import pytest
from django.urls import reverse

from projects.models import Project
from softwaresupp.events import event_list_for
from tests.factories.accounts import SkillFactory, StaffFactory, login_verified_staff
from tests.factories.projects import (
    ProjectFactory,
    SprintFactory,
    TaskCommentFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

FIELDS = {
    "description": "",
    "engagement_type": "hourly",
    "status": "active",
    "time_zone": "Europe/Warsaw",
    "communication_channel": "email",
    "communication_handle": "",
    "staging_url": "",
    "production_url": "",
}


@pytest.fixture
def superuser(client):
    return login_verified_staff(client, StaffFactory(is_superuser=True))


def test_the_change_form_edits_nothing(client, superuser):
    project = ProjectFactory(name="Arm")
    url = reverse("admin:projects_project_change", args=[project.pk])
    assert 'name="name"' not in client.get(url).content.decode()
    response = client.post(url, {**FIELDS, "name": "Renamed"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "Arm"


def test_edit_page_saves_through_the_service(client, superuser):
    project = ProjectFactory(name="Arm")
    python = SkillFactory(name="Python")
    change = reverse("admin:projects_project_change", args=[project.pk])
    assert 'href="../edit/"' in client.get(change).content.decode()
    edit = reverse("admin:projects_project_edit", args=[project.pk])
    page = client.get(edit).content.decode()
    assert 'name="organization"' not in page and 'value="Arm"' in page
    response = client.post(
        edit, {**FIELDS, "name": "Robot arm", "status": "paused", "skills": [python.pk]}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.status) == ("Robot arm", Project.Status.PAUSED)
    assert list(project.skills.all()) == [python]
    [event] = event_list_for(project)
    assert event.actor == superuser and event.verb == "updated"
    assert event.changes["name"] == ["Arm", "Robot arm"]
    assert event.changes["technology"] == ["", "Python"]


def test_a_name_taken_in_the_organization_is_a_form_error(client, superuser):
    project = ProjectFactory(name="Arm")
    ProjectFactory(organization=project.organization, name="Leg")
    edit = reverse("admin:projects_project_edit", args=[project.pk])
    response = client.post(edit, {**FIELDS, "name": "leg"})
    assert response.status_code == 200
    assert "already has a project with this name" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "Arm"
    assert not event_list_for(project).exists()


def test_a_project_with_history_cannot_be_deleted(client, superuser):
    project = TaskFactory().project
    change = reverse("admin:projects_project_change", args=[project.pk])
    assert "deletelink" not in client.get(change).content.decode()
    delete = reverse("admin:projects_project_delete", args=[project.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_sprints_and_comments_are_not_edited_in_admin(client, superuser):
    """A sprint's goal is set on the board (recorded in its history); comments are written
    there too, where the people on the task are told: admin only shows them."""
    task = TaskFactory()
    sprint = SprintFactory(goal="Ship the arm")
    sprint_url = reverse("admin:projects_sprint_change", args=[sprint.pk])
    assert client.post(sprint_url, {"goal": "Changed in admin"}).status_code == 403
    sprint.refresh_from_db()
    assert sprint.goal != "Changed in admin"
    comment = TaskCommentFactory(task=task, body="Seen")
    comment_url = reverse("admin:projects_taskcomment_change", args=[comment.pk])
    assert client.post(comment_url, {"body": "Rewritten"}).status_code == 403
    delete_url = reverse("admin:projects_taskcomment_delete", args=[comment.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Seen"
