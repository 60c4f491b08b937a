"""Audit: Django admin keeps the rules the services keep."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects.models import Assignment
from tests.factories.accounts import (
    ExpertProfileFactory,
    OrganizationFactory,
    StaffFactory,
    login_verified_staff,
)
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(client):
    login_verified_staff(client, StaffFactory(is_superuser=True))
    return client


def test_an_uncertified_expert_cannot_be_assigned_by_any_path(staff_admin):
    """R-EXPERT-ONBOARD: onboarded (certified) before any assignment, whatever the path."""
    project = ProjectFactory()
    newcomer = ExpertProfileFactory(certified_at=None).user
    assignment = Assignment(project=project, expert=newcomer, starts_on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="not certified"):
        assignment.full_clean()
    # Admin shows assignments but does not make them: the team page's service does.
    response = staff_admin.post(
        reverse("admin:projects_assignment_add"),
        {"expert": newcomer.pk, "project": project.pk, "role": "member", "starts_on": "2026-01-05"},
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_a_project_cannot_be_moved_to_another_organization_in_the_admin(staff_admin):
    """R-TENANT: its tasks, queries and hours carry the organization they were made in."""
    project = ProjectFactory()
    original = project.organization
    other = OrganizationFactory()
    response = staff_admin.post(
        reverse("admin:projects_project_change", args=[project.pk]),
        {
            "organization": other.pk,
            "name": project.name,
            "description": "",
            "engagement_type": project.engagement_type,
            "status": project.status,
            "time_zone": project.time_zone,
            "communication_channel": project.communication_channel,
            "communication_handle": "",
            "staging_url": "",
            "production_url": "",
            "created_at_0": "2026-01-05",
            "created_at_1": "10:00:00",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        },
    )
    # View-only: projects change through project_update, which never moves them.
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.organization == original
