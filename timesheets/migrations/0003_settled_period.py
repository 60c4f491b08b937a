"""The settled-period lock moves from payments to timesheets: payments will settle a period
and refer to it, so the dependency runs timesheets ← payments (DESIGN.md, Layout). Rows keep
their ids, so every time entry's link stays valid."""

import django.db.models.deletion
import django.utils.timezone
from django.core.management.color import no_style
from django.db import migrations, models


def copy_settlements(apps, schema_editor):
    Settlement = apps.get_model("payments", "Settlement")
    SettledPeriod = apps.get_model("timesheets", "SettledPeriod")
    SettledPeriod.objects.bulk_create(
        SettledPeriod(
            id=row.id, starts_on=row.starts_on, ends_on=row.ends_on, settled_at=row.settled_at
        )
        for row in Settlement.objects.all()
    )
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [SettledPeriod]):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("timesheets", "0002_fill_task_hours"),
    ]

    operations = [
        migrations.CreateModel(
            name="SettledPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_on", models.DateField(help_text="First day of the period.")),
                ("ends_on", models.DateField(help_text="Last day of the period (inclusive).")),
                ("settled_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["-starts_on"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_on__gte", models.F("starts_on"))),
                        name="settled_period_ends_after_start",
                    )
                ],
            },
        ),
        migrations.RunPython(copy_settlements, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="timeentry",
            name="settlement",
            field=models.ForeignKey(
                blank=True,
                help_text="Set when the period is settled; the entry is locked from then on.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="time_entries",
                to="timesheets.settledperiod",
            ),
        ),
    ]
