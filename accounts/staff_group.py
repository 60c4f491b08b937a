"""The "Staff" permission group: what staff may do in Django admin.

Staff (``is_staff``) reach admin only in an MFA-verified session (the middleware); what they
may do there is this group's permissions, not superuser: view every model of the platform,
and write only where admin writes go through services (rules checked, events recorded).
Everything else (deleting history, editing reference data, changing who is staff) is a
superuser's. The group is made by ``accounts/migrations/0002_staff_group.py`` and kept in
step after every ``migrate`` (models added later are viewable too).
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

STAFF_GROUP = "Staff"
# The platform's own apps (app labels): staff view all their models.
PLATFORM_APPS = (
    "accounts",
    "projects",
    "timesheets",
    "payments",
    "leads",
    "onboarding",
    "surveys",
    "core",
)
# Admin writes that run through services (view-only forms with service actions and edits).
SERVICE_WRITES = {
    "accounts": [
        "add_user",  # user_create
        "change_user",  # user_update, deactivate/reactivate (access changes: superusers only)
        "change_organization",
        "change_membership",  # role changes and removal keep an owner
        "change_invitation",  # revoke
        "add_expertprofile",
        "change_expertprofile",  # rates and certification, recorded
    ],
    "projects": ["change_project"],
    "payments": ["change_invoice"],  # invoice_pay, invoice_void
    "onboarding": ["change_posting"],  # posting_close
    "timesheets": ["add_timeentry", "change_timeentry", "delete_timeentry"],
    "core": ["resend_outboxmessage"],
}


def staff_group_sync(apps=global_apps, using="default"):
    """Create the group if missing and give it exactly its permissions (idempotent)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    _ensure_permissions(apps, using)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=PLATFORM_APPS, codename__startswith="view_"
    )
    for app_label, codenames in SERVICE_WRITES.items():
        permissions |= Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group, _ = Group.objects.using(using).get_or_create(name=STAFF_GROUP)
    group.permissions.set(permissions)
    return group


def _ensure_permissions(apps, using) -> None:
    # Django creates permissions after all migrations (post_migrate); a migration that
    # grants them must create the ones it needs itself.
    # (A migration's app configs have no models module; create_permissions skips those.)
    for app_config in apps.get_app_configs():
        if app_config.label in PLATFORM_APPS:
            models_module = getattr(app_config, "models_module", None)
            app_config.models_module = models_module or True
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
            app_config.models_module = models_module


def sync_after_migrate(sender, using="default", apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: models added by later migrations get their view permission."""
    staff_group_sync(apps, using)
