"""Throughput of the board page (300 tasks) against ``/healthz`` on the same server.

    uv run python bench/board.py [--tasks 300] [--requests 300] [--concurrency 2] [--rounds 6]

It needs PostgreSQL and Redis on 127.0.0.1. It (re)creates the database ``ss_board_bench``
with tables made from the models (no migrations: ``MIGRATION_MODULES`` is switched off, as
the test runner does), fills one project's board with ``--tasks`` tasks spread over this
week's columns and the backlog (a third with hours logged, some in releases), signs an
expert in, and starts gunicorn on 127.0.0.1:8101 (2 sync workers, embedded settings with
Redis as cache and broker). From this process it then sends a bounded number of requests
per URL from ``--concurrency`` threads, after a warm-up, in interleaved rounds (``/healthz``,
board, ``/healthz``, board …) so a busy machine slows both, and prints requests per second
for each (min and median of the rounds), their ratio, latency percentiles, the page size and
the board's query count. The server is stopped and the database dropped at the end.
"""

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from interleave import load_average  # noqa: E402
from server import start_gunicorn, stop_gunicorn  # noqa: E402

# BENCH_DB, BENCH_PORT and BENCH_REDIS_URL let several people bench at once.
DATABASE = os.environ.get("BENCH_DB", "ss_board_bench")
PORT = int(os.environ.get("BENCH_PORT", "8101"))
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "softwaresupp.settings.local",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
    "CACHE_KEY_PREFIX": f"board-bench-{DATABASE}",
    "VAR_DIR": "/tmp/board-bench-var",
    "DJANGO_DEBUG": "false",
    "LOG_LEVEL": "WARNING",
}


def _admin_sql(*statements: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    connection.close()


def create_database() -> None:
    _admin_sql(f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}")
    import django
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)


def fill(task_count: int):
    """One customer, two experts, one project; ``task_count`` tasks on its board."""
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from accounts.services import expert_profile_create
    from projects.models import Assignment, Project, Release, Task
    from projects.models.core import BOARD_COLUMNS
    from projects.services.sprints import sprints_ensure
    from timesheets.models import TimeEntry

    organization = Organization.objects.create(name="Bench Robotics", slug="bench-robotics")
    owner = User.objects.create_user("owner@bench.example", "x", first_name="Olga")
    Membership.objects.create(user=owner, organization=organization, role="owner")
    experts = []
    for name in ("Eva", "Raj"):
        user = User.objects.create_user(f"{name.lower()}@bench.example", "x", first_name=name)
        expert_profile_create(
            actor=None,
            user=user,
            region="eu",
            country="Poland",
            hourly_rate=Decimal("45"),
            certified_at=timezone.now(),
        )
        experts.append(user)
    project = Project.objects.create(organization=organization, name="Fleet dashboard")
    for n, user in enumerate(experts):
        Assignment.objects.create(project=project, expert=user, role="lead" if n == 0 else "member")
    sprint, _ = sprints_ensure(project=project)
    statuses = [*BOARD_COLUMNS, Task.Status.CANCELLED]
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            organization=organization,
            sprint=None if n % 7 == 0 else sprint,
            title=f"Task {n}: make the fleet map faster",
            description="Details of the work.",
            status=Task.Status.TODO if n % 7 == 0 else statuses[n % len(statuses)],
            estimate_hours=None
            if statuses[n % len(statuses)] == Task.Status.NEW and n % 7
            else Decimal("3"),
            assignee=experts[n % 2],
            position=n,
        )
        for n in range(task_count)
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            task=task,
            project=project,
            organization=organization,
            expert=task.assignee,
            day=sprint.starts_on,
            hours=Decimal("1.5"),
        )
        for task in tasks[: task_count // 3]
    )
    release = Release.objects.create(project=project, title="v1.0")
    release.tasks.set(tasks[:20])
    return project, experts[0]


