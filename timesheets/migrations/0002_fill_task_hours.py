"""Fill projects' hours rollup from the time entries already logged: from here on
timesheets keeps it exact on every entry change (timesheets/rollup.py)."""

from django.db import migrations
from django.db.models import Sum


def fill(apps, schema_editor):
    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    TaskHours = apps.get_model("projects", "TaskHours")
    rows = (
        TimeEntry.objects.order_by()
        .values("task_id", "expert_id", "day", "project_id")
        .annotate(total=Sum("hours"))
    )
    TaskHours.objects.bulk_create(
        (
            TaskHours(
                task_id=row["task_id"],
                expert_id=row["expert_id"],
                day=row["day"],
                project_id=row["project_id"],
                hours=row["total"],
            )
            for row in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("timesheets", "0001_initial"),
        ("projects", "0002_task_hours"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
