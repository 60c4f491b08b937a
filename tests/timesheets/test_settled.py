"""R-TIMESHEET: an entry of a settled period is locked on every write path."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tests.factories.accounts import StaffFactory, login_verified_staff
from timesheets.apps import install_settled_entry_guard
from timesheets.models import SettledEntryError, TimeEntry
from timesheets.services import (
    period_lock,
    time_entry_cell_set,
    time_entry_delete,
    time_entry_log,
    time_entry_update,
)

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SETTLED_DAY = date(2026, 2, 20)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def settled(team):
    """One entry in the settled period 16 Feb – 1 Mar, one after it, both by Eva."""
    entry = time_entry_log(
        actor=team.expert, task=team.task, day=SETTLED_DAY, hours=Decimal("3"), description="Old"
    )
    open_entry = time_entry_log(
        actor=team.expert, task=team.task, day=date(2026, 3, 9), hours=Decimal("2")
    )
    settlement = period_lock(starts_on=date(2026, 2, 16), ends_on=date(2026, 3, 1))
    team.entry, team.open_entry, team.settlement = entry, open_entry, settlement
    return team


def _unchanged(entry: TimeEntry) -> None:
    fresh = TimeEntry.objects.get(pk=entry.pk)
    assert (fresh.hours, fresh.day, fresh.description) == (Decimal("3.00"), SETTLED_DAY, "Old")
    assert fresh.is_settled


def test_given_a_locked_period_then_the_entries_on_its_days_are_settled_and_no_others(settled):
    assert TimeEntry.objects.get(pk=settled.entry.pk).is_settled
    assert not TimeEntry.objects.get(pk=settled.open_entry.pk).is_settled
    assert list(TimeEntry.objects.settled()) == [settled.entry]
    assert list(TimeEntry.objects.unsettled()) == [settled.open_entry]
    annotated = {e.pk: e.settlement_id for e in TimeEntry.objects.with_settlement()}
    assert annotated == {settled.entry.pk: settled.settlement.pk, settled.open_entry.pk: None}


def test_given_a_settled_entry_when_the_service_changes_or_deletes_it_then_it_is_refused(
    settled,
):
    with pytest.raises(SettledEntryError):
        time_entry_update(actor=settled.expert, entry=settled.entry, hours=Decimal("4"))
    with pytest.raises(SettledEntryError):
        time_entry_update(actor=settled.expert, entry=settled.entry, description="New")
    with pytest.raises(SettledEntryError):
        time_entry_delete(actor=settled.expert, entry=settled.entry)
    with pytest.raises(SettledEntryError):
        time_entry_cell_set(
            actor=settled.expert, task=settled.task, day=SETTLED_DAY, hours=Decimal("0")
        )
    _unchanged(settled.entry)


def test_given_a_settled_entry_when_saved_or_deleted_on_the_model_then_it_is_refused(settled):
    entry = TimeEntry.objects.get(pk=settled.entry.pk)
    entry.hours = Decimal("5")
    with pytest.raises(SettledEntryError):
        entry.save()
    # Moving it out of the period does not unlock it: its stored day is settled.
    entry.day = date(2026, 3, 9)
    with pytest.raises(SettledEntryError):
        entry.save(update_fields=["day", "hours"])
    with pytest.raises(SettledEntryError):
        entry.delete()
    _unchanged(settled.entry)


def test_given_settled_rows_when_a_queryset_updates_or_deletes_them_then_it_is_refused(settled):
    everything = TimeEntry.objects.all()
    with pytest.raises(SettledEntryError):
        everything.update(hours=Decimal("1"))
    with pytest.raises(SettledEntryError):
        everything.update(day=date(2026, 3, 9))
    with pytest.raises(SettledEntryError):
        everything.delete()
    with pytest.raises(SettledEntryError), transaction.atomic():
        TimeEntry.objects.bulk_update([settled.entry], ["hours"])
    with pytest.raises(SettledEntryError):
        settled.task.time_entries.all().delete()
    _unchanged(settled.entry)
    # Unsettled rows stay editable in bulk.
    assert TimeEntry.objects.unsettled().update(description="Reviewed") == 1


def test_given_a_settled_entry_when_its_edit_form_is_posted_then_the_refusal_is_shown(
    client, settled
):
    client.force_login(settled.expert)
    url = reverse("timesheets:entry_edit", kwargs={"pk": settled.entry.pk})

    page = client.get(url)
    assert "settled period" in page.content.decode()
    assert 'name="hours"' not in page.content.decode()

    response = client.post(url, {"day": "2026-02-20", "hours": "5", "description": "New"})
    assert response.status_code == 200
    assert "settled period" in response.content.decode()
    response = client.post(reverse("timesheets:entry_delete", kwargs={"pk": settled.entry.pk}))
    assert response.status_code == 302
    _unchanged(settled.entry)


def test_given_a_settled_day_when_the_weekly_grid_is_posted_then_nothing_changes(client, settled):
    client.force_login(settled.expert)
    url = f"{reverse('timesheets:week')}?week=2026-02-16"
    page = client.get(url).content.decode()
    assert f'name="cell-{settled.task.pk}-2026-02-20"' not in page  # shown locked, no input

    response = client.post(url, {f"cell-{settled.task.pk}-2026-02-20": "8"}, HTTP_HX_REQUEST="true")
    assert "settled" in response.content.decode()
    _unchanged(settled.entry)


@pytest.fixture
def staff_admin(db, client):
    login_verified_staff(client, StaffFactory(is_superuser=True))
    return client


def test_given_a_settled_entry_when_staff_use_the_admin_then_it_is_read_only(staff_admin, settled):
    change = reverse("admin:timesheets_timeentry_change", args=[settled.entry.pk])
    page = staff_admin.get(change)
    assert page.status_code == 200
    assert b'name="hours"' not in page.content  # shown, not editable
    assert staff_admin.post(change, {"day": "2026-02-20", "hours": "5"}).status_code == 403
    delete = reverse("admin:timesheets_timeentry_delete", args=[settled.entry.pk])
    assert staff_admin.post(delete, {"post": "yes"}).status_code == 403

    changelist = reverse("admin:timesheets_timeentry_changelist")
    response = staff_admin.post(
        changelist,
        {
            "action": "delete_selected",
            "_selected_action": [settled.entry.pk, settled.open_entry.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    _unchanged(settled.entry)
    assert TimeEntry.objects.count() == 2


def test_given_an_open_entry_when_staff_change_it_in_the_admin_then_the_service_rules_apply(
    staff_admin, settled
):
    change = reverse("admin:timesheets_timeentry_change", args=[settled.open_entry.pk])
    refused = staff_admin.post(change, {"day": "2026-03-09", "hours": "24.5", "description": ""})
    assert refused.status_code == 200
    assert "24" in refused.content.decode()
    future = staff_admin.post(change, {"day": "2026-03-12", "hours": "2", "description": ""})
    assert "in the future" in future.content.decode()
    saved = staff_admin.post(change, {"day": "2026-03-09", "hours": "2.75", "description": "x"})
    assert saved.status_code == 302
    assert TimeEntry.objects.get(pk=settled.open_entry.pk).hours == Decimal("2.75")


def test_given_a_settled_entry_when_raw_sql_changes_or_deletes_it_then_the_database_refuses(
    settled,
):
    table = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        for statement in (
            f"UPDATE {table} SET hours = 5 WHERE id = %s",
            f"UPDATE {table} SET day = '2026-03-09' WHERE id = %s",
            f"UPDATE {table} SET description = 'x' WHERE id = %s",
            f"DELETE FROM {table} WHERE id = %s",
        ):
            with pytest.raises(IntegrityError, match="locked"), transaction.atomic():
                cursor.execute(statement, [settled.entry.pk])
        # Nor can an open entry move into the settled period.
        with pytest.raises(IntegrityError, match="settled period"), transaction.atomic():
            cursor.execute(
                f"UPDATE {table} SET day = %s WHERE id = %s", [SETTLED_DAY, settled.open_entry.pk]
            )
        # An open entry outside it still changes.
        cursor.execute(
            f"UPDATE {table} SET description = 'x' WHERE id = %s", [settled.open_entry.pk]
        )
    _unchanged(settled.entry)
    assert not TimeEntry.objects.get(pk=settled.open_entry.pk).is_settled


@pytest.mark.postgres
def test_given_the_guard_when_installed_again_then_it_stays_single_and_active(settled):
    from django.apps import apps

    install_settled_entry_guard(sender=apps.get_app_config("timesheets"), using="default")
    install_settled_entry_guard(sender=apps.get_app_config("timesheets"), using="default")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'timesheets_settled_entry_guard'"
        )
        assert cursor.fetchone()[0] == 1
    # Bypass the Python guards entirely: the database still refuses.
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.filter(pk=settled.entry.pk)._raw_delete(using="default")
    _unchanged(settled.entry)


def test_given_a_settled_entry_when_full_clean_runs_then_it_says_why(
    settled,
):
    with pytest.raises(ValidationError) as error:
        TimeEntry.objects.get(pk=settled.entry.pk).full_clean()
    assert "settled period" in " ".join(error.value.messages)
