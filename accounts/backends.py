"""The authentication backends, reading the signed-in user together with their expert
profile: every page's navigation asks whether the user is an expert, which would otherwise
be one more query per request."""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model


class _WithExpertProfile:
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("expert_profile")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithExpertProfile, django_backends.ModelBackend):
    """Django's: the admin's and the test client's sign-in."""


class AuthenticationBackend(_WithExpertProfile, allauth_backends.AuthenticationBackend):
    """allauth's: sign-in by email address, with its rate limits."""
