"""Celery tasks of queries: the alerts of the 1-hour response promise."""

from celery import shared_task

from projects.services.query_alerts import query_alerts_send


@shared_task(time_limit=55, soft_time_limit=45)
def query_alerts_task() -> dict[str, int]:
    """Every minute (see softwaresupp/schedule.py): send the warnings and breach alerts that
    are due. A catch-up: running it twice, or late, sends each alert once."""
    return query_alerts_send()
