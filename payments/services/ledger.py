"""Writes to the append-only ledger (issue 9, item 2). Every movement of money goes through
``ledger_post`` (one transaction) or ``ledger_post_many`` (many at once, the settlement's);
a correction is ``ledger_reverse``. Nothing here updates or deletes an entry.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db import transaction as db_transaction
from django.utils import timezone

from payments.models import Account, LedgerEntry, LedgerTransaction
from payments.models.ledger import NON_NEGATIVE_KINDS
from softwaresupp.money import money

Line = tuple[Account, Decimal]


@dataclass
class Posting:
    """One balanced transaction to post: its idempotency key, lines, source and memo."""

    key: str
    lines: list[Line]
    source: object = None
    memo: str = ""
    reverses: LedgerTransaction | None = None


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


def ledger_expert_accounts(*, kind: str, expert_ids: Iterable[int]) -> dict[int, Account]:
    """``{expert_id: account}`` of ``kind`` for many experts, the missing ones opened: one
    query when all exist, three otherwise, whatever the number of experts. A concurrent
    opening of the same account is absorbed by the unique constraint (insert-or-ignore)."""
    expert_ids = set(expert_ids)

    def read() -> dict[int, Account]:
        found = Account.objects.filter(kind=kind, expert_id__in=expert_ids)
        return {account.expert_id: account for account in found}

    accounts = read() if expert_ids else {}
    missing = expert_ids - accounts.keys()
    if missing:
        Account.objects.bulk_create(
            [
                Account(
                    kind=kind, expert_id=expert_id, can_go_negative=kind not in NON_NEGATIVE_KINDS
                )
                for expert_id in sorted(missing)
            ],
            ignore_conflicts=True,
        )
        accounts = read()
    return accounts


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


def _move_balances(locked: dict[int, tuple[Decimal, bool]], deltas: list[dict[int, Decimal]]):
    """Apply the postings in order to the balances read under the lock (``{pk: (balance,
    can_go_negative)}``), refusing the first that would overdraw an account that cannot go
    negative (as if each were posted alone), then write every changed running balance in
    ONE statement.

    New balances are summed here in Decimal, not as ``F("balance") + delta`` in SQL: SQLite
    would add floats (2.01 - 0.01 - 2.00 is then slightly below zero and the
    not-overdrawn check refuses it)."""
    balances = {pk: balance for pk, (balance, _) in locked.items()}
    for posting_deltas in deltas:
        for pk, delta in posting_deltas.items():
            if not locked[pk][1] and balances[pk] + delta < 0:
                raise ValidationError(
                    f"{Account.objects.get(pk=pk)} holds {balances[pk]}: {-delta} would "
                    "overdraw it."
                )
        for pk, delta in posting_deltas.items():
            balances[pk] += delta
    changed = [(pk, balance) for pk, balance in balances.items() if balance != locked[pk][0]]
    for start in range(0, len(changed), BALANCES_PER_UPDATE):
        _write_balances(changed[start : start + BALANCES_PER_UPDATE])


# Two parameters a row: well under SQLite's 32,766 and PostgreSQL's 65,535 per statement.
BALANCES_PER_UPDATE = 5000


def _write_balances(balances: list[tuple[int, Decimal]]) -> None:
    """``WITH v AS (VALUES …) UPDATE … FROM v`` (PostgreSQL, SQLite ≥ 3.33): one statement
    for many accounts, where ``bulk_update``'s ``CASE WHEN`` per account costs Django a
    quarter of a second to compile for 2,000 accounts (a settlement's)."""
    table = connection.ops.quote_name(Account._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(balances))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v (id, balance) AS (VALUES {rows}) "
            f"UPDATE {table} SET balance = v.balance FROM v WHERE {table}.id = v.id",
            [value for pair in balances for value in pair],
        )


def _rows_per_statement(columns: int) -> int | None:
    """How many rows of ``columns`` parameters one ``INSERT`` may carry: no limit on
    PostgreSQL (psycopg2 sends the statement with its values in), SQLite's bound otherwise."""
    limit = connection.features.max_query_params
    return limit // columns if limit else None


def _insert(table: str, columns: list[str], rows: list[tuple], returning: str = "") -> list:
    """``INSERT INTO table (columns) VALUES …`` of plain tuples (what the ledger writes by
    the thousand: no model instance built per row), ``RETURNING`` the given columns."""
    table = connection.ops.quote_name(table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    row = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(rows))}"
            + (f" RETURNING {returning}" if returning else ""),
            [value for values in rows for value in values],
        )
        return cursor.fetchall() if returning else []


