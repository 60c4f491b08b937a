"""Customer invoices (issue 9, item 4): per organization and settled period, lines per
project, expert and customer rate, rounded once per line, a gapless number per year, issued
exactly once, issued → paid or void, in the ledger and by email."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Sum

from payments.invoice_tasks import invoices_run_task
from payments.management.commands.ledger_check import balance_mismatches
from payments.models import (
    Account,
    AccountKind,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    LedgerEntry,
    LedgerTransaction,
)
from payments.services.invoices import (
    invoice_issue,
    invoice_pay,
    invoice_void,
    invoices_run,
    line_amount,
    period_invoice,
)
from softwaresupp.events import event_list_for
from softwaresupp.models import OutboxMessage
from softwaresupp.schedule import BEAT_SCHEDULE
from tests.factories.accounts import OrganizationFactory, StaffFactory, customer, verified_staff
from tests.payments.invoice_helpers import STARTS_ON, billed, customer_rate_from, log, settle

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
MONDAY, FRIDAY, NEXT_MONDAY = STARTS_ON, date(2026, 2, 6), date(2026, 2, 9)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff():
    return verified_staff()


def receivable(organization) -> Decimal:
    return Account.objects.get(
        kind=AccountKind.CUSTOMER_RECEIVABLE, organization=organization
    ).balance


def invoiced(assignment) -> Invoice:
    settle()
    (invoice,) = period_invoice(starts_on=STARTS_ON)
    assert invoice.organization == assignment.organization
    return invoice


# --- rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "rate", "amount"),
    [
        (Decimal("0.25"), "27.50", "6.88"),  # 15 minutes at $27.50 = 6.875, half-up
        (Decimal("0.25") + Decimal("0.25"), "27.50", "13.75"),  # 2 × 15 minutes, one rounding
        (Decimal("0.50"), "27.50", "13.75"),  # 1 × 30 minutes: the same
        (Decimal(5) / Decimal(60), "60.00", "5.00"),  # 5 minutes at $60
    ],
)
def test_a_line_is_rounded_half_up_to_cents_once(hours, rate, amount):
    assert line_amount(hours, Decimal(rate)) == Decimal(amount)


def test_two_quarter_hours_and_one_half_hour_cost_the_same_on_an_invoice():
    # $52.50 × 0.25 = 13.125: rounded per entry, two entries would make 26.26, not 26.25.
    twice = billed("52.50")
    log(twice, (MONDAY, "0.25"), (FRIDAY, "0.25"))
    once = billed("52.50")
    log(once, (MONDAY, "0.50"))
    settle()

    period_invoice(starts_on=STARTS_ON)

    assert [i.total for i in Invoice.objects.order_by("number")] == [Decimal("26.25")] * 2


# --- issuing -----------------------------------------------------------------------------


def test_lines_per_project_expert_and_rate_at_the_rate_of_each_day():
    organization = OrganizationFactory(billing_email="ap@acme.example")
    first = billed("60.00", organization=organization)
    customer_rate_from(first, "80.00", NEXT_MONDAY)  # a raise in the middle of the period
    second = billed("100.00", project=first.project)
    other_project = billed("55.00", organization=organization)
    log(first, (MONDAY, "2"), (FRIDAY, "1.25"), (NEXT_MONDAY, "3"))
    log(second, (FRIDAY, "1.5"))
    log(other_project, (NEXT_MONDAY, "0.75"))

    invoice = invoiced(first)

    lines = {(line.expert, line.customer_rate): line for line in invoice.lines.all()}
    assert len(lines) == 4
    assert lines[(first.expert, Decimal("60.00"))].hours == Decimal("3.25")
    assert lines[(first.expert, Decimal("60.00"))].amount == Decimal("195.00")
    assert lines[(first.expert, Decimal("80.00"))].amount == Decimal("240.00")
    assert lines[(second.expert, Decimal("100.00"))].amount == Decimal("150.00")
    assert lines[(other_project.expert, Decimal("55.00"))].amount == Decimal("41.25")
    assert invoice.total == Decimal("626.25") == sum(line.amount for line in lines.values())
    assert (invoice.starts_on, invoice.ends_on) == (STARTS_ON, date(2026, 2, 15))
    assert invoice.billing_email == "ap@acme.example"
    assert invoice.billed_to == organization.name
    assert invoice.state == Invoice.State.ISSUED and invoice.number == "2026-0001"


def test_only_the_hours_the_settlement_locked_are_billed():
    assignment = billed()
    log(assignment, (MONDAY, "2"), (STARTS_ON - timedelta(days=1), "5"), (date(2026, 2, 16), "7"))

    invoice = invoiced(assignment)

    assert invoice.total == Decimal("120.00")


def test_issuing_posts_the_receivable_against_revenue_and_the_ledger_checks():
    assignment = billed("60.00")
    log(assignment, (MONDAY, "2"))

    invoice = invoiced(assignment)

    posting = LedgerTransaction.objects.get(idempotency_key=f"invoice:{invoice.pk}:issued")
    assert posting.source == invoice
    assert posting.entries.aggregate(total=Sum("amount"))["total"] == 0
    assert receivable(invoice.organization) == Decimal("-120.00")
    # The settlement debited $80 (the expert's $40 × 2 h); the invoice credits $120.
    revenue = Account.objects.get(kind=AccountKind.PLATFORM_REVENUE)
    assert revenue.balance == Decimal("40.00")
    assert list(balance_mismatches()) == []
    call_command("ledger_check")


def test_the_billing_address_is_emailed_once_with_the_invoice_link():
    organization = OrganizationFactory(billing_email="ap@acme.example")
    assignment = billed(organization=organization)
    customer(organization)
    log(assignment, (MONDAY, "1"))

    invoice = invoiced(assignment)
    period_invoice(starts_on=STARTS_ON)
    invoices_run()

    (message,) = OutboxMessage.objects.filter(template="invoice_issued")
    assert message.to == "ap@acme.example"
    assert invoice.number in message.subject and "$60.00" in message.subject
    assert f"/billing/invoices/{invoice.pk}/" in message.text


def test_without_a_billing_address_the_owners_are_emailed():
    assignment = billed(organization=OrganizationFactory(billing_email=""))
    owner = customer(assignment.organization)
    customer(assignment.organization, role="member")
    log(assignment, (MONDAY, "1"))

    invoiced(assignment)

    assert list(
        OutboxMessage.objects.values_list("to", flat=True).filter(template="invoice_issued")
    ) == [owner.email]


def test_an_event_records_the_issue():
    assignment = billed()
    log(assignment, (MONDAY, "1"))

    invoice = invoiced(assignment)

    (event,) = event_list_for(invoice)
    assert event.verb == "invoice issued" and event.organization == invoice.organization


def test_a_customer_rate_change_after_issuing_leaves_the_invoice_unchanged():
    assignment = billed("60.00")
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    customer_rate_from(assignment, "90.00", date(2026, 3, 11))
    period_invoice(starts_on=STARTS_ON)

    invoice.refresh_from_db()
    assert invoice.total == Decimal("120.00")
    assert list(invoice.lines.values_list("customer_rate", "amount")) == [
        (Decimal("60.00"), Decimal("120.00"))
    ]


# --- exactly once and catching up ------------------------------------------------------


def test_a_second_run_or_a_late_one_issues_nothing_more():
    first, second = billed(), billed()
    log(first, (MONDAY, "1"))
    log(second, (MONDAY, "2"))
    settle()

    assert len(period_invoice(starts_on=STARTS_ON)) == 2
    assert period_invoice(starts_on=STARTS_ON) == []
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        assert invoices_run() == 0
    assert Invoice.objects.count() == 2
    assert InvoiceSequence.objects.get(year=2026).last_number == 2
    assert LedgerTransaction.objects.filter(idempotency_key__startswith="invoice:").count() == 2


def test_issuing_an_invoiced_organization_again_returns_its_invoice():
    assignment = billed()
    log(assignment, (MONDAY, "1"))
    invoice = invoiced(assignment)

    again = invoice_issue(organization=invoice.organization, period=invoice.period)

    assert again == invoice and Invoice.objects.count() == 1


def test_the_daily_job_catches_up_every_settled_period_oldest_first():
    assignment = billed()
    log(assignment, (MONDAY, "1"), (date(2026, 2, 16), "2"))
    settle()
    settle(date(2026, 2, 16))

    assert invoices_run_task() == 2
    assert invoices_run_task() == 0
    numbers = dict(Invoice.objects.values_list("starts_on", "number"))
    assert numbers == {STARTS_ON: "2026-0001", date(2026, 2, 16): "2026-0002"}


def test_the_job_is_scheduled_daily_after_the_settlement():
    entry = BEAT_SCHEDULE["invoices-run"]
    assert entry["task"] == "payments.invoice_tasks.invoices_run_task"
    settlement = BEAT_SCHEDULE["settlements-run"]["schedule"]
    assert entry["schedule"].hour == settlement.hour
    assert min(entry["schedule"].minute) > max(settlement.minute)


def test_an_unsettled_period_is_not_invoiced():
    with pytest.raises(ValidationError, match="not settled"):
        period_invoice(starts_on=STARTS_ON)


def test_hours_without_a_customer_rate_hold_back_only_their_organization():
    priced, unpriced = billed(), billed()
    unpriced.rates.all().delete()
    log(priced, (MONDAY, "1"))
    log(unpriced, (MONDAY, "2"))
    settle()

    (invoice,) = period_invoice(starts_on=STARTS_ON)
    assert invoice.organization == priced.organization
    period_invoice(starts_on=STARTS_ON)  # the next day's run: staff are not told twice
    (alert,) = OutboxMessage.objects.filter(template="invoice_held")
    assert unpriced.organization.name in alert.subject and "no customer rate" in alert.text

    customer_rate_from(unpriced, "70.00", unpriced.starts_on)  # the first rate may start then
    (late,) = period_invoice(starts_on=STARTS_ON)
    assert late.organization == unpriced.organization and late.total == Decimal("140.00")
    assert late.number == "2026-0002"


# --- numbers ---------------------------------------------------------------------------


def test_numbers_are_gapless_within_a_year_and_restart_with_the_next():
    for _ in range(3):
        log(billed(), (MONDAY, "1"))
    settle()
    period_invoice(starts_on=STARTS_ON)
    late_in_the_year = billed()
    log(late_in_the_year, (date(2026, 12, 7), "1"), (date(2026, 12, 21), "1"))
    with time_machine.travel(datetime(2026, 12, 31, 23, 0, tzinfo=UTC), tick=False):
        settle(date(2026, 12, 7))
        (december,) = period_invoice(starts_on=date(2026, 12, 7))
    with time_machine.travel(datetime(2027, 1, 6, 2, 17, tzinfo=UTC), tick=False):
        settle(date(2026, 12, 21))
        (january,) = period_invoice(starts_on=date(2026, 12, 21))

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["2026-0001", "2026-0002", "2026-0003", "2026-0004", "2027-0001"]
    assert (december.number, january.number) == ("2026-0004", "2027-0001")


def test_a_rolled_back_issue_gives_its_number_back(monkeypatch):
    from payments.services import invoices as service

    first, second = billed(), billed()
    log(first, (MONDAY, "1"))
    log(second, (MONDAY, "1"))
    settle()
    real = service._email

    def fail_once(invoice, step, **context):
        if invoice.organization == first.organization and not getattr(fail_once, "done", 0):
            fail_once.done = 1
            raise ValidationError("The mail template is broken.")
        return real(invoice, step, **context)

    monkeypatch.setattr(service, "_email", fail_once)
    (issued,) = period_invoice(starts_on=STARTS_ON)
    assert issued.number == "2026-0001" and issued.organization == second.organization
    (later,) = period_invoice(starts_on=STARTS_ON)
    assert later.number == "2026-0002" and later.organization == first.organization


# --- paid and void ---------------------------------------------------------------------


def test_staff_record_a_payment_into_platform_cash(staff):
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    paid = invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11), reference=" TX-1 ")

    assert paid.state == Invoice.State.PAID and paid.paid_at == NOW
    assert (paid.paid_on, paid.payment_reference) == (date(2026, 3, 11), "TX-1")
    assert receivable(invoice.organization) == 0
    cash = Account.objects.get(kind=AccountKind.PLATFORM_CASH)
    assert cash.balance == Decimal("-120.00")
    assert event_list_for(invoice).first().verb == "invoice paid"
    assert OutboxMessage.objects.filter(template="invoice_paid").count() == 1
    call_command("ledger_check")


def test_a_payment_is_recorded_once_and_arrives_between_the_issue_and_today(staff):
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    with pytest.raises(ValidationError, match="before the invoice"):
        invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 10))
    with pytest.raises(ValidationError, match="today or earlier"):
        invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 12))
    invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11))
    with pytest.raises(ValidationError, match="is paid: it cannot become paid"):
        invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11))
    assert LedgerTransaction.objects.filter(idempotency_key__endswith=":paid").count() == 1


def test_voiding_an_issued_invoice_reverses_its_posting(staff):
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    void = invoice_void(actor=staff, invoice=invoice, reason="Billed twice")

    assert void.state == Invoice.State.VOID and void.void_reason == "Billed twice"
    assert receivable(invoice.organization) == 0
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 1
    message = OutboxMessage.objects.get(template="invoice_voided")
    assert "Billed twice" in message.text and "returned" not in message.text
    call_command("ledger_check")


def test_voiding_a_paid_invoice_reverses_the_payment_too(staff):
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)
    invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11))

    void = invoice_void(actor=staff, invoice=invoice, reason="Refunded")

    assert void.state == Invoice.State.VOID and void.paid_at is not None
    assert receivable(invoice.organization) == 0
    assert Account.objects.get(kind=AccountKind.PLATFORM_CASH).balance == 0
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 2
    assert [e.verb for e in event_list_for(invoice)] == [
        "invoice voided",
        "invoice paid",
        "invoice issued",
    ]
    assert "returned" in OutboxMessage.objects.get(template="invoice_voided").text
    call_command("ledger_check")


def test_void_is_final_and_needs_a_reason(staff):
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    with pytest.raises(ValidationError, match="Say why"):
        invoice_void(actor=staff, invoice=invoice, reason="  ")
    invoice_void(actor=staff, invoice=invoice, reason="Wrong rate")
    with pytest.raises(ValidationError, match="is void: it cannot become void"):
        invoice_void(actor=staff, invoice=invoice, reason="Again")
    with pytest.raises(ValidationError, match="is void: it cannot become paid"):
        invoice_pay(actor=staff, invoice=invoice, paid_on=date(2026, 3, 11))
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 1


def test_only_verified_staff_record_payments_or_void():
    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)
    owner = customer(invoice.organization)

    for actor in (owner, StaffFactory()):  # a customer; staff without an MFA-verified session
        with pytest.raises(PermissionDenied):
            invoice_pay(actor=actor, invoice=invoice, paid_on=date(2026, 3, 11))
        with pytest.raises(PermissionDenied):
            invoice_void(actor=actor, invoice=invoice, reason="No")
    invoice.refresh_from_db()
    assert invoice.state == Invoice.State.ISSUED


def test_the_database_holds_each_state_to_its_stamps():
    from django.db import IntegrityError, transaction

    assignment = billed()
    log(assignment, (MONDAY, "2"))
    invoice = invoiced(assignment)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(state=Invoice.State.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=invoice,
            project=assignment.project,
            expert=assignment.expert,
            hours=Decimal("0"),
            customer_rate=Decimal("60.00"),
            amount=Decimal("0"),
        )
    assert LedgerEntry.objects.count() == 4  # settlement's two, the invoice's two
