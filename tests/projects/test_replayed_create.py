"""A task form replayed outside the browser (the same token) creates one task, not two."""

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from projects.models import Task
from tests.factories.accounts import customer
from tests.factories.projects import AssignmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture(params=["owner", "lead"])
def person(request, project):
    if request.param == "owner":
        return customer(project.organization, Membership.Role.OWNER)
    return AssignmentFactory(project=project).expert


def token(page) -> str:
    return re.search(r'name="submission" value="([0-9a-f-]{36})"', page.content.decode())[1]


def _create(client, project, title, **extra):
    url = reverse("projects:task_create", kwargs={"pk": project.pk})
    payload = {"title": title, "kind": Task.Kind.TASK, "priority": 2, "where": "current"}
    return client.post(url, {**payload, **extra})


def _new_token(client, project) -> str:
    return token(client.get(reverse("projects:task_create", kwargs={"pk": project.pk})))


def test_each_showing_of_the_form_carries_a_new_token(client, project, person):
    client.force_login(person)
    assert _new_token(client, project) != _new_token(client, project)


def test_the_same_post_twice_creates_one_task(client, project, person):
    client.force_login(person)
    sent = _new_token(client, project)
    first = _create(client, project, "Export orders", submission=sent)
    again = _create(client, project, "Export orders", submission=sent)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Task.objects.filter(title="Export orders").count() == 1


def test_two_showings_of_the_form_create_two_tasks(client, project, person):
    client.force_login(person)
    for _ in range(2):
        _create(client, project, "Export orders", submission=_new_token(client, project))
    assert Task.objects.filter(title="Export orders").count() == 2


def test_a_post_without_a_token_is_a_fresh_create(client, project, person):
    client.force_login(person)
    for _ in range(2):
        assert _create(client, project, "Export orders").status_code == 302
    assert Task.objects.filter(title="Export orders").count() == 2


def test_a_refused_post_leaves_its_token_for_the_corrected_one(client, project, person):
    client.force_login(person)
    sent = _new_token(client, project)
    refused = _create(client, project, " ", submission=sent)
    assert refused.status_code == 200
    assert token(refused) == sent  # the form comes back with the same token
    assert _create(client, project, "Export orders", submission=sent).status_code == 302
    assert Task.objects.filter(title="Export orders").count() == 1


def test_another_person_with_the_same_token_creates_their_own(client, project, person):
    client.force_login(person)
    sent = _new_token(client, project)
    _create(client, project, "Export orders", submission=sent)
    client.force_login(customer(project.organization, Membership.Role.MEMBER))
    _create(client, project, "Export orders", submission=sent)
    assert Task.objects.filter(title="Export orders").count() == 2
