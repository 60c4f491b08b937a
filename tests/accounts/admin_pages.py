"""Driving Django admin as a superuser in an MFA-verified session, for the admin tests."""

from django.contrib.messages import get_messages
from django.urls import reverse


def admin_action(client, model: str, action: str, objects, **data):
    return client.post(
        reverse(f"admin:accounts_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **data},
        follow=True,
    )


def messages_of(response) -> str:
    return " | ".join(str(message) for message in get_messages(response.wsgi_request))
