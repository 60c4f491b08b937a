"""Audit: double submits (two requests at once, PostgreSQL row locks) are refused in words,
never saved twice and never a server error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import Invitation, Membership
from accounts.services import invitation_create
from projects.models import Assignment, Project
from projects.services.projects import assignment_create, project_create
from tests.factories.accounts import customer, expert, verified_staff
from tests.factories.projects import ProjectFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _twice_at_once(job) -> list:
    barrier, errors = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            job()
        except Exception as error:  # reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_assigning_an_expert_twice_at_once_makes_one_assignment():
    project, staff, person = ProjectFactory(), verified_staff(), expert()
    errors = _twice_at_once(lambda: assignment_create(actor=staff, project=project, expert=person))
    assert Assignment.objects.filter(project=project, expert=person).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors


def test_inviting_the_same_person_twice_at_once_is_refused_in_words():
    owner = customer(role=Membership.Role.OWNER)
    organization = owner.memberships.get().organization
    errors = _twice_at_once(
        lambda: invitation_create(
            actor=owner, organization=organization, email="new@acme.example", role="member"
        )
    )
    assert Invitation.objects.filter(organization=organization).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors


def test_creating_the_same_project_twice_at_once_is_refused_in_words():
    owner = customer(role=Membership.Role.OWNER)
    organization = owner.memberships.get().organization
    names = iter(["Webshop", "WEBSHOP"])  # the rule ignores case, the constraint does not
    lock = threading.Lock()

    def create():
        with lock:
            name = next(names)
        project_create(actor=owner, organization=organization, name=name)

    errors = _twice_at_once(create)
    assert Project.objects.filter(organization=organization).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
