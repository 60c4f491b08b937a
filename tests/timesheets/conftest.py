from datetime import date
from types import SimpleNamespace

import pytest

from accounts.models import Membership
from projects.models import Assignment, Task
from tests.factories.accounts import OrganizationFactory, customer, expert
from tests.factories.projects import ProjectFactory, TaskFactory


@pytest.fixture
def team(db):
    """A customer's project with an expert assigned since 1 Jan 2026, an in-progress task
    assigned to the expert and a second task; the customer owns the organization."""
    organization = OrganizationFactory(name="Acme Robotics")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    eva = expert(user__email="eva@experts.example", user__first_name="Eva")
    Assignment.objects.create(
        project=project, expert=eva, role=Assignment.Role.LEAD, starts_on=date(2026, 1, 1)
    )
    anna = customer(
        organization, Membership.Role.OWNER, email="anna@acme.example", first_name="Anna"
    )
    task = TaskFactory(
        project=project, title="Pick-and-place API", status=Task.Status.IN_PROGRESS, assignee=eva
    )
    other = TaskFactory(project=project, title="Dashboard charts", status=Task.Status.TODO)
    return SimpleNamespace(
        organization=organization,
        project=project,
        expert=eva,
        customer=anna,
        task=task,
        other=other,
    )
