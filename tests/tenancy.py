"""The tenant sweep's harness (R-TENANT).

Every routed URL of the project must be listed in some ``tests/<app>/samples.py``:

    ROUTES = {
        "projects:board": lambda w: {"pk": w.project.pk},  # scoped: real ids of tenant A
        "projects:list": None,                              # no ids: a listing of one's own
    }
    def populate(world): ...  # optional: add tenant A's objects the ROUTES need

The sweep then checks, for each route: an anonymous visitor is sent to sign in; a customer
of tenant B and an expert not assigned to tenant A get 404 on every method for a scoped
route, and never see tenant A's marker text on an unscoped one; the database is unchanged.
A route with no sample fails the sweep.
"""

import hashlib
import importlib
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

import tests

# Routes anyone may open, each with the reason.
PUBLIC_ROUTES = {
    "healthz": "health probe, no data",
    "accounts:invitation_accept": "the unguessable emailed token is the credential",
}
# Third-party route sets with their own access rules (allauth: the user's own account
# only; admin: covered by the staff middleware tests). Static files are not data.
EXCLUDED_NAMESPACES = ("admin",)
EXCLUDED_MODULE_PREFIXES = ("allauth.", "django.contrib.admin")

MARKER = "TENANT-A-SECRET"


@dataclass
class World:
    """Tenant A (with its objects) and the outsiders who must not reach them."""

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
            yield name, prefix + str(entry.pattern), module


def project_routes() -> list[tuple[str, str]]:
    """(name, pattern) of every route the project itself serves and must sweep."""
    routes = []
    for name, pattern, module in _walk(get_resolver().url_patterns):
        if module.startswith(EXCLUDED_MODULE_PREFIXES) or pattern.startswith(("static/", "admin/")):
            continue
        if name and name.split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if name in PUBLIC_ROUTES:
            continue
        routes.append((name or f"<unnamed {pattern}>", pattern))
    return routes


def sample_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.samples")
            except ModuleNotFoundError as error:
                if error.name != f"tests.{info.name}.samples":
                    raise


def route_samples() -> dict[str, Callable | None]:
    merged: dict[str, Callable | None] = {}
    for module in sample_modules():
        merged.update(module.ROUTES)
    return merged


def populate_world(world: World) -> None:
    for module in sample_modules():
        populate = getattr(module, "populate", None)
        if populate:
            populate(world)


def database_fingerprint() -> str:
    """A digest of every row of the project's own models."""
    digest = hashlib.sha256()
    local = {
        "core",
        "accounts",
        "projects",
        "timesheets",
        "payments",
        "leads",
        "onboarding",
        "surveys",
    }
    for model in apps.get_models():
        if model._meta.app_label not in local:
            continue
        rows = list(model.objects.order_by("pk").values())
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(rows, default=str, sort_keys=True).encode())
    return digest.hexdigest()
