"""The ledger under concurrency (PostgreSQL row locks) and under random use (Hypothesis)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payments.management.commands.ledger_check import balance_mismatches, unbalanced_transactions
from payments.models import Account, AccountKind, LedgerTransaction
from payments.services.ledger import ledger_account, ledger_post, ledger_reverse
from tests.factories.accounts import OrganizationFactory, expert
from tests.payments.ledger_helpers import earn, expert_accounts, withdraw


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_withdrawals_against_a_balance_for_three_give_three():
    available, pending, revenue = expert_accounts(expert())
    earn(available, revenue, "30.00", key="earned")
    start = threading.Barrier(10)
    outcomes: list = [None] * 10

    def request(index):
        try:
            start.wait()
            outcomes[index] = withdraw(available, pending, "10.00", key=f"payout-{index}")
        except ValidationError as refusal:
            outcomes[index] = refusal
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(index,)) for index in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    succeeded = [outcome for outcome in outcomes if isinstance(outcome, LedgerTransaction)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    assert (len(succeeded), len(refused)) == (3, 7)
    available.refresh_from_db()
    pending.refresh_from_db()
    assert (available.balance, pending.balance) == (Decimal("0.00"), Decimal("30.00"))
    call_command("ledger_check")


cents = st.integers(min_value=1, max_value=100_000).map(lambda n: Decimal(n) / 100)
postings = st.tuples(st.integers(0, 3), st.integers(0, 3), cents).filter(lambda p: p[0] != p[1])
steps = st.lists(st.one_of(postings, st.integers(0, 30)), min_size=1, max_size=25)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_random_postings_and_reversals_keep_the_ledger_consistent(steps):
    """A posting (from, to, amount) or a reversal (of the n-th transaction so far); some
    are refused (overdraw, already reversed), and whatever was accepted adds up."""
    with transaction.atomic():
        person = expert()
        receivable = ledger_account(
            kind=AccountKind.CUSTOMER_RECEIVABLE, organization=OrganizationFactory()
        )
        accounts = [*expert_accounts(person), receivable]
        posted: list = []
        for number, step in enumerate(steps):
            try:
                if isinstance(step, tuple):
                    source, target, amount = step
                    lines = [(accounts[source], -amount), (accounts[target], amount)]
                    posted.append(ledger_post(key=f"step-{number}", lines=lines))
                elif posted:
                    original = posted[step % len(posted)]
                    posted.append(ledger_reverse(transaction=original, key=f"step-{number}"))
            except ValidationError:
                pass

        assert list(balance_mismatches()) == []
        assert list(unbalanced_transactions()) == []
        call_command("ledger_check")
        assert all(account.balance >= 0 for account in Account.objects.filter(expert=person))
        transaction.set_rollback(True)
