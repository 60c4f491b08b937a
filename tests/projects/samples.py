from projects.models import Assignment, Task
from tests.factories.projects import (
    ProjectFactory,
    ProjectUpdateFactory,
    ReleaseFactory,
    TaskFactory,
    WeeklySummaryFactory,
    current_sprint,
)


def populate(world):
    """Tenant A's project, with ``expert_a`` assigned, and a task on it; the board's other
    objects (this week's sprint, a milestone with an update, a release, a summary)."""
    project = ProjectFactory(organization=world.org_a, name="Project TENANT-A-SECRET")
    world.extra["assignment_a"] = Assignment.objects.create(
        project=project, expert=world.expert_a, role=Assignment.Role.LEAD
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
        project=project, title="Release TENANT-A-SECRET", tasks=[milestone]
    )
    world.extra["summary_a"] = WeeklySummaryFactory(project=project)


def _project(w):
    return {"pk": w.project_a.pk}


def _task(w):
    return {"pk": w.task_a.pk}


ROUTES = {
    "projects:list": None,
    "projects:create": None,
    "projects:board": _project,
    "projects:edit": _project,
    "projects:team": _project,
    "projects:assignment_end": lambda w: {"pk": w.project_a.pk, "assignment_pk": w.assignment_a.pk},
    "projects:task_create": _project,
    "projects:sprint_list": _project,
    "projects:release_list": _project,
    "projects:summary_list": _project,
    "projects:task_detail": _task,
    "projects:task_edit": _task,
    "projects:task_move": _task,
    "projects:task_estimate": _task,
    "projects:task_comment": _task,
    "projects:milestone_update": lambda w: {"pk": w.milestone_a.pk},
    "projects:sprint_detail": lambda w: {"pk": w.sprint_a.pk},
    "projects:sprint_goal": lambda w: {"pk": w.sprint_a.pk},
    "projects:release_detail": lambda w: {"pk": w.release_a.pk},
    "projects:summary_detail": lambda w: {"pk": w.summary_a.pk},
}
