"""Load test of the busiest pages with locust (headless) against gunicorn, PostgreSQL and
Redis, each page beside ``/healthz`` in the same run.

    uv run python bench/load.py [--users 16] [--minutes 2] [--entries 200000]

It (re)creates the PostgreSQL database ``ss_load_bench`` (``BENCH_DB`` names another) with
tables made from the models, fills it with the hour-reporting benchmark's data at a smaller
scale (``bench/timesheets_data.py``: 100 customers, 200 projects of 100 tasks, 1,000
experts, ``--entries`` time entries over the last weeks, settled periods, the hours rollup)
and 2,000 customer queries, signs in an expert, a customer, and staff (MFA-verified), starts
gunicorn on 127.0.0.1:8102 (2 sync workers, Redis as cache and broker, ``DEBUG`` off) and
runs locust in a second process: ``--users`` concurrent users for ``--minutes``, each
picking a page at random (equal weights, ``/healthz`` among them) with a short pause. It
prints requests per second, p50 and p95 per page beside ``/healthz``'s, the error count
(must be 0) and the load average, then stops the server and drops the database.

When locust imports this file it only sees the user class below (``LOAD_PLAN`` names the
pages and session cookies the main process wrote).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8102"))
DATABASE = os.environ.get("BENCH_DB", "ss_load_bench")

if os.environ.get("LOAD_PLAN"):  # imported by locust: the users, nothing else
    from locust import HttpUser, between, task

    PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())

    class Visitor(HttpUser):
        """Opens one of the pages at random, as the person the page is for."""

        wait_time = between(0.1, 0.5)

        @task
        def open_a_page(self):
            name, path, cookie = random.choice(PLAN)
            headers = {"Cookie": cookie} if cookie else {}
            with self.client.get(path, headers=headers, name=name, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"HTTP {r.status_code}")
                elif cookie and "/accounts/login/" in r.url:
                    r.failure("sent to the sign-in page")


def environment() -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "softwaresupp.settings.local",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
        "CACHE_KEY_PREFIX": f"load-bench-{DATABASE}",
        "VAR_DIR": f"/tmp/{DATABASE}-var",
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }


def build(entries: int) -> list:
    """The database and the plan: (page name, path, session cookie) for every page."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import timesheets_data

    timesheets_data.BENCH_DB = DATABASE
    timesheets_data.recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from projects.models import Project, Query
    from tests.factories.accounts import sign_in

    started = time.perf_counter()
    timesheets_data.build_schema()
    timesheets_data.generate(entries)
    now = timezone.now()
    projects = list(Project.objects.order_by("pk"))
    Query.objects.bulk_create(
        Query(
            project=projects[n % len(projects)],
            organization_id=projects[n % len(projects)].organization_id,
            title=f"Question {n} about the rollout",
            body="Can you check why the export is slow?",
            asked_at=now,
            first_response_due_at=now + timedelta(hours=1),
        )
        for n in range(2000)
    )
    print(f"data: {entries:,} time entries, 2,000 queries in {time.perf_counter() - started:.0f} s")

    settings.ALLOWED_HOSTS = ["*"]

    def cookie(email: str) -> str:
        client = Client()
        sign_in(client, User.objects.get(email=email))
        return f"sessionid={client.cookies['sessionid'].value}"

    expert, customer, staff = (
        cookie("expert1@bench.example"),
        cookie("owner1@bench.example"),
        cookie("staff@bench.example"),
    )
    board = Project.objects.get(pk=1).get_absolute_url()
    weeks = {"start": "2026-02-09", "end": "2026-03-08"}
    hours = f"/hours/?start={weeks['start']}&end={weeks['end']}"
    return [
        ("/healthz", "/healthz", ""),
        ("board (expert, 100 tasks)", board, expert),
        ("timesheet grid (expert)", "/timesheet/?week=2026-03-02", expert),
        ("dashboard (expert)", "/", expert),
        ("dashboard (customer)", "/", customer),
        ("hours by project (customer, 4 weeks)", f"{hours}&group=project", customer),
        ("hours by task (customer, 4 weeks)", f"{hours}&group=task", customer),
        ("hours by project (staff, 4 weeks)", f"{hours}&group=project", staff),
        ("queries (expert)", "/queries/", expert),
        ("open queries (staff)", "/staff/queries/", staff),
    ]


def check_pages(plan: list) -> None:
    """Every page answers 200 as its person before the load starts (no sign-in pages)."""
    import urllib.request

    for name, path, cookie in plan:
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie} if cookie else {}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200 or "/accounts/login/" in response.url:
                raise SystemExit(f"{name}: {response.status} {response.url}")


def report(stats_csv: Path) -> int:
    with stats_csv.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    health = rows["/healthz"]
    errors = 0
    print(
        "| page | requests | errors | req/s | p50 | p95 | p50 / healthz p50 | p95 / healthz p95 |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for name, row in rows.items():
        if name == "Aggregated":
            continue
        errors += int(row["Failure Count"])
        p50, p95 = float(row["Median Response Time"]), float(row["95%"])
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {p50:.0f} ms | {p95:.0f} ms "
            f"| {p50 / float(health['Median Response Time']):.1f} "
            f"| {p95 / float(health['95%']):.1f} |"
        )
    total = rows["Aggregated"]
    print(
        f"all pages: {total['Request Count']} requests, {float(total['Requests/s']):.1f} req/s, "
        f"errors {errors}"
    )
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--entries", type=int, default=200_000)
    args = parser.parse_args()

    env = environment()
    os.environ.update(env)
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    plan = build(args.entries)
    from django.db import connections

    connections.close_all()
    sys.path.insert(0, str(ROOT / "bench"))
    from interleave import load_average
    from server import start_gunicorn, stop_gunicorn

    server = start_gunicorn(PORT, {**os.environ})
    errors = 1
    try:
        check_pages(plan)
        with tempfile.TemporaryDirectory() as scratch:
            plan_file = Path(scratch) / "plan.json"
            plan_file.write_text(json.dumps(plan))
            print(f"{load_average()} before the load")
            subprocess.run(
                [sys.executable, "-m", "locust", "-f", __file__, "--headless"]
                + ["--users", str(args.users), "--spawn-rate", str(args.users)]
                + ["--run-time", f"{int(args.minutes * 60)}s", "--stop-timeout", "30"]
                + ["--host", f"http://127.0.0.1:{PORT}", "--csv", f"{scratch}/load"]
                + ["--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT,
                env={**os.environ, "LOAD_PLAN": str(plan_file)},
                check=False,
                stdout=subprocess.DEVNULL,
            )
            print(f"{load_average()} after the load")
            print(
                f"{args.users} users for {args.minutes:g} min against gunicorn (2 sync "
                f"workers), PostgreSQL and Redis on this machine"
            )
            errors = report(Path(scratch) / "load_stats.csv")
    finally:
        stop_gunicorn(server)
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.close()
    print(f"whole run: {time.perf_counter() - started:.0f} s")
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
