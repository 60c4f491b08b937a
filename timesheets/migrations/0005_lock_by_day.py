"""Settled hours are locked by their day (the settled period), no longer by a column on each
entry: settling then writes one row, however many entries the period holds.

The guard triggers read the old column, so they are dropped first; ``post_migrate``
(``timesheets/apps.py``) installs the new ones after every migrate. Every entry linked to a
settled period lies on its days (``rollup_check`` proved it), so no entry changes state."""

from django.db import migrations

TRIGGERS = (
    "timesheets_settled_entry_guard",
    "timesheets_settled_entry_guard_update",
)
SQLITE_TRIGGERS = tuple(f"timesheets_settled_entry_guard_{op}" for op in ("insert", "update", "delete"))


def drop_guards(apps, schema_editor):
    connection = schema_editor.connection
    table = connection.ops.quote_name(apps.get_model("timesheets", "TimeEntry")._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0004_running_timer"),
    ]

    operations = [
        migrations.RunPython(drop_guards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="timeentry", name="settlement"),
    ]
