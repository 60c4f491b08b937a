from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

GUARD_FUNCTION = "timesheets_settled_entry_guard"
GUARD_TRIGGER = "timesheets_settled_entry_guard"


def install_settled_entry_guard(sender, using, **kwargs):
    """R-TIMESHEET on PostgreSQL: a trigger refuses any UPDATE or DELETE of a settled time
    entry, whatever the path (raw SQL, a shell, a future bug in Python code). An unsettled
    row may change, which includes the one transition the settlement makes: setting
    ``settlement_id``.

    Installed after every ``migrate`` rather than by a migration file because the schema is
    also built without migrations (pytest ``--no-migrations``, the benchmark database), and
    because the statements are idempotent (``CREATE OR REPLACE`` / ``DROP … IF EXISTS``) a
    re-run only refreshes it. SQLite (the embedded default) relies on the Python guards.
    """
    from timesheets.models import TimeEntry

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {GUARD_FUNCTION}() RETURNS trigger AS $$
            BEGIN
                IF OLD.settlement_id IS NOT NULL THEN
                    RAISE EXCEPTION 'time entry % is settled and locked: % refused', OLD.id, TG_OP
                        USING ERRCODE = 'check_violation';
                END IF;
                IF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        cursor.execute(f"DROP TRIGGER IF EXISTS {GUARD_TRIGGER} ON {quoted}")
        cursor.execute(
            f"CREATE TRIGGER {GUARD_TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {GUARD_FUNCTION}()"
        )


class TimesheetsConfig(AppConfig):
    name = "timesheets"

    def ready(self):
        post_migrate.connect(
            install_settled_entry_guard, sender=self, dispatch_uid="timesheets_settled_guard"
        )