def session_cookie(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def board_queries(project, user) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(project.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200, response.status_code
    return len(queries)


def _get(url: str, cookie: str) -> tuple[float, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        size = len(response.read())
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started, size


def measure(url: str, cookie: str, requests: int, concurrency: int, warm: bool = True) -> dict:
    for _ in range(10 if warm else 0):  # warm-up: connections, template caches, imports
        _get(url, cookie)
    latencies, lock = [], threading.Lock()

    def one(_):
        elapsed, size = _get(url, cookie)
        with lock:
            latencies.append(elapsed)
        return size

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        sizes = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": requests / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "bytes": sizes[-1],
        "latencies": latencies,
    }


def interleaved(urls: dict, requests: int, concurrency: int, rounds: int) -> dict:
    """Rounds of (each URL in turn, ``requests / rounds`` requests each): A, B, A, B … so
    a busy machine slows both. Per URL: requests per second of each round (min, median)
    and latency percentiles over all rounds."""
    for url, cookie in urls.values():
        measure(url, cookie, 10, concurrency)  # warm-up
    per_round = max(1, requests // rounds)
    results = {name: {"rps": [], "latencies": []} for name in urls}
    for _ in range(rounds):
        for name, (url, cookie) in urls.items():
            batch = measure(url, cookie, per_round, concurrency, warm=False)
            results[name]["rps"].append(batch["rps"])
            results[name]["latencies"] += batch["latencies"]
            results[name]["bytes"] = batch["bytes"]
    for result in results.values():
        latencies = sorted(result["latencies"])
        result["p50_ms"] = 1000 * statistics.median(latencies)
        result["p95_ms"] = 1000 * latencies[int(0.95 * (len(latencies) - 1))]
        result["rps_min"] = min(result["rps"])
        result["rps_median"] = statistics.median(result["rps"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds per URL")
    parser.add_argument(
        "--also",
        default="",
        help="another path to measure as the same expert, e.g. a small page for scale",
    )
    args = parser.parse_args()

    os.environ.update(ENVIRONMENT)
    sys.path.insert(0, str(ROOT))
    Path(ENVIRONMENT["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    create_database()
    project, expert = fill(args.tasks)
    queries = board_queries(project, expert)
    cookie = session_cookie(expert)
    from django.db import connections

    connections.close_all()

    server = start_gunicorn(PORT, {**os.environ})
    try:
        base = f"http://127.0.0.1:{PORT}"
        print(f"{load_average()} before the measurements")
        urls = {
            "/healthz": (f"{base}/healthz", ""),
            "board": (f"{base}{project.get_absolute_url()}", cookie),
        }
        if args.also:
            urls[args.also] = (f"{base}{args.also}", cookie)
        results = interleaved(
            urls,
            args.requests,
            args.concurrency,
            args.rounds,
        )
    finally:
        stop_gunicorn(server)
        _admin_sql(f"DROP DATABASE IF EXISTS {DATABASE}")

    board = results["board"]
    print(f"board: {args.tasks} tasks, {queries} queries per page, {board['bytes'] / 1024:.0f} KiB")
    print(
        f"requests: {args.requests} per URL in {args.rounds} interleaved rounds, "
        f"{args.concurrency} client threads, gunicorn 2 sync workers"
    )
    for name, row in results.items():
        print(
            f"{name:>9}: {row['rps_median']:7.1f} req/s median, {row['rps_min']:7.1f} min   "
            f"p50 {row['p50_ms']:6.1f} ms   p95 {row['p95_ms']:6.1f} ms"
        )
    health = results["/healthz"]
    print(
        f"ratio board/healthz: {board['rps_median'] / health['rps_median']:.3f} (medians), "
        f"{board['rps_min'] / health['rps_min']:.3f} (mins)"
    )
    if args.also:
        also = results[args.also]
        print(
            f"ratio {args.also}/healthz: {also['rps_median'] / health['rps_median']:.3f} "
            f"(medians), {also['bytes'] / 1024:.0f} KiB"
        )
    print(f"{load_average()} after the measurements")


if __name__ == "__main__":
    main()
