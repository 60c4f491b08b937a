from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect

PROTECTED_PREFIXES = ("/admin/", "/staff/")


class StaffMFARequiredMiddleware:
    """Django admin and staff pages: sign in first, staff only (404 otherwise), and only
    once two-factor authentication is set up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(PROTECTED_PREFIXES):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_staff and user.is_active):
                raise Http404("Not found.")
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    "Staff pages need two-factor authentication. "
                    "Set up an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
