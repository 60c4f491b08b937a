"""Scheduled jobs of the board. Each is a catch-up: running it twice, or late, gives the
same result as running it once on time."""

from celery import shared_task

from projects.services.sprints import sprints_roll_over
from projects.services.summaries import weekly_summaries_send


@shared_task(time_limit=600, soft_time_limit=540)
def sprints_roll_over_task() -> dict:
    """R-SPRINT: open the coming weeks, close ended ones, move unfinished tasks on."""
    result = sprints_roll_over()
    return {"sprints_closed": result.sprints_closed, "tasks_moved": result.tasks_moved}


@shared_task(time_limit=1800, soft_time_limit=1700)
def weekly_summaries_send_task() -> int:
    """R-SUMMARY: one summary per project and ended week, emailed to the customer."""
    return weekly_summaries_send()
