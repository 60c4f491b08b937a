"""Which sessions count as verified with MFA: staff see every tenant only in those.

allauth records each authentication step of a session (password, mfa, …) in the session;
a session is verified once an "mfa" step is among them: a TOTP or recovery code at sign-in,
a code confirmed on the reauthenticate page, or a code typed to activate TOTP just now.
"""

from allauth.account.authentication import (
    AUTHENTICATION_METHODS_SESSION_KEY,
    get_authentication_records,
)
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from django.dispatch import receiver


def session_verified_with_mfa(request, user) -> bool:
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


@receiver(authenticator_added)
def _activation_verifies_the_session(sender, request, user, authenticator, **kwargs):
    # Activating TOTP means typing a valid code from the new secret, after re-entering the
    # password: the same proof as a sign-in with a code, so the session need not sign in again.
    if authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
        )


@receiver(authenticator_removed)
def _removal_unverifies_the_session(sender, request, **kwargs):
    # Without the authenticator the earlier code proves nothing: staff set up MFA again.
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY)
    if isinstance(records, list):
        request.session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            record for record in records if record.get("method") != "mfa"
        ]
