"""Fault drills: break a service under the running app and check what people and email see.

    uv run python bench/drills.py redis      # Redis stopped while customers submit
    uv run python bench/drills.py postgres   # PostgreSQL restarted under traffic
    uv run python bench/drills.py worker     # the worker killed while sending alerts

Each drill starts its own PostgreSQL (5439), Redis (6391), fake SMTP server, gunicorn,
Celery worker and beat under /tmp/ss-drill (``bench/drill_env.py``), never the machine's
shared ones, prints what it saw and removes everything. Results: ``docs/reliability.md``.
Runs as root (the private PostgreSQL runs as the ``postgres`` user).
"""

import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import drill_env  # noqa: E402
from bench.drill_env import BASE_URL, Drill, deliveries  # noqa: E402

os.environ.update(drill_env.app_environment())

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from projects.models import Assignment, Project, Query  # noqa: E402
from softwaresupp.models import OutboxMessage  # noqa: E402

CUSTOMER, PASSWORD = "anna@acme.example", "SoftwareSupp-demo-1"
COLLEAGUE = "ben@acme.example"
FRIENDLY = "Something went wrong on our side"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A signed-in person: cookies, CSRF token, no redirects followed."""

    def __init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float]:
        body = None
        if data is not None:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        started = time.monotonic()
        try:
            with self.opener.open(BASE_URL + path, body, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        except OSError as error:
            status, text = 0, str(error)
        return status, text, round(time.monotonic() - started, 3)

    def sign_in(self, email: str) -> None:
        self.request("/accounts/login/")
        status, _, _ = self.request("/accounts/login/", {"login": email, "password": PASSWORD})
        assert status == 302, f"sign-in failed: {status}"


def _project() -> Project:
    return (
        Project.objects.filter(
            organization__memberships__user__email=CUSTOMER, status=Project.Status.ACTIVE
        )
        .order_by("pk")
        .first()
    )


def _wait(check, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    return None


def _nothing_pending() -> bool:
    connection.close()  # a fresh read each time, whatever the drill did to the database
    return not OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).exists()


def _delivery_report() -> dict:
    """Every outbox row against the SMTP server's log: missing and duplicate deliveries."""
    connection.close()
    rows = Counter(OutboxMessage.objects.values_list("to", "subject"))
    delivered = Counter((d["to"], d["subject"]) for d in deliveries())
    return {
        "outbox rows": sum(rows.values()),
        "sent": OutboxMessage.objects.filter(state=OutboxMessage.State.SENT).count(),
        "delivered": sum(delivered.values()),
        "missing": sum((rows - delivered).values()),
        "duplicates": sum((delivered - rows).values()),
    }


def _submit(browser: Browser, project: Project, n: int) -> list[tuple[str, int, float]]:
    task = browser.request(
        f"/projects/{project.pk}/tasks/new/",
        {
            "title": f"Drill task {n}",
            "description": "x",
            "kind": "task",
            "priority": "2",
            "submission": uuid.uuid4(),
        },
    )
    question = browser.request(
        f"/projects/{project.pk}/queries/ask/",
        {"title": f"Drill question {n} & <more>", "body": "Help", "submission": uuid.uuid4()},
    )
    board = browser.request(f"/projects/{project.pk}/")
    return [
        ("task", task[0], task[2]),
        ("question", question[0], question[2]),
        ("board", board[0], board[2]),
    ]


def drill_redis(drill: Drill) -> None:
    processes = drill.processes
    processes.smtp()
    processes.web()
    processes.worker()
    processes.beat()
    anna, project = Browser(), _project()
    anna.sign_in(CUSTOMER)
    print("Redis up: submitting one question")
    _submit(anna, project, 0)
    print("  delivered after", _wait(_nothing_pending, 30), "s")

    drill.redis.stop()
    print("Redis stopped")
    status, body, seconds = anna.request("/healthz")
    print(f"  /healthz: {status} in {seconds} s: {body}")
    started = time.monotonic()
    try:
        Browser().sign_in(COLLEAGUE)
        signed_in = "signed in (302)"
    except AssertionError as refusal:
        signed_in = str(refusal)
    print(f"  a second customer signing in: {signed_in} in {time.monotonic() - started:.2f} s")
    outcomes = [outcome for n in range(1, 6) for outcome in _submit(anna, project, n)]
    for kind in ("task", "question", "board"):
        mine = [(status, s) for k, status, s in outcomes if k == kind]
        slowest = max(s for _, s in mine)
        print(f"  {kind:<8} answers {dict(Counter(s for s, _ in mine))}, slowest {slowest} s")
    connection.close()
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count()
    print(f"  emails pending in the outbox: {pending}")

    time.sleep(10)
    drill.redis.start()
    print("Redis started again (empty: whatever was queued in it is gone)")
    print("  outbox empty after", _wait(_nothing_pending, 150), "s")
    status, body, seconds = anna.request("/healthz")
    print(f"  /healthz: {status}: {body}")
    print(" ", _delivery_report())


