from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects.models import Assignment, Project, Release, Task, TaskAttachment
from projects.services.tasks import task_attachments_add
from tests.factories.accounts import ExpertProfileFactory
from tests.factories.projects import (
    ProjectFactory,
    ProjectUpdateFactory,
    ReleaseFactory,
    TaskFactory,
    WeeklySummaryFactory,
    current_sprint,
)
from tests.tenancy import Sample


def populate(world):
    """Tenant A's project, with ``expert_a`` assigned (for two months: the grid's past weeks
    are his too), and a task on it; the board's other objects (this week's sprint, a
    milestone with an update, a release, a summary); an expert staff may assign."""
    project = ProjectFactory(organization=world.org_a, name="Project TENANT-A-SECRET")
    world.extra["assignment_a"] = Assignment.objects.create(
        project=project,
        expert=world.expert_a,
        role=Assignment.Role.LEAD,
        starts_on=timezone.now().date() - timedelta(days=60),
    )
    world.extra["project_a"] = project
    world.extra["sprint_a"] = sprint = current_sprint(project)
    world.extra["task_a"] = TaskFactory(
        project=project, title="Task TENANT-A-SECRET", assignee=world.expert_a, sprint=sprint
    )
    milestone = TaskFactory(
        project=project,
        sprint=sprint,
        kind=Task.Kind.MILESTONE,
        status=Task.Status.IN_PROGRESS,
        title="Milestone TENANT-A-SECRET",
    )
    world.extra["milestone_a"] = milestone
    ProjectUpdateFactory(task=milestone, body="Update TENANT-A-SECRET")
    world.extra["release_a"] = ReleaseFactory(
        project=project,
        title="Release TENANT-A-SECRET",
        tasks=[milestone],
        author=world.expert_a,
    )
    world.extra["summary_a"] = WeeklySummaryFactory(project=project)
    world.extra["task_file_a"] = task_attachments_add(
        actor=world.owner_a,
        task=world.task_a,
        files=[SimpleUploadedFile("spec-TENANT-A-SECRET.txt", b"TENANT-A-SECRET")],
    )[0]
    world.extra["candidate_expert"] = ExpertProfileFactory(user__email="candidate@example.com").user


