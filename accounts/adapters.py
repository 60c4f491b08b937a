import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from accounts.models import User
from softwaresupp import crypto
from softwaresupp.notifications import Recipient, render_account_message
from softwaresupp.outbox import outbox_add


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def send_mail(self, template_prefix, email, context):
        """allauth's mail (verification, password reset) is an outbox row like every other
        message: rendered in the recipient's time zone (the user with that address, if
        any), HTML + text, written in the request's transaction and relayed after it."""
        user = User.objects.filter(email__iexact=email).first()
        recipient = Recipient.of(user) if user else Recipient(email=email)
        message = render_account_message(template_prefix, recipient, {"email": email, **context})
        outbox_add(
            template=template_prefix,
            cause=f"{template_prefix}:{uuid.uuid4().hex}",
            messages=[message],
        )


class MFAAdapter(DefaultMFAAdapter):
    """TOTP seeds and recovery-code seeds are encrypted at rest with the platform's key."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
