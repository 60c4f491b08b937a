"""The customer's billing pages (issue 9, item 6): owners see their organizations' invoices
(list, printable page, PDF) and what this period's hours will cost so far; members, experts
and other tenants get nothing; verified staff see every invoice. Query counts pinned."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from payments.models import Invoice
from tests.factories.accounts import (
    OrganizationFactory,
    StaffFactory,
    customer,
    login_verified_staff,
)
from tests.factories.projects import ProjectFactory
from tests.payments.invoice_helpers import billed, customer_rate_from, invoice_for, log

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
# The pay period holding NOW runs 2 Mar – 15 Mar 2026.
PERIOD_START = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def acme():
    return OrganizationFactory(name="Acme Robotics", billing_email="ap@acme.example")


@pytest.fixture
def owner(acme):
    return customer(acme)


def test_an_owner_sees_their_organizations_invoices_and_no_others(client, acme, owner):
    own = invoice_for(acme, project_name="Robot arm")
    other = invoice_for(OrganizationFactory(name="Globex"), project_name="Shop")
    client.force_login(owner)

    html = client.get(reverse("payments:billing")).content.decode()

    assert own.number in html and "Robot arm" in html and "$150.00" in html
    assert other.number not in html and "Shop" not in html
    assert client.get(reverse("payments:invoice", args=[other.pk])).status_code == 404
    assert client.get(reverse("payments:invoice_pdf", args=[other.pk])).status_code == 404


def test_members_and_experts_do_not_see_invoices(client, acme):
    invoice = invoice_for(acme, project_name="Robot arm")
    member = customer(acme, role=Membership.Role.MEMBER)
    expert = invoice.lines.get().expert

    client.force_login(member)
    html = client.get(reverse("payments:billing")).content.decode()
    assert invoice.number not in html and "owners, who manage billing" in html
    assert client.get(invoice.get_absolute_url()).status_code == 404
    client.force_login(expert)
    assert client.get(invoice.get_absolute_url()).status_code == 404
    assert client.get(reverse("payments:invoice_pdf", args=[invoice.pk])).status_code == 404


def test_verified_staff_see_every_invoice_and_unverified_staff_none(client, acme):
    invoice = invoice_for(acme)
    unverified = StaffFactory()
    client.force_login(unverified)
    assert client.get(invoice.get_absolute_url()).status_code in (302, 404)

    login_verified_staff(client, StaffFactory())
    assert invoice.number in client.get(reverse("payments:billing")).content.decode()
    assert client.get(invoice.get_absolute_url()).status_code == 200


def test_an_owner_without_invoices_is_told_when_they_come(client, owner):
    client.force_login(owner)

    html = client.get(reverse("payments:billing")).content.decode()

    assert "Invoices are issued every two weeks after the period" in html


def test_the_invoice_page_is_printable_with_its_lines_and_total(client, acme, owner):
    invoice = invoice_for(acme, project_name="Robot arm")
    client.force_login(owner)

    html = client.get(invoice.get_absolute_url()).content.decode()

    line = invoice.lines.get()
    assert f"Invoice {invoice.number}" in html and "Robot arm" in html
    assert line.expert.get_full_name() in html and "$60.00/h" in html and "2.50" in html
    assert 'data-testid="invoice-total">$150.00' in html
    assert "css/invoice.css" in html and "data-print" in html
    assert reverse("payments:invoice_pdf", args=[invoice.pk]) in html


def test_the_pdf_download_is_the_invoice(client, acme, owner):
    invoice = invoice_for(acme, project_name="Łódź café – phase 2")
    client.force_login(owner)

    response = client.get(reverse("payments:invoice_pdf", args=[invoice.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF") and invoice.number.encode() in response.content
    assert "no-store" in response["Cache-Control"]


def test_this_periods_hours_so_far_at_each_days_customer_rate(client, acme, owner):
    assignment = billed("60.00", organization=acme, since=date(2026, 1, 1))
    customer_rate_from(assignment, "80.00", date(2026, 3, 9))
    log(assignment, (PERIOD_START, "2"), (date(2026, 3, 9), "1.25"), (date(2026, 2, 27), "8"))
    unpriced = billed("60.00", project=ProjectFactory(organization=acme, name="No rate yet"))
    unpriced.rates.all().delete()
    log(unpriced, (PERIOD_START, "1.5"))
    client.force_login(owner)

    html = client.get(reverse("payments:billing")).content.decode()

    # 2 h × $60 + 1.25 h × $80; the hours before the period are not counted.
    assert "Acme Robotics: this period's hours will cost" in html
    assert 'data-testid="period-total">$220.00' in html
    assert "1.50 h not priced yet" in html
    assert "2 Mar – 15 Mar 2026" in html


def test_other_organizations_hours_are_not_in_the_estimate(client, acme, owner):
    log(billed("90.00"), (PERIOD_START, "3"))  # another organization's hours
    client.force_login(owner)

    html = client.get(reverse("payments:billing")).content.decode()

    assert "No hours logged in this period yet." in html and "$270.00" not in html


def _grow_invoices(organization, count):
    for n in range(count):
        starts_on = date(2025, 1, 6) + timedelta(days=14 * (n + 1))
        invoice_for(organization, project_name=f"Project {n}", starts_on=starts_on)


def test_the_invoice_list_costs_the_same_queries_for_1_and_7_invoices(
    client, acme, owner, django_assert_num_queries
):
    invoice_for(acme)
    log(billed("60.00", organization=acme), (PERIOD_START, "1"))
    client.force_login(owner)
    url = reverse("payments:billing")
    client.get(url)  # the session and content types are warm from here on
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    queries = len(small)

    _grow_invoices(acme, 6)
    log(billed("70.00", organization=acme), (PERIOD_START, "2"))
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count("/billing/invoices/") == 7
    assert "$60.00" in response.content.decode() and queries == 11


def test_the_invoice_page_costs_the_same_queries_for_1_and_8_lines(
    client, acme, owner, django_assert_num_queries
):
    invoice = invoice_for(acme)
    client.force_login(owner)
    url = invoice.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    page_queries = len(small)  # read now: the next request resets the query log
    pdf_url = reverse("payments:invoice_pdf", args=[invoice.pk])
    client.get(pdf_url)
    with CaptureQueriesContext(connection) as small_pdf:
        client.get(pdf_url)
    pdf_queries = len(small_pdf)

    from payments.models import InvoiceLine

    line = invoice.lines.get()
    for n in range(7):
        other = billed("60.00", project=ProjectFactory(organization=acme, name=f"P{n}"))
        InvoiceLine.objects.create(
            invoice=invoice,
            project=other.project,
            expert=other.expert,
            hours=line.hours,
            customer_rate=line.customer_rate,
            amount=line.amount,
        )
    with django_assert_num_queries(page_queries):
        response = client.get(url)
    assert response.content.decode().count("$60.00/h") == 8
    with django_assert_num_queries(pdf_queries):
        assert client.get(pdf_url).status_code == 200
    assert (page_queries, pdf_queries) == (5, 4)


def test_a_budgeted_project_shows_its_cost_so_far_against_the_budget(client, acme, owner):
    invoiced = invoice_for(acme, project_name="Budgeted")  # one $150.00 line
    project = invoiced.lines.get().project
    project.budget = Decimal("1000.00")
    project.save(update_fields=["budget"])
    assignment = billed("60.00", project=project, since=date(2026, 1, 1))
    log(assignment, (PERIOD_START, "2"))  # $120.00 this period
    client.force_login(owner)

    html = client.get(reverse("payments:billing")).content.decode()

    # $150.00 invoiced + $120.00 so far this period.
    assert "$270.00 of $1000.00 (27%)" in html
    assert 'value="27" max="100"' in html

    Invoice.objects.filter(pk=invoiced.pk).update(
        state=Invoice.State.VOID, voided_at=NOW, void_reason="Sent twice"
    )
    html = client.get(reverse("payments:billing")).content.decode()
    assert "$120.00 of $1000.00 (12%)" in html  # a void invoice costs nothing
