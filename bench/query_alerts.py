"""Time the alert job of the 1-hour response promise at 10,000 open queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_queries uv run python bench/query_alerts.py

(without DATABASE_URL it runs on SQLite). It builds a throw-away test database through
Django's test machinery (``test_<name>``, tables made from the models, no migrations), fills
it with open queries on 100 projects with 2 experts each, times the job in four situations,
prints the figures and drops the database. The times include rendering every alert and
writing it to the outbox, not relaying it (another task's work).

Each situation is timed beside its baseline in the same run, interleaved (job, baseline,
job, baseline …; ``bench/interleave.py``): the baseline replays the SQL statements the job
ran, as raw SQL from the same state, so it is what the database alone costs and the ratio
is what Python (reading rows, rendering, building the messages) adds to it.
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "softwaresupp.settings.test")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.utils import timezone  # noqa: E402
from interleave import load_average, seconds, summary  # noqa: E402

OPEN_QUERIES = int(os.environ.get("BENCH_OPEN_QUERIES", "10000"))
PROJECTS = 100
RUNS = 5


def build(now):
    from accounts.models import ExpertProfile, Organization, User
    from projects.models import Assignment, Project, Query

    organization = Organization.objects.create(name="Bench", slug="bench")
    projects = Project.objects.bulk_create(
        Project(organization=organization, name=f"Project {n}") for n in range(PROJECTS)
    )
    for n, project in enumerate(projects):
        for k in range(2):
            user = User.objects.create(email=f"expert{n}-{k}@bench.example")
            ExpertProfile.objects.create(
                user=user, region="eu", country="Poland", hourly_rate="45.00"
            )
            Assignment.objects.create(
                project=project, organization=organization, expert=user, starts_on=date(2025, 1, 1)
            )
    Query.objects.bulk_create(
        (
            Query(
                project=projects[n % PROJECTS],
                organization=organization,
                title=f"Question {n}",
                body="Why?",
                asked_at=now - timedelta(minutes=10),
                first_response_due_at=now + timedelta(minutes=50),
            )
            for n in range(OPEN_QUERIES)
        ),
        batch_size=2000,
    )


def shift_deadlines(minutes_from_now):
    """Move every open query's deadline, so the next run finds them all due (or none)."""
    from projects.models import Query

    now = timezone.now()
    Query.objects.update(
        asked_at=now + timedelta(minutes=minutes_from_now) - timedelta(hours=1),
        first_response_due_at=now + timedelta(minutes=minutes_from_now),
        warned_at=None,
        breach_alerted_at=None,
    )


def timed_run():
    """The job up to its commit: the messages it queues are outbox rows, relayed by another
    task in production, so the on-commit relay is left out (and the rows cleared for the
    next run, whose alerts have the same idempotency keys)."""
    from projects.services.query_alerts import query_alerts_send
    from softwaresupp.models import OutboxMessage

    OutboxMessage.objects.all().delete()
    # The relay runs at the outer commit, after the measurement.
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        counts = query_alerts_send()
        elapsed = time.perf_counter() - started
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    return elapsed, statements, counts, OutboxMessage.objects.count()


def replay(statements: list[str]) -> float:
    """The job's statements as raw SQL, from the same state (the outbox emptied first)."""
    from softwaresupp.models import OutboxMessage

    OutboxMessage.objects.all().delete()
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        for statement in statements:
            cursor.execute(statement)
            if cursor.description:  # rows are read, as the job reads them
                cursor.fetchall()
        return time.perf_counter() - started


def main():
    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        build(timezone.now())
        print(f"{connection.vendor}, {OPEN_QUERIES:,} open queries on {PROJECTS} projects")
        print(f"{load_average()} before the measurements")
        print(
            "| situation | job min | job median | its SQL replayed: min | median "
            "| ratio (medians) | SQL | alerted | emails |"
        )
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        situations = [
            ("nothing due (deadlines 50 min away)", 50),
            ("all due a warning at once (10 min left)", 10),
            ("all past the hour at once (breach)", -1),
            ("all alerted already (the next minute's run)", None),
        ]
        for label, minutes in situations:
            jobs, replays = [], []
            for _ in range(RUNS):
                if minutes is not None:
                    shift_deadlines(minutes)
                elapsed, statements, counts, emails = timed_run()
                jobs.append(elapsed)
                if minutes is not None:
                    shift_deadlines(minutes)
                replays.append(replay(statements))
            result = summary(jobs, replays)
            alerted = counts["warned"] + counts["breached"]
            print(
                f"| {label} | {seconds(result['min'])} | {seconds(result['median'])} "
                f"| {seconds(result['base_min'])} | {seconds(result['base_median'])} "
                f"| {result['ratio']:.1f} | {len(statements)} | {alerted:,} | {emails} |",
                flush=True,
            )
        print(f"{load_average()} after the measurements")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
