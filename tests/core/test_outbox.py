"""The email outbox: a message is a row written with its cause, relayed after the commit by a
task and by the sweep; SMTP refusals are recorded, retried only when temporary, and a retry
never re-sends to a recipient already served."""

import json
import smtplib
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from softwaresupp.models import Event, OutboxMessage
from softwaresupp.notifications import Recipient, notify, render_message
from softwaresupp.outbox import MAX_ATTEMPTS, is_permanent, outbox_claim_due, outbox_relay
from tests.factories.accounts import OrganizationFactory, UserFactory, customer
from tests.smtp_server import free_port, smtp_server

CONTEXT = {
    "organization": "Acme",
    "inviter": "Anna",
    "accept_url": "http://x/y",
    "expires_at": datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
}
PENDING, SENT, FAILED = (
    OutboxMessage.State.PENDING,
    OutboxMessage.State.SENT,
    OutboxMessage.State.FAILED,
)


def _notify(recipients, key="invitation:7"):
    return notify(template="invitation", recipients=recipients, context=CONTEXT, key=key)


def _state(address):
    return OutboxMessage.objects.get(to=address)


@pytest.mark.django_db
class TestWriting:
    def test_one_row_per_recipient_with_its_idempotency_key(self):
        warsaw = UserFactory(time_zone="Europe/Warsaw")
        assert _notify([warsaw, warsaw.email.upper(), "b@example.com"]) == 2
        rows = list(OutboxMessage.objects.order_by("pk"))
        assert [(r.to, r.key, r.state, r.attempts) for r in rows] == [
            (warsaw.email, f"invitation:7:{warsaw.email}", PENDING, 0),
            ("b@example.com", "invitation:7:b@example.com", PENDING, 0),
        ]
        assert "12:00" in rows[0].text and "12:00" in rows[0].html  # 10:00 UTC in Warsaw
        assert "10:00" in rows[1].text

    def test_the_same_cause_never_queues_twice(self):
        _notify(["a@example.com"])
        _notify(["a@example.com", "b@example.com"])
        assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == [
            "a@example.com",
            "b@example.com",
        ]

    def test_without_a_key_each_call_is_its_own_cause(self):
        _notify(["a@example.com"], key=None)
        _notify(["a@example.com"], key=None)
        assert OutboxMessage.objects.count() == 2

    def test_a_rolled_back_change_writes_nothing(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            _notify(["a@example.com"])
            raise RuntimeError("roll back")
        assert not OutboxMessage.objects.exists()

    def test_subjects_and_text_are_plain_text_not_html_escaped(self):
        title = 'A & B <script> "quoted"'
        message = render_message(
            "task_comment",
            Recipient("a@example.com"),
            {"author": "Tom & Jerry", "task": {"title": title}, "comment": {"body": "x"}},
        )
        assert message["subject"] == f"[SoftwareSupp] Tom & Jerry commented on “{title}”"
        assert title in message["text"]
        assert "A &amp; B &lt;script&gt;" in message["html"]


@pytest.mark.django_db
class TestRelay:
    def test_on_commit_each_message_is_sent_once(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(["a@example.com", "b@example.com"])
        assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]
        assert mail.outbox[0].alternatives[0][1] == "text/html"
        assert {(r.state, r.attempts) for r in OutboxMessage.objects.all()} == {(SENT, 1)}
        assert outbox_relay() == 0  # the sweep finds nothing left
        assert len(mail.outbox) == 2

    def test_the_on_commit_relay_sends_only_its_own_messages(
        self, django_capture_on_commit_callbacks
    ):
        _notify(["left-behind@example.com"], key="other")  # its commit callback never ran
        with django_capture_on_commit_callbacks(execute=True):
            _notify(["a@example.com"])
        assert [m.to[0] for m in mail.outbox] == ["a@example.com"]
        assert outbox_relay() == 1  # the sweep catches the other up
        assert [m.to[0] for m in mail.outbox] == ["a@example.com", "left-behind@example.com"]

    def test_a_claimed_message_whose_worker_died_is_sent_after_the_claim_lapses(self):
        _notify(["a@example.com", "b@example.com"])
        claimed = outbox_claim_due(keys=None, limit=10)  # the worker dies holding them
        assert len(claimed) == 2
        assert outbox_relay() == 0  # another relay leaves them alone while claimed
        with time_machine.travel(timezone.now() + timedelta(minutes=11)):
            assert outbox_relay() == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["a@example.com", "b@example.com"]


@pytest.mark.django_db
class TestBrokerDown:
    def test_the_change_commits_and_the_sweep_sends_it_later(
        self, broker_down, django_capture_on_commit_callbacks
    ):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            _notify(["a@example.com"])
        assert time.monotonic() - started < 2
        assert _state("a@example.com").state == PENDING and mail.outbox == []
        assert outbox_relay() == 1
        assert outbox_relay() == 0
        assert [m.to[0] for m in mail.outbox] == ["a@example.com"]


@pytest.mark.django_db(transaction=True)
def test_a_saved_change_answers_quickly_with_the_broker_down(client, broker_down):
    organization = OrganizationFactory()
    client.force_login(customer(organization))
    started = time.monotonic()
    response = client.post(
        organization.get_absolute_url(), {"email": "new@example.com", "role": "member"}
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 2
    assert _state("new@example.com").state == PENDING
    assert outbox_relay() == 1 and [m.to[0] for m in mail.outbox] == ["new@example.com"]


@pytest.mark.parametrize("settings_module", ["local", "production"])
def test_every_environment_publishes_without_waiting_for_a_broker_that_is_down(settings_module):
    environment = {
        "DJANGO_SETTINGS_MODULE": f"softwaresupp.settings.{settings_module}",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "platform.example.com",
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "FIELD_ENCRYPTION_KEYS": "0JTDdM3nWdHDmPKbr1yqTJb2Ho2ttZ4UM4CGBGJ6sCU=",
        "SITE_URL": "https://platform.example.com",
    }
    read = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", read], env=environment, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout)["max_retries"] == 0


@pytest.mark.django_db
class TestSMTPRefusals:
    def test_a_permanent_refusal_is_failed_and_never_retried(self, settings):
        with smtp_server(settings, permanent={"gone@example.com"}) as smtp:
            _notify(["gone@example.com", "ok@example.com"])
            assert outbox_relay() == 2
            gone = _state("gone@example.com")
            assert (gone.state, gone.attempts) == (FAILED, 1)
            assert "550" in gone.last_error
            with time_machine.travel(timezone.now() + timedelta(days=3)):
                assert outbox_relay() == 0
        assert [to for to, _ in smtp.received] == ["ok@example.com"]
        assert _state("ok@example.com").state == SENT

    def test_a_temporary_refusal_is_retried_with_backoff_without_resending_others(self, settings):
        with smtp_server(settings, temporary={"busy@example.com": 2}) as smtp:
            _notify(["ok@example.com", "busy@example.com"])
            outbox_relay()
            busy = _state("busy@example.com")
            assert (busy.state, busy.attempts) == (PENDING, 1) and "451" in busy.last_error
            first_delay = busy.next_attempt_at - timezone.now()
            assert outbox_relay() == 0  # not due yet
            with time_machine.travel(busy.next_attempt_at + timedelta(seconds=1), tick=False):
                outbox_relay()
                second_delay = _state("busy@example.com").next_attempt_at - timezone.now()
            assert second_delay > first_delay * 1.5  # the wait grows
            busy = _state("busy@example.com")
            with time_machine.travel(busy.next_attempt_at + timedelta(seconds=1)):
                outbox_relay()
        assert sorted(to for to, _ in smtp.received) == ["busy@example.com", "ok@example.com"]
        assert (_state("busy@example.com").state, _state("busy@example.com").attempts) == (
            SENT,
            3,
        )

    def test_a_message_refused_temporarily_too_often_fails(self, settings):
        with smtp_server(settings, temporary={"busy@example.com": 100}):
            _notify(["busy@example.com"])
            for _ in range(MAX_ATTEMPTS):
                due = _state("busy@example.com").next_attempt_at
                with time_machine.travel(due + timedelta(seconds=1)):
                    outbox_relay()
        busy = _state("busy@example.com")
        assert (busy.state, busy.attempts) == (FAILED, MAX_ATTEMPTS)

    def test_an_unreachable_server_keeps_every_message_pending(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
        _notify(["a@example.com", "b@example.com"])
        assert outbox_relay() == 2
        rows = OutboxMessage.objects.all()
        assert {(r.state, r.attempts) for r in rows} == {(PENDING, 1)}
        assert all("Connection" in r.last_error for r in rows)


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"No such mailbox")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (451, b"Try later")}), False),
        (smtplib.SMTPDataError(554, b"Message rejected"), True),
        (smtplib.SMTPDataError(421, b"Busy"), False),
        # Ours to fix, not the message's: retried, failed only after the last attempt.
        (smtplib.SMTPSenderRefused(550, b"Sender refused", "team@example.com"), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad login"), False),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (ConnectionRefusedError(), False),
        (TimeoutError(), False),
    ],
)
def test_which_refusals_are_permanent(error, permanent):
    assert is_permanent(error) is permanent


@pytest.mark.django_db
def test_staff_resend_a_failed_message_from_admin(client, django_capture_on_commit_callbacks):
    from tests.factories.accounts import StaffFactory, login_verified_staff

    staff = login_verified_staff(client, StaffFactory(is_superuser=True))
    _notify(["a@example.com"])
    OutboxMessage.objects.update(state=FAILED, attempts=1, last_error="550 No such mailbox")
    message = OutboxMessage.objects.get()
    changelist = reverse("admin:core_outboxmessage_changelist")
    assert client.get(changelist, {"state__exact": "failed", "q": "a@"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "resend", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.state, message.attempts) == (SENT, 2)
    assert [m.to[0] for m in mail.outbox] == ["a@example.com"]
    (event,) = Event.objects.filter(verb="email resend requested")
    assert event.actor == staff and event.changes == {"state": ["failed", "pending"]}
    detail = reverse("admin:core_outboxmessage_change", args=[message.pk])
    assert client.post(detail, {"to": "evil@example.com"}).status_code == 403
