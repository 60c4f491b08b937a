"""Batched postings (``ledger_post_many``, the settlement's path): every rule of a single
posting, in a fixed number of statements whatever the number of transactions."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from payments.models import Account, AccountKind, LedgerEntry, LedgerTransaction
from payments.services.ledger import Posting, ledger_expert_accounts, ledger_post_many
from tests.factories.accounts import expert
from tests.payments.ledger_helpers import earn, expert_accounts
from tests.query_counts import queries_undone

pytestmark = pytest.mark.django_db


def balance(account) -> Decimal:
    return Account.objects.get(pk=account.pk).balance


def credits(revenue, accounts, amount="1.25", prefix="k"):
    return [
        Posting(
            key=f"{prefix}-{number}",
            lines=[(account, Decimal(amount)), (revenue, -Decimal(amount))],
            memo=f"credit {number}",
        )
        for number, account in enumerate(accounts)
    ]


def test_many_postings_move_each_balance_once_and_the_ledger_adds_up():
    first, _, revenue = expert_accounts(expert())
    second, _, _ = expert_accounts(expert())

    posted = ledger_post_many(credits(revenue, [first, first, second]))

    assert [t.idempotency_key for t in posted] == ["k-0", "k-1", "k-2"]
    assert (balance(first), balance(second), balance(revenue)) == (
        Decimal("2.50"),
        Decimal("1.25"),
        Decimal("-3.75"),
    )
    assert LedgerEntry.objects.count() == 6
    assert all(t.entries.count() == 2 for t in posted)
    call_command("ledger_check")


def test_keys_posted_before_return_their_transaction_and_write_nothing_more():
    account, _, revenue = expert_accounts(expert())
    earlier = earn(account, revenue, "9.00", key="k-0")

    posted = ledger_post_many(credits(revenue, [account, account]))
    again = ledger_post_many(credits(revenue, [account, account]))

    assert posted[0] == earlier and again == posted
    assert balance(account) == Decimal("10.25")  # 9.00 + only k-1's 1.25
    assert LedgerTransaction.objects.count() == 2


@pytest.mark.parametrize(
    "bad",
    [
        [("10.00", "-9.99")],  # not balanced
        [("1.005", "-1.005")],  # not cents
    ],
)
def test_one_bad_posting_refuses_the_whole_batch(bad):
    account, _, revenue = expert_accounts(expert())
    postings = credits(revenue, [account]) + [
        Posting(key="bad", lines=[(account, Decimal(a)), (revenue, Decimal(b))]) for a, b in bad
    ]

    with pytest.raises(ValidationError):
        ledger_post_many(postings)

    assert not LedgerTransaction.objects.exists() and balance(account) == 0


def test_a_key_twice_in_one_batch_is_refused():
    account, _, revenue = expert_accounts(expert())
    twice = credits(revenue, [account]) * 2
    with pytest.raises(ValidationError, match="own idempotency key"):
        ledger_post_many(twice)
    assert not LedgerTransaction.objects.exists()


def test_an_overdraw_midway_is_refused_even_if_a_later_posting_would_cover_it():
    """Postings apply in order, as if each were posted alone: a withdrawal before the
    credit that would cover it overdraws, so nothing of the batch is written."""
    available, pending, revenue = expert_accounts(expert())
    withdraw = Posting(key="out", lines=[(available, Decimal("-5.00")), (pending, Decimal("5.00"))])

    with pytest.raises(ValidationError, match="overdraw"):
        ledger_post_many([withdraw, *credits(revenue, [available], amount="10.00")])
    assert (balance(available), balance(pending)) == (0, 0)

    ledger_post_many([*credits(revenue, [available], amount="10.00"), withdraw])
    assert (balance(available), balance(pending)) == (Decimal("5.00"), Decimal("5.00"))


def test_accounts_of_many_experts_are_opened_at_once_and_found_again():
    people = [expert() for _ in range(3)]
    opened = ledger_expert_accounts(
        kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[p.pk for p in people]
    )
    again = ledger_expert_accounts(
        kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[p.pk for p in people]
    )

    assert opened == again and set(opened) == {p.pk for p in people}
    assert all(not account.can_go_negative for account in opened.values())
    assert Account.objects.filter(kind=AccountKind.EXPERT_AVAILABLE).count() == 3


def _batch_queries(count: int) -> int:
    people = [expert() for _ in range(count)]
    revenue = expert_accounts(people[0])[2]

    def job():
        accounts = ledger_expert_accounts(
            kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[p.pk for p in people]
        )
        ledger_post_many(credits(revenue, list(accounts.values()), prefix=f"n{count}"))

    queries_undone(job)  # warm the content type cache
    return len(queries_undone(job))


def test_a_batch_costs_the_same_statements_for_2_and_40_experts():
    assert _batch_queries(2) == _batch_queries(40)


def test_a_batch_larger_than_one_sqlite_statement_is_written_whole():
    """On SQLite (999 parameters a statement, as Django counts them) 600 postings go in runs
    of whole postings, on PostgreSQL in one statement: either way each transaction gets its
    own two entries, in the postings' order."""
    people = [expert() for _ in range(3)]
    revenue = expert_accounts(people[0])[2]
    accounts = ledger_expert_accounts(
        kind=AccountKind.EXPERT_AVAILABLE, expert_ids=[p.pk for p in people]
    )

    posted = ledger_post_many(credits(revenue, list(accounts.values()) * 200, amount="0.01"))

    assert [t.idempotency_key for t in posted] == [f"k-{n}" for n in range(600)]
    assert not any(t._state.adding for t in posted)
    by_transaction = dict(
        LedgerEntry.objects.filter(amount__gt=0).values_list("transaction", "account")
    )
    assert by_transaction == {
        t.pk: account.pk for t, account in zip(posted, list(accounts.values()) * 200, strict=True)
    }
    assert balance(revenue) == Decimal("-6.00")
    assert all(balance(account) == Decimal("2.00") for account in accounts.values())
    call_command("ledger_check")
