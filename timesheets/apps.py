from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

from timesheets.locks import SETTLEMENT_LOCK_KEY

GUARD_FUNCTION = "timesheets_settled_entry_guard"
GUARD_TRIGGER = "timesheets_settled_entry_guard"
# An earlier UPDATE-only trigger, dropped on install (the one trigger covers every write).
GUARD_UPDATE_TRIGGER = "timesheets_settled_entry_guard_update"


def install_settled_entry_guard(sender, using, **kwargs):
    """R-TIMESHEET on PostgreSQL: a trigger refuses any INSERT, UPDATE or DELETE of a time
    entry whose day (before or after the change) lies in a settled period, whatever the path
    (raw SQL, a shell, a future bug in Python code): a period's hours were paid and invoiced
    as they were when it was settled. The ``SettledPeriod`` row is the lock; settling writes
    no mark on the entries, so it costs the same for any number of them. The check runs
    under the lock settling takes (``timesheets.locks``), so a settlement committed a moment
    earlier is seen, and a write in flight commits before the period is read.

    Installed after every ``migrate`` rather than by a migration file because the schema is
    also built without migrations (pytest ``--no-migrations``, the benchmark database), and
    because the statements are idempotent (``CREATE OR REPLACE`` / ``DROP … IF EXISTS``) a
    re-run only refreshes it. SQLite (the embedded default) gets the same rules as three
    plain triggers; it has one writer at a time, so it needs no lock.
    """
    from timesheets.models import SettledPeriod, TimeEntry

    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    table = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return
        quoted = connection.ops.quote_name(table)
        settlements = connection.ops.quote_name(SettledPeriod._meta.db_table)
        if connection.vendor == "sqlite":
            _install_sqlite_guard(cursor, quoted, settlements)
            return
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {GUARD_FUNCTION}() RETURNS trigger AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock_shared({SETTLEMENT_LOCK_KEY});
                IF TG_OP <> 'INSERT' AND EXISTS (
                    SELECT 1 FROM {settlements}
                    WHERE starts_on <= OLD.day AND ends_on >= OLD.day
                ) THEN
                    RAISE EXCEPTION 'time entry % is settled and locked: % refused',
                        OLD.id, TG_OP USING ERRCODE = 'check_violation';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                IF TG_OP = 'UPDATE' AND NEW.day IS NOT DISTINCT FROM OLD.day THEN
                    RETURN NEW;
                END IF;
                IF EXISTS (
                    SELECT 1 FROM {settlements}
                    WHERE starts_on <= NEW.day AND ends_on >= NEW.day
                ) THEN
                    RAISE EXCEPTION '% is in a settled period: % of a time entry refused',
                        NEW.day, TG_OP USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {GUARD_UPDATE_TRIGGER} ON {quoted}")
        cursor.execute(f"DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON {quoted}")
        cursor.execute(
            f"CREATE TRIGGER {GUARD_TRIGGER} BEFORE INSERT OR UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()"
        )


def _install_sqlite_guard(cursor, table: str, settlements: str) -> None:
    def in_settled_period(row: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {settlements} "
            f"WHERE starts_on <= {row}.day AND ends_on >= {row}.day)"
        )

    guards = {
        "insert": ("INSERT", in_settled_period("NEW"), "a new time entry in a settled period"),
        "update": (
            "UPDATE",
            f"{in_settled_period('OLD')} OR {in_settled_period('NEW')}",
            "a settled time entry is locked, and no entry moves into a settled period",
        ),
        "delete": ("DELETE", in_settled_period("OLD"), "a settled time entry is locked"),
    }
    for suffix, (operation, condition, refusal) in guards.items():
        name = f"{GUARD_TRIGGER}_{suffix}"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(
            f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{refusal}'); END"
        )


class TimesheetsConfig(AppConfig):
    name = "timesheets"

    def ready(self):
        post_migrate.connect(
            install_settled_entry_guard, sender=self, dispatch_uid="timesheets_settled_guard"
        )
