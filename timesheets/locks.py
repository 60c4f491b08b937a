"""The one lock between writing hours and settling a period (R-SETTLE, R-TIMESHEET).

Checking "is this day settled?" and then inserting is two steps; a settlement committed in
between would leave an unsettled entry in a settled period. So every write that can put an
entry on a day takes this lock shared (writers never wait for each other) before its checks,
and settling takes it exclusive before linking the period's entries: an entry written at the
same time as a settlement either commits first and is settled with the period, or waits for
the settlement and is refused. The database trigger takes the same lock, so raw SQL keeps
the rule too.

A PostgreSQL transaction-level advisory lock, released at commit or rollback: the services
run in a transaction. SQLite (the embedded default) lets one transaction write at a time, so
there it is nothing.
"""

from django.db import connection

# Any fixed number: advisory lock keys are one space per database, shared by nobody else.
SETTLEMENT_LOCK_KEY = 731_733_800_001


def _advisory(function: str) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [SETTLEMENT_LOCK_KEY])


def lock_for_entry_writes() -> None:
    """Before checking a day against the settled periods; take it before any row lock, so
    that a settlement waiting for it never holds a row the writer waits for."""
    _advisory("pg_advisory_xact_lock_shared")


def lock_for_settling() -> None:
    """Before linking a period's entries to its settlement; held until commit."""
    _advisory("pg_advisory_xact_lock")
