"""The "Staff" permission group (accounts/staff_group.py), with every staff user in it."""

from django.db import migrations

from accounts.staff_group import staff_group_sync


def create_staff_group(apps, schema_editor):
    using = schema_editor.connection.alias
    group = staff_group_sync(apps, using)
    User = apps.get_model("accounts", "User")
    group.user_set.add(*User.objects.using(using).filter(is_staff=True))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("payments", "0001_initial"),
        ("projects", "0001_initial"),
        ("timesheets", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_staff_group, migrations.RunPython.noop)]
