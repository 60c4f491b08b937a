"""The hours report as CSV, streamed: the same bytes by either of two writers.

- PostgreSQL: the report's own query inside ``COPY (SELECT …) TO STDOUT (FORMAT csv,
  HEADER)``, the formula guard done in SQL, read by a helper thread into a short queue so
  the response streams while the database writes and memory stays flat.
- Any other database (the embedded SQLite default): Python's ``csv.writer`` over a
  server-side cursor.

The bytes are the same (``tests/timesheets/test_export_copy.py`` compares them): empty text
is sent to COPY as NULL (COPY quotes an empty string, ``csv.writer`` does not), dates are
written ISO, and COPY's line ends (``\\n``) become ``csv.writer``'s ``\\r\\n`` outside
quoted values only, where a newline inside a value stays as it is in both.
"""

import contextlib
import csv
import io
import queue
import threading
import time

from django.db import connection

from softwaresupp.exports import csv_cell
from timesheets import selectors

EXPORT_COLUMNS = {
    "entry": [
        ("day", "Day"),
        ("organization_name", "Organization"),
        ("project_name", "Project"),
        ("task_id", "Task id"),
        ("title", "Task"),
        ("email", "Expert email"),
        ("first_name", "Expert first name"),
        ("last_name", "Expert last name"),
        ("hours", "Hours"),
        ("description", "Description"),
        ("settlement_id", "Settlement"),
    ],
    "task": [
        ("organization_name", "Organization"),
        ("project_name", "Project"),
        ("task_id", "Task id"),
        ("title", "Task"),
        ("status", "Status"),
        ("hours", "Hours in range"),
        ("actual", "Hours to date"),
        ("estimate", "Estimate"),
        ("variance", "Variance"),
    ],
    "project": [
        ("organization_name", "Organization"),
        ("project_name", "Project"),
        ("hours", "Hours in range"),
        ("actual", "Hours to date on these tasks"),
        ("estimate", "Estimate of these tasks"),
        ("variance", "Variance"),
    ],
    "sprint": [
        ("organization_name", "Organization"),
        ("project_name", "Project"),
        ("week", "Week of"),
        ("hours", "Hours"),
        ("estimate", "Sprint estimate"),
        ("variance", "Variance"),
        ("tasks", "Tasks"),
    ],
    "expert": [
        ("email", "Expert email"),
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("hours", "Hours"),
        ("tasks", "Tasks"),
        ("days", "Days"),
        ("entries", "Entries"),
    ],
}
TEXT_COLUMNS = {
    "organization_name",
    "project_name",
    "title",
    "status",
    "email",
    "first_name",
    "last_name",
    "description",
}
DATE_COLUMNS = {"day", "week"}
# The groupings with a row per task or entry (unbounded): the others have a row per
# project, sprint or expert and their plans merged in Python, so they keep the writer.
COPY_GROUPS = ("task", "entry")

EXPORT_CHUNK = 64 * 1024  # about this much is handed to the server at a time
QUEUED_CHUNKS = 4  # chunks the COPY may run ahead of the client


def export_chunks(*, user, report_filter, group):
    """The report's CSV in chunks, by COPY on PostgreSQL for the task and entry rows, by
    ``csv.writer`` otherwise."""
    if connection.vendor == "postgresql" and group in COPY_GROUPS:
        rows = selectors.report_rows(user=user, report=report_filter, group=group)
        return copy_chunks(rows, EXPORT_COLUMNS[group])
    return python_chunks(user=user, report_filter=report_filter, group=group)


def python_chunks(*, user, report_filter, group):
    """The CSV text in chunks of about 64 KB, produced as the database hands rows over
    (2,000 at a time): memory stays flat however many entries the range holds."""
    columns = EXPORT_COLUMNS[group]
    keys = [key for key, _ in columns]
    if group in COPY_GROUPS:
        rows = selectors.report_rows(user=user, report=report_filter, group=group)
        rows = rows.values_list(*keys).iterator(chunk_size=2000)
    else:
        summary = selectors.report_summary(user=user, report=report_filter, group=group)
        table = selectors.report_table(
            user=user, report=report_filter, group=group, summary=summary
        )
        rows = ([row[key] for key in keys] for row in table)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in columns])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        if buffer.tell() >= EXPORT_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


_FORMULA_STARTS_SQL = "('=', '+', '-', '@', E'\\t', E'\\r')"


