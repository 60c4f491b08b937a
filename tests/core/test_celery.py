"""A real Celery worker on Redis runs what is enqueued on commit, and nothing else."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from softwaresupp.celery import app
from softwaresupp.notifications import notify

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

CONTEXT = {
    "organization": "Acme",
    "inviter": "Anna",
    "accept_url": "http://x/y",
    "expires_at": None,
}


@pytest.fixture
def worker():
    """A worker thread on a queue of its own, so parallel runs never take each other's tasks."""
    queue = f"test-{uuid.uuid4().hex}"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10
        ):
            yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous


def _wait_for_mail(count: int, seconds: float = 15) -> list:
    deadline = time.monotonic() + seconds
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return [message.to[0] for message in mail.outbox]


def test_a_task_enqueued_on_commit_runs(worker):
    with transaction.atomic():
        notify(template="invitation", recipients=["committed@example.com"], context=CONTEXT)
        time.sleep(0.3)
        assert mail.outbox == []  # nothing is sent while the transaction is open
    assert _wait_for_mail(1) == ["committed@example.com"]


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(template="invitation", recipients=["rolled-back@example.com"], context=CONTEXT)
        raise RuntimeError("roll back")
    # A task sent afterwards on the same queue runs; one queued before it would have run first.
    with transaction.atomic():
        notify(template="invitation", recipients=["after@example.com"], context=CONTEXT)
    assert _wait_for_mail(1) == ["after@example.com"]
    time.sleep(0.5)
    assert [message.to[0] for message in mail.outbox] == ["after@example.com"]
