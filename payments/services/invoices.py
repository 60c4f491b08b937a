"""Customer invoices (issue 9, item 4; R-SETTLE: "customers are invoiced for the same hours at
the customer rate").

For a settled period, each organization with hours in it is invoiced once: the period's time
entries (exactly those the settlement locked) grouped per project and expert, each day's hours
at the customer rate in force that day on the expert's assignment. One line per project,
expert and rate (a rate change within the period gives two lines).

Rounding: a line's amount is ``money(hours × customer_rate)``, rounded half-up to cents ONCE
per line, never per entry or day (15 minutes at $27.50 is $6.88; 2 × 15 minutes and 30 minutes
on one line give the same $13.75). The invoice total is the sum of its lines, unrounded again.

Exactly once: each organization's invoice is written in its own transaction under a row lock
on the settled period (so two workers issuing the same period take turns and the second finds
the first's invoice), and (organization, period) is unique. Numbers come from the year's
``InvoiceSequence`` row, locked in that same transaction: gapless, never repeated.

Ledger (sign convention of ``payments.models.ledger``, where revenue is credited with a
positive amount, as settlement debits it with a negative one): issuing posts the receivable of
the organization −total and platform revenue +total (key ``invoice:<id>:issued``); a payment
posts the receivable +total and platform cash −total (``invoice:<id>:paid``); voiding reverses
each of those once (``…:void`` and ``…:payment-void``). A paid invoice can still be voided (a
refund or a billing mistake found later): its payment is reversed too, and commissions built
on it are cancelled or clawed back by the leads app from the ``invoice voided`` event and
state.
"""

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Membership, Organization, User
from payments.models import (
    AccountKind,
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    LedgerTransaction,
    Settlement,
    SettlementLine,
)
from payments.models.invoices import InvoiceState, invoice_number
from payments.selectors.invoices import priced_days
from payments.services.ledger import ledger_account, ledger_post, ledger_reverse
from softwaresupp.events import event_record
from softwaresupp.money import money
from softwaresupp.notifications import absolute_url, notify
from timesheets.models import SettledPeriod, TimeEntry

logger = logging.getLogger(__name__)

# {(project_id, expert_id): {customer_rate: hours}}
HoursByRate = dict[tuple[int, int], dict[Decimal, Decimal]]


def line_amount(hours: Decimal, rate: Decimal) -> Decimal:
    """The one rounding of an invoice line (see the module docstring)."""
    return money(hours * rate)


def _issue_key(invoice: Invoice) -> str:
    return f"invoice:{invoice.pk}:issued"


def _payment_key(invoice: Invoice) -> str:
    return f"invoice:{invoice.pk}:paid"


def billable_hours(period: SettledPeriod, organization_ids=None) -> dict[int, HoursByRate]:
    """``{organization_id: {(project_id, expert_id): {rate: hours}}}`` of the period's settled
    entries, each day at the customer rate of the assignment covering it. A fixed number of
    queries whatever the number of entries, organizations or lines."""
    # The period's hours: every entry on its days (locked by the period, R-TIMESHEET).
    entries = TimeEntry.objects.filter(day__gte=period.starts_on, day__lte=period.ends_on)
    if organization_ids is not None:
        entries = entries.filter(organization_id__in=organization_ids)
    billed: dict[int, HoursByRate] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for row in priced_days(entries, period.starts_on, period.ends_on):
        if row["rate"] is None:
            raise ValidationError(
                f"Project #{row['project_id']}, expert #{row['expert_id']}: no customer rate "
                f"on {row['day']}. Set the assignment's rate (the first may start with the "
                "assignment), then invoice again."
            )
        by_line = billed[row["organization_id"]][(row["project_id"], row["expert_id"])]
        by_line[row["rate"]] += row["hours"]
    return billed


def _next_number(year: int) -> tuple[int, str]:
    """The year's next number under a lock on its counter row: a concurrent issue waits for
    this transaction, and a rollback returns the number."""
    # Opened once per year; ``ignore_conflicts`` lets two first issues of a year both go on.
    InvoiceSequence.objects.bulk_create([InvoiceSequence(year=year)], ignore_conflicts=True)
    counter = InvoiceSequence.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, invoice_number(year, counter.last_number)


def billing_recipients(organization: Organization) -> list:
    """The organization's billing address, or its owners while it has none."""
    if organization.billing_email:
        return [organization.billing_email]
    owners = Membership.objects.filter(organization=organization, role=Membership.Role.OWNER)
    return [m.user for m in owners.select_related("user").order_by("user_id")]


