"""Tasks: R-ESTIMATE (no planning without an estimate), R-HOURS (no done without hours),
their history, comments and who may change what."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership
from projects.models import ProjectUpdate, Task
from projects.services.comments import task_comment_add
from projects.services.sprints import sprints_ensure
from projects.services.tasks import (
    BACKLOG,
    task_create,
    task_estimate,
    task_move,
    task_update,
)
from softwaresupp.events import event_list_for
from tests.factories.accounts import customer, expert
from tests.factories.projects import AssignmentFactory, TaskFactory, current_sprint
from tests.factories.timesheets import TimeEntryFactory

pytestmark = pytest.mark.django_db


# project, lead and owner: tests/projects/conftest.py


class TestCreate:
    def test_given_a_customer_when_they_submit_then_the_task_is_new_unassigned_in_this_sprint(
        self, project, owner, lead
    ):
        task = task_create(
            actor=owner,
            project=project,
            title="  Export orders  ",
            estimate_hours=Decimal("3"),
            assignee=lead,
            status=Task.Status.TODO,
        )
        assert task.status == Task.Status.NEW
        assert task.estimate_hours is None and task.assignee is None
        assert task.sprint == current_sprint(project)
        assert task.title == "Export orders" and task.author == owner
        assert task.needs_estimate

    def test_given_an_expert_with_an_estimate_then_the_task_starts_in_to_do(self, project, lead):
        task = task_create(actor=lead, project=project, title="API", estimate_hours=Decimal("5"))
        assert task.status == Task.Status.TODO
        assert task.first_estimate_hours == Decimal("5")

    def test_given_to_do_without_an_estimate_then_it_is_refused_in_words(self, project, lead):
        with pytest.raises(ValidationError) as error:
            task_create(actor=lead, project=project, title="API", status=Task.Status.TODO)
        assert "needs an estimate" in error.value.message_dict["estimate_hours"][0]
        assert not project.tasks.exists()

    def test_given_done_at_creation_then_it_is_refused_for_lack_of_hours(self, project, lead):
        with pytest.raises(ValidationError) as error:
            task_create(
                actor=lead,
                project=project,
                title="API",
                estimate_hours=Decimal("1"),
                status=Task.Status.DONE,
            )
        assert "no hours have been logged" in error.value.message_dict["status"][0]

    def test_given_backlog_or_next_week_then_the_task_goes_there(self, project, lead):
        later = task_create(actor=lead, project=project, title="Later", backlog=True)
        _, upcoming = sprints_ensure(project=project)
        following = task_create(actor=lead, project=project, title="Next", sprint=upcoming)
        assert later.sprint is None and following.sprint == upcoming

    def test_given_an_outsider_then_creation_is_refused(self, project):
        with pytest.raises(PermissionDenied):
            task_create(actor=expert(), project=project, title="Sneaky")

    def test_given_a_closed_project_then_no_task_is_added(self, project, owner):
        project.status = project.Status.CLOSED
        project.save()
        with pytest.raises(ValidationError):
            task_create(actor=owner, project=project, title="Late idea")

    def test_given_additional_work_then_the_customer_members_are_told_and_the_board_shows_it(
        self, project, owner, lead, django_capture_on_commit_callbacks
    ):
        colleague = customer(project.organization, Membership.Role.MEMBER)
        with django_capture_on_commit_callbacks(execute=True):
            task = task_create(
                actor=lead,
                project=project,
                title="Extra reports",
                description="Two more reports the finance team asked for.",
                kind=Task.Kind.ADDITIONAL_WORK,
                estimate_hours=Decimal("6"),
            )
        update = ProjectUpdate.objects.get(task=task)
        assert update.kind == ProjectUpdate.Kind.ADDITIONAL_WORK
        assert "Estimated at 6" in update.body
        assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, colleague.email])
        message = mail.outbox[0]
        assert "additional work: Extra reports" in message.subject
        assert "finance team" in message.body
        assert "finance team" in message.alternatives[0][0]


class TestMove:
    """R-ESTIMATE and R-HOURS at their edges; a refused move says why."""

    def test_given_no_estimate_when_moved_to_to_do_then_refused(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.NEW, estimate_hours=None)
        with pytest.raises(ValidationError) as error:
            task_move(actor=lead, task=task, status=Task.Status.TODO)
        assert "add how many hours it should take" in error.value.messages[0]
        task.refresh_from_db()
        assert task.status == Task.Status.NEW

    def test_given_no_estimate_when_moved_to_in_progress_then_refused(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.NEW, estimate_hours=None)
        with pytest.raises(ValidationError):
            task_move(actor=lead, task=task, status=Task.Status.IN_PROGRESS)

    def test_given_the_smallest_estimate_then_to_do_is_allowed(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.NEW, estimate_hours=Decimal("0.01"))
        assert task_move(actor=lead, task=task, status=Task.Status.TODO).status == "todo"

    def test_given_no_hours_when_marked_done_then_refused_in_words(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.IN_PROGRESS)
        TimeEntryFactory(task=TaskFactory(project=project))  # hours on another task
        with pytest.raises(ValidationError) as error:
            task_move(actor=lead, task=task, status=Task.Status.DONE)
        assert error.value.message_dict["status"] == [
            "This task can't be marked done yet: no hours have been logged on it. "
            "Log the time spent on it first, then mark it done."
        ]

    def test_given_hours_logged_when_marked_done_then_it_is_done_in_this_sprint(
        self, project, lead
    ):
        task = TaskFactory(project=project, status=Task.Status.IN_PROGRESS, sprint=None)
        TimeEntryFactory(task=task, expert=lead, hours=Decimal("0.25"))
        task = task_move(actor=lead, task=task, status=Task.Status.DONE)
        assert task.status == Task.Status.DONE
        assert task.sprint == current_sprint(project)

    def test_the_move_is_written_to_the_history(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.TODO, sprint=current_sprint(project))
        task_move(actor=lead, task=task, status=Task.Status.IN_PROGRESS)
        event = event_list_for(task).first()
        assert (event.actor, event.verb) == (lead, "moved")
        assert event.changes == {"status": ["To do", "In progress"]}

    def test_given_a_started_task_then_it_cannot_go_back_to_the_backlog(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.IN_PROGRESS)
        with pytest.raises(ValidationError) as error:
            task_move(actor=lead, task=task, where=BACKLOG)
        assert "haven't started" in error.value.messages[0]

    def test_given_a_backlog_task_then_it_can_be_planned_and_sent_back(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.TODO, sprint=None)
        task = task_move(actor=lead, task=task, where="current")
        assert task.sprint == current_sprint(project)
        task = task_move(actor=lead, task=task, where=BACKLOG)
        assert task.sprint is None
        assert [e.changes["sprint"][1] for e in event_list_for(task)][:2] == [
            "Backlog",
            current_sprint(project).label,
        ]

    def test_given_a_neighbour_then_the_task_lands_just_above_it(self, project, lead):
        sprint = current_sprint(project)
        a, b, c = (
            TaskFactory(project=project, sprint=sprint, status="todo", position=n)
            for n in (1, 2, 3)
        )
        moving = TaskFactory(project=project, sprint=sprint, status="in_progress")
        task_move(actor=lead, task=moving, status="todo", before=b.pk)
        order = list(
            project.tasks.filter(sprint=sprint, status="todo")
            .order_by("position")
            .values_list("pk", flat=True)
        )
        assert order == [a.pk, moving.pk, b.pk, c.pk]
        task_move(actor=lead, task=a, before=None)  # to the bottom, same column
        order = list(
            project.tasks.filter(sprint=sprint, status="todo")
            .order_by("position")
            .values_list("pk", flat=True)
        )
        assert order == [moving.pk, b.pk, c.pk, a.pk]

    def test_given_a_customer_then_they_cannot_move_tasks(self, project, owner):
        task = TaskFactory(project=project)
        with pytest.raises(PermissionDenied):
            task_move(actor=owner, task=task, status=Task.Status.IN_PROGRESS)

    def test_given_an_expert_whose_assignment_ended_then_they_cannot_move_tasks(self, project):
        former = AssignmentFactory(
            project=project, starts_on=date(2024, 1, 1), ends_on=date(2024, 6, 30)
        ).expert
        with pytest.raises(PermissionDenied):
            task_move(actor=former, task=TaskFactory(project=project), status="in_progress")


class TestEstimateAndUpdate:
    def test_given_a_new_task_when_estimated_then_it_is_ready_to_plan(self, project, lead, owner):
        task = task_create(actor=owner, project=project, title="Report")
        task = task_estimate(actor=lead, task=task, estimate_hours=Decimal("2.5"))
        assert task.status == Task.Status.TODO
        assert (task.first_estimate_hours, task.estimate_hours) == (Decimal("2.5"),) * 2
        changes = event_list_for(task).first().changes
        assert changes["status"] == ["New", "To do"]
        assert changes["estimate_hours"] == [None, "2.5 h"]

    def test_given_a_re_estimate_then_the_first_estimate_is_kept(self, project, lead):
        task = TaskFactory(project=project, estimate_hours=Decimal("4"))
        task = task_estimate(actor=lead, task=task, estimate_hours=Decimal("7"))
        assert (task.first_estimate_hours, task.estimate_hours) == (Decimal("4"), Decimal("7"))

    @pytest.mark.parametrize("hours", [Decimal("0"), Decimal("-1")])
    def test_given_zero_or_less_then_the_estimate_is_refused(self, project, lead, hours):
        task = TaskFactory(project=project, status="new", estimate_hours=None)
        with pytest.raises(ValidationError) as error:
            task_estimate(actor=lead, task=task, estimate_hours=hours)
        assert "greater than zero" in error.value.message_dict["estimate_hours"][0]

    def test_given_a_planned_task_then_its_estimate_cannot_be_removed(self, project, lead):
        task = TaskFactory(project=project, status=Task.Status.TODO)
        with pytest.raises(ValidationError):
            task_update(actor=lead, task=task, estimate_hours=None)

    def test_given_a_customer_then_they_cannot_estimate(self, project, owner):
        task = TaskFactory(project=project, status="new", estimate_hours=None, author=owner)
        with pytest.raises(PermissionDenied):
            task_estimate(actor=owner, task=task, estimate_hours=Decimal("1"))

    def test_given_their_own_new_task_then_a_customer_can_reword_it(self, project, owner):
        task = task_create(actor=owner, project=project, title="Reprot")
        task = task_update(actor=owner, task=task, title="Report", priority=Task.Priority.HIGH)
        assert (task.title, task.priority) == ("Report", Task.Priority.HIGH)

    def test_given_a_task_already_triaged_then_the_customer_comments_instead(
        self, project, owner, lead
    ):
        task = task_create(actor=owner, project=project, title="Report")
        task_estimate(actor=lead, task=task, estimate_hours=Decimal("1"))
        with pytest.raises(PermissionDenied):
            task_update(actor=owner, task=task, title="Changed")

    def test_given_an_expert_not_on_the_project_then_they_cannot_be_the_assignee(
        self, project, lead
    ):
        task = TaskFactory(project=project)
        with pytest.raises(ValidationError) as error:
            task_update(actor=lead, task=task, assignee=expert())
        assert "assignee" in error.value.message_dict
        assert task_update(actor=lead, task=task, assignee=lead).assignee == lead


class TestComments:
    def test_given_a_customer_comment_then_the_assignee_hears_of_it(
        self, project, owner, lead, django_capture_on_commit_callbacks
    ):
        task = TaskFactory(project=project, assignee=lead, author=owner)
        with django_capture_on_commit_callbacks(execute=True):
            task_comment_add(actor=owner, task=task, body="Can it also export to Excel?")
        assert [m.to for m in mail.outbox] == [[lead.email]]
        assert "Excel" in mail.outbox[0].body
        assert event_list_for(task).first().verb == "commented"

    def test_given_no_assignee_then_the_leads_hear_of_it(
        self, project, owner, lead, django_capture_on_commit_callbacks
    ):
        task = TaskFactory(project=project, author=owner)
        with django_capture_on_commit_callbacks(execute=True):
            task_comment_add(actor=owner, task=task, body="Any news?")
        assert [m.to for m in mail.outbox] == [[lead.email]]

    def test_given_an_empty_comment_then_it_is_refused(self, project, owner):
        with pytest.raises(ValidationError):
            task_comment_add(actor=owner, task=TaskFactory(project=project), body="   ")

    def test_given_an_outsider_then_they_cannot_comment(self, project):
        with pytest.raises(PermissionDenied):
            task_comment_add(actor=customer(), task=TaskFactory(project=project), body="Hi")