def _column_sql(position: int, key: str, title: str) -> str:
    value = f"r.c{position}"
    if key in TEXT_COLUMNS:
        # softwaresupp.exports.csv_cell in SQL: a value a spreadsheet would run as a formula
        # gets a leading quote; an empty one is NULL, which COPY leaves unquoted.
        value = (
            f"CASE WHEN left({value}, 1) IN {_FORMULA_STARTS_SQL} "
            f"THEN '''' || {value} ELSE NULLIF({value}, '') END"
        )
    elif key in DATE_COLUMNS:
        value = f"to_char({value}, 'YYYY-MM-DD')"
    return f"{value} AS {connection.ops.quote_name(title)}"


def copy_sql(queryset, columns) -> str:
    """``COPY (SELECT <guarded columns> FROM (<the report's query>)) TO STDOUT``, its
    parameters bound by the driver."""
    keys = [key for key, _ in columns]
    inner, params = queryset.values_list(*keys).query.sql_with_params()
    names = ", ".join(f"c{position}" for position in range(len(keys)))
    select = ", ".join(
        _column_sql(position, key, title) for position, (key, title) in enumerate(columns)
    )
    sql = f"COPY (SELECT {select} FROM ({inner}) AS r ({names})) TO STDOUT (FORMAT csv, HEADER)"
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def crlf_line_ends(chunk: bytes, quoted: bool) -> tuple[bytes, bool]:
    """COPY ends rows with ``\\n``, ``csv.writer`` with ``\\r\\n``: every newline outside a
    quoted value is a row's end. ``quoted`` says whether the chunk starts inside a quoted
    value (each ``"`` toggles it; an escaped ``""`` toggles twice); returns the converted
    chunk and whether it ends inside one."""
    if b'"' not in chunk:
        return (chunk if quoted else chunk.replace(b"\n", b"\r\n")), quoted
    parts = chunk.split(b'"')
    first = 1 if quoted else 0
    parts[first::2] = [part.replace(b"\n", b"\r\n") for part in parts[first::2]]
    return b'"'.join(parts), quoted != ((len(parts) - 1) % 2 == 1)


class _QueueWriter:
    """The file COPY writes into (one call per row): rows gathered into chunks of about
    ``EXPORT_CHUNK`` bytes, each put on a bounded queue, so COPY waits for a slow client."""

    def __init__(self, chunks: queue.Queue, stop: threading.Event):
        self.chunks, self.stop = chunks, stop
        self.parts, self.size = [], 0

    def write(self, data: bytes) -> None:
        self.parts.append(data)
        self.size += len(data)
        if self.size >= EXPORT_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.parts and not self.stop.is_set():
            self.chunks.put(b"".join(self.parts))
        self.parts, self.size = [], 0


_DONE = object()


def copy_chunks(queryset, columns):
    """The rows of ``queryset`` as CSV bytes, streamed from ``COPY … TO STDOUT``.

    psycopg2 hands COPY's output to a file's ``write()`` and returns only at the end, so a
    helper thread runs it on this request's connection (which nothing else uses meanwhile)
    and passes chunks through a queue of ``QUEUED_CHUNKS``: memory stays flat at any size.
    A client that goes away cancels the COPY and the thread ends."""
    sql = copy_sql(queryset, columns)
    raw = connection.connection
    chunks: queue.Queue = queue.Queue(maxsize=QUEUED_CHUNKS)
    stop = threading.Event()

    def run():
        try:
            with raw.cursor() as cursor:
                writer = _QueueWriter(chunks, stop)
                cursor.copy_expert(sql, writer)
                writer.flush()
        except BaseException as error:  # handed to the response, raised there
            chunks.put(error)
        else:
            chunks.put(_DONE)

    started = time.monotonic()
    thread = threading.Thread(target=run, name="csv-copy", daemon=True)
    thread.start()
    quoted = False
    try:
        while (chunk := chunks.get()) is not _DONE:
            if isinstance(chunk, BaseException):
                raise chunk
            chunk, quoted = crlf_line_ends(chunk, quoted)
            yield chunk
    finally:
        if thread.is_alive():
            stop.set()
            raw.cancel()
            while thread.is_alive():  # let the thread finish its last put
                with contextlib.suppress(queue.Empty):
                    chunks.get(timeout=0.1)
        thread.join()
        if connection.queries_logged:
            # The statement runs outside Django's cursor wrapper: recorded here, so query
            # counts (and the debug toolbar) still see it.
            elapsed = time.monotonic() - started
            connection.queries_log.append({"sql": sql, "time": f"{elapsed:.3f}"})