def _email(invoice: Invoice, step: str, **context) -> None:
    notify(
        template=f"invoice_{step}",
        recipients=billing_recipients(invoice.organization),
        context={
            "invoice": invoice,
            "invoice_url": absolute_url(invoice.get_absolute_url()),
            **context,
        },
        key=f"invoice_{step}:{invoice.pk}",
    )


def _lock_period(period: SettledPeriod) -> None:
    # NO KEY UPDATE: it serialises issuing within the period without blocking the inserts
    # that merely reference the row.
    SettledPeriod.objects.select_for_update(no_key=True).filter(pk=period.pk).first()


def invoice_issue(
    *, organization: Organization, period: SettledPeriod, hours: HoursByRate | None = None
) -> Invoice:
    """Invoice ``organization`` for its hours in the settled ``period``, or return the
    invoice it already has for it, unchanged. ``hours`` (from ``billable_hours``) may be
    computed beforehand for many organizations at once: settled entries no longer change."""
    return _issue(organization, period, hours)[0]


@transaction.atomic
def _issue(organization, period, hours) -> tuple[Invoice, bool]:
    """``(invoice, whether it was issued now)``; see ``invoice_issue``."""
    _lock_period(period)
    existing = Invoice.objects.filter(organization=organization, period=period).first()
    if existing is not None:
        return existing, False
    if hours is None:
        hours = billable_hours(period, [organization.pk]).get(organization.pk, {})
    if not hours:
        raise ValidationError(f"{organization} has no settled hours in {period}.")
    now = timezone.now()
    year = timezone.localdate(now).year
    sequence, number = _next_number(year)
    lines = [
        InvoiceLine(
            project_id=project_id,
            expert_id=expert_id,
            hours=line_hours,
            customer_rate=rate,
            amount=line_amount(line_hours, rate),
        )
        for (project_id, expert_id), by_rate in sorted(hours.items())
        for rate, line_hours in sorted(by_rate.items())
    ]
    invoice = Invoice(
        organization=organization,
        period=period,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        year=year,
        sequence=sequence,
        number=number,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        billed_to=organization.name,
        billing_email=organization.billing_email,
        issued_at=now,
    )
    invoice.full_clean(validate_constraints=False)  # the database checks them at insert
    invoice.save()
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    if invoice.total:
        ledger_post(
            key=_issue_key(invoice),
            lines=[
                (
                    ledger_account(kind=AccountKind.CUSTOMER_RECEIVABLE, organization=organization),
                    -invoice.total,
                ),
                (ledger_account(kind=AccountKind.PLATFORM_REVENUE), invoice.total),
            ],
            source=invoice,
            memo=f"Invoice {invoice.number} issued",
        )
    event_record(
        actor=None,
        target=invoice,
        verb="invoice issued",
        organization=organization,
        changes={"state": (None, InvoiceState.ISSUED)},
    )
    _email(invoice, "issued")
    return invoice, True


def _uninvoiced(settlement: Settlement):
    """Organizations with settled hours in the period and no invoice for it yet (read from
    the settlement's lines, one per expert and project, rather than from every entry)."""
    invoiced = Invoice.objects.filter(organization=OuterRef("pk"), period=settlement.period_id)
    with_hours = SettlementLine.objects.filter(settlement=settlement).values(
        "project__organization_id"
    )
    return Organization.objects.filter(pk__in=with_hours).exclude(Exists(invoiced)).order_by("pk")


def period_invoice(*, starts_on: date) -> list[Invoice]:
    """Invoice every organization with settled hours in the period starting ``starts_on``
    that has no invoice for it yet; returns the invoices issued now. Run twice or late, it
    issues nothing more. An organization whose hours lack a customer rate is skipped (and
    logged, staff alerted once) and invoiced by a later run once the rate is set; the others
    go ahead."""
    settlement = Settlement.objects.select_related("period").filter(starts_on=starts_on).first()
    if settlement is None:
        raise ValidationError(f"The period starting {starts_on} is not settled yet.")
    period = settlement.period
    organizations = list(_uninvoiced(settlement))
    if not organizations:
        return []
    try:
        billed = billable_hours(period, [o.pk for o in organizations])
    except ValidationError:
        billed = None  # one organization lacks a rate: price each on its own below
    issued = []
    for organization in organizations:
        try:
            hours = billed.get(organization.pk) if billed is not None else None
            invoice, issued_now = _issue(organization, period, hours)
        except ValidationError as error:
            logger.warning("Invoice for %s, %s not issued: %s", organization, period, error)
            _alert_held(organization, period, error)
            continue
        if issued_now:  # not by another worker since the organizations were read
            issued.append(invoice)
    return issued


