"""``manage.py ledger_check`` and the O(1) balance read."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from payments.models import Account, LedgerEntry, LedgerTransaction
from payments.selectors.ledger import account_balance
from tests.factories.accounts import expert
from tests.payments.ledger_helpers import earn, expert_accounts

pytestmark = pytest.mark.django_db


def test_ledger_check_passes_on_a_consistent_ledger(capsys):
    available, _, revenue = expert_accounts(expert())
    earn(available, revenue, "0.10", key="a")
    earn(available, revenue, "0.20", key="b")

    call_command("ledger_check")

    assert "every balance equals its entries" in capsys.readouterr().out


def test_ledger_check_fails_after_a_balance_is_tampered_with(capsys):
    available, _, revenue = expert_accounts(expert())
    earn(available, revenue, "7.00", key="a")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_account SET balance = balance + 1 WHERE id = %s", [available.pk]
        )

    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("ledger_check")

    assert f"account #{available.pk}" in capsys.readouterr().err


def _bulk_earn(available, revenue, count: int):
    """``count`` one-cent earnings, written in bulk for speed, balances moved to match."""
    transactions = LedgerTransaction.objects.bulk_create(
        LedgerTransaction(idempotency_key=f"bulk-{available.pk}-{number}")
        for number in range(count)
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction=posted, account=account, amount=amount)
        for posted in transactions
        for account, amount in [(available, Decimal("0.01")), (revenue, Decimal("-0.01"))]
    )
    total = Decimal("0.01") * count
    Account.objects.filter(pk=available.pk).update(balance=F("balance") + total)
    Account.objects.filter(pk=revenue.pk).update(balance=F("balance") - total)


def test_a_balance_read_costs_the_same_at_10_and_1000_entries(django_assert_num_queries):
    small, _, revenue = expert_accounts(expert())
    large, _, _ = expert_accounts(expert())
    _bulk_earn(small, revenue, 10)
    _bulk_earn(large, revenue, 1000)
    with CaptureQueriesContext(connection) as measured:
        account_balance(small)

    with django_assert_num_queries(len(measured)):
        balance = account_balance(large)

    assert balance == Decimal("10.00") == LedgerEntry.objects.filter(account=large).count() / 100
    call_command("ledger_check")
