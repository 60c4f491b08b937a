"""Reads of the ledger, scoped to what the user may see (experts their own accounts)."""

from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce, Round
from django.shortcuts import get_object_or_404

from payments.models import Account, LedgerEntry, LedgerTransaction

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


ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _entries_sum(relation: str):
    # Rounded to cents in SQL: SQLite sums decimals as floats (PostgreSQL numerics are exact).
    return Round(Coalesce(Sum(f"{relation}__amount"), ZERO), 2)


def balance_mismatches():
    """Accounts whose running balance is not the sum of their entries (one GROUP BY):
    (pk, kind, balance, entries' sum). Empty when the ledger adds up."""
    return (
        Account.objects.annotate(entries_total=_entries_sum("entries"))
        .exclude(entries_total=Round(F("balance"), 2))
        .values_list("pk", "kind", "balance", "entries_total")
        .order_by("pk")
    )


def unbalanced_transactions():
    """Transactions whose entries do not sum to zero (one GROUP BY): (pk, entries' sum)."""
    return (
        LedgerTransaction.objects.annotate(entries_total=_entries_sum("entries"))
        .exclude(entries_total=0)
        .values_list("pk", "entries_total")
        .order_by("pk")
    )