def _alert_held(organization: Organization, period: SettledPeriod, error) -> None:
    """Staff learn once (the key) that an organization's hours wait for a customer rate:
    unbilled hours are money not yet asked for."""
    notify(
        template="invoice_held",
        recipients=[settings.STAFF_ALERT_EMAIL] if settings.STAFF_ALERT_EMAIL else [],
        context={
            "organization": organization,
            "period": period,
            "reason": " ".join(error.messages),
            "admin_url": absolute_url("/admin/payments/assignmentrate/"),
        },
        key=f"invoice_held:{organization.pk}:{period.pk}",
    )


def invoices_run() -> int:
    """The daily job: invoice every settled period's uninvoiced organizations, oldest period
    first (a catch-up: a missed run is made good, a repeated one issues nothing); returns
    how many invoices it issued."""
    invoiced = Invoice.objects.filter(
        period_id=OuterRef("settlement__period_id"),
        organization_id=OuterRef("project__organization_id"),
    )
    uninvoiced = SettlementLine.objects.filter(settlement=OuterRef("pk")).exclude(Exists(invoiced))
    due = Settlement.objects.filter(Exists(uninvoiced)).order_by("starts_on")
    return sum(len(period_invoice(starts_on=s)) for s in due.values_list("starts_on", flat=True))


def _lock(actor: User, invoice: Invoice, to: str) -> Invoice:
    if not actor.sees_everything:
        raise PermissionDenied("Only staff, signed in with two-factor authentication, do that.")
    invoice = Invoice.objects.select_for_update().select_related("organization").get(pk=invoice.pk)
    if not invoice.can_become(to):
        raise ValidationError(
            f"Invoice {invoice.number} is {invoice.get_state_display().lower()}: "
            f"it cannot become {InvoiceState(to).label.lower()}."
        )
    return invoice


@transaction.atomic
def invoice_pay(*, actor: User, invoice: Invoice, paid_on: date, reference: str = "") -> Invoice:
    """Staff record the customer's payment: the receivable is settled into platform cash.
    A paid invoice is what commissions build on (R-COMMISSION)."""
    invoice = _lock(actor, invoice, InvoiceState.PAID)
    if paid_on is None or paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "Enter the day the money arrived, today or earlier."})
    if paid_on < invoice.issued_at.date():
        raise ValidationError({"paid_on": "The payment cannot arrive before the invoice."})
    invoice.state, invoice.paid_at = InvoiceState.PAID, timezone.now()
    invoice.paid_on, invoice.payment_reference = paid_on, reference.strip()[:200]
    invoice.full_clean(validate_constraints=False)
    invoice.save(update_fields=["state", "paid_at", "paid_on", "payment_reference"])
    if invoice.total:
        ledger_post(
            key=_payment_key(invoice),
            lines=[
                (
                    ledger_account(
                        kind=AccountKind.CUSTOMER_RECEIVABLE, organization=invoice.organization
                    ),
                    invoice.total,
                ),
                (ledger_account(kind=AccountKind.PLATFORM_CASH), -invoice.total),
            ],
            source=invoice,
            memo=f"Invoice {invoice.number} paid",
        )
    event_record(
        actor=actor,
        target=invoice,
        verb="invoice paid",
        organization=invoice.organization,
        changes={"state": (InvoiceState.ISSUED, InvoiceState.PAID)},
        note=invoice.payment_reference,
    )
    _email(invoice, "paid")
    return invoice


@transaction.atomic
def invoice_void(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Staff cancel an issued or paid invoice: its issue posting is reversed, and so is its
    payment if it was paid (the money is returned). Void is final."""
    invoice = _lock(actor, invoice, InvoiceState.VOID)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the invoice is void; the customer reads it."})
    before = invoice.state
    invoice.state, invoice.voided_at, invoice.void_reason = (
        InvoiceState.VOID,
        timezone.now(),
        reason[:300],
    )
    invoice.save(update_fields=["state", "voided_at", "void_reason"])
    postings = LedgerTransaction.objects.filter(
        idempotency_key__in=[_issue_key(invoice), _payment_key(invoice)]
    )
    for posting in postings:
        ledger_reverse(
            transaction=posting,
            key=f"{posting.idempotency_key}:void",
            memo=f"Invoice {invoice.number} void",
        )
    event_record(
        actor=actor,
        target=invoice,
        verb="invoice voided",
        organization=invoice.organization,
        changes={"state": (before, InvoiceState.VOID)},
        note=invoice.void_reason,
    )
    _email(invoice, "voided", was_paid=before == InvoiceState.PAID)
    return invoice
