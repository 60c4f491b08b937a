"""Audit: what is said on a project reaches only the people still on it (R-TENANT)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership
from accounts.services import membership_remove
from projects.models import Assignment
from projects.services.comments import task_comment_add
from projects.services.projects import assignment_end
from tests.factories.accounts import customer, verified_staff
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def owner(project):
    return customer(project.organization, Membership.Role.OWNER)


def _start_long_ago(assignment):
    assignment.starts_on = timezone.now().date() - timedelta(days=30)
    assignment.save(update_fields=["starts_on"])
    return assignment


class TestCommentEmails:
    def test_given_the_assignee_left_the_project_then_the_comment_goes_to_the_lead_instead(
        self, project, owner, django_capture_on_commit_callbacks
    ):
        leaver = _start_long_ago(AssignmentFactory(project=project, role=Assignment.Role.MEMBER))
        lead = _start_long_ago(AssignmentFactory(project=project, role=Assignment.Role.LEAD)).expert
        task = TaskFactory(project=project, assignee=leaver.expert, author=owner)
        assignment_end(
            actor=verified_staff(), assignment=leaver, ends_on=timezone.now().date() - timedelta(1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            task_comment_add(actor=owner, task=task, body="The secret roadmap is attached")
        recipients = [m.to[0] for m in mail.outbox]
        assert leaver.expert.email not in recipients
        assert recipients == [lead.email]

    def test_given_the_author_left_the_organization_then_they_hear_nothing(
        self, project, owner, django_capture_on_commit_callbacks
    ):
        lead = _start_long_ago(AssignmentFactory(project=project, role=Assignment.Role.LEAD)).expert
        former = customer(project.organization, Membership.Role.MEMBER)
        task = TaskFactory(project=project, assignee=lead, author=former)
        membership_remove(actor=owner, membership=former.memberships.get())
        with django_capture_on_commit_callbacks(execute=True):
            task_comment_add(actor=lead, task=task, body="Internal pricing: 40% margin")
        assert former.email not in [m.to[0] for m in mail.outbox]
