"""Invoices in Django admin: staff of the Staff group (MFA-verified) list and filter invoices,
read their lines, record a payment and void through actions that call the services; nothing
is edited or deleted there."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.staff_group import STAFF_GROUP
from payments.models import Invoice, LedgerTransaction
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import OrganizationFactory, StaffFactory, login_verified_staff
from tests.payments.invoice_helpers import STARTS_ON, billed, log, settle

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
CHANGELIST = "admin:payments_invoice_changelist"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def invoices():
    from payments.services.invoices import period_invoice

    for name in ("Acme Robotics", "Globex Retail"):
        log(billed(organization=OrganizationFactory(name=name)), (STARTS_ON, "2"))
    settle()
    return period_invoice(starts_on=STARTS_ON)


@pytest.fixture
def staff_client(client):
    """A staff member of the Staff group (not a superuser) in an MFA-verified session."""
    staff = StaffFactory()
    staff.groups.add(Group.objects.get(name=STAFF_GROUP))
    login_verified_staff(client, staff)
    return client


def _action(client, action, invoices, **data):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [i.pk for i in invoices], **data},
        follow=True,
    )


def test_staff_list_invoices_filtered_by_state_and_year(staff_client, invoices):
    html = staff_client.get(reverse(CHANGELIST)).content.decode()
    assert all(invoice.number in html for invoice in invoices)

    html = staff_client.get(reverse(CHANGELIST), {"state": "paid"}).content.decode()
    assert invoices[0].number not in html
    html = staff_client.get(reverse(CHANGELIST), {"year": "2026"}).content.decode()
    assert invoices[0].number in html


def test_an_invoice_page_shows_its_lines_and_cannot_be_edited_or_deleted(staff_client, invoices):
    invoice = invoices[0]
    url = reverse("admin:payments_invoice_change", args=[invoice.pk])

    html = staff_client.get(url).content.decode()

    assert invoice.lines.get().project.name in html and "$" not in invoice.number
    assert 'name="_save"' not in html
    assert staff_client.post(url, {"total": "1.00"}).status_code == 403
    delete = reverse("admin:payments_invoice_delete", args=[invoice.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert Invoice.objects.count() == 2


def test_recording_a_payment_asks_for_the_day_then_calls_the_service(staff_client, invoices):
    first = _action(staff_client, "record_payment", invoices[:1])
    assert (
        "Record payments" in first.content.decode() and 'name="paid_on"' in first.content.decode()
    )

    done = _action(
        staff_client,
        "record_payment",
        invoices[:1],
        apply="1",
        paid_on="2026-03-11",
        reference="T1",
    )

    assert "Payment recorded: 1." in done.content.decode()
    invoice = Invoice.objects.get(pk=invoices[0].pk)
    assert invoice.state == Invoice.State.PAID and invoice.payment_reference == "T1"
    assert OutboxMessage.objects.filter(template="invoice_paid").count() == 1


def test_a_refused_payment_says_why_and_changes_nothing(staff_client, invoices):
    response = _action(
        staff_client, "record_payment", invoices[:1], apply="1", paid_on="2026-03-12"
    )

    assert "today or earlier" in response.content.decode()
    assert Invoice.objects.get(pk=invoices[0].pk).state == Invoice.State.ISSUED
    assert not LedgerTransaction.objects.filter(idempotency_key__endswith=":paid").exists()


def test_voiding_needs_a_reason_and_reverses_the_invoice(staff_client, invoices):
    missing = _action(staff_client, "void", invoices, apply="1", reason="")
    assert "This field is required" in missing.content.decode()
    assert not Invoice.objects.filter(state=Invoice.State.VOID).exists()

    done = _action(staff_client, "void", invoices[:1], apply="1", reason="Wrong period")

    assert "Voided: 1." in done.content.decode()
    assert Invoice.objects.get(pk=invoices[0].pk).state == Invoice.State.VOID
    again = _action(staff_client, "void", invoices[:1], apply="1", reason="Again")
    assert "is void: it cannot become void" in again.content.decode()
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 1


def test_paying_a_void_invoice_is_refused_in_admin(staff_client, invoices):
    _action(staff_client, "void", invoices[:1], apply="1", reason="Billed twice")

    response = _action(
        staff_client, "record_payment", invoices[:1], apply="1", paid_on=str(date(2026, 3, 11))
    )

    assert "is void: it cannot become paid" in response.content.decode()
    assert Invoice.objects.get(pk=invoices[0].pk).paid_at is None
