from projects.models import Assignment
from tests.factories.projects import ProjectFactory, TaskFactory


def populate(world):
    """Tenant A's project, with ``expert_a`` assigned, and a task on it."""
    project = ProjectFactory(organization=world.org_a, name="Project TENANT-A-SECRET")
    Assignment.objects.create(project=project, expert=world.expert_a, role=Assignment.Role.LEAD)
    world.extra["project_a"] = project
    world.extra["task_a"] = TaskFactory(
        project=project, title="Task TENANT-A-SECRET", assignee=world.expert_a
    )


ROUTES: dict = {}
