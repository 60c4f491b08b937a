from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate

APPEND_ONLY_MODELS = ("LedgerTransaction", "LedgerEntry")


def install_sqlite_ledger_guard(sender, using, **kwargs):
    """The ledger is append-only on the embedded SQLite default too: plain triggers refuse an
    UPDATE or DELETE of a ledger transaction or entry. On PostgreSQL the pgtrigger triggers
    in the migrations do this (and check that each INSERT balances every transaction);
    pgtrigger skips SQLite, so these are installed here, idempotently, after every migrate
    (also when the schema is built without migrations)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    tables = [sender.get_model(name)._meta.db_table for name in APPEND_ONLY_MODELS]
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
        for table in filter(existing.__contains__, tables):
            for operation in ("UPDATE", "DELETE"):
                name = f"{table}_append_only_{operation.lower()}"
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
                    f"BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: "
                    f"{operation} of {table} refused'); END"
                )


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from payments import (
            invoice_tasks,  # noqa: F401  (registers the daily invoicing job)
            payout_tasks,  # noqa: F401  (registers the hourly payouts job)
        )

        post_migrate.connect(
            install_sqlite_ledger_guard, sender=self, dispatch_uid="payments_sqlite_ledger_guard"
        )
