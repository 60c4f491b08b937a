"""Benchmark of hour reporting at network scale: 1,000,000 time entries by 1,000 experts.

    uv run python bench/timesheets.py [--entries 1000000] [--keep]

Builds its own PostgreSQL database ``ss_timesheets_bench`` (dropped and created again;
the schema comes from the models, without migration files), fills it in SQL with
``generate_series`` (tens of seconds, not hours of ORM saves), then times through the full
Django stack (test client: middleware, view, template) the customer report, the staff team
view and the CSV export, and measures the export's peak memory at two sizes to show it does
not grow with rows. Figures are printed as a Markdown table for docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timesheets_data import BENCH_DB, SERVER, build_schema, generate, recreate_database  # noqa: E402

os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "softwaresupp.settings.test"


def timed(fn, runs: int = 3) -> float:
    """The median of ``runs`` warm runs, in seconds."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the bench DB as it is")
    args = parser.parse_args()

    if not args.keep:
        recreate_database()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User
    from tests.factories.accounts import sign_in
    from timesheets.models import TimeEntry

    setup_test_environment()
    if not args.keep:
        started = time.perf_counter()
        build_schema()
        print(f"schema: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        timings = generate(args.entries)
        total = time.perf_counter() - started
        for label, seconds in timings.items():
            print(f"  {label}: {seconds if isinstance(seconds, tuple) else f'{seconds:.1f} s'}")
        print(f"generated in {total:.1f} s")

    big_customer = User.objects.get(email="owner1@bench.example")
    small_customer = User.objects.get(email="owner50@bench.example")
    staff = User.objects.get(email="staff@bench.example")
    an_expert = User.objects.get(email="expert7@bench.example")
    total = TimeEntry.objects.count()
    big = TimeEntry.objects.filter(organization_id=1).count()
    small = TimeEntry.objects.filter(organization_id=50).count()
    print(f"entries: {total:,}; the large customer's: {big:,}; a small customer's: {small:,}")

    def n(count: int) -> str:
        return f"{count / 1e6:g}M" if count >= 1e6 else f"{count / 1e3:g}k"

    def client_for(user) -> Client:
        client = Client()
        sign_in(client, user)  # staff see every tenant only in an MFA-verified session
        return client

    year = {"start": "2025-03-09", "end": "2026-03-08"}
    month = {"start": "2026-02-09", "end": "2026-03-08"}
    rows = []

    def report(user, label, **params):
        client = client_for(user)

        def run():
            response = client.get("/hours/", params)
            assert response.status_code == 200, response.status_code

        rows.append((label, f"{timed(run) * 1000:,.0f} ms"))

    for group in ("project", "sprint", "expert", "task", "entry"):
        label = f"Customer report, {n(big)} entries, a year, by {group}"
        report(big_customer, label, group=group, **year)
    label = f"Customer report, {n(big)} entries, four weeks, by task"
    report(big_customer, label, group="task", **month)
    label = f"Customer report, {n(small)} entries, a year, by task"
    report(small_customer, label, group="task", **year)
    report(an_expert, "Expert's own hours, a year, by task", group="task", **year)
    for group in ("project", "expert", "task"):
        report(
            staff, f"Staff team view, {n(total)} entries, a year, by {group}", group=group, **year
        )

    grid_client = client_for(an_expert)
    grid_seconds = timed(lambda: grid_client.get("/timesheet/", {"week": "2026-03-02"}))
    rows.append(("Expert's weekly grid", f"{grid_seconds * 1000:,.0f} ms"))

    def export(user, params):
        client = client_for(user)
        size = 0
        response = client.get("/hours/export.csv", params)
        for chunk in response.streaming_content:
            size += len(chunk)
        return size

    for user, label in ((big_customer, n(big)), (staff, n(total))):
        params = {**year, "group": "entry"}
        started = time.perf_counter()
        size = export(user, params)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        export(user, params)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            (
                f"CSV export of {label} entries ({size / 1e6:,.0f} MB of CSV)",
                f"{seconds:,.1f} s, peak Python memory {peak / 1e6:,.1f} MB",
            )
        )

    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("| Measurement | Result |")
    print("|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")
    print(f"\nprocess peak RSS over the whole run: {rss:,.0f} MB")


if __name__ == "__main__":
    main()
