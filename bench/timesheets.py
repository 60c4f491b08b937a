"""Benchmark of hour reporting at network scale: 1,000,000 time entries by 1,000 experts.

    uv run python bench/timesheets.py [--entries 1000000] [--keep] [--runs 5]

Builds its own PostgreSQL database ``ss_timesheets_bench`` (``BENCH_DB`` names another;
dropped and created again; the schema comes from the models, without migration files),
fills it in SQL with ``generate_series`` (tens of seconds, not hours of ORM saves), then
times through the full Django stack (test client: middleware, view, template) the customer
report, the staff team view and the CSV export, each interleaved with its plain-SQL
baseline in the same run (page, baseline, page, baseline …; ``bench/interleave.py``): the
``SELECT …, SUM(hours) … GROUP BY`` over the entries (and over the rollup the reports
read), or for the export ``COPY (the same SELECT) TO STDOUT``. It prints min, median and
the ratio as a Markdown table for docs/benchmarks.md, with the load average, and the
export's peak memory at two sizes to show it does not grow with rows. A grouping whose
figures are kept under the projects' board stamps (``timesheets.selectors.report_cache``)
is timed twice: its first view (the cache emptied before each request) and a view seen
before.
"""

import argparse
import os
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from interleave import HEADER, interleaved, load_average, row  # noqa: E402
from timesheets_data import BENCH_DB, SERVER, build_schema, generate, recreate_database  # noqa: E402

