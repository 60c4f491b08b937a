"""Invoices add up whatever the hours, rates and later payments or voids (Hypothesis): each
invoice's total is the sum of its lines, each line is its hours × rate rounded once, every
billed hour is a settled hour, every ledger transaction sums to zero and ledger_check passes."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.management.commands.ledger_check import balance_mismatches
from payments.models import Invoice, LedgerEntry
from payments.services.invoices import invoice_pay, invoice_void, period_invoice
from softwaresupp.money import money
from tests.factories.accounts import OrganizationFactory, verified_staff
from tests.payments.invoice_helpers import STARTS_ON, billed, customer_rate_from, log, settle
from timesheets.models import TimeEntry

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)

rates = st.integers(min_value=5000, max_value=25000).map(lambda cents: Decimal(cents) / 100)
quarter_hours = st.integers(min_value=1, max_value=40).map(lambda n: Decimal(n) / 4)
work = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # organization
        st.integers(min_value=0, max_value=13),  # day of the period
        quarter_hours,
    ),
    min_size=1,
    max_size=12,
)
assignments = st.lists(
    st.tuples(rates, st.one_of(st.none(), st.tuples(st.integers(1, 13), rates))),
    min_size=1,
    max_size=4,
)
afterwards = st.lists(st.tuples(st.sampled_from(["pay", "void"]), st.integers(0, 5)), max_size=6)


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(assignment_rates=assignments, hours=work, steps=afterwards)
def test_invoices_and_the_ledger_add_up(assignment_rates, hours, steps):
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        organizations = [OrganizationFactory() for _ in range(3)]
        made = []
        for index, (rate, change) in enumerate(assignment_rates):
            assignment = billed(str(rate), organization=organizations[index % 3])
            if change is not None:  # a new customer rate from a day inside the period
                customer_rate_from(assignment, change[1], STARTS_ON + timedelta(days=change[0]))
            made.append(assignment)
        for org_index, day, amount in hours:
            own = [a for a in made if a.organization == organizations[org_index]] or made
            log(own[day % len(own)], (STARTS_ON + timedelta(days=day), str(amount)))
        settle()

        issued = period_invoice(starts_on=STARTS_ON)

        for invoice in issued:
            lines = list(invoice.lines.all())
            assert invoice.total == sum(line.amount for line in lines)
            assert all(line.amount == money(line.hours * line.customer_rate) for line in lines)
            settled = (
                TimeEntry.objects.with_settlement()
                .filter(organization=invoice.organization, settlement_id=invoice.period_id)
                .aggregate(hours=Sum("hours"))["hours"]
            )
            assert sum(line.hours for line in lines) == settled
        assert {i.organization for i in issued} == {a.organization for a in made} & {
            e.organization for e in TimeEntry.objects.all()
        }

        staff = verified_staff()
        for action, pick in steps:
            invoice = issued[pick % len(issued)]
            try:
                if action == "pay":
                    invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11))
                else:
                    invoice_void(actor=staff, invoice=invoice, reason="Property test")
            except ValidationError:
                pass  # a transition the state rules refuse
        per_transaction = LedgerEntry.objects.values("transaction").annotate(total=Sum("amount"))
        assert all(row["total"] == 0 for row in per_transaction)
        assert list(balance_mismatches()) == []
        call_command("ledger_check")
        # Whatever happened, the receivables are what the issued (unpaid, not void) invoices owe.
        open_total = sum(
            (i.total for i in Invoice.objects.filter(state=Invoice.State.ISSUED)), Decimal(0)
        )
        receivables = LedgerEntry.objects.filter(account__kind="customer_receivable")
        assert -(receivables.aggregate(total=Sum("amount"))["total"] or 0) == open_total
        transaction.set_rollback(True)
