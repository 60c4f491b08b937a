"""Benchmark of the two-week settlement (R-SETTLE) at network scale, and of balance reads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ss_mon uv run python bench/settlement.py

PostgreSQL only (the settlement's locks and triggers are PostgreSQL's). ``DATABASE_URL``
names the server; the bench drops and creates its own database ``<name>_settlement_bench``
there (``--keep`` reuses it), migrates it (so every trigger is in place, as in production)
and fills it in SQL with ``generate_series``: 1,000 experts on 2 projects each, every
expert's rate changing in the middle of the period for half of them, and 1,000,000 time
entries in one ended two-week period (1,000 per expert, 0.25 or 0.5 h each).

Then, in this one process and interleaved A, B, A, B … (so load from other work on the
machine falls on both alike):

A. ``period_settle``: the whole service, as the daily job runs it: the settlement lock,
   hours grouped per expert, project and day, the rates in force, the lines, the batched
   ledger postings, the period's lock (one ``SettledPeriod`` row: entries are locked by
   their day), the ledger's balanced-transaction check (one per ``INSERT`` of entries) and
   the deferred foreign-key checks (fired by ``SET CONSTRAINTS ALL IMMEDIATE``, the work
   COMMIT would do). A period is settled exactly
   once, so each run is inside a transaction that is rolled back, and ``VACUUM`` (not
   timed) clears the dead rows the rollback leaves. The statement emails, queued by the
   daily job after the settlement commits, are timed apart.
B. Plain SQL: ``SELECT expert, project, SUM(hours × the rate in force that day) … GROUP
   BY expert, project`` over the same entries (an assignment is an expert on a project),
   the rates joined as ranges: the same sums, nothing written.

The settlement's line amounts are checked against B's sums. Last, balance reads: an
account with 10 entries against one with 100,000, timed over many reads.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

EXPERTS, PROJECTS, ORGS, TASKS_PER_PROJECT = 1000, 500, 100, 10


def bench_url() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/settlement.py needs DATABASE_URL=postgres://… (PostgreSQL)")
    parts = urlsplit(url)
    name = f"{parts.path.strip('/') or 'ss'}_settlement_bench"
    return urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path=f"/{name}"))


def recreate(server_url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(server_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def the_period() -> tuple[date, date]:
    """The last period that ended at least a week ago."""
    from payments.services.settlement import period_of

    return period_of(date.today() - timedelta(days=21))


def generate(entries: int) -> dict:
    from django.db import connection
    from timesheets_data import insert_select

    from accounts.models import ExpertProfile, Organization, User
    from payments.models import ExpertRate
    from projects.models import Assignment, Project, Task
    from timesheets.models import TimeEntry

    starts_on, ends_on = the_period()
    middle = starts_on + timedelta(days=7)
    per_expert = entries // EXPERTS
    statements = [
        (
            "organizations",
            insert_select(
                Organization,
                {"id": "n", "name": "'Customer ' || n", "slug": "'customer-' || n"},
                f"generate_series(1, {ORGS}) n",
            ),
        ),
        (
            "users",
            insert_select(
                User,
                {
                    "id": "n",
                    "password": "'!'",
                    "email": "'expert' || n || '@bench.example'",
                    "first_name": "'First' || n",
                    "last_name": "'Last' || n",
                },
                f"generate_series(1, {EXPERTS}) n",
            ),
        ),
        (
            "expert profiles",
            insert_select(
                ExpertProfile,
                {
                    "user_id": "n",
                    "region": "'eu'",
                    "country": "'Poland'",
                    "hourly_rate": "45",
                    "mailbox": "'expert' || n || '@expert.bench'",
                    "certified_at": "now()",
                },
                f"generate_series(1, {EXPERTS}) n",
            ),
        ),
        (
            "expert rates",
            # Every expert a rate of their own since always; half of them a raise midway.
            insert_select(
                ExpertRate,
                {
                    "expert_id": "n",
                    "hourly_rate": "CASE WHEN k = 0 THEN 30 + n % 40 + 0.5 ELSE 35 + n % 40 END",
                    "effective_from": f"CASE WHEN k = 0 THEN date '0001-01-01' "
                    f"ELSE date '{middle}' END",
                },
                f"generate_series(1, {EXPERTS}) n CROSS JOIN generate_series(0, 1) k "
                "WHERE k = 0 OR n % 2 = 0",
            ),
        ),
        (
            "projects",
            insert_select(
                Project,
                {"id": "p", "organization_id": f"1 + p % {ORGS}", "name": "'Project ' || p"},
                f"generate_series(1, {PROJECTS}) p",
            ),
        ),
        (
            "assignments",
            insert_select(
                Assignment,
                {
                    "project_id": "p.id",
                    "organization_id": "p.organization_id",
                    "expert_id": "e",
                    "role": "'member'",
                    "starts_on": "'2024-01-01'",
                },
                f"generate_series(1, {EXPERTS}) e CROSS JOIN generate_series(0, 1) k "
                f"JOIN projects_project p ON p.id = 1 + (e - 1 + k * 250) % {PROJECTS}",
            ),
        ),
        (
            "tasks",
            insert_select(
                Task,
                {
                    "id": f"(p.id - 1) * {TASKS_PER_PROJECT} + t",
                    "project_id": "p.id",
                    "organization_id": "p.organization_id",
                    "title": "'Task ' || t || ' of project ' || p.id",
                    "status": "'in_progress'",
                    "position": "t",
                },
                f"projects_project p, generate_series(1, {TASKS_PER_PROJECT}) t",
            ),
        ),
        (
            "time entries",
            # 1,000 entries per expert over the period's 14 days (about 72 a day, 0.25 h,
            # every fourth 0.5 h: under 24 h a day), alternating between their two projects.
            insert_select(
                TimeEntry,
                {
                    "expert_id": "e",
                    "task_id": f"(pr.p - 1) * {TASKS_PER_PROJECT} + 1 + n % {TASKS_PER_PROJECT}",
                    "project_id": "pr.p",
                    "organization_id": f"1 + pr.p % {ORGS}",
                    "day": f"date '{starts_on}' + n % 14",
                    "hours": "CASE WHEN n % 4 = 0 THEN 0.5 ELSE 0.25 END",
                    "description": "'Work on the task'",
                },
                f"generate_series(1, {EXPERTS}) e "
                f"CROSS JOIN generate_series(0, {per_expert} - 1) n "
                "CROSS JOIN LATERAL "
                f"(SELECT 1 + (e - 1 + (n / 14) % 2 * 250) % {PROJECTS} AS p) pr",
            ),
        ),
    ]
    timings = {}
    with connection.cursor() as cursor:
        for label, sql in statements:
            started = time.perf_counter()
            cursor.execute(sql)
            timings[label] = time.perf_counter() - started
        # The hours rollup (projects.TaskHours), as timesheets keeps it on every entry
        # change: one row per task, expert and day (140,000 here). The settlement reads it;
        # the plain SQL baseline reads the entries.
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO projects_taskhours (task_id, expert_id, day, project_id, hours, entries) "
            "SELECT task_id, expert_id, day, MIN(project_id), SUM(hours), COUNT(*) "
            "FROM timesheets_timeentry GROUP BY task_id, expert_id, day"
        )
        timings["task hours rollup"] = time.perf_counter() - started
        for table in (
            "accounts_organization",
            "accounts_user",
            "projects_project",
            "projects_task",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    return timings


# What a rolled-back settlement leaves dead rows in: vacuumed (untimed) after each run, so
# every run starts from the same tables.
ROLLED_BACK_TABLES = (
    "payments_settlement",
    "payments_settlementline",
    "payments_ledgertransaction",
    "payments_ledgerentry",
    "payments_account",
    "timesheets_settledperiod",
    "core_outboxmessage",
)


def vacuum(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}" if tables else "VACUUM ANALYZE")


PLAIN_SQL = """
    WITH rates AS (
        SELECT expert_id, hourly_rate, effective_from,
               COALESCE(LEAD(effective_from) OVER (PARTITION BY expert_id
                                                   ORDER BY effective_from),
                        'infinity') AS until
        FROM payments_expertrate
    )
    SELECT e.expert_id, e.project_id, SUM(e.hours), ROUND(SUM(e.hours * r.hourly_rate), 2)
    FROM timesheets_timeentry e
    JOIN rates r ON r.expert_id = e.expert_id
                AND e.day >= r.effective_from AND e.day < r.until
    WHERE e.day BETWEEN %s AND %s
    GROUP BY e.expert_id, e.project_id
