"""The data of ``bench/timesheets.py``: its own PostgreSQL database, the schema straight from
the models, and a year of hours written in SQL with ``generate_series``."""

import os
import time

BENCH_DB = os.environ.get("BENCH_DB", "ss_timesheets_bench")
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def recreate_database() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    connection.close()


class _NoMigrations(dict):
    """Every app's schema straight from its models (like pytest ``--no-migrations``)."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def build_schema() -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.MIGRATION_MODULES = _NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)


# Sizes: 100 customer organizations, 200 projects, 1,000 experts (5 per project), 100
# tasks per project, one sprint per project-week, a year of days. Organization 1 is the
# large customer: 20 projects, 100 experts, a tenth of all hours.
ORGS, PROJECTS, EXPERTS, TASKS_PER_PROJECT, WEEKS = 100, 200, 1000, 100, 53
BIG_ORG_PROJECTS = 20
END_DAY = "2026-03-08"  # a Sunday: the last day with hours


def insert_select(model, columns: dict[str, str], source: str) -> str:
    """``INSERT INTO <model's table> (...) SELECT ... FROM <source>``: ``columns`` maps
    column names to SQL expressions; every other column gets its model default (or NULL,
    or an empty string), so the benchmark keeps working while the models grow."""
    from django.db import connection

    names, values = [], []
    for field in model._meta.concrete_fields:
        column = field.column
        if column in columns:
            names.append(column)
            values.append(columns[column])
            continue
        if field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            names.append(column)
            values.append("now()")
            continue
        if field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
        elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
            value = ""
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value in the benchmark")
        names.append(column)
        values.append(connection.cursor().mogrify("%s", [value]).decode())
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(values)} FROM {source}"
    )


def generate(entries: int) -> dict:
    from django.db import connection

    from accounts.models import ExpertProfile, Membership, Organization, User
    from projects.models import Assignment, Project, Sprint, Task, TaskHours
    from timesheets.apps import GUARD_TRIGGER
    from timesheets.models import SettledPeriod, TimeEntry

    per_expert = entries // EXPERTS
    org_of_project = (
        f"CASE WHEN {{p}} <= {BIG_ORG_PROJECTS} THEN 1 "
        f"ELSE 2 + ({{p}} - {BIG_ORG_PROJECTS}) % ({ORGS} - 1) END"
    )
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
                    "email": f"""CASE WHEN n <= {EXPERTS} THEN 'expert' || n || '@bench.example'
                        WHEN n <= {EXPERTS + ORGS}
                            THEN 'owner' || (n - {EXPERTS}) || '@bench.example'
                        ELSE 'staff@bench.example' END""",
                    "first_name": "'First' || n",
                    "last_name": "'Last' || n",
                    "is_staff": f"n > {EXPERTS + ORGS}",
                },
                f"generate_series(1, {EXPERTS + ORGS + 1}) n",
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
            "memberships",
            insert_select(
                Membership,
                {"user_id": f"{EXPERTS} + n", "organization_id": "n", "role": "'owner'"},
                f"generate_series(1, {ORGS}) n",
            ),
        ),
        (
            "projects",
            insert_select(
                Project,
                {
                    "id": "p",
                    "organization_id": org_of_project.format(p="p"),
                    "name": "'Project ' || p",
                },
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
                    "role": f"CASE WHEN e <= {PROJECTS} THEN 'lead' ELSE 'member' END",
                    "starts_on": "'2024-01-01'",
                },
                f"generate_series(1, {EXPERTS}) e "
                f"JOIN projects_project p ON p.id = 1 + (e - 1) % {PROJECTS}",
            ),
        ),
        (
            "sprints",
            insert_select(
                Sprint,
                {
                    "project_id": "p.id",
                    "organization_id": "p.organization_id",
                    "starts_on": "d::date",
                    "ends_on": "d::date + 6",
                    "goal": "'Sprint goal'",
                    "status": "'closed'",
                },
                f"projects_project p, generate_series(date '{END_DAY}' - 6 - 7 * ({WEEKS} - 1),"
                f" date '{END_DAY}' - 6, interval '7 days') d",
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
                    "sprint_id": f"""(SELECT s.id FROM projects_sprint s
                        WHERE s.project_id = p.id ORDER BY s.starts_on DESC
                        OFFSET (t - 1) % {WEEKS} LIMIT 1)""",
                    "title": "'Task ' || t || ' of project ' || p.id",
                    "status": "CASE WHEN t % 10 = 0 THEN 'in_progress' ELSE 'done' END",
                    "assignee_id": f"1 + (p.id - 1) % {PROJECTS}",
                    "estimate_hours": "4 + (t % 9) * 4",
                    "first_estimate_hours": "4 + (t % 9) * 4",
                    "position": "t",
                },
                f"projects_project p, generate_series(1, {TASKS_PER_PROJECT}) t",
            ),
        ),
        (
            "settlements",
            insert_select(
                SettledPeriod,
                {
                    "id": "n",
                    "starts_on": f"date '{END_DAY}' - 364 + 14 * (n - 1)",
                    "ends_on": f"date '{END_DAY}' - 364 + 14 * n - 1",
                },
                "generate_series(1, 13) n",
            ),
        ),
        (
            "time entries",
            # Four entries a day per expert going back from END_DAY, 0.25–4 h each (at most
            # 16 h a day), on the tasks of the expert's project; the older half lies in
            # settled periods.
            insert_select(
                TimeEntry,
                {
                    "expert_id": "e",
                    "task_id": f"(p - 1) * {TASKS_PER_PROJECT} + 1 + (n / 4 + e) % "
                    f"{TASKS_PER_PROJECT}",
                    "project_id": "p",
                    "organization_id": org_of_project.format(p="p"),
                    "day": f"date '{END_DAY}' - n / 4",
                    "hours": "0.25 * (1 + (e * 7 + n * 13) % 16)",
                    "description": "'Work on the task, entry ' || n",
                },
                f"generate_series(1, {EXPERTS}) e "
                f"CROSS JOIN LATERAL (SELECT 1 + (e - 1) % {PROJECTS} AS p) proj "
                f"CROSS JOIN generate_series(0, {per_expert} - 1) n",
            ),
        ),
    ]
    timings = {}
    entries = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        # A year of history is restored as it stands, settled rows included: the guard
        # refuses that to any live write (a new entry in a settled period).
        cursor.execute(f"ALTER TABLE {entries} DISABLE TRIGGER {GUARD_TRIGGER}")
        for label, sql in statements:
            started = time.perf_counter()
            cursor.execute(sql)
            timings[label] = time.perf_counter() - started
        cursor.execute(f"ALTER TABLE {entries} ENABLE TRIGGER {GUARD_TRIGGER}")
        # The rollup the reports read (projects.TaskHours), as timesheets keeps it on every
        # entry change: one row per task, expert and day. An expert's four entries of a day
        # are on one task here, so it has a quarter of the entries' rows.
        started = time.perf_counter()
        cursor.execute(
            f"INSERT INTO {TaskHours._meta.db_table} "
            "(task_id, expert_id, day, project_id, hours, entries) "
            f"SELECT task_id, expert_id, day, MIN(project_id), SUM(hours), COUNT(*) FROM {entries} "
            "GROUP BY task_id, expert_id, day"
        )
        timings["task hours rollup"] = time.perf_counter() - started
        for table in (
            "accounts_organization",
            "accounts_user",
            "projects_project",
            "projects_task",
            "timesheets_settledperiod",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - started
        cursor.execute("SELECT count(*), count(DISTINCT expert_id) FROM timesheets_timeentry")
        timings["rows, experts"] = cursor.fetchone()
    return timings
