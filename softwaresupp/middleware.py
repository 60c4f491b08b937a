"""Request guards every route shares: size, NUL bytes, and no caching of signed-in pages."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body is larger than ``MAX_REQUEST_BYTES`` with a
    413 page, before anything reads the body (an upload is never read whole first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(render_to_string("413.html"), status=413)
        return self.get_response(request)


def _has_nul(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


class NulByteMiddleware:
    """Refuses a NUL byte anywhere in the path, the query or a posted form field with a
    400 page: PostgreSQL cannot store or compare text holding one, so every filter and
    form would otherwise answer 500. Uploaded files' contents are not text and pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or _has_nul(request.GET):
            raise BadRequest("A NUL byte in the request.")
        if request.method == "POST" and _has_nul(request.POST):
            raise BadRequest("A NUL byte in the request.")
        return self.get_response(request)


class NoStoreMiddleware:
    """Signed-in pages and downloads are never kept by a browser or proxy cache: a shared
    computer's back button must not show the last person's data. Static files are served
    before this middleware and stay cacheable. A request carrying a session cookie counts as
    signed in: asking the session would read the database, which /healthz must not need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        download = response.get("Content-Disposition", "").startswith("attachment")
        if download or settings.SESSION_COOKIE_NAME in request.COOKIES:
            add_never_cache_headers(response)
        return response
