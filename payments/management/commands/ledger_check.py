"""Prove the ledger adds up: every account's running balance equals the sum of its entries,
and every transaction's entries sum to zero. Exits non-zero when either does not."""

from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db.models import DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce, Round

from payments.models import Account, LedgerTransaction

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _entries_sum(relation: str):
    # Rounded to cents in SQL: SQLite sums decimals as floats (PostgreSQL numerics are exact).
    return Round(Coalesce(Sum(f"{relation}__amount"), ZERO), 2)


def balance_mismatches():
    """Accounts whose balance is not the sum of their entries (one GROUP BY)."""
    return (
        Account.objects.annotate(entries_total=_entries_sum("entries"))
        .exclude(entries_total=Round(F("balance"), 2))
        .values_list("pk", "kind", "balance", "entries_total")
        .order_by("pk")
    )


def unbalanced_transactions():
    """Transactions whose entries do not sum to zero (one GROUP BY)."""
    return (
        LedgerTransaction.objects.annotate(entries_total=_entries_sum("entries"))
        .exclude(entries_total=0)
        .values_list("pk", "entries_total")
        .order_by("pk")
    )


class Command(BaseCommand):
    help = "Check every ledger balance against its entries and every transaction sums to zero."

    def handle(self, *args, **options):
        problems = [
            f"account #{pk} ({kind}): balance {balance} but entries sum to {total}"
            for pk, kind, balance, total in balance_mismatches()
        ] + [
            f"transaction #{pk}: entries sum to {total}, not zero"
            for pk, total in unbalanced_transactions()
        ]
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"ledger_check: {len(problems)} mismatch(es)")
        self.stdout.write(
            "ledger_check: every balance equals its entries; every transaction sums to zero"
        )
