from datetime import date
from types import SimpleNamespace

import pytest

from accounts.models import Membership
from projects.models import Assignment
from tests.factories.accounts import OrganizationFactory, customer, expert
from tests.factories.projects import ProjectFactory

SINCE = date(2025, 1, 1)


@pytest.fixture
def team(db):
    """A customer's project with one expert assigned as lead, and a second expert on it."""
    organization = OrganizationFactory(name="Acme Robotics")
    project = ProjectFactory(organization=organization, name="Warehouse robots")
    lead = expert(user__email="eva@experts.example", user__first_name="Eva")
    member = expert(user__email="raj@experts.example", user__first_name="Raj")
    # Assigned long before the frozen clocks of the tests, so the assignments cover them.
    for person, role in ((lead, Assignment.Role.LEAD), (member, Assignment.Role.MEMBER)):
        Assignment.objects.create(project=project, expert=person, role=role, starts_on=SINCE)
    asker = customer(
        organization, Membership.Role.OWNER, email="anna@acme.example", first_name="Anna"
    )
    return SimpleNamespace(
        organization=organization, project=project, expert=lead, member=member, customer=asker
    )