class _Upload(SimpleUploadedFile):
    """A file the sweep may post many times: its payload is built once and re-read."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def _project(w):
    return {"pk": w.project_a.pk}


def _task(w):
    return {"pk": w.task_a.pk}


def _project_fields(w, name):
    return {
        "name": name,
        "description": "Swept",
        "engagement_type": Project.EngagementType.PART_TIME,
        "status": Project.Status.ACTIVE,
        "time_zone": "Europe/Warsaw",
        "communication_channel": Project.Channel.EMAIL,
        "communication_handle": "team@example.com",
        "staging_url": "",
        "production_url": "",
    }


# Tenant A's people a triage-only action refuses (PermissionDenied told as a message).
CUSTOMERS_TOLD = {"owner_a": 302, "member_a": 302}

ROUTES = {
    "projects:list": Sample(query=lambda w: {"status": "active"}),
    "projects:create": Sample(
        payload=lambda w: {"organization": w.org_a.pk, **_project_fields(w, "Swept project")},
        refused={"member_a": 404},
        done=lambda w: Project.objects.filter(name="Swept project").exists(),
    ),
    "projects:board": Sample(
        kwargs=_project,
        query=lambda w: {"assignee": w.expert_a.pk, "kind": "task", "q": "TENANT"},
    ),
    "projects:edit": Sample(
        kwargs=_project,
        payload=lambda w: _project_fields(w, "Renamed project"),
        refused={"member_a": 403, "expert_a": 403},
        done=lambda w: Project.objects.filter(name="Renamed project").exists(),
    ),
    "projects:team": Sample(
        kwargs=_project,
        payload=lambda w: {"expert": w.candidate_expert.pk, "role": Assignment.Role.MEMBER},
        writer="staff",
        refused={"owner_a": 403, "member_a": 403, "expert_a": 403},
        done=lambda w: Assignment.objects.filter(expert=w.candidate_expert).exists(),
    ),
    "projects:assignment_end": Sample(
        kwargs=lambda w: {"pk": w.project_a.pk, "assignment_pk": w.assignment_a.pk},
        payload=lambda w: {"ends_on": w.today.isoformat()},
        writer="staff",
        refused={**CUSTOMERS_TOLD, "expert_a": 302},
    ),
    "projects:task_create": Sample(
        kwargs=_project,
        query=lambda w: {"where": "backlog"},
        payload=lambda w: {"title": "Swept task", "kind": Task.Kind.TASK, "priority": 2},
        done=lambda w: Task.objects.filter(title="Swept task").exists(),
    ),
    "projects:sprint_list": Sample(kwargs=_project),
    "projects:release_list": Sample(
        kwargs=_project,
        payload=lambda w: {"title": "Swept release", "tasks": [w.milestone_a.pk]},
        writer="expert_a",
        refused={"owner_a": 403, "member_a": 403},
        done=lambda w: Release.objects.filter(title="Swept release").exists(),
    ),
    "projects:summary_list": Sample(kwargs=_project),
    "projects:task_detail": Sample(kwargs=_task),
    "projects:task_edit": Sample(
        kwargs=_task,
        payload=lambda w: {
            "title": "Swept title",
            "kind": Task.Kind.TASK,
            "priority": 2,
            "estimate_hours": "5",
            "assignee": w.expert_a.pk,
        },
        writer="expert_a",
        refused={"owner_a": 403, "member_a": 403},
        done=lambda w: Task.objects.filter(title="Swept title").exists(),
    ),
    "projects:task_move": Sample(
        kwargs=_task,
        payload=lambda w: {"status": Task.Status.IN_PROGRESS},
        writer="expert_a",
        refused=CUSTOMERS_TOLD,
        form=lambda w: w.task_a.get_absolute_url(),
    ),
    "projects:task_estimate": Sample(
        kwargs=_task,
        payload=lambda w: {"estimate_hours": "6"},
        writer="expert_a",
        refused=CUSTOMERS_TOLD,
        form=lambda w: w.project_a.get_absolute_url(),
    ),
    "projects:task_comment": Sample(
        kwargs=_task,
        payload=lambda w: {"body": "Swept comment"},
        form=lambda w: w.task_a.get_absolute_url(),
    ),
    "projects:task_assign": Sample(
        kwargs=lambda w: {"pk": w.milestone_a.pk},
        payload=lambda w: {"assignee": "me"},
        writer="expert_a",
        refused=CUSTOMERS_TOLD,
        form=lambda w: w.project_a.get_absolute_url(),
        done=lambda w: Task.objects.filter(pk=w.milestone_a.pk, assignee=w.expert_a).exists(),
    ),
    "projects:task_attachments": Sample(
        kwargs=_task,
        payload=lambda w: {"files": _Upload("swept.txt", b"swept")},
        form=lambda w: w.task_a.get_absolute_url(),
        done=lambda w: TaskAttachment.objects.filter(name="swept.txt").exists(),
    ),
    "projects:task_attachment": Sample(
        kwargs=lambda w: {"pk": w.task_a.pk, "file_pk": w.task_file_a.pk}
    ),
    "projects:milestone_update": Sample(
        kwargs=lambda w: {"pk": w.milestone_a.pk},
        payload=lambda w: {"body": "Swept update"},
        writer="expert_a",
        refused=CUSTOMERS_TOLD,
        form=lambda w: w.milestone_a.get_absolute_url(),
    ),
    "projects:sprint_detail": Sample(kwargs=lambda w: {"pk": w.sprint_a.pk}),
    "projects:sprint_goal": Sample(
        kwargs=lambda w: {"pk": w.sprint_a.pk},
        payload=lambda w: {"goal": "Swept goal"},
        writer="expert_a",
        refused=CUSTOMERS_TOLD,
        form=lambda w: w.sprint_a.get_absolute_url(),
    ),
    "projects:release_detail": Sample(
        kwargs=lambda w: {"pk": w.release_a.pk},
        payload=lambda w: {"to_stage": Release.Stage.TESTED, "test_notes": "Swept: works"},
    ),
    "projects:summary_detail": Sample(kwargs=lambda w: {"pk": w.summary_a.pk}),
}
