"""R-RELEASE: staging → tested (with test notes) → production, one step at a time, each
step with its actor and time; the release log; R-MILESTONE updates."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Membership
from projects.models import Assignment, ProjectUpdate, Release, Task
from projects.selectors.releases import release_log
from projects.services.releases import release_advance, release_create
from projects.services.updates import milestone_update_post
from tests.factories.accounts import customer
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory, current_sprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory(staging_url="https://staging.acme.example")


@pytest.fixture
def lead(project):
    return AssignmentFactory(
        project=project, role=Assignment.Role.LEAD, starts_on=date(2024, 1, 1)
    ).expert


@pytest.fixture
def owner(project):
    return customer(project.organization, Membership.Role.OWNER)


@pytest.fixture
def work(project):
    return TaskFactory(project=project, status=Task.Status.DONE, title="Orders export")


class TestReleaseSteps:
    def test_given_work_then_it_goes_staging_tested_production_with_actor_and_time(
        self, project, lead, owner, work, django_capture_on_commit_callbacks
    ):
        with (
            time_machine.travel("2025-10-21 09:00Z", tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            release = release_create(
                actor=lead, project=project, title="v1.4", tasks=[work], notes="CSV export"
            )
        assert release.stage == Release.Stage.STAGING
        assert [m.to for m in mail.outbox] == [[owner.email]]
        assert "ready to test" in mail.outbox[0].subject
        assert "https://staging.acme.example" in mail.outbox[0].body

        with time_machine.travel("2025-10-22 10:00Z", tick=False):
            release = release_advance(
                actor=owner,
                release=release,
                to_stage=Release.Stage.TESTED,
                test_notes="Exported 3 months of orders; totals match.",
            )
        with (
            time_machine.travel("2025-10-23 11:00Z", tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            release = release_advance(
                actor=lead, release=release, to_stage=Release.Stage.PRODUCTION
            )
        assert release.stage == Release.Stage.PRODUCTION
        assert "is live" in mail.outbox[-1].subject

        (logged,) = release_log(project=project)
        steps = [(s.verb, s.actor, s.created_at.isoformat()) for s in logged.steps]
        assert steps == [
            ("deployed to staging", lead, "2025-10-21T09:00:00+00:00"),
            ("tested on staging", owner, "2025-10-22T10:00:00+00:00"),
            ("released to production", lead, "2025-10-23T11:00:00+00:00"),
        ]
        assert logged.steps[1].note == "Exported 3 months of orders; totals match."

    def test_given_staging_then_production_is_refused_until_tested(self, project, lead, work):
        release = release_create(actor=lead, project=project, title="v1", tasks=[work])
        with pytest.raises(ValidationError) as error:
            release_advance(actor=lead, release=release, to_stage=Release.Stage.PRODUCTION)
        assert "must be tested on staging before it goes to production" in error.value.messages[0]
        release.refresh_from_db()
        assert release.stage == Release.Stage.STAGING

    def test_given_no_test_notes_then_tested_is_refused(self, project, lead, work):
        release = release_create(actor=lead, project=project, title="v1", tasks=[work])
        with pytest.raises(ValidationError) as error:
            release_advance(actor=lead, release=release, to_stage="tested", test_notes="  ")
        assert "test_notes" in error.value.message_dict

    def test_given_a_repeated_click_then_the_release_takes_one_step_only(self, project, lead, work):
        release = release_create(actor=lead, project=project, title="v1", tasks=[work])
        release_advance(actor=lead, release=release, to_stage="tested", test_notes="ok")
        with pytest.raises(ValidationError):
            release_advance(actor=lead, release=release, to_stage="tested", test_notes="ok")
        release.refresh_from_db()
        assert release.stage == Release.Stage.TESTED

    def test_given_production_then_there_is_no_further_step(self, project, lead, work):
        release = release_create(actor=lead, project=project, title="v1", tasks=[work])
        release_advance(actor=lead, release=release, to_stage="tested", test_notes="ok")
        release_advance(actor=lead, release=release, to_stage="production")
        with pytest.raises(ValidationError):
            release_advance(actor=lead, release=release, to_stage="production")

    def test_given_a_customer_then_they_test_but_do_not_release(self, project, lead, owner, work):
        with pytest.raises(PermissionDenied):
            release_create(actor=owner, project=project, title="v1", tasks=[work])
        release = release_create(actor=lead, project=project, title="v1", tasks=[work])
        release_advance(actor=owner, release=release, to_stage="tested", test_notes="fine")
        with pytest.raises(PermissionDenied):
            release_advance(actor=owner, release=release, to_stage="production")

    def test_given_work_not_started_or_of_another_project_then_it_cannot_be_released(
        self, project, lead
    ):
        for task in (
            TaskFactory(project=project, status=Task.Status.TODO),
            TaskFactory(status=Task.Status.DONE),
        ):
            with pytest.raises(ValidationError):
                release_create(actor=lead, project=project, title="v1", tasks=[task])


class TestReleasePages:
    def test_an_expert_puts_work_on_staging_and_the_customer_marks_it_tested(
        self, client, project, lead, owner, work
    ):
        client.force_login(lead)
        url = reverse("projects:release_list", kwargs={"pk": project.pk})
        response = client.post(url, {"title": "", "tasks": [work.pk]})
        assert response.status_code == 200 and "This field is required" in response.content.decode()
        response = client.post(url, {"title": "v2", "tasks": [work.pk]})
        release = Release.objects.get(title="v2")
        assert response["Location"] == release.get_absolute_url()

        client.force_login(owner)
        detail = release.get_absolute_url()
        response = client.post(detail, {"to_stage": "tested", "test_notes": ""})
        assert "Write what was tested" in response.content.decode()
        client.post(detail, {"to_stage": "tested", "test_notes": "All good"})
        release.refresh_from_db()
        assert release.stage == "tested"
        html = client.get(url).content.decode()
        assert "Tested on staging" in html and "All good" in html

    def test_a_customer_cannot_create_a_release(self, client, project, owner, work):
        client.force_login(owner)
        url = reverse("projects:release_list", kwargs={"pk": project.pk})
        assert client.post(url, {"title": "v2", "tasks": [work.pk]}).status_code == 403
        assert not Release.objects.exists()


class TestMilestoneUpdates:
    """R-MILESTONE: on the board and by email to the customer's members."""

    def test_given_a_milestone_update_then_members_get_it_and_the_board_shows_it(
        self, client, project, lead, owner, django_capture_on_commit_callbacks
    ):
        member = customer(project.organization, Membership.Role.MEMBER)
        milestone = TaskFactory(
            project=project, kind=Task.Kind.MILESTONE, title="MVP", sprint=current_sprint(project)
        )
        with django_capture_on_commit_callbacks(execute=True):
            milestone_update_post(actor=lead, task=milestone, body="MVP is on staging.")
        assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, member.email])
        message = mail.outbox[0]
        assert message.subject.endswith("milestone update on MVP")
        assert "MVP is on staging." in message.body
        assert "http://testserver/tasks/" in message.alternatives[0][0]

        client.force_login(owner)
        html = client.get(project.get_absolute_url()).content.decode()
        assert "MVP is on staging." in html

    def test_given_a_task_that_is_not_a_milestone_then_the_update_is_refused(self, project, lead):
        with pytest.raises(ValidationError):
            milestone_update_post(actor=lead, task=TaskFactory(project=project), body="x")

    def test_given_a_customer_then_they_comment_instead(self, project, owner):
        milestone = TaskFactory(project=project, kind=Task.Kind.MILESTONE)
        with pytest.raises(PermissionDenied):
            milestone_update_post(actor=owner, task=milestone, body="x")
        assert not ProjectUpdate.objects.exists()

    def test_the_task_page_posts_an_update(self, client, project, lead):
        milestone = TaskFactory(project=project, kind=Task.Kind.MILESTONE)
        client.force_login(lead)
        url = reverse("projects:milestone_update", kwargs={"pk": milestone.pk})
        response = client.post(url, {"body": "Half way there."})
        assert response.status_code == 302
        assert "Half way there." in client.get(milestone.get_absolute_url()).content.decode()