def drill_postgres(drill: Drill) -> None:
    drill.processes.web()
    anna, project = Browser(), _project()
    anna.sign_in(CUSTOMER)
    results: list[tuple[float, int, bool]] = []
    stop = threading.Event()
    started = time.monotonic()

    def traffic():
        while not stop.is_set():
            status, body, _ = anna.request(f"/projects/{project.pk}/")
            results.append((time.monotonic() - started, status, FRIENDLY in body))
            time.sleep(0.1)

    thread = threading.Thread(target=traffic)
    thread.start()
    time.sleep(5)
    down_at = time.monotonic() - started
    drill.postgres.stop()
    time.sleep(3)
    drill.postgres.start()
    up_at = time.monotonic() - started
    time.sleep(8)
    stop.set()
    thread.join()
    print(f"PostgreSQL stopped at {down_at:.1f} s, running again at {up_at:.1f} s")
    for label, window in (
        ("before", [r for r in results if r[0] < down_at]),
        ("during", [r for r in results if down_at <= r[0] < up_at]),
        ("after", [r for r in results if r[0] >= up_at]),
    ):
        statuses = Counter(status for _, status, _ in window)
        friendly = sum(1 for _, status, ok in window if status == 500 and ok)
        print(f"  {label:<6} {dict(statuses)}; 500s with the friendly page: {friendly}")
    first_ok = next((t for t, status, _ in results if t >= up_at and status == 200), None)
    errors_after = [round(t - up_at, 1) for t, status, _ in results if t >= up_at and status != 200]
    print(f"  first 200 after restart: +{first_ok - up_at:.1f} s; errors after: {errors_after}")


def _open_queries_past_the_hour(experts: int) -> None:
    """One project per expert, each with a question asked 61 minutes ago: one breach alert
    per expert and one for staff."""
    from tests.factories.accounts import expert
    from tests.factories.projects import ProjectFactory

    asked = timezone.now() - timedelta(minutes=61)
    for n in range(experts):
        project = ProjectFactory(name=f"Drill project {n}")
        Assignment.objects.create(
            project=project,
            expert=expert(),
            role=Assignment.Role.LEAD,
            starts_on=timezone.localdate() - timedelta(days=30),
        )
        Query.objects.create(
            project=project,
            organization_id=project.organization_id,
            title=f"Drill {n}",
            body="x",
            asked_at=asked,
            first_response_due_at=asked + timedelta(hours=1),
        )


def drill_worker(drill: Drill) -> None:
    processes = drill.processes
    processes.smtp(delay=0.3)  # a slow mail server, so the batch is still going when killed
    processes.worker(OUTBOX_CLAIM_SECONDS="20")
    processes.beat()
    Query.objects.all().delete()
    _open_queries_past_the_hour(40)
    print("40 experts each have a question past the hour; the alert job runs")
    from projects.services.query_alerts import query_alerts_send

    print("  this run:", query_alerts_send(), "(beat's every-minute run may take some first)")
    print("  queries alerted:", Query.objects.filter(breach_alerted_at__isnull=False).count())
    _wait(lambda: len(deliveries()) >= 10, 60)
    processes.kill("worker")  # SIGKILL: no cleanup, no acknowledgement
    killed_after = len(deliveries())
    connection.close()
    states = Counter(OutboxMessage.objects.values_list("state", flat=True))
    print(f"  worker killed after {killed_after} deliveries; outbox: {dict(states)}")
    processes.worker(OUTBOX_CLAIM_SECONDS="20")
    print("  worker restarted; outbox empty after", _wait(_nothing_pending, 180), "s")
    print(" ", _delivery_report())
    connection.close()
    rerun = query_alerts_send()
    print("  the job again:", rerun, "(nothing is alerted twice)")


DRILLS = {"redis": drill_redis, "postgres": drill_postgres, "worker": drill_worker}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in DRILLS:
        sys.exit(__doc__)
    with Drill() as drill:
        DRILLS[sys.argv[1]](drill)
