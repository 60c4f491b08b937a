"""The append-only double-entry ledger (issue 9, item 2): balanced postings with running
balances, idempotency, reversals, overdraw refusal, and the database's own refusals."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from payments.models import Account, AccountKind, LedgerEntry, LedgerTransaction
from payments.selectors.ledger import ledger_history
from payments.services.ledger import ledger_account, ledger_post, ledger_reverse
from tests.factories.accounts import OrganizationFactory, expert, verified_staff
from tests.payments.ledger_helpers import earn, expert_accounts, withdraw

pytestmark = pytest.mark.django_db


def balances(*accounts):
    return [Account.objects.get(pk=account.pk).balance for account in accounts]


def test_a_balanced_posting_writes_entries_and_moves_running_balances():
    available, pending, revenue = expert_accounts(expert())

    posted = earn(available, revenue, "27.50", key="line-1")

    assert balances(available, revenue) == [Decimal("27.50"), Decimal("-27.50")]
    assert sorted(posted.entries.values_list("amount", flat=True)) == [
        Decimal("-27.50"),
        Decimal("27.50"),
    ]


@pytest.mark.parametrize(
    "amounts",
    [
        ["10.00", "-9.99"],  # does not sum to zero
        ["10.005", "-10.005"],  # not in cents: the ledger never rounds
        [10.0, -10.0],  # a float is not money
        ["0.00", "0.00"],  # nothing moves
        ["10.00"],  # one line is not double entry
    ],
)
def test_the_service_refuses_lines_that_are_not_balanced_cents(amounts):
    available, _, revenue = expert_accounts(expert())
    accounts = [available, revenue]
    lines = [
        (account, Decimal(amount) if isinstance(amount, str) else amount)
        for account, amount in zip(accounts, amounts, strict=False)
    ]

    with pytest.raises(ValidationError):
        ledger_post(key="bad", lines=lines)

    assert LedgerTransaction.objects.count() == 0
    assert balances(available, revenue) == [0, 0]


def test_a_repeated_key_returns_the_first_transaction_and_writes_nothing():
    available, _, revenue = expert_accounts(expert())
    first = earn(available, revenue, "40.00", key="settlement-line-7")

    again = earn(available, revenue, "40.00", key="settlement-line-7")

    assert again == first
    assert LedgerEntry.objects.count() == 2
    assert balances(available) == [Decimal("40.00")]


def test_a_reversal_posts_the_negated_lines_once_and_traces_the_source():
    available, _, revenue = expert_accounts(expert())
    source = OrganizationFactory()
    original = ledger_post(
        key="invoice-1",
        lines=[(available, Decimal("12.34")), (revenue, Decimal("-12.34"))],
        source=source,
    )

    reversal = ledger_reverse(transaction=original, key="invoice-1-void")

    assert balances(available, revenue) == [0, 0]
    assert reversal.reverses == original and reversal.source == source
    assert ledger_reverse(transaction=original, key="invoice-1-void") == reversal
    with pytest.raises(ValidationError, match="already reversed"):
        ledger_reverse(transaction=original, key="invoice-1-void-again")
    assert LedgerEntry.objects.count() == 4


def test_an_expert_available_balance_cannot_be_overdrawn():
    available, pending, revenue = expert_accounts(expert())
    earn(available, revenue, "10.00", key="earned")

    with pytest.raises(ValidationError, match="overdraw"):
        withdraw(available, pending, "10.01", key="too-much")

    assert balances(available, pending) == [Decimal("10.00"), 0]
    withdraw(available, pending, "10.00", key="all-of-it")
    assert balances(available, pending) == [0, Decimal("10.00")]


def test_a_reversal_that_would_overdraw_is_refused():
    available, pending, revenue = expert_accounts(expert())
    earned = earn(available, revenue, "10.00", key="earned")
    withdraw(available, pending, "10.00", key="withdrawn")

    with pytest.raises(ValidationError, match="overdraw"):
        ledger_reverse(transaction=earned, key="claw-back")


def test_accounts_are_one_per_kind_and_owner():
    person = expert()
    first = ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=person)

    assert ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=person) == first
    assert not first.can_go_negative
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(kind=AccountKind.EXPERT_AVAILABLE, expert=person)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE payments_ledgerentry SET amount = amount * 2",
        "DELETE FROM payments_ledgerentry",
        "UPDATE payments_ledgertransaction SET memo = 'changed'",
        "DELETE FROM payments_ledgertransaction",
    ],
)
def test_the_database_refuses_to_update_or_delete_the_ledger(statement):
    available, _, revenue = expert_accounts(expert())
    earn(available, revenue, "5.00", key="kept")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert LedgerEntry.objects.filter(amount__in=[Decimal("5.00"), Decimal("-5.00")]).count() == 2
    assert LedgerTransaction.objects.get().memo == "earned"


def _raw_entries(*rows):
    """``(transaction_id, account_id, amount)`` rows written in ONE raw ``INSERT``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payments_ledgerentry (transaction_id, account_id, amount, created_at)"
            f" VALUES {', '.join(['(%s, %s, %s, CURRENT_TIMESTAMP)'] * len(rows))}",
            [value for row in rows for value in row],
        )


