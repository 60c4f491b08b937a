"""Payout requests (R-PAYOUT). The amount leaves the available balance the moment it is
requested (under the ledger's lock on the expert's accounts, so concurrent requests never
overdraw); a rejection or failure is one reversing transaction; paying moves it from pending
to the platform's bank account. Every step emails the expert."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from payments.models import AccountKind, LedgerTransaction, PayoutRequest, PayoutState
from payments.models.payouts import OPEN_STATES, PAYOUT_ALERT_AFTER
from payments.services.ledger import ledger_account, ledger_post, ledger_reverse
from softwaresupp.crypto import encrypt
from softwaresupp.events import event_record
from softwaresupp.money import money
from softwaresupp.notifications import absolute_url, notify


def _request_key(payout: PayoutRequest) -> str:
    return f"payout:{payout.pk}:requested"


def _check_amount(amount: Decimal) -> None:
    if amount is None or amount <= 0 or money(amount) != amount:
        raise ValidationError({"amount": "Enter an amount above zero, in whole cents."})


def _email_expert(payout: PayoutRequest, step: str) -> None:
    notify(
        template=f"payout_{step}",
        recipients=[payout.expert],
        context={"payout": payout, "money_url": absolute_url("/money/")},
        key=f"payout_{step}:{payout.pk}",
    )


@transaction.atomic
def payout_request(
    *, expert: User, amount: Decimal, bank_details: str = "", invoice=None
) -> PayoutRequest:
    """Request ``amount`` (up to the available balance) to be paid out; it moves at once
    from available to pending."""
    _check_amount(amount)
    bank_details = bank_details.strip()
    if not bank_details and not invoice:
        raise ValidationError({"bank_details": "Give your bank details or attach an invoice."})
    payout = PayoutRequest.objects.create(
        expert=expert,
        amount=amount,
        bank_details_encrypted=encrypt(bank_details) if bank_details else "",
        bank_details_last4=bank_details.replace(" ", "")[-4:],
        invoice=invoice or "",
    )
    available = ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=expert)
    pending = ledger_account(kind=AccountKind.EXPERT_PAYOUTS_PENDING, expert=expert)
    try:
        ledger_post(
            key=_request_key(payout),
            lines=[(available, -amount), (pending, amount)],
            source=payout,
            memo=f"Payout #{payout.pk} requested",
        )
    except ValidationError:
        # The balance was read under the lock: this amount is more than is available now.
        available.refresh_from_db(fields=["balance"])
        raise ValidationError(
            {"amount": f"That is more than your available balance (${available.balance})."}
        ) from None
    event_record(actor=expert, target=payout, verb="payout requested")
    _email_expert(payout, "requested")
    return payout


def _decide(*, actor: User, payout: PayoutRequest, to: str, note: str = "") -> PayoutRequest:
    """Lock the request, check the step is allowed and who takes it, record it."""
    if not actor.is_staff:
        raise PermissionDenied("Only staff decide payouts.")
    payout = PayoutRequest.objects.select_for_update().get(pk=payout.pk)
    if payout.expert_id == actor.pk:
        raise PermissionDenied("You cannot decide your own payout request.")
    if not payout.can_transition(to):
        raise ValidationError(
            f"Payout #{payout.pk} is {payout.get_state_display().lower()}: "
            f"it cannot become {PayoutState(to).label.lower()}."
        )
    before = payout.state
    payout.state, payout.decided_by, payout.decided_at = to, actor, timezone.now()
    payout.note = note[:300]
    payout.save(update_fields=["state", "decided_by", "decided_at", "note"])
    event_record(actor=actor, target=payout, verb=f"payout {to}", changes={"state": (before, to)})
    _email_expert(payout, to)
    return payout


@transaction.atomic
def payout_approve(*, actor: User, payout: PayoutRequest) -> PayoutRequest:
    return _decide(actor=actor, payout=payout, to=PayoutState.APPROVED)


@transaction.atomic
def payout_mark_paid(*, actor: User, payout: PayoutRequest) -> PayoutRequest:
    """The money left the platform's bank: pending goes down, the bank account records it."""
    payout = _decide(actor=actor, payout=payout, to=PayoutState.PAID)
    ledger_post(
        key=f"payout:{payout.pk}:paid",
        lines=[
            (
                ledger_account(kind=AccountKind.EXPERT_PAYOUTS_PENDING, expert=payout.expert),
                -payout.amount,
            ),
            (ledger_account(kind=AccountKind.PLATFORM_CASH), payout.amount),
        ],
        source=payout,
        memo=f"Payout #{payout.pk} paid",
    )
    return payout


def _give_back(payout: PayoutRequest, to: str) -> None:
    """Rejected or failed: the request's transaction is reversed, once."""
    requested = LedgerTransaction.objects.get(idempotency_key=_request_key(payout))
    ledger_reverse(
        transaction=requested,
        key=f"payout:{payout.pk}:{to}",
        memo=f"Payout #{payout.pk} {to}: back to available",
    )


@transaction.atomic
def payout_reject(*, actor: User, payout: PayoutRequest, note: str = "") -> PayoutRequest:
    payout = _decide(actor=actor, payout=payout, to=PayoutState.REJECTED, note=note)
    _give_back(payout, PayoutState.REJECTED)
    return payout


@transaction.atomic
def payout_mark_failed(*, actor: User, payout: PayoutRequest, note: str = "") -> PayoutRequest:
    payout = _decide(actor=actor, payout=payout, to=PayoutState.FAILED, note=note)
    _give_back(payout, PayoutState.FAILED)
    return payout


def _staff() -> list[User]:
    return list(User.objects.filter(is_staff=True, is_active=True))


@transaction.atomic
def payouts_overdue_alert(now=None) -> int:
    """Alert staff once about each open request older than 20 hours; the stamp is written
    in the same transaction as the outbox rows, so a second run sends nothing."""
    now = now or timezone.now()
    overdue = list(
        PayoutRequest.objects.select_for_update(skip_locked=True)
        .filter(
            state__in=OPEN_STATES,
            requested_at__lte=now - PAYOUT_ALERT_AFTER,
            overdue_alerted_at__isnull=True,
        )
        .select_related("expert")
        .order_by("requested_at", "id")
    )
    if not overdue:
        return 0
    notify(
        template="payout_overdue",
        recipients=_staff(),
        context={"payouts": overdue, "admin_url": absolute_url("/admin/payments/payoutrequest/")},
        key="payout_overdue:" + ",".join(str(p.pk) for p in overdue),
    )
    PayoutRequest.objects.filter(pk__in=[p.pk for p in overdue]).update(overdue_alerted_at=now)
    return len(overdue)