os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
os.environ.pop("REDIS_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "softwaresupp.settings.test"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the bench DB as it is")
    parser.add_argument("--runs", type=int, default=5, help="interleaved rounds per figure")
    parser.add_argument("--exports-only", action="store_true", help="time the CSV exports only")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="time only the figures whose label contains this text (repeatable)",
    )
    args = parser.parse_args()

    if not args.keep:
        recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

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
    runs = args.runs

    def wanted(label: str) -> bool:
        return not args.only or any(part in label for part in args.only)

    print(f"\n{load_average()} before the measurements\n")
    print(HEADER)

    def sql(statement: str, params=()):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                cursor.fetchall()

        return run

    def grouped(table: str, column: str, where: str, dates: dict):
        """The plain-SQL baseline: ``SELECT <column>, SUM(hours) … GROUP BY <column>``."""
        return sql(
            f"SELECT {column}, SUM(hours) FROM {table} WHERE {where} "
            f"AND day BETWEEN %s AND %s GROUP BY {column}",
            [dates["start"], dates["end"]],
        )

    from django.core.cache import caches

    from timesheets.selectors.report_cache import KEPT_GROUPS

    def report(user, label, dates, group, baselines):
        """Each figure twice when the grouping's figures are kept (``report_cache``): the
        first view (the cache emptied before every request) and a view seen before."""
        if not wanted(label):
            return
        client = client_for(user)

        def page():
            response = client.get("/hours/", {**dates, "group": group})
            assert response.status_code == 200, response.status_code

        def first_view():
            caches["fragments"].clear()
            page()

        views = [(label, page)]
        if group in KEPT_GROUPS:
            views = [(f"{label}, first view", first_view), (f"{label}, seen before", page)]
        for view_label, view in views:
            for baseline_label, baseline in baselines:
                result = interleaved(view, baseline, runs)
                print(row(view_label, result, baseline_label), flush=True)

    if not args.exports_only:
        entries, rollup = "timesheets_timeentry", "projects_taskhours"
        big_where = "organization_id = 1"
        big_rollup_where = (
            "project_id IN (SELECT id FROM projects_project WHERE organization_id = 1)"
        )
        columns = {
            "project": "project_id",
            "sprint": "project_id, date_trunc('week', day)",
            "expert": "expert_id",
            "task": "task_id",
        }
        for group in ("project", "sprint", "expert", "task", "entry"):
            label = f"Customer report, {n(big)} entries, a year, by {group}"
            if group == "entry":
                baselines = [
                    (
                        "first 100 entries by day (SQL)",
                        sql(
                            f"SELECT * FROM {entries} WHERE {big_where} AND day BETWEEN %s AND %s "
                            "ORDER BY day DESC, id DESC LIMIT 100",
                            [year["start"], year["end"]],
                        ),
                    )
                ]
            else:
                column = columns[group]
                baselines = [
                    (f"entries GROUP BY {column}", grouped(entries, column, big_where, year)),
                    (f"rollup GROUP BY {column}", grouped(rollup, column, big_rollup_where, year)),
                ]
            report(big_customer, label, year, group, baselines)
        report(
            big_customer,
            f"Customer report, {n(big)} entries, four weeks, by task",
            month,
            "task",
            [("entries GROUP BY task_id", grouped(entries, "task_id", big_where, month))],
        )
        report(
            small_customer,
            f"Customer report, {n(small)} entries, a year, by task",
            year,
            "task",
            [
                (
                    "entries GROUP BY task_id",
                    grouped(entries, "task_id", "organization_id = 50", year),
                )
            ],
        )
        report(
            an_expert,
            "Expert's own hours, a year, by task",
            year,
            "task",
            [
                (
                    "entries GROUP BY task_id",
                    grouped(entries, "task_id", f"expert_id = {an_expert.pk}", year),
                )
            ],
        )
        for group in ("project", "expert", "task"):
            column = columns[group]
            report(
                staff,
                f"Staff team view, {n(total)} entries, a year, by {group}",
                year,
                group,
                [
                    (f"entries GROUP BY {column}", grouped(entries, column, "TRUE", year)),
                    (f"rollup GROUP BY {column}", grouped(rollup, column, "TRUE", year)),
                ],
            )

        grid_client = client_for(an_expert)
        if wanted("Expert's weekly grid"):
            print(
                row(
                    "Expert's weekly grid",
                    interleaved(
                        lambda: grid_client.get("/timesheet/", {"week": "2026-03-02"}),
                        grouped(
                            entries,
                            "task_id, day",
                            f"expert_id = {an_expert.pk}",
                            {"start": "2026-03-02", "end": "2026-03-08"},
                        ),
                        runs,
                    ),
                    "the week's entries GROUP BY task_id, day",
                ),
                flush=True,
            )

    from timesheets import exports, selectors
    from timesheets.selectors import ReportFilter

    def export_page(user, params):
        client = client_for(user)

        def run():
            size = 0
            response = client.get("/hours/export.csv", params)
            for chunk in response.streaming_content:
                size += len(chunk)
            return size

        return run

    class Sink:
        """Where the baseline's COPY writes: counted, not kept."""

        size = 0

        def write(self, data):
            self.size += len(data)

    def copy_baseline(user):
        """``COPY (the same SELECT) TO STDOUT``: the export's own statement, into a sink."""
        report_filter = ReportFilter(
            start=date.fromisoformat(year["start"]), end=date.fromisoformat(year["end"])
        )
        # As the request sees its user: staff in an MFA-verified session see every entry.
        user.mfa_verified = user.is_staff
        rows = selectors.report_rows(user=user, report=report_filter, group="entry")
        statement = exports.copy_sql(rows, exports.EXPORT_COLUMNS["entry"])

        def run():
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(statement, Sink())

        return run

    memory = []
    for user, label in ((big_customer, n(big)), (staff, n(total))):
        if not wanted(f"CSV export of {label} entries"):
            continue
        params = {**year, "group": "entry"}
        page = export_page(user, params)
        size = page()
        result = interleaved(page, copy_baseline(user), max(2, runs // 2))
        print(
            row(
                f"CSV export of {label} entries ({size / 1e6:,.0f} MB)",
                result,
                "COPY (the same SELECT) TO STDOUT",
            ),
            flush=True,
        )
        tracemalloc.start()
        page()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        memory.append(f"{label}: {peak / 1e6:,.1f} MB")

    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nexport peak Python memory (tracemalloc): {'; '.join(memory)}")
    print(f"process peak RSS over the whole run: {rss:,.0f} MB")
    print(f"{load_average()} after the measurements")


if __name__ == "__main__":
    main()