def _batches(postings: list[Posting], columns: int, width) -> Iterable[list[Posting]]:
    """The postings in runs whose ``width(posting)`` rows fit one statement; a run holds
    whole postings, so every transaction's entries go in ONE ``INSERT`` (the balanced
    check on PostgreSQL is per statement: ``payments.models.ledger``)."""
    limit = _rows_per_statement(columns)
    batch, rows = [], 0
    for posting in postings:
        if batch and limit and rows + width(posting) > limit:
            yield batch
            batch, rows = [], 0
        batch.append(posting)
        rows += width(posting)
    if batch:
        yield batch


def _write_postings(postings: list[Posting]) -> list[LedgerTransaction]:
    """One ``INSERT`` of the transactions and one of all their entries (in runs of whole
    postings on SQLite, whose statements take at most 999 parameters)."""
    now = timezone.now()
    created_at = LedgerTransaction._meta.get_field("created_at").get_db_prep_value(now, connection)
    sources = {
        posting.key: (
            (ContentType.objects.get_for_model(posting.source).pk, posting.source.pk)
            if posting.source is not None
            else (None, None)
        )
        for posting in postings
    }
    columns = ["idempotency_key", "source_type_id", "source_id", "memo", "reverses_id"]
    ids = {}
    for batch in _batches(postings, len(columns) + 1, lambda posting: 1):
        ids.update(
            _insert(
                LedgerTransaction._meta.db_table,
                [*columns, "created_at"],
                [
                    (
                        posting.key,
                        *sources[posting.key],
                        posting.memo,
                        posting.reverses.pk if posting.reverses is not None else None,
                        created_at,
                    )
                    for posting in batch
                ],
                returning="idempotency_key, id",
            )
        )
    for batch in _batches(postings, 4, lambda posting: len(posting.lines)):
        _insert(
            LedgerEntry._meta.db_table,
            ["transaction_id", "account_id", "amount", "created_at"],
            [
                (ids[posting.key], account.pk, amount, created_at)
                for posting in batch
                for account, amount in posting.lines
            ],
        )
    created = [
        LedgerTransaction(
            id=ids[posting.key],
            idempotency_key=posting.key,
            source_type_id=sources[posting.key][0],
            source_id=sources[posting.key][1],
            memo=posting.memo,
            reverses=posting.reverses,
            created_at=now,
        )
        for posting in postings
    ]
    for posted in created:  # saved rows, as bulk_create leaves them
        posted._state.adding, posted._state.db = False, connection.alias
    return created


def ledger_post_many(postings: Iterable[Posting]) -> list[LedgerTransaction]:
    """Post many balanced transactions with a fixed number of statements, whatever their
    number: every account locked once (pk order), one read of the keys already posted, one
    ``UPDATE`` of the running balances, one ``INSERT`` of the transactions and one of their
    entries. Each posting keeps every rule of ``ledger_post``: balanced whole cents, its own
    idempotency key (a key posted before returns that transaction and writes nothing), no
    overdraw of an expert's balance. Returns the transactions in the postings' order."""
    postings = list(postings)
    if not postings:
        return []
    for posting in postings:
        posting.lines = list(posting.lines)
    deltas = {posting.key: _check_lines(posting.lines) for posting in postings}
    keys = [posting.key for posting in postings]
    if len(set(keys)) != len(keys):
        raise ValidationError("Each ledger posting of a batch needs its own idempotency key.")
    account_ids = {pk for posting_deltas in deltas.values() for pk in posting_deltas}
    with db_transaction.atomic():
        # Locked in pk order, so two postings touching the same accounts never deadlock.
        locked = Account.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
        locked = {
            pk: (balance, negative)
            for pk, balance, negative in locked.values_list("pk", "balance", "can_go_negative")
        }
        if account_ids - locked.keys():
            raise ValidationError(f"No ledger account #{min(account_ids - locked.keys())}.")
        # Keys read under the locks: a concurrent retry waits for the first, then finds it.
        existing = LedgerTransaction.objects.filter(idempotency_key__in=keys).in_bulk(
            field_name="idempotency_key"
        )
        new = [posting for posting in postings if posting.key not in existing]
        if new:
            _move_balances(locked, [deltas[posting.key] for posting in new])
            created = _write_postings(new)
            existing.update({posted.idempotency_key: posted for posted in created})
    return [existing[key] for key in keys]


def ledger_post(
    *, key: str, lines: Iterable[Line], source=None, memo: str = "", reverses=None
) -> LedgerTransaction:
    """Post one balanced transaction. A repeated ``key`` returns the transaction first
    posted with it and writes nothing (checked under the account locks, so a concurrent
    retry waits for the first and then finds it)."""
    posting = Posting(key=key, lines=list(lines), source=source, memo=memo, reverses=reverses)
    return ledger_post_many([posting])[0]


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
