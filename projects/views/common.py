"""Small helpers shared by the board's views."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from softwaresupp.http import safe_next_url


def redirect_back(request, default):
    """Back to the page the form was on (``next``), if it is on this site."""
    return redirect(safe_next_url(request, default))


def refusal_text(error: Exception) -> str:
    """A service's refusal as one sentence for a flash message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, PermissionDenied) and error.args:
        return str(error.args[0])
    return "That is not allowed."
