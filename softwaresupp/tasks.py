from celery import shared_task

from softwaresupp.outbox import outbox_relay


@shared_task(time_limit=300, soft_time_limit=240)
def outbox_relay_task(keys: list[str] | None = None) -> int:
    """Relay the outbox: the rows of one commit (``keys``), or, from the every-minute sweep,
    everything pending and due. Refusals are recorded on the rows, so the task never retries
    itself: the rows carry their own retry times."""
    return outbox_relay(keys=keys)
