"""Invoicing under concurrency (PostgreSQL, threads behind a barrier: tests/races.py): two
workers invoicing one period issue each invoice once, and two issues at once never share
or skip a number, even for the year's first number."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from payments.models import Invoice, InvoiceSequence, LedgerTransaction, Settlement
from payments.services.invoices import invoice_issue, period_invoice
from softwaresupp.models import OutboxMessage
from tests.payments.invoice_helpers import STARTS_ON, billed, log, settle
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
NEXT_PERIOD = date(2026, 2, 16)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_two_workers_invoicing_one_period_issue_each_invoice_once():
    for hours in ("1", "2", "3"):
        log(billed("60.00"), (STARTS_ON, hours))
    settle()

    outcomes = race(
        lambda: period_invoice(starts_on=STARTS_ON), lambda: period_invoice(starts_on=STARTS_ON)
    )

    assert all(isinstance(outcome, list) for outcome in outcomes), outcomes
    assert sorted(len(outcome) for outcome in outcomes) == [0, 3]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "2026-0001",
        "2026-0002",
        "2026-0003",
    ]
    assert InvoiceSequence.objects.get(year=2026).last_number == 3
    assert sorted(Invoice.objects.values_list("total", flat=True)) == [
        Decimal("60.00"),
        Decimal("120.00"),
        Decimal("180.00"),
    ]
    assert LedgerTransaction.objects.filter(idempotency_key__startswith="invoice:").count() == 3
    assert OutboxMessage.objects.filter(template="invoice_issued").count() == 3
    call_command("ledger_check")


def test_two_issues_at_once_take_consecutive_numbers_from_the_years_first():
    first, second = billed("60.00"), billed("70.00")
    log(first, (STARTS_ON, "1"))
    log(second, (NEXT_PERIOD, "1"))
    settle()
    settle(NEXT_PERIOD)
    periods = {s.starts_on: s.period for s in Settlement.objects.select_related("period")}
    assert not InvoiceSequence.objects.exists()

    outcomes = race(
        lambda: invoice_issue(organization=first.organization, period=periods[STARTS_ON]),
        lambda: invoice_issue(organization=second.organization, period=periods[NEXT_PERIOD]),
    )

    assert all(isinstance(outcome, Invoice) for outcome in outcomes), outcomes
    assert sorted(outcome.number for outcome in outcomes) == ["2026-0001", "2026-0002"]
    assert InvoiceSequence.objects.get(year=2026).last_number == 2
