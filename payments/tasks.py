from celery import shared_task

from payments.services.settlement import settlements_run


@shared_task(time_limit=3600, soft_time_limit=3500)
def settlements_run_task() -> int:
    """Daily; settles every ended, unsettled two-week period (a catch-up: a missed or
    repeated run settles each period once)."""
    return settlements_run()
