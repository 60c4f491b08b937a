"""Billable work for the invoice tests: an expert assigned to a project with an expert rate
and a customer rate, hours logged, the period settled."""

from datetime import date, timedelta
from decimal import Decimal

from payments.models import AssignmentRate, ExpertRate
from payments.services.settlement import period_settle
from tests.factories.accounts import OrganizationFactory, expert
from tests.factories.projects import AssignmentFactory, ProjectFactory, TaskFactory
from tests.factories.timesheets import TimeEntryFactory

# The anchor (settings) is Monday 5 Jan 2026; the third period runs 2 Feb – 15 Feb.
STARTS_ON = date(2026, 2, 2)
SINCE = date(2026, 1, 1)


def billed(customer_rate="60.00", *, organization=None, project=None, person=None, since=SINCE):
    """An assignment billed at ``customer_rate`` from ``since`` (its expert earns $40)."""
    if person is None:
        person = expert()
        ExpertRate.objects.create(expert=person, hourly_rate=Decimal("40.00"), effective_from=SINCE)
    project = project or ProjectFactory(organization=organization or OrganizationFactory())
    assignment = AssignmentFactory(project=project, expert=person, starts_on=since)
    customer_rate_from(assignment, customer_rate, since)
    return assignment


def customer_rate_from(assignment, rate, day):
    """A customer rate row as the rate service leaves it (its checks are tested elsewhere)."""
    return AssignmentRate.objects.create(
        assignment=assignment,
        customer_rate=Decimal(rate),
        effective_from=day,
        minimum_rate=Decimal("50.00"),
        expert_rate=Decimal("40.00"),
    )


def log(assignment, *hours_by_day):
    task = TaskFactory(project=assignment.project, organization=assignment.organization)
    for day, hours in hours_by_day:
        TimeEntryFactory(expert=assignment.expert, task=task, day=day, hours=Decimal(hours))
    return task


def settle(starts_on=STARTS_ON):
    return period_settle(starts_on=starts_on)


def invoice_for(organization, *, project_name="Invoiced project", starts_on=date(2025, 1, 6)):
    """An issued invoice of ``organization`` with one line, written directly (for pages):
    a period long settled, so no other test's hours fall in it."""
    from payments.models import Invoice, InvoiceLine, InvoiceSequence
    from timesheets.models import SettledPeriod

    period = SettledPeriod.objects.filter(starts_on=starts_on).first()
    period = period or SettledPeriod.objects.create(
        starts_on=starts_on, ends_on=starts_on + timedelta(days=13)
    )
    counter, _ = InvoiceSequence.objects.get_or_create(year=2025)
    counter.last_number += 1
    counter.save()
    assignment = billed(
        project=ProjectFactory(organization=organization, name=project_name), since=starts_on
    )
    invoice = Invoice.objects.create(
        organization=organization,
        period=period,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        year=2025,
        sequence=counter.last_number,
        number=f"2025-{counter.last_number:04d}",
        total=Decimal("150.00"),
        billed_to=organization.name,
        billing_email=organization.billing_email,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        project=assignment.project,
        expert=assignment.expert,
        hours=Decimal("2.50"),
        customer_rate=Decimal("60.00"),
        amount=Decimal("150.00"),
    )
    return invoice
