import os
import shutil

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from softwaresupp.celery import app
from tests.factories.accounts import login_verified_staff, verified_staff
from tests.smtp_server import free_port

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
NO_SKIPS = os.environ.get("SOFTWARESUPP_NO_SKIPS") == "1"


def _environment_gaps() -> dict[str, str]:
    gaps = {}
    if connection.vendor != "postgresql":
        gaps["postgres"] = "needs PostgreSQL (set DATABASE_URL); this run uses SQLite"
    if not settings.REDIS_URL:
        gaps["redis"] = "needs a Redis server (set REDIS_URL); this run has none"
    if not shutil.which(CHROMIUM):
        gaps["browser"] = f"needs headless Chromium at {CHROMIUM} (apt-get install chromium)"
    return gaps


def pytest_collection_modifyitems(config, items):
    gaps = _environment_gaps()
    used = {marker for item in items for marker in gaps if item.get_closest_marker(marker)}
    if NO_SKIPS and used:
        raise pytest.UsageError(
            "SOFTWARESUPP_NO_SKIPS=1 but: " + "; ".join(gaps[m] for m in sorted(used))
        )
    for item in items:
        for marker, reason in gaps.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the cache (Redis in CI); each test starts from zero.
    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def staff_user(db):
    """Staff as an MFA-verified session leaves them: for services and selectors."""
    return verified_staff()


@pytest.fixture
def staff_client(client, staff_user):
    """The test client signed in as ``staff_user`` in an MFA-verified session."""
    login_verified_staff(client, staff_user)
    return client


@pytest.fixture
def broker_down():
    """The Celery broker at a closed port, and tasks really published (not run inline)."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.task_always_eager = False
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        app._pool, app.amqp._producer_pool = None, None