@pytest.mark.postgres
def test_postgres_refuses_an_unbalanced_insert():
    available, _, revenue = expert_accounts(expert())
    balanced = LedgerTransaction.objects.create(idempotency_key="raw-balanced")
    unbalanced = LedgerTransaction.objects.create(idempotency_key="raw-unbalanced")

    with transaction.atomic():
        _raw_entries((balanced.pk, available.pk, "3.00"), (balanced.pk, revenue.pk, "-3.00"))

    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _raw_entries((unbalanced.pk, available.pk, "3.00"), (unbalanced.pk, revenue.pk, "-2.00"))

    assert list(LedgerEntry.objects.values_list("transaction", flat=True)) == [balanced.pk] * 2


@pytest.mark.postgres
def test_postgres_checks_each_transaction_not_the_statements_total():
    available, _, revenue = expert_accounts(expert())
    first = LedgerTransaction.objects.create(idempotency_key="raw-first")
    second = LedgerTransaction.objects.create(idempotency_key="raw-second")

    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _raw_entries((first.pk, available.pk, "3.00"), (second.pk, revenue.pk, "-3.00"))

    assert not LedgerEntry.objects.exists()


@pytest.mark.postgres
def test_postgres_refuses_a_transaction_written_in_parts_that_do_not_balance_each():
    """The check is per statement: after every INSERT each transaction sums to zero, so a
    transaction's entries are written together (``ledger_post_many`` does)."""
    available, _, revenue = expert_accounts(expert())
    split = LedgerTransaction.objects.create(idempotency_key="raw-split")

    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _raw_entries((split.pk, available.pk, "3.00"))
        _raw_entries((split.pk, revenue.pk, "-3.00"))

    assert not LedgerEntry.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_to_commit_an_unbalanced_transaction():
    available, _, revenue = expert_accounts(expert())
    unbalanced = LedgerTransaction.objects.create(idempotency_key="raw-unbalanced")

    with pytest.raises(IntegrityError, match="does not sum to zero"), transaction.atomic():
        _raw_entries((unbalanced.pk, available.pk, "3.00"))

    assert not LedgerEntry.objects.exists()


def test_history_shows_an_expert_their_own_account_and_staff_every_account():
    owner, stranger = expert(), expert()
    available, _, revenue = expert_accounts(owner)
    for number in range(3):
        earn(available, revenue, "1.00", key=f"line-{number}")

    page = ledger_history(user=owner, account_id=available.pk)
    assert [entry.amount for entry in page] == [Decimal("1.00")] * 3
    assert len(ledger_history(user=verified_staff(), account_id=revenue.pk)) == 3
    for user, account in [(stranger, available), (owner, revenue)]:
        with pytest.raises(Http404):
            ledger_history(user=user, account_id=account.pk)


def test_a_history_page_costs_the_same_at_3_and_120_entries(django_assert_num_queries):
    owner = expert()
    small, _, revenue = expert_accounts(owner)
    large, _, _ = expert_accounts(expert())
    for number in range(3):
        earn(small, revenue, "1.00", key=f"small-{number}")
    for number in range(120):
        earn(large, revenue, "1.00", key=f"large-{number}")
    staff = verified_staff()
    with CaptureQueriesContext(connection) as measured:
        list(ledger_history(user=staff, account_id=small.pk))

    with django_assert_num_queries(len(measured)):
        page = ledger_history(user=staff, account_id=large.pk, page=2)
        assert [entry.transaction.memo for entry in page] == ["earned"] * 50
