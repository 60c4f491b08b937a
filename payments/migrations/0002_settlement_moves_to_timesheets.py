"""The settled-period lock now lives in timesheets (timesheets 0003 copied its rows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("timesheets", "0003_settled_period"),
    ]

    operations = [migrations.DeleteModel(name="Settlement")]
