from celery import shared_task

from timesheets import reminders


@shared_task(time_limit=600, soft_time_limit=540)
def remind_experts_task() -> int:
    """Hourly, so each expert is reminded in their own morning; at most once a day each
    (R-HOURS, R-ESTIMATE)."""
    return reminders.expert_reminders_send()


@shared_task(time_limit=600, soft_time_limit=540)
def send_hours_digest_task() -> bool:
    """Daily; sends the last complete week's staff digest once, catching up if a run was
    missed."""
    return reminders.staff_digest_send()
