from celery import shared_task

from payments.services.settlement import settlement_statements_due, settlements_run


@shared_task(time_limit=3600, soft_time_limit=3500)
def settlements_run_task() -> int:
    """Daily; settles every ended, unsettled two-week period (a catch-up: a missed or
    repeated run settles each period once)."""
    return settlements_run()


@shared_task(time_limit=1800, soft_time_limit=1700)
def settlement_statements_task() -> int:
    """Every 15 minutes; queues the statements of a settlement whose are still due (the
    daily job queues them right after settling; this catches a crash in between)."""
    return settlement_statements_due()
