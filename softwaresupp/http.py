from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str) -> str:
    """The ``next`` the form carries if it is a path on this site, else ``fallback``. Only a
    path: ``redirect("0001-01-01")`` or ``redirect("dashboard")`` would be read as a view
    name (a 500, or a page nobody asked for)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def post_required_after_lookup(request):
    """Use after the object was fetched through a selector, so another tenant gets 404 on
    every method (R-TENANT) and only a permitted user learns the method is wrong."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def is_infrastructure_path(path: str) -> bool:
    """Static files and the health probe: answered without reading the session or the
    user, so the probe works with the database down and a file costs no query."""
    return path.startswith(settings.STATIC_URL) or path == reverse("healthz")
