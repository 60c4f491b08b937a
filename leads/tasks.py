"""Scheduled jobs of leads; each a catch-up (running twice or late changes nothing more)."""

from celery import shared_task

from leads.services import lead_reminders_send
from leads.services.commissions import commissions_run


@shared_task(time_limit=600, soft_time_limit=570)
def lead_reminders_task() -> int:
    """R-LEAD: experts are reminded of leads unchanged for 7 days, once per lead per week."""
    return lead_reminders_send()


@shared_task(time_limit=1800, soft_time_limit=1700)
def commissions_run_task() -> dict:
    """R-COMMISSION: paid invoices without their commission get one, voided ones cancel or
    claw back theirs, and what the hold period released is credited."""
    return commissions_run()
