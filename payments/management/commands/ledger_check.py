"""Prove the ledger adds up: every account's running balance equals the sum of its entries,
and every transaction's entries sum to zero. Exits non-zero when either does not."""

from django.core.management.base import BaseCommand, CommandError

# The checks are selectors (the staff reconciliation page shows them too); imported here
# under their old names for the command and its callers.
from payments.selectors.ledger import balance_mismatches, unbalanced_transactions

__all__ = ["Command", "balance_mismatches", "unbalanced_transactions"]


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
