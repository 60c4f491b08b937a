"""Staff use Django admin through the "Staff" permission group, made by a migration
(issue 8, item 1): view everything, write only where admin writes go through services."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.demo import STAFF
from accounts.models import User
from accounts.staff_group import PLATFORM_APPS, STAFF_GROUP
from tests.factories.accounts import StaffFactory, customer, login_verified_staff
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0002_staff_group")


def _codenames(group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_the_group_views_every_platform_model_and_writes_only_through_services():
    granted = _codenames(Group.objects.get(name=STAFF_GROUP))
    for model in apps.get_models():
        if model._meta.app_label in PLATFORM_APPS:
            label = f"{model._meta.app_label}.view_{model._meta.model_name}"
            assert label in granted, label
    assert {
        "accounts.change_membership",
        "projects.change_project",
        "timesheets.change_timeentry",
        "core.resend_outboxmessage",
    } <= granted
    assert "accounts.delete_organization" not in granted
    assert "core.change_event" not in granted and "core.delete_event" not in granted
    assert not any(name.startswith("auth.") for name in granted)


def test_the_migration_makes_the_group_and_puts_staff_in_it():
    Group.objects.filter(name=STAFF_GROUP).delete()
    staff, other = StaffFactory(), customer()
    migration.create_staff_group(apps, SimpleNamespace(connection=connection))
    group = Group.objects.get(name=STAFF_GROUP)
    assert list(group.user_set.all()) == [staff]
    assert other not in group.user_set.all()
    assert "projects.view_task" in _codenames(group)
    migration.create_staff_group(apps, SimpleNamespace(connection=connection))  # again: same
    assert Group.objects.filter(name=STAFF_GROUP).count() == 1


def test_the_demo_staff_user_uses_admin_after_mfa(client):
    accounts_demo.seed({})
    staff = User.objects.get(email=STAFF[0])
    assert not staff.is_superuser and staff.groups.filter(name=STAFF_GROUP).exists()
    login_verified_staff(client, staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert "have permission to view or edit anything" not in index
    for name in ("accounts_organization", "projects_project", "timesheets_timeentry"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    project = ProjectFactory()
    assert (
        client.get(reverse("admin:projects_project_change", args=[project.pk])).status_code == 200
    )
    delete = reverse("admin:accounts_organization_delete", args=[project.organization.pk])
    assert client.get(delete).status_code == 403
