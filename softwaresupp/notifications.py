"""The one way the platform sends email.

Each message has three templates under ``templates/email/``: ``<name>_subject.txt``,
``<name>.txt`` and ``<name>.html``. Messages are rendered now, per recipient, in the
recipient's time zone, and handed to a Celery task after the transaction commits, so a
request never waits on SMTP and a rolled-back change sends nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    time_zone: str = "UTC"

    @classmethod
    def of(cls, person) -> "Recipient":
        if isinstance(person, Recipient):
            return person
        if isinstance(person, str):
            return cls(email=person)
        return cls(email=person.email, name=person.get_full_name(), time_zone=person.time_zone)


def render_message(template: str, recipient: Recipient, context: dict) -> dict:
    ctx = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    with timezone.override(recipient.time_zone):
        subject = render_to_string(f"email/{template}_subject.txt", ctx).strip()
        text = render_to_string(f"email/{template}.txt", ctx)
        html = render_to_string(f"email/{template}.html", ctx)
    return {
        "subject": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        "to": recipient.email,
        "text": text,
        "html": html,
    }


def notify(*, template: str, recipients, context: dict) -> int:
    """Queue one email per distinct recipient address; returns how many were queued."""
    from softwaresupp.tasks import send_email_task

    seen, messages = set(), []
    for person in recipients:
        recipient = Recipient.of(person)
        if not recipient.email or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        messages.append(render_message(template, recipient, context))
    if messages:
        transaction.on_commit(lambda: send_email_task.delay(messages))
    return len(messages)
