"""Alerts of the 1-hour promise are stamped in the transaction that queues their messages:
with the broker down they are stamped and queued, and the sweep sends each once."""

from datetime import timedelta

import time_machine
from django.core import mail

from projects.models import Query
from projects.services.query_alerts import query_alerts_send
from softwaresupp.models import OutboxMessage
from softwaresupp.outbox import outbox_relay
from tests.queries.test_alerts import ASKED, STAFF_INBOX, asked, staff_inbox  # noqa: F401

BREACH = ASKED + timedelta(hours=1)


def _breach_rows():
    return OutboxMessage.objects.filter(template="query_breach")


def test_with_the_broker_down_a_breach_is_stamped_and_its_messages_queued(
    team,
    broker_down,
    django_capture_on_commit_callbacks,
):
    asked(team)
    with (
        time_machine.travel(BREACH, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert query_alerts_send()["breached"] == 1
    assert Query.objects.get().breach_alerted_at == BREACH
    assert sorted(_breach_rows().values_list("to", "state")) == sorted(
        [(team.expert.email, "pending"), (team.member.email, "pending"), (STAFF_INBOX, "pending")]
    )
    assert mail.outbox == []

    outbox_relay()
    assert sorted(m.to[0] for m in mail.outbox if "Missed the hour" in m.subject) == sorted(
        [team.expert.email, team.member.email, STAFF_INBOX]
    )


def test_a_job_that_repeats_the_same_alert_queues_it_once(team):
    asked(team)
    with time_machine.travel(BREACH, tick=False):
        query_alerts_send()
        Query.objects.update(breach_alerted_at=None)  # as if the stamp had been lost
        query_alerts_send()
    assert _breach_rows().count() == 3
