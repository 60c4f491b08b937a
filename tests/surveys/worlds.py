"""Customers, projects and experts for the survey tests."""

from datetime import UTC, date, datetime

from accounts.models import Membership
from tests.factories.accounts import OrganizationFactory, customer
from tests.factories.projects import AssignmentFactory, ProjectFactory

MONDAY = date(2026, 3, 2)
FRIDAY = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)  # the week's send day


def organization_with_team(members: int = 2, *, slug: str = "acme", starts_on=date(2026, 1, 5)):
    """An organization with an owner, ``members - 1`` members and an active project with
    its lead assigned since ``starts_on``."""
    organization = OrganizationFactory(name=f"{slug.title()} Inc", slug=slug)
    people = [customer(organization, Membership.Role.OWNER, email=f"owner@{slug}.example")]
    people += [
        customer(organization, Membership.Role.MEMBER, email=f"m{n}@{slug}.example")
        for n in range(1, members)
    ]
    project = ProjectFactory(organization=organization, name=f"{slug.title()} app")
    lead = AssignmentFactory(project=project, starts_on=starts_on).expert
    return {"organization": organization, "people": people, "project": project, "lead": lead}
