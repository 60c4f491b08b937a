"""What an expert sees of their money: balances, history of the available balance, payouts."""

from decimal import Decimal

from django.db.models import Sum

from payments.models import Account, AccountKind, PayoutRequest, PayoutState
from payments.selectors.ledger import ledger_history
from softwaresupp.money import money

RECENT_PAYOUTS = 20


def money_overview(*, user, page) -> dict:
    """The user's own balances (zero before any money moved) and what was paid out to them,
    one page of the available balance's history and the latest payout requests. Reads
    only: nothing is opened here."""
    accounts = {
        account.kind: account
        for account in Account.objects.filter(
            expert=user,
            kind__in=(AccountKind.EXPERT_AVAILABLE, AccountKind.EXPERT_PAYOUTS_PENDING),
        )
    }
    available = accounts.get(AccountKind.EXPERT_AVAILABLE)
    pending = accounts.get(AccountKind.EXPERT_PAYOUTS_PENDING)
    history = ledger_history(user=user, account_id=available.pk, page=page) if available else None
    payouts = PayoutRequest.objects.filter(expert=user).order_by("-requested_at", "-id")
    paid = PayoutRequest.objects.filter(expert=user, state=PayoutState.PAID).aggregate(
        total=Sum("amount")
    )["total"]
    return {
        "available": available.balance if available else Decimal("0.00"),
        "pending": pending.balance if pending else Decimal("0.00"),
        # SQLite's SUM drops the scale ("30" for 30.00).
        "paid": money(paid or 0),
        "history": history,
        "payouts": list(payouts[:RECENT_PAYOUTS]),
    }


def available_and_pending(user) -> tuple[Decimal, Decimal]:
    """(available, pending) of one expert, zero for an account not opened yet."""
    balances = dict(
        Account.objects.filter(
            expert=user,
            kind__in=(AccountKind.EXPERT_AVAILABLE, AccountKind.EXPERT_PAYOUTS_PENDING),
        ).values_list("kind", "balance")
    )
    zero = Decimal("0.00")
    return (
        balances.get(AccountKind.EXPERT_AVAILABLE, zero),
        balances.get(AccountKind.EXPERT_PAYOUTS_PENDING, zero),
    )


def available_balance(user) -> Decimal:
    return available_and_pending(user)[0]
