"""The board reads the viewer's role and assignment as SQL columns of the project's row
(projects.selectors.projects._access_annotations): they must say what the ORM's rules say,
``Membership.objects.of`` and ``Assignment.objects.current``, for every kind of viewer."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership
from projects.models import Assignment, Project
from projects.selectors.projects import project_access, project_get_with_access
from tests.factories.accounts import StaffFactory, customer, expert, verified_staff
from tests.factories.projects import AssignmentFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _viewers(project) -> dict:
    today = timezone.now().date()
    sibling = ProjectFactory(organization=project.organization)
    return {
        "owner": customer(project.organization, Membership.Role.OWNER),
        "member": customer(project.organization, Membership.Role.MEMBER),
        "other customer": customer(ProjectFactory().organization, Membership.Role.OWNER),
        "current expert": AssignmentFactory(project=project).expert,
        "ended yesterday": AssignmentFactory(
            project=project,
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=1),
        ).expert,
        "ends today": AssignmentFactory(
            project=project, starts_on=today - timedelta(days=3), ends_on=today
        ).expert,
        "starts tomorrow": AssignmentFactory(
            project=project, starts_on=today + timedelta(days=1)
        ).expert,
        "expert of a sibling project": AssignmentFactory(project=sibling).expert,
        "stranger": expert(),
    }


def test_role_and_assignment_columns_equal_the_orm_rules():
    project = ProjectFactory()
    for name, user in _viewers(project).items():
        role = Membership.objects.of(user, project.organization_id).values_list("role", flat=True)
        expected_role = role.first()
        expected_expert = Assignment.objects.current().filter(project=project, expert=user).exists()
        access = project_access(user=user, project=project)
        assert access.is_customer == (expected_role is not None), name
        assert access.is_owner == (expected_role == Membership.Role.OWNER), name
        assert access.is_expert == expected_expert, name
        visible = Project.objects.visible_to(user).filter(pk=project.pk).exists()
        if visible:
            _, same = project_get_with_access(user=user, pk=project.pk)
            assert same == access, name
        else:
            with pytest.raises(Http404):
                project_get_with_access(user=user, pk=project.pk)


def test_the_board_sees_exactly_the_projects_visible_to_each_viewer():
    project = ProjectFactory()
    viewers = _viewers(project)
    viewers["verified staff"] = verified_staff()
    viewers["staff without a verified session"] = StaffFactory()
    visible = {}
    for name, user in viewers.items():
        expected = Project.objects.visible_to(user).filter(pk=project.pk).exists()
        got = Project.objects.visible_with_access(user).filter(pk=project.pk).exists()
        assert got == expected, name
        visible[name] = got
    assert visible["verified staff"] and visible["current expert"] and visible["member"]
    assert not visible["staff without a verified session"]
    assert not visible["ended yesterday"] and not visible["stranger"]


def test_the_cases_cover_both_answers():
    project = ProjectFactory()
    viewers = _viewers(project)
    assert project_access(user=viewers["ends today"], project=project).is_expert
    assert not project_access(user=viewers["ended yesterday"], project=project).is_expert
    assert not project_access(user=viewers["starts tomorrow"], project=project).is_expert
    assert project_access(user=viewers["member"], project=project).is_customer
    assert not project_access(user=viewers["other customer"], project=project).is_customer
