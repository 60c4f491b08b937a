from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.mfa import session_verified_with_mfa
from softwaresupp.http import is_infrastructure_path

PROTECTED_PREFIXES = ("/admin/", "/staff/")
# What a staff session not yet verified with MFA may still open: signing in and out, password
# recovery, setting up or confirming MFA (and static files and the health probe, which never
# look at the session: see is_infrastructure_path). Everything else waits, even
# removing an authenticator or its recovery codes: that takes a verified session.
OPEN_ROUTES = {
    "account_login",
    "account_logout",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_confirm_email",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_authenticate",
    "mfa_reauthenticate",
}


class StaffMFARequiredMiddleware:
    """Staff see every tenant only in a session verified with MFA (R-TENANT).

    Marks the request's user with whether the session was verified, which is what
    ``User.sees_everything`` (and so every ``visible_to``) reads; sends a staff session that
    is not verified to set up MFA or to confirm a code, on every route but sign-in and MFA;
    keeps Django admin and staff pages undiscoverable (404) for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_infrastructure_path(request.path):
            # No session or user lookup: the health probe must answer with the database down.
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and user.is_staff:
            user.mfa_verified = session_verified_with_mfa(request, user)
        if request.path.startswith(PROTECTED_PREFIXES):
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_staff and user.is_active):
                raise Http404("Not found.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_infrastructure_path(request.path) or _is_open(request):
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.sees_everything:
            return None
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                "Staff pages need two-factor authentication. "
                "Set up an authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        messages.info(request, "Confirm with a code from your authenticator app to continue.")
        next_path = request.get_full_path() if request.method == "GET" else request.path
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_path})}")


def _is_open(request) -> bool:
    name = request.resolver_match.view_name if request.resolver_match else None
    return name in OPEN_ROUTES
