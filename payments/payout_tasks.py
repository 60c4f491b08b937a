from celery import shared_task

from payments.services.payouts import payouts_overdue_alert


@shared_task(time_limit=600, soft_time_limit=540)
def payouts_overdue_alert_task() -> int:
    """Hourly; alerts staff once about each payout request open for over 20 hours."""
    return payouts_overdue_alert()
