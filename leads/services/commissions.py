"""Commissions (R-COMMISSION), kept by one daily catch-up job (``commissions_run``):

1. every paid invoice of an attributed customer issued since the attribution gets its
   commission, COMMISSION_RATE of the total rounded half-up to cents once, pending for
   COMMISSION_HOLD_DAYS from the payment; the unique constraint (invoice, beneficiary, kind)
   makes it one per invoice and beneficiary however often or concurrently the job runs;
2. a voided invoice cancels its pending commission, or claws back a credited one with a
   negative commission;
3. due commissions are credited to the beneficiary's balance, due clawbacks collected from it.

Ledger (``payments.services.ledger``; each posting keyed, so a retry posts nothing twice):
the commission accrues when created (platform revenue → the beneficiary's commissions
payable), moves to their available balance when credited (payable → available), and a
cancellation reverses the accrual. A clawback is the same two postings with a negative
amount; an available balance never goes negative, so a clawback the balance cannot cover
(the money was paid out) stays pending and is collected from later commissions.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from leads.models import Attribution, Commission, Lead
from payments.models import AccountKind, Invoice, LedgerTransaction
from payments.services.ledger import ledger_account, ledger_post, ledger_reverse
from softwaresupp.events import event_record
from softwaresupp.money import money
from softwaresupp.notifications import absolute_url, notify


def commission_rate() -> Decimal:
    return Decimal(settings.COMMISSION_RATE)


def beneficiary_id(attribution: Attribution) -> int | None:
    """The partner, or the expert who passed the lead to the pool; an expert who kept the
    customer earns priority instead of a commission."""
    if attribution.partner_id:
        return attribution.partner.user_id
    if attribution.lead.handling == Lead.Handling.POOL:
        return attribution.lead.expert_id
    return None


def _accrual_key(commission: Commission) -> str:
    return f"commission:{commission.pk}:accrued"


def _post_accrual(commission: Commission) -> None:
    amount = commission.amount
    ledger_post(
        key=_accrual_key(commission),
        lines=[
            (ledger_account(kind=AccountKind.PLATFORM_REVENUE), -amount),
            (
                ledger_account(kind=AccountKind.COMMISSIONS_PAYABLE, expert=commission.beneficiary),
                amount,
            ),
        ],
        source=commission,
        memo=f"{commission.get_kind_display()} on invoice {commission.invoice.number}",
    )


def _insert(commission: Commission) -> Commission | None:
    """Write it unless the same (invoice, beneficiary, kind) exists: a concurrent run that
    got there first wins, and this one writes nothing."""
    try:
        with transaction.atomic():
            commission.full_clean(validate_constraints=False)
            commission.save()
    except IntegrityError:
        return None
    _post_accrual(commission)
    event_record(
        actor=None,
        target=commission,
        verb=f"{commission.kind} created",
        organization=commission.organization,
        changes={"amount": (None, commission.amount)},
        note=f"invoice {commission.invoice.number}",
    )
    return commission


def commissions_create(*, now=None) -> int:
    """Step 1: the commissions missing for paid invoices of attributed customers."""
    now = now or timezone.now()
    rate = commission_rate()
    hold = timedelta(days=settings.COMMISSION_HOLD_DAYS)
    attributions = {
        a.organization_id: a for a in Attribution.objects.select_related("partner", "lead")
    }
    invoices = (
        Invoice.objects.filter(
            state=Invoice.State.PAID, organization_id__in=list(attributions), total__gt=0
        )
        .exclude(
            Exists(
                Commission.objects.filter(invoice=OuterRef("pk"), kind=Commission.Kind.COMMISSION)
            )
        )
        .order_by("pk")
    )
    created = 0
    for invoice in invoices:
        attribution = attributions[invoice.organization_id]
        beneficiary = beneficiary_id(attribution)
        # Lifetime from the attribution on: invoices before it were not brought by anyone.
        if beneficiary is None or invoice.issued_at < attribution.created_at:
            continue
        with transaction.atomic():
            commission = _insert(
                Commission(
                    invoice=invoice,
                    organization_id=invoice.organization_id,
                    attribution=attribution,
                    beneficiary_id=beneficiary,
                    rate=rate,
                    invoice_total=invoice.total,
                    amount=money(invoice.total * rate),
                    available_on=(invoice.paid_at + hold).date(),
                )
            )
            created += commission is not None
    return created


@transaction.atomic
def _cancel_or_claw_back(commission: Commission, now) -> None:
    commission = (
        Commission.objects.select_for_update().select_related("invoice").get(pk=commission.pk)
    )
    if commission.state == Commission.State.PENDING:
        commission.state, commission.cancelled_at = Commission.State.CANCELLED, now
        commission.save(update_fields=["state", "cancelled_at"])
        accrual = LedgerTransaction.objects.get(idempotency_key=_accrual_key(commission))
        ledger_reverse(
            transaction=accrual,
            key=f"commission:{commission.pk}:cancelled",
            memo=f"Invoice {commission.invoice.number} void: commission cancelled",
        )
        event_record(
            actor=None,
            target=commission,
            verb="commission cancelled",
            organization=commission.organization,
            changes={"state": (Commission.State.PENDING.label, commission.get_state_display())},
            note=f"invoice {commission.invoice.number} void",
        )
    elif commission.state == Commission.State.CREDITED:
        _insert(
            Commission(
                invoice=commission.invoice,
                organization_id=commission.organization_id,
                attribution_id=commission.attribution_id,
                beneficiary_id=commission.beneficiary_id,
                kind=Commission.Kind.CLAWBACK,
                rate=commission.rate,
                invoice_total=commission.invoice_total,
                amount=-commission.amount,
                available_on=now.date(),
                clawback_of=commission,
            )
        )


def commissions_reverse_voided(*, now=None) -> int:
    """Step 2: commissions of voided invoices, cancelled or clawed back (once each)."""
    now = now or timezone.now()
    affected = list(
        Commission.objects.filter(
            kind=Commission.Kind.COMMISSION,
            invoice__state=Invoice.State.VOID,
            state__in=[Commission.State.PENDING, Commission.State.CREDITED],
        ).exclude(Exists(Commission.objects.filter(clawback_of=OuterRef("pk"))))
    )
    for commission in affected:
        _cancel_or_claw_back(commission, now)
    return len(affected)


@transaction.atomic
def _credit(commission: Commission, now) -> bool:
    commission = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("invoice", "beneficiary", "organization")
        .get(pk=commission.pk)
    )
    if commission.state != Commission.State.PENDING:
        return False
    if commission.kind == Commission.Kind.COMMISSION and commission.invoice.state != "paid":
        return False  # voided meanwhile: step 2 cancels it
    amount = commission.amount
    payable = ledger_account(kind=AccountKind.COMMISSIONS_PAYABLE, expert=commission.beneficiary)
    available = ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=commission.beneficiary)
    try:
        ledger_post(
            key=f"commission:{commission.pk}:credited",
            lines=[(payable, -amount), (available, amount)],
            source=commission,
            memo=f"{commission.get_kind_display()} on invoice {commission.invoice.number}",
        )
    except ValidationError:
        # A clawback larger than the balance (the commission was paid out): it waits for
        # later commissions; nothing is written.
        return False
    commission.state, commission.credited_at = Commission.State.CREDITED, now
    commission.save(update_fields=["state", "credited_at"])
    event_record(
        actor=None,
        target=commission,
        verb=f"{commission.kind} credited",
        organization=commission.organization,
        changes={"state": (Commission.State.PENDING.label, commission.get_state_display())},
        note=f"${amount}",
    )
    template = "lead_commission_credited" if amount > 0 else "lead_clawback_collected"
    notify(
        template=template,
        recipients=[commission.beneficiary],
        context={
            "commission": commission,
            "customer": commission.organization.name,
            "partner_url": absolute_url("/referrals/"),
            "money_url": absolute_url("/money/"),
        },
        key=f"{template}:{commission.pk}",
    )
    return True


def commissions_credit(*, now=None) -> int:
    """Step 3: due commissions credited, due clawbacks collected; per beneficiary the
    commissions first, so a clawback is collected from what they bring."""
    now = now or timezone.now()
    due = list(
        Commission.objects.filter(state=Commission.State.PENDING, available_on__lte=now.date())
        .order_by("beneficiary_id", "-amount", "pk")
        .only("pk")
    )
    return sum(_credit(commission, now) for commission in due)


def commissions_run(*, now=None) -> dict[str, int]:
    """The daily job: create, reverse what was voided, credit what is due."""
    now = now or timezone.now()
    return {
        "created": commissions_create(now=now),
        "reversed": commissions_reverse_voided(now=now),
        "credited": commissions_credit(now=now),
    }
