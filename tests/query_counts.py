"""Counting a job's queries on a small world and again on a grown one (DESIGN: counts that
must not grow are pinned equal at two sizes, not under a ceiling)."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext


def queries_undone(job) -> list[dict]:
    """The statements ``job()`` runs, with its writes rolled back afterwards, so the same job
    can run again on the same world once it has grown. Run it once first to warm the caches
    (content types) that a rollback does not undo."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            job()
        transaction.set_rollback(True)
    return queries.captured_queries
