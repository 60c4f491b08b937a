"""Every admin page a staff member opens answers: the list, a row's page and, for rows
changed through services, their edit page (issue 8, item 3)."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from softwaresupp.admin_tools import ServiceActionsMixin
from tests.factories.accounts import StaffFactory, login_verified_staff


@pytest.mark.django_db
def test_every_admin_list_and_row_page_loads_on_the_demo_data(client):
    call_command("seed_demo", verbosity=0)
    login_verified_staff(client, StaffFactory(is_superuser=True))
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, name
        row = model._default_manager.order_by("pk").first()
        if row is None:
            continue
        assert client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200, name
        if isinstance(model_admin, ServiceActionsMixin) and model_admin.edit_form:
            assert client.get(reverse(f"{name}_edit", args=[row.pk])).status_code == 200, name
