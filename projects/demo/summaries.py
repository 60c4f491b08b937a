"""The demo's weekly summaries: each demo project's last closed week, written once its hours
and queries are in (it runs after ``timesheets.demo`` and ``projects.demo.queries``), kept on
the board and not emailed."""

from projects.models import Sprint, WeeklySummary
from projects.services.summaries import weekly_summary_write


def seed(world: dict) -> None:
    for project in (world.get("projects") or {}).values():
        if WeeklySummary.objects.filter(project=project).exists():
            continue
        last_week = project.sprints.filter(status=Sprint.Status.CLOSED).order_by("-starts_on")
        if last_week:
            weekly_summary_write(sprint=last_week[0], send=False)
