"""Writes to the append-only ledger (issue 9, item 2). Every movement of money goes through
``ledger_post``; a correction is ``ledger_reverse``. Nothing here updates or deletes an entry.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction

from payments.models import Account, LedgerEntry, LedgerTransaction
from payments.models.ledger import NON_NEGATIVE_KINDS
from softwaresupp.money import money

Line = tuple[Account, Decimal]


def ledger_account(*, kind: str, expert=None, organization=None) -> Account:
    """The one account of ``kind`` for this owner, opened on first use. Expert balances
    declare they cannot go negative."""
    account, _ = Account.objects.get_or_create(
        kind=kind,
        expert=expert,
        organization=organization,
        defaults={"can_go_negative": kind not in NON_NEGATIVE_KINDS},
    )
    return account


def _check_lines(lines: list[Line]) -> dict[int, Decimal]:
    """Each amount a non-zero Decimal already in cents (the caller rounds, once, with
    ``money()`` at its documented point; the ledger never rounds), summing to zero."""
    if len(lines) < 2:
        raise ValidationError("A ledger transaction needs at least two lines.")
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    for account, amount in lines:
        if not isinstance(amount, Decimal) or not amount.is_finite():
            raise ValidationError(f"{amount!r} is not a Decimal amount.")
        if amount == 0 or money(amount) != amount:
            raise ValidationError(f"{amount} is not a non-zero amount in whole cents.")
        deltas[account.pk] += amount
    if sum(amount for _, amount in lines) != 0:
        raise ValidationError("The lines of a ledger transaction must sum to zero.")
    return deltas


def _move_balances(locked: list[Account], deltas: dict[int, Decimal]) -> None:
    """Refuse an overdraw of an account that cannot go negative (its balance read under
    the lock), then move the running balances in this same transaction."""
    for account in locked:
        if not account.can_go_negative and account.balance + deltas[account.pk] < 0:
            raise ValidationError(
                f"{account} holds {account.balance}: {-deltas[account.pk]} would overdraw it."
            )
    for account in locked:
        # The new balance is summed here in Decimal from the value read under the lock, not
        # as ``F("balance") + delta`` in SQL: SQLite would add floats (2.01 - 0.01 - 2.00 is
        # then slightly below zero and the not-overdrawn check refuses it).
        balance = account.balance + deltas[account.pk]
        Account.objects.filter(pk=account.pk).update(balance=balance)


def ledger_post(
    *, key: str, lines: Iterable[Line], source=None, memo: str = "", reverses=None
) -> LedgerTransaction:
    """Post one balanced transaction. A repeated ``key`` returns the transaction first
    posted with it and writes nothing (checked under the account locks, so a concurrent
    retry waits for the first and then finds it)."""
    lines = list(lines)
    deltas = _check_lines(lines)
    with db_transaction.atomic():
        # Locked in pk order, so two postings touching the same accounts never deadlock.
        locked = list(Account.objects.select_for_update().filter(pk__in=deltas).order_by("pk"))
        existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        _move_balances(locked, deltas)
        posted = LedgerTransaction.objects.create(
            idempotency_key=key,
            source_type=ContentType.objects.get_for_model(source) if source else None,
            source_id=source.pk if source else None,
            memo=memo,
            reverses=reverses,
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=posted, account=account, amount=amount)
            for account, amount in lines
        )
    return posted


def ledger_reverse(
    *, transaction: LedgerTransaction, key: str, memo: str = ""
) -> LedgerTransaction:
    """Undo ``transaction`` by posting its negated lines, traced to the same source. A
    transaction is reversed at most once, and a reversal that would overdraw is refused."""
    with db_transaction.atomic():
        existing = LedgerTransaction.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
        if LedgerTransaction.objects.filter(reverses=transaction).exists():
            raise ValidationError(f"Ledger transaction #{transaction.pk} is already reversed.")
        entries = transaction.entries.select_related("account")
        return ledger_post(
            key=key,
            lines=[(entry.account, -entry.amount) for entry in entries],
            source=transaction.source,
            memo=memo or f"Reversal of #{transaction.pk}",
            reverses=transaction,
        )
