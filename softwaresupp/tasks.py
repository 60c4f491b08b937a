from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError, OSError),
    retry_backoff=True,
    max_retries=5,
    time_limit=120,
    soft_time_limit=100,
)
def send_email_task(messages: list[dict]) -> int:
    """Send pre-rendered messages (see ``softwaresupp.notifications``) over one connection."""
    with get_connection() as connection:
        emails = []
        for message in messages:
            email = EmailMultiAlternatives(
                subject=message["subject"],
                body=message["text"],
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message["to"]],
                connection=connection,
            )
            if message.get("html"):
                email.attach_alternative(message["html"], "text/html")
            emails.append(email)
        return connection.send_messages(emails) or 0
