"""A project with its lead, a second expert and the customer's owner: the board's tests
(and any module that does not define its own) share them."""

import pytest

from accounts.models import Membership
from projects.models import Assignment
from tests.factories.accounts import customer
from tests.factories.projects import AssignmentFactory, ProjectFactory


@pytest.fixture
def project():
    return ProjectFactory(name="Fleet dashboard")


@pytest.fixture
def lead(project):
    return AssignmentFactory(project=project, role=Assignment.Role.LEAD).expert


@pytest.fixture
def member(project):
    return AssignmentFactory(project=project, role=Assignment.Role.MEMBER).expert


@pytest.fixture
def owner(project):
    return customer(project.organization, Membership.Role.OWNER)
