"""allauth's emails leave through the outbox like every other message: HTML + text, the
site's name, the recipient's time zone."""

from datetime import UTC, datetime

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.urls import reverse

from softwaresupp.models import OutboxMessage
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_signup_verification_email_is_in_the_outbox_with_html_text_and_site_name(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Nina",
                "last_name": "Kowal",
                "company": "Nina's Bakery",
                "time_zone": "Europe/Warsaw",
                "email": "nina@bakery.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    row = OutboxMessage.objects.get(to="nina@bakery.example")
    assert row.template == "account/email/email_confirmation_signup"
    assert row.state == OutboxMessage.State.SENT
    assert row.subject == "[SoftwareSupp] Please Confirm Your Email Address"
    assert "Hello from SoftwareSupp!" in row.text and "Hello from SoftwareSupp!" in row.html
    assert "/accounts/confirm-email/" in row.text and "/accounts/confirm-email/" in row.html
    assert "<a href=" in row.html
    (message,) = mail.outbox
    assert message.alternatives[0] == (row.html, "text/html")


def test_a_password_reset_email_is_html_and_text(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    row = OutboxMessage.objects.get(to=user.email)
    assert row.template == "account/email/password_reset_key"
    assert "/accounts/password/reset/key/" in row.html and "<a href=" in row.html


def test_allauth_messages_are_rendered_in_the_recipients_time_zone():
    user = UserFactory(time_zone="Europe/Warsaw")
    get_adapter().send_mail(
        "account/email/password_changed",
        user.email,
        {
            "timestamp": datetime(2026, 7, 1, 10, 30, tzinfo=UTC),
            "ip": "192.0.2.1",
            "user_agent": "x",
        },
    )
    row = OutboxMessage.objects.get(to=user.email)
    assert "12:30" in row.text and "12:30" in row.html  # 10:30 UTC is 12:30 in Warsaw in July
    assert "Hello from SoftwareSupp!" in row.text
