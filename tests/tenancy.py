"""The tenant sweep's harness (R-TENANT).

Every routed URL of the project is listed in some ``tests/<app>/samples.py``:

    ROUTES = {
        "projects:list": Sample(query=lambda w: {"status": "active"}),  # a listing of one's own
        "projects:task_create": Sample(
            kwargs=lambda w: {"pk": w.project_a.pk},         # tenant A's ids in the path
            payload=lambda w: {"title": "Sweep task"},       # a valid body built from A's objects
            writer="owner_a",                                # who in tenant A may post it
            refused={"member_a": 403},                       # who in tenant A may not, and how
        ),
    }
    def populate(world): ...  # optional: add tenant A's objects the ROUTES need

A route whose view handles POST must give a ``payload``; a route whose view reads query
parameters must declare each one in ``query`` (with tenant A's ids where it takes ids). The
sweep then posts that payload as the writer (it must change the database) and as every
outsider (it must not), with the query on every method.
"""

import hashlib
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape

from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.db import connection, transaction
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests

# Routes anyone may open, each with the reason.
PUBLIC_ROUTES = {
    "healthz": "health probe, no data",
    "accounts:invitation_accept": "the unguessable emailed token is the credential",
    "surveys:answer": "the unguessable emailed survey token is the credential (R-NPS: no login)",
    "leads:referral_visit": "a partner's public link: sets the visitor's own attribution cookie",
    "leads:partner_signup": "an outside referrer's sign-up form: creates only their own account",
}
# Third-party route sets with their own access rules (allauth: the user's own account
# only; admin: covered by the staff middleware tests). Static files are not data.
EXCLUDED_NAMESPACES = ("admin",)
EXCLUDED_MODULE_PREFIXES = ("allauth.", "django.contrib.admin")
# Code of these apps is followed when deciding whether a view handles POST.
PROJECT_PACKAGES = ("softwaresupp", "accounts", "projects", "timesheets", "payments", "leads")
PROJECT_PACKAGES += ("onboarding", "surveys")
# Tables a request may write whatever it does: the session (flash messages), content types
# (created on first use).
UNDIGESTED_APPS = {"sessions", "contenttypes"}

MARKER = "TENANT-A-SECRET"


@dataclass(frozen=True)
class Sample:
    """How the sweep reaches one route with tenant A's objects (see the module doc)."""

    kwargs: Callable | None = None  # None: the route takes no ids (a page of one's own)
    query: Callable | None = None  # every query parameter the view reads, with A's ids
    payload: Callable | None = None  # a valid POST body for ``writer``
    writer: str = "owner_a"  # owner_a, member_a, expert_a or staff (MFA-verified)
    refused: dict = field(default_factory=dict)  # tenant-A role -> status(es) it gets
    form: Callable | None = None  # the page whose form posts here, if not the route itself
    done: Callable | None = None  # what the write leaves behind, checked after it
    own: str = ""  # why an outsider's valid post may write (their own rows, no A ids)

    @property
    def scoped(self) -> bool:
        return self.kwargs is not None

    def url(self, world, *, name: str) -> str:
        return reverse(name, kwargs=self.kwargs(world) if self.kwargs else {})

    def params(self, world) -> dict:
        return dict(self.query(world)) if self.query else {}


@dataclass
class World:
    """Tenant A (with its objects) and the outsiders who must not reach them; the samples'
    objects and the other roles are in ``extra``, read as attributes."""

    org_a: object
    owner_a: object
    expert_a: object
    org_b: object
    owner_b: object
    outsider_expert: object
    staff: object
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


# --- routes and their samples ------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            if view_class is not None:
                module = view_class.__module__
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            yield name, prefix + str(entry.pattern), module, callback


def _project_patterns():
    for name, pattern, module, callback in _walk(get_resolver().url_patterns):
        if module.startswith(EXCLUDED_MODULE_PREFIXES) or pattern.startswith(("static/", "admin/")):
            continue
        if name and name.split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if name in PUBLIC_ROUTES:
            continue
        yield name or f"<unnamed {pattern}>", pattern, callback


def project_routes() -> list[tuple[str, str]]:
    """(name, pattern) of every route the project itself serves and must sweep."""
    return [(name, pattern) for name, pattern, _ in _project_patterns()]


def write_routes() -> list[str]:
    """Names of the routes whose view handles POST."""
    return [name for name, _, callback in _project_patterns() if handles_post(callback)]


_POST_MARKS = re.compile(r"request\.(?:POST|FILES|method)\b|post_required_after_lookup")


