"""Reads of the ledger, scoped to what the user may see (experts their own accounts)."""

from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404

from payments.models import Account, LedgerEntry

HISTORY_PAGE_SIZE = 50


def account_balance(account: Account) -> Decimal:
    """The running balance, one row read however many entries the account has."""
    return Account.objects.values_list("balance", flat=True).get(pk=account.pk)


def ledger_history(*, user, account_id: int, page: int = 1) -> Page:
    """One page of an account's entries, newest first. An account the user may not see is
    a 404, like a missing one."""
    account = get_object_or_404(Account.objects.visible_to(user), pk=account_id)
    entries = (
        LedgerEntry.objects.filter(account=account)
        .select_related("transaction")
        .order_by("-created_at", "-id")
    )
    return Paginator(entries, HISTORY_PAGE_SIZE).get_page(page)
