"""Scheduled jobs of matching and onboarding; each a catch-up (running twice or late
changes nothing more)."""

from celery import shared_task

from onboarding.services import postings_announce


@shared_task(time_limit=600, soft_time_limit=540)
def postings_announce_task() -> int:
    """R-MATCH: each new posting emailed to its matching experts, once."""
    return postings_announce()
