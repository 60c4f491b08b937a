"""The alert job's batch rendering (issue 13, item 4): a digest is rendered once per time
zone for everyone who gets the same list, with times written by strftime that read as
Django's ``date`` filter would write them."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from softwaresupp.models import OutboxMessage
from softwaresupp.notifications import Recipient, notify
from softwaresupp.outbox import outbox_batch

MOMENTS = [
    datetime(2026, 3, 1, 0, 5, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # Europe's change to summer time
    datetime(2026, 10, 25, 23, 59, tzinfo=UTC),
    datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
]
ZONES = ["UTC", "Europe/Warsaw", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"]


@pytest.mark.parametrize("zone", ZONES)
def test_clock_and_day_clock_read_as_the_date_filter(zone):
    ours = Template("{% load query_tags %}{{ t|clock }}|{{ t|day_clock }}")
    django = Template('{{ t|date:"H:i T" }}|{{ t|date:"j M, H:i T" }}')
    with timezone.override(zone):
        for moment in MOMENTS:
            context = Context({"t": moment})
            assert ours.render(context) == django.render(context)


def test_one_list_for_many_people_is_rendered_once_per_time_zone(db, monkeypatch):
    from softwaresupp import notifications

    rendered = []
    original = notifications.render_message

    def counting(template, recipient, context):
        rendered.append(recipient.time_zone)
        return original(template, recipient, context)

    monkeypatch.setattr(notifications, "render_message", counting)
    people = [
        Recipient(email="a@x.example", time_zone="Europe/Warsaw"),
        Recipient(email="b@x.example", time_zone="Europe/Warsaw"),
        Recipient(email="c@x.example", time_zone="Asia/Kolkata"),
    ]
    context = {
        "queries": [
            {
                "title": "Why?",
                "project": "Robots",
                "url": "http://testserver/q/1/",
                "asked_at": MOMENTS[0],
                "due_at": MOMENTS[0],
            }
        ],
        "count": 1,
        "more": 0,
        "all_url": "http://testserver/q/",
    }
    with outbox_batch():
        notify(
            template="query_warning",
            recipients=people,
            context=context,
            key="query_warning:1",
            per_time_zone=True,
        )

    assert sorted(rendered) == ["Asia/Kolkata", "Europe/Warsaw"]
    messages = {m.to: m for m in OutboxMessage.objects.all()}
    assert set(messages) == {"a@x.example", "b@x.example", "c@x.example"}
    assert messages["a@x.example"].text == messages["b@x.example"].text
    assert "01:05 CET" in messages["a@x.example"].text
    assert "05:35 IST" in messages["c@x.example"].text
