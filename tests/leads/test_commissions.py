"""R-COMMISSION: 25% of each paid invoice of an attributed customer, for its lifetime, to
the referral partner or to the expert who passed the lead to the pool; pending for the hold
period, then credited to the beneficiary's balance; once per invoice and beneficiary however
often the job runs; cancelled when the invoice is voided before the credit and clawed back
with a negative commission after it, even once the money was paid out."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leads.models import Attribution, Commission, Lead
from leads.selectors import lifetime_value
from leads.services import partner_join
from leads.services.commissions import commissions_run
from payments.models import AccountKind, Invoice, InvoiceSequence
from payments.selectors.payouts import available_balance
from payments.services.invoices import invoice_pay, invoice_void
from payments.services.ledger import ledger_account
from payments.services.payouts import payout_request
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import (
    OrganizationFactory,
    UserFactory,
    customer,
    expert,
    verified_staff,
)
from tests.leads.helpers import launched, lead_at, planned_work
from timesheets.models import SettledPeriod

pytestmark = pytest.mark.django_db

PAID = datetime(2026, 3, 2, 12, tzinfo=UTC)
_periods = iter(range(500))


def invoice(organization, total, *, issued_at=None):
    """An issued invoice of ``organization`` for ``total``, written as invoice_issue leaves
    one (its issue is tested in payments)."""
    starts_on = date(2024, 1, 1) + timedelta(days=14 * next(_periods))
    period = SettledPeriod.objects.create(starts_on=starts_on, ends_on=starts_on + timedelta(13))
    counter, _ = InvoiceSequence.objects.get_or_create(year=2026)
    counter.last_number += 1
    counter.save()
    return Invoice.objects.create(
        organization=organization,
        period=period,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        year=2026,
        sequence=counter.last_number,
        number=f"2026-{counter.last_number:04d}",
        total=Decimal(total),
        billed_to=organization.name,
        issued_at=issued_at or PAID - timedelta(days=5),
    )


def pay(inv, when=PAID):
    with time_machine.travel(when, tick=False):
        return invoice_pay(actor=verified_staff(), invoice=inv, paid_on=when.date())


def void(inv):
    return invoice_void(actor=verified_staff(), invoice=inv, reason="Billing mistake")


def referred(partner=None):
    partner = partner or partner_join(user=UserFactory())
    organization = OrganizationFactory()
    customer(organization)
    with time_machine.travel(PAID - timedelta(days=30), tick=False):
        Attribution.objects.create(organization=organization, partner=partner)
    return organization, partner


def run(day):
    return commissions_run(now=day)


def test_a_paid_invoice_earns_25_percent_pending_for_the_hold_period():
    organization, partner = referred()
    pay(invoice(organization, "1001.02"))
    run(PAID)
    commission = Commission.objects.get()
    assert commission.beneficiary == partner.user
    assert commission.amount == Decimal("250.26")  # 250.255 rounded half-up, once
    assert commission.state == Commission.State.PENDING
    assert commission.available_on == date(2026, 4, 1)  # paid on 2 March + 30 days
    payable = ledger_account(kind=AccountKind.COMMISSIONS_PAYABLE, expert=partner.user)
    assert payable.balance == Decimal("250.26")
    assert available_balance(partner.user) == Decimal("0.00")
    run(PAID + timedelta(days=29, hours=11))  # 31 March, 23:00: still held
    assert Commission.objects.get().state == Commission.State.PENDING
    run(PAID + timedelta(days=30))
    commission.refresh_from_db()
    assert commission.state == Commission.State.CREDITED
    assert available_balance(partner.user) == Decimal("250.26")
    payable.refresh_from_db()
    assert payable.balance == Decimal("0.00")
    mail = OutboxMessage.objects.get(template="lead_commission_credited")
    assert mail.to == partner.user.email and "$250.26" in mail.subject


def test_one_commission_per_invoice_however_often_the_job_runs():
    organization, partner = referred()
    pay(invoice(organization, "400.00"))
    for _ in range(3):
        run(PAID)
        run(PAID + timedelta(days=31))
    assert Commission.objects.count() == 1
    assert available_balance(partner.user) == Decimal("100.00")
    assert OutboxMessage.objects.filter(template="lead_commission_credited").count() == 1


def test_only_paid_invoices_of_attributed_customers_issued_since_the_attribution():
    organization, partner = referred()
    invoice(organization, "100.00")  # issued, unpaid
    pay(invoice(organization, "100.00", issued_at=PAID - timedelta(days=60)))  # before
    unattributed = OrganizationFactory()
    pay(invoice(unattributed, "100.00"))
    run(PAID)
    assert not Commission.objects.exists()


def test_every_paid_invoice_for_the_customers_lifetime():
    organization, partner = referred()
    for n, total in enumerate(["100.00", "200.00", "300.00"]):
        pay(invoice(organization, total), when=PAID + timedelta(days=200 * n))
    run(PAID + timedelta(days=1000))
    assert sorted(c.amount for c in Commission.objects.all()) == [
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("75.00"),
    ]
    assert available_balance(partner.user) == Decimal("150.00")


def test_lifetime_value_is_the_sum_of_paid_invoices():
    organization, _ = referred()
    pay(invoice(organization, "100.10"))
    pay(invoice(organization, "200.20"))
    invoice(organization, "999.00")  # issued, not paid
    voided = invoice(organization, "50.00")
    pay(voided)
    void(voided)
    assert lifetime_value(organization) == Decimal("300.30")
    assert lifetime_value(OrganizationFactory()) == Decimal("0.00")


def test_the_expert_who_passed_the_lead_to_the_pool_earns_not_the_one_who_kept_it():
    pooler, worker = expert(), expert()
    pooled = planned_work(lead_at(Lead.Stage.PLANNING, expert=pooler, handling=Lead.Handling.POOL))
    kept = planned_work(
        lead_at(Lead.Stage.PLANNING, expert=expert(), company="Kept", contact_email="k@k.example")
    )
    for summary in (pooled, kept):
        Attribution.objects.filter(organization=summary.organization).update(
            created_at=PAID - timedelta(days=30)
        )
    pay(invoice(pooled.organization, "800.00"))
    pay(invoice(kept.organization, "800.00"))
    run(PAID)
    commission = Commission.objects.get()
    assert commission.beneficiary == pooler and commission.amount == Decimal("200.00")
    assert worker != pooler


def test_a_void_before_the_credit_cancels_the_commission():
    organization, partner = referred()
    inv = invoice(organization, "400.00")
    pay(inv)
    run(PAID)
    void(inv)
    run(PAID + timedelta(days=1))
    run(PAID + timedelta(days=40))
    commission = Commission.objects.get()
    assert commission.state == Commission.State.CANCELLED
    assert available_balance(partner.user) == Decimal("0.00")
    payable = ledger_account(kind=AccountKind.COMMISSIONS_PAYABLE, expert=partner.user)
    assert payable.balance == Decimal("0.00")
    assert not OutboxMessage.objects.filter(template="lead_commission_credited").exists()


def test_a_void_after_the_payout_claws_the_commission_back():
    organization, partner = referred()
    first = invoice(organization, "400.00")
    pay(first)
    run(PAID + timedelta(days=30))  # created and credited: $100
    payout_request(expert=partner.user, amount=Decimal("100.00"), bank_details="NL91 0000")
    assert available_balance(partner.user) == Decimal("0.00")
    void(first)
    run(PAID + timedelta(days=31))
    clawback = Commission.objects.get(kind=Commission.Kind.CLAWBACK)
    assert clawback.amount == Decimal("-100.00") and clawback.clawback_of.invoice == first
    # Paid out already: the balance never goes negative, the clawback waits.
    assert clawback.state == Commission.State.PENDING
    assert available_balance(partner.user) == Decimal("0.00")
    run(PAID + timedelta(days=32))
    assert Commission.objects.filter(kind=Commission.Kind.CLAWBACK).count() == 1
    second = invoice(organization, "1000.00", issued_at=PAID + timedelta(days=40))
    pay(second, when=PAID + timedelta(days=41))
    run(PAID + timedelta(days=72))  # the next commission ($250) is credited, then collected
    clawback.refresh_from_db()
    assert clawback.state == Commission.State.CREDITED
    assert available_balance(partner.user) == Decimal("150.00")
    assert OutboxMessage.objects.filter(template="lead_clawback_collected").count() == 1


def test_a_void_after_the_credit_claws_back_from_the_balance_at_once():
    organization, partner = referred()
    inv = invoice(organization, "400.00")
    pay(inv)
    run(PAID + timedelta(days=30))
    void(inv)
    run(PAID + timedelta(days=31))
    run(PAID + timedelta(days=32))
    assert available_balance(partner.user) == Decimal("0.00")
    assert Commission.objects.filter(kind=Commission.Kind.CLAWBACK).count() == 1


def test_the_partner_page_lists_commissions_without_invoice_details(client):
    organization, partner = referred()
    organization.name = "Referred Co"
    organization.save()
    inv = invoice(organization, "400.00")
    pay(inv)
    run(PAID)
    client.force_login(partner.user)
    page = client.get(reverse("leads:partner")).content.decode()
    assert "Referred Co" in page and "$100.00" in page and "Pending" in page
    assert inv.number not in page


def test_the_partner_page_reads_the_same_queries_for_few_and_many_commissions(
    client, django_assert_num_queries
):
    organization, partner = referred()
    pay(invoice(organization, "100.00"))
    run(PAID)
    client.force_login(partner.user)
    url = reverse("leads:partner")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(6):
        other, _ = referred(partner)
        pay(invoice(other, "100.00"))
    run(PAID)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
    assert Commission.objects.count() == 7


def test_a_customer_launched_from_a_pooled_lead_pays_the_expert_who_passed_it():
    """The whole path: pooled lead → planned work → plan → paid invoice → commission."""
    pooler, worker = expert(), expert()
    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=pooler, handling=Lead.Handling.POOL))
    from accounts.services import invitation_accept

    owner = invitation_accept(
        invitation=summary.invitation, first_name="A", last_name="B", password="x-Pass-12345"
    )
    launched(summary, owner=owner, expert=worker)
    later = timezone.now() + timedelta(hours=1)
    pay(invoice(summary.organization, "1000.00", issued_at=later), when=later)
    run(later)
    assert Commission.objects.get().beneficiary == pooler


def test_the_pipeline_shows_each_customers_lifetime_value(client):
    from tests.factories.accounts import login_verified_staff

    summary = planned_work(lead_at(Lead.Stage.PLANNING, expert=expert(), company="Valued Co"))
    pay(invoice(summary.organization, "100.10"))
    pay(invoice(summary.organization, "200.20"))
    invoice(summary.organization, "999.00")  # not paid
    lead_at(Lead.Stage.NEW, expert=expert(), company="No customer yet", contact_email="n@n.example")
    login_verified_staff(client, verified_staff())
    page = client.get(reverse("leads:pipeline"))
    values = [
        cell.strip()
        for cell in re.findall(r'data-testid="lifetime-value">([^<]*)<', page.content.decode())
    ]
    assert sorted(values) == ["$300.30", "—"]
