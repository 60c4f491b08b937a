"""Accounts and postings for the ledger tests."""

from decimal import Decimal

from payments.models import AccountKind
from payments.services.ledger import ledger_account, ledger_post


def expert_accounts(expert_user):
    """(available, pending, platform revenue) for one expert."""
    return (
        ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=expert_user),
        ledger_account(kind=AccountKind.EXPERT_PAYOUTS_PENDING, expert=expert_user),
        ledger_account(kind=AccountKind.PLATFORM_REVENUE),
    )


def earn(available, revenue, amount: str, key: str):
    """Credit an expert's available balance (as a settlement line will)."""
    return ledger_post(
        key=key, lines=[(available, Decimal(amount)), (revenue, -Decimal(amount))], memo="earned"
    )


def withdraw(available, pending, amount: str, key: str):
    """Move an amount from available to pending (as a payout request will)."""
    return ledger_post(
        key=key, lines=[(available, -Decimal(amount)), (pending, Decimal(amount))], memo="payout"
    )