"""


def plain_sums(starts_on, ends_on) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PLAIN_SQL, [starts_on, ends_on])
        return {(e, p): (hours, amount) for e, p, hours, amount in cursor.fetchall()}


def settle_and_roll_back(starts_on) -> tuple[float, float, dict, int]:
    """One settlement, timed up to what COMMIT would do, then the statements the job queues
    right after it (timed apart: they are not part of the settlement's transaction), all
    rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from payments.services import settlement as service

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            settlement = service.period_settle(starts_on=starts_on)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # COMMIT's deferred checks
            seconds = time.perf_counter() - started
        started = time.perf_counter()
        service.settlement_statements_send(settlement_id=settlement.pk)
        statements = time.perf_counter() - started
        lines = {
            (line.expert_id, line.project_id): (line.hours, line.amount)
            for line in settlement.lines.all()
        }
        transaction.set_rollback(True)
    return seconds, statements, lines, len(queries)


def balance_reads() -> list[tuple[str, str]]:
    """An account with 10 entries and one with 100,000 (written in SQL, all the entries in
    one INSERT the balanced check passes), each read many times, interleaved."""
    from django.db import connection

    from payments.models import AccountKind, LedgerEntry, LedgerTransaction
    from payments.selectors.ledger import (
        account_balance,
        balance_mismatches,
        unbalanced_transactions,
    )
    from payments.services.ledger import ledger_account, ledger_expert_accounts

    revenue = ledger_account(kind=AccountKind.PLATFORM_REVENUE)
    accounts = {}
    for expert_id, count in ((EXPERTS - 1, 10), (EXPERTS, 100_000)):
        if LedgerTransaction.objects.filter(idempotency_key=f"bench-{expert_id}-1").exists():
            accounts[count] = ledger_expert_accounts(
                kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[expert_id]
            )[expert_id]
            continue  # --keep: loaded by an earlier run
        account = ledger_expert_accounts(kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[expert_id])[
            expert_id
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {LedgerTransaction._meta.db_table} "
                "(idempotency_key, memo, created_at) "
                "SELECT 'bench-' || %s || '-' || n, 'bench', now() FROM generate_series(1, %s) n",
                [expert_id, count],
            )
            cursor.execute(
                f"INSERT INTO {LedgerEntry._meta.db_table} (transaction_id, account_id, amount, "
                "created_at) SELECT t.id, a.account, a.amount, now() "
                f"FROM {LedgerTransaction._meta.db_table} t CROSS JOIN (VALUES (%s, 0.01), "
                "(%s, -0.01)) a(account, amount) WHERE t.idempotency_key LIKE %s",
                [account.pk, revenue.pk, f"bench-{expert_id}-%"],
            )
            cursor.execute(
                "UPDATE payments_account SET balance = balance + %s WHERE id = %s",
                [Decimal("0.01") * count, account.pk],
            )
            cursor.execute(
                "UPDATE payments_account SET balance = balance - %s WHERE id = %s",
                [Decimal("0.01") * count, revenue.pk],
            )
        accounts[count] = account
    vacuum("payments_ledgerentry", "payments_account")
    assert not balance_mismatches() and not unbalanced_transactions()
    samples = {10: [], 100_000: []}
    for _ in range(2000):
        for count, account in accounts.items():
            started = time.perf_counter()
            account_balance(account)
            samples[count].append(time.perf_counter() - started)
    rows = []
    for count, times in samples.items():
        entries = LedgerEntry.objects.filter(account=accounts[count]).count()
        assert account_balance(accounts[count]) == Decimal("0.01") * entries
        rows.append(
            (
                f"balance read, {entries:,} entries",
                f"median {statistics.median(times) * 1e6:,.0f} µs, min {min(times) * 1e6:,.0f} µs",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="A,B pairs")
    parser.add_argument("--keep", action="store_true", help="reuse the bench database")
    args = parser.parse_args()

    server_url, url = bench_url()
    name = urlsplit(url).path.strip("/")
    if not args.keep:
        recreate(server_url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "softwaresupp.settings.test"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from payments.models import Settlement
    from timesheets.models import TimeEntry

    if not args.keep:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for label, seconds in generate(args.entries).items():
            print(f"  {label}: {seconds:.1f} s", flush=True)
        vacuum()
        print(f"generated in {time.perf_counter() - started:.1f} s")
    assert not Settlement.objects.exists(), "the bench settles only inside rolled-back runs"
    starts_on, ends_on = the_period()
    entries = TimeEntry.objects.filter(day__gte=starts_on, day__lte=ends_on).count()
    experts = TimeEntry.objects.values("expert_id").distinct().count()
    print(f"period {starts_on} – {ends_on}: {entries:,} entries of {experts:,} experts")
    print(f"PostgreSQL: {connection.cursor().connection.info.server_version}")

    plain_sums(starts_on, ends_on)  # warm both paths once, untimed
    settle_and_roll_back(starts_on)
    vacuum(*ROLLED_BACK_TABLES)
    settle_times, statement_times, plain_times, statements = [], [], [], set()
    for round_ in range(args.rounds):
        seconds, emails, lines, count = settle_and_roll_back(starts_on)
        settle_times.append(seconds)
        statement_times.append(emails)
        statements.add(count)
        vacuum(*ROLLED_BACK_TABLES)
        started = time.perf_counter()
        sums = plain_sums(starts_on, ends_on)
        plain_times.append(time.perf_counter() - started)
        assert lines == sums, "the settlement's lines differ from the plain SQL sums"
        print(
            f"round {round_ + 1}: settle {seconds:.2f} s, plain SQL {plain_times[-1]:.2f} s "
            f"(then the statements, after the commit: {emails:.2f} s)",
            flush=True,
        )

    def figures(times):
        return min(times), statistics.median(times)

    a_min, a_median = figures(settle_times)
    b_min, b_median = figures(plain_times)
    s_min, s_median = figures(statement_times)
    print()
    print(f"lines: {len(lines):,} (expert × project); total ${sum(a for _, a in lines.values()):,}")
    print(f"settlement SQL statements per run: {sorted(statements)}")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print("| Measurement | min | median |")
    print("|---|---:|---:|")
    print(f"| A. period_settle, {entries:,} entries | {a_min:.2f} s | {a_median:.2f} s |")
    print(f"| B. plain SQL GROUP BY, same sums | {b_min:.2f} s | {b_median:.2f} s |")
    print(f"| ratio A / B | {a_min / b_min:.2f}× | {a_median / b_median:.2f}× |")
    print(
        f"| after the commit: {experts:,} statement emails queued "
        f"| {s_min:.2f} s | {s_median:.2f} s |"
    )
    print()
    for label, value in balance_reads():
        print(f"| {label} | {value} |")


if __name__ == "__main__":
    main()
