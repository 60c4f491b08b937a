"""Scheduled jobs of the surveys area; each a catch-up (running twice or late changes
nothing more)."""

from celery import shared_task

from surveys.services import surveys_send


@shared_task(time_limit=1800, soft_time_limit=1700)
def surveys_send_task() -> int:
    """R-NPS: the week's missing surveys, created and emailed once per member."""
    return surveys_send()
