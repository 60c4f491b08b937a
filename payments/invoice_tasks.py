from celery import shared_task

from payments.services.invoices import invoices_run


@shared_task(time_limit=3600, soft_time_limit=3500)
def invoices_run_task() -> int:
    """Daily, after the settlement; invoices every settled period's organizations not
    invoiced yet (a catch-up: a missed or repeated run invoices each one once)."""
    return invoices_run()