def handles_post(callback) -> bool:
    """Whether the view (or a helper of the project it calls) reads the body or the method."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return any(hasattr(view_class, m) for m in ("post", "put", "patch", "delete"))
    return _mentions_post(inspect.unwrap(callback), set())


def _mentions_post(function, seen: set) -> bool:
    if function in seen or not inspect.isfunction(function):
        return False
    seen.add(function)
    if _POST_MARKS.search(inspect.getsource(function)):
        return True
    return any(_mentions_post(callee, seen) for callee in _project_callees(function))


def _project_callees(function):
    names = set()
    codes = [function.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if inspect.iscode(c))
    for name in names:
        target = function.__globals__.get(name)
        if callable(target) and getattr(target, "__module__", "").startswith(PROJECT_PACKAGES):
            yield inspect.unwrap(target)


def sample_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.samples")
            except ModuleNotFoundError as error:
                if error.name != f"tests.{info.name}.samples":
                    raise


def route_samples() -> dict[str, Sample]:
    """Every sample by route name; a bare callable (or None) is read as the route's kwargs."""
    merged: dict[str, Sample] = {}
    for module in sample_modules():
        for name, sample in module.ROUTES.items():
            merged[name] = sample if isinstance(sample, Sample) else Sample(kwargs=sample)
    return merged


def populate_world(world: World) -> None:
    for module in sample_modules():
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)


# --- what a request changed --------------------------------------------------------------


def _digested_models():
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label in UNDIGESTED_APPS or meta.proxy or not meta.managed:
            continue
        if meta.db_table in tables:  # a model whose migration is still being written
            yield model


def database_fingerprint() -> str:
    """A digest of every row of the project's tables (and allauth's), in one query on
    PostgreSQL: the sweep takes it after every route."""
    models = sorted(_digested_models(), key=lambda m: m._meta.db_table)
    if connection.vendor == "postgresql":
        return _postgres_fingerprint(models)
    digest = hashlib.sha256()
    for model in models:
        rows = list(model.objects.order_by("pk").values_list())
        digest.update(model._meta.db_table.encode())
        digest.update(json.dumps(rows, default=str).encode())
    return digest.hexdigest()


def _postgres_fingerprint(models) -> str:
    quote = connection.ops.quote_name
    parts = [
        f"SELECT {i} AS n, md5(coalesce(string_agg(t::text, ','"
        f" ORDER BY t.{quote(m._meta.pk.column)}), '')) AS d FROM {quote(m._meta.db_table)} t"
        for i, m in enumerate(models)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT string_agg(d, '' ORDER BY n) FROM ({' UNION ALL '.join(parts)}) s")
        return cursor.fetchone()[0]


@contextmanager
def rolled_back():
    """Whatever happens inside is undone (a savepoint), so each route meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- reading responses -------------------------------------------------------------------


def body(response) -> str:
    # Exports stream (StreamingHttpResponse has no .content): read them whole.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def error_messages(response) -> list[str]:
    """Error messages this request added (not ones left unread in the cookie by earlier
    requests: the sweep never follows a redirect to show them)."""
    storage = getattr(getattr(response, "wsgi_request", None), "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.ERROR]


def said_no(response) -> bool:
    """A POST that saved nothing, by what the user is told: an error status, the form again
    (views redirect after a save), or a redirect with an error message."""
    return response.status_code != 302 or bool(error_messages(response))


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_ACTION = re.compile(r'\b(?:action|hx-post)="([^"]*)"', re.I)
_HIDDEN = re.compile(r"<input\b[^>]*>", re.I)
_ATTR = re.compile(r'\b(type|name|value)="([^"]*)"', re.I)


def hidden_fields(html: str, *, page_path: str, target_path: str) -> dict[str, str]:
    """The hidden inputs (an idempotency token, ``next``…) of the page's forms that post to
    ``target_path``, as the browser would send them; the CSRF token aside."""
    fields = {}
    for attrs, inner in _FORM.findall(html):
        action = _ACTION.search(attrs)
        path = unescape(action.group(1)).split("?")[0] if action and action.group(1) else page_path
        if path != target_path:
            continue
        for tag in _HIDDEN.findall(inner):
            found = {k.lower(): unescape(v) for k, v in _ATTR.findall(tag)}
            if found.get("type", "").lower() == "hidden" and found.get("name"):
                fields.setdefault(found["name"], found.get("value", ""))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


# --- which query parameters a view reads -------------------------------------------------


@contextmanager
def recording_query_reads():
    """Every ``request.GET`` key a view looks up (``get``, ``getlist``, ``[]``, ``in``,
    forms bound to it) lands in the yielded set."""
    reads: set[str] = set()

    class RecordingQueryDict(QueryDict):
        def __getitem__(self, key):
            reads.add(key)
            return super().__getitem__(key)

        def get(self, key, default=None):
            reads.add(key)
            return super().get(key, default)

        def getlist(self, key, default=None):
            reads.add(key)
            return super().getlist(key, default)

        def __contains__(self, key):
            reads.add(key)
            return super().__contains__(key)

        def __deepcopy__(self, memo):
            # A copy is made to build links, not to read the request.
            return QueryDict(self.urlencode(), mutable=True)

    def get(request):
        if "_recorded_get" not in request.__dict__:
            raw = get_bytes_from_wsgi(request.environ, "QUERY_STRING", "")
            request.__dict__["_recorded_get"] = RecordingQueryDict(raw, encoding=request._encoding)
        return request.__dict__["_recorded_get"]

    def set_(request, value):
        request.__dict__["_recorded_get"] = value

    original = WSGIRequest.__dict__["GET"]
    WSGIRequest.GET = property(get, set_)
    try:
        yield reads
    finally:
        WSGIRequest.GET = original
