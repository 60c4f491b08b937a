"""The email outbox: rows written with their cause, relayed after the commit.

A change writes its messages as ``OutboxMessage`` rows in its own transaction. On commit it
asks a Celery task to relay them; if the broker is down that request is dropped (logged)
and the every-minute sweep relays them instead, so a broker outage never fails a change.

A relay *claims* due rows (pushes ``next_attempt_at`` past the lease, under
``select_for_update(skip_locked=True)``), sends them one by one and marks each sent right
after its SMTP transaction, so a retry never re-sends to recipients already served. If the
worker dies mid-batch, the rows it claimed but did not send become due again when the lease
lapses. The only message that can go out twice is the one in flight at that moment (sent,
not yet marked): delivery is at-least-once for it, exactly-once for the others.
"""

import hashlib
import logging
import smtplib
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from softwaresupp.events import event_record
from softwaresupp.models import OutboxMessage

logger = logging.getLogger(__name__)

BATCH = 50
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def claim_lease() -> timedelta:
    """Longer than a relay task may run (its hard time limit), so a live worker never loses
    the rows it holds to another; the drills shorten it."""
    return timedelta(seconds=getattr(settings, "OUTBOX_CLAIM_SECONDS", 600))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4 … minutes after the 1st, 2nd, 3rd … attempt, at most 6 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def _row_key(cause: str, address: str) -> str:
    key = f"{cause}:{address.lower()}"
    if len(key) > 255:
        key = f"{hashlib.sha256(cause.encode()).hexdigest()}:{address.lower()}"[:255]
    return key


def outbox_add(*, template: str, cause: str, messages: list[dict]) -> list[str]:
    """Write one pending row per message (``render_message`` output) in the caller's
    transaction; a row whose key exists already is kept as it is. Returns the keys."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            key=_row_key(cause, message["to"]),
            template=template,
            to=message["to"],
            subject=message["subject"],
            text=message["text"],
            html=message["html"],
            next_attempt_at=now,
            created_at=now,
        )
        for message in messages
    ]
    batch = _batch.get()
    if batch is not None:
        batch.extend(rows)
    else:
        _write(rows)
    return [row.key for row in rows]


def _write(rows: list[OutboxMessage]) -> None:
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.key for row in rows]
    if keys:
        transaction.on_commit(lambda: relay_soon(keys))


_batch: ContextVar[list | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def outbox_batch():
    """Messages queued inside are written in one INSERT when it ends, so a job that mails
    each of many people runs a fixed number of statements. Use it inside the job's
    transaction; an exception discards them with the rest of the change."""
    if _batch.get() is not None:
        yield
        return
    rows: list[OutboxMessage] = []
    token = _batch.set(rows)
    try:
        yield
    finally:
        _batch.reset(token)
    _write(rows)


def relay_soon(keys: list[str]) -> None:
    """Ask a worker to relay these rows now. Never raises: with the broker unreachable the
    rows stay pending and the sweep relays them within a minute."""
    from softwaresupp.tasks import outbox_relay_task

    try:
        outbox_relay_task.apply_async(kwargs={"keys": keys}, retry=False)
    except Exception:  # the broker's errors vary by transport; all mean "not now"
        logger.warning("outbox: relay not enqueued, the sweep will send %s", keys, exc_info=True)


def outbox_claim_due(*, keys: list[str] | None, limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due pending rows (only ``keys`` if given) for one relay: rows
    another relay holds are skipped, and the claim lasts one lease."""
    now = timezone.now()
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            state=OutboxMessage.State.PENDING, next_attempt_at__lte=now
        )
        if keys is not None:
            due = due.filter(key__in=keys)
        rows = list(due.order_by("next_attempt_at", "pk")[:limit])
        OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=now + claim_lease(), attempts=F("attempts") + 1
        )
    for row in rows:
        row.attempts += 1
    return rows


def is_permanent(error: Exception) -> bool:
    """A 5xx answer about the message or its recipients. Refused connections, logins and
    sender addresses are about our configuration or the server's state, not this message,
    so they are retried like 4xx answers (and fail only after ``MAX_ATTEMPTS``)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    ours = (smtplib.SMTPConnectError, smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)
    if isinstance(error, ours):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _mark_sent(row: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=row.pk).update(
        state=OutboxMessage.State.SENT, sent_at=timezone.now(), last_error=""
    )


def _mark_refused(row: OutboxMessage, error: Exception) -> None:
    if is_permanent(error) or row.attempts >= MAX_ATTEMPTS:
        changes = {"state": OutboxMessage.State.FAILED}
    else:
        changes = {"next_attempt_at": timezone.now() + retry_delay(row.attempts)}
    OutboxMessage.objects.filter(pk=row.pk).update(last_error=_describe(error), **changes)
    logger.warning("outbox: %s to %s refused: %s", row.key, row.to, _describe(error))


def _email(row: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        connection=connection,
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    return email


def _deliver(rows: list[OutboxMessage]) -> None:
    """Send each row and record its outcome at once. A failed connection is reopened for
    the next row; if it cannot be opened, every row left waits for its retry."""
    connection = None
    for position, row in enumerate(rows):
        try:
            if connection is None:
                connection = get_connection(timeout=settings.EMAIL_TIMEOUT or 30)
                connection.open()
        except Exception as error:  # the server is unreachable: nothing more goes out now
            for left in rows[position:]:
                _mark_refused(left, error)
            return
        try:
            connection.send_messages([_email(row, connection)])
        except Exception as error:  # refusals and broken connections alike are recorded
            _mark_refused(row, error)
            connection = _close(connection)
        else:
            _mark_sent(row)
    _close(connection)


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # a connection that broke cannot be closed cleanly
            logger.debug("outbox: closing a broken SMTP connection failed", exc_info=True)


def outbox_relay(*, keys: list[str] | None = None, batches: int = 20) -> int:
    """Send what is due (only ``keys`` if given), a batch at a time; returns how many
    messages were tried."""
    tried = 0
    for _ in range(batches):
        rows = outbox_claim_due(keys=keys, limit=BATCH)
        if not rows:
            break
        _deliver(rows)
        tried += len(rows)
    return tried


def outbox_resend(*, actor, message: OutboxMessage) -> OutboxMessage:
    """Staff resend a failed message: it is pending again, due now, and the request is in
    the event log. A message that is pending or sent already is left as it is."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.state != OutboxMessage.State.FAILED:
            return message
        message.state = OutboxMessage.State.PENDING
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "next_attempt_at"])
        event_record(
            actor=actor,
            target=message,
            verb="email resend requested",
            changes={"state": (OutboxMessage.State.FAILED, OutboxMessage.State.PENDING)},
            note=message.last_error,
        )
        keys = [message.key]
        transaction.on_commit(lambda: relay_soon(keys))
    return message
