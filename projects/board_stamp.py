"""Database triggers that replace a project's ``BoardStamp`` token whenever something its
board page shows changes, in the same transaction as the change.

Triggers rather than calls in the services: the board caches whole rendered parts under
the token (``projects.views.snapshot``), and a write path that forgot to bump it would
show a stale board. A trigger sees every path: services, the admin, the hours rollup,
shells and raw SQL.

PostgreSQL: a statement-level trigger on each source table notes the touched projects in
a transaction-local setting, and on the transaction's first touch inserts one row into
``projects_board_touch``, whose deferred constraint trigger writes the new tokens at
COMMIT, in project order. So the stamp rows are locked only for the moment of the commit
(two board edits never wait on each other's stamp, nor deadlock on it), a bulk write costs
one call per statement, and a reader that reads the token before the board's rows never
caches old rows under a new token. SQLite has one writer at a time: plain row triggers.

Installed after every ``migrate`` (as ``timesheets.apps`` installs its guard) because the
schema is also built without migrations (tests, benchmarks); every statement is
idempotent, so a re-run refreshes them. Other apps whose rows the board shows register
their tables (``board_source_register``) from their ``AppConfig.ready``, so projects
never imports them."""

from dataclasses import dataclass

from django.db import connections

TOUCH_TABLE = "projects_board_touch"
TOUCHED_SETTING = "projects.board_touched"
PREFIX = "projects_board_"


@dataclass(frozen=True)
class Source:
    """A table the board shows: its rows name their project in ``column``, or, with a
    ``parent``, name a row of ``parent`` (table) that does."""

    model: object
    column: str = "project_id"
    parent: object = None


_registered: list[Source] = []


def board_source_register(model, column: str = "project_id", parent=None) -> None:
    source = Source(model, column, parent)
    if source not in _registered:
        _registered.append(source)


def board_sources() -> list[Source]:
    from projects.models import (
        Assignment,
        Project,
        ProjectUpdate,
        Query,
        QueryPromise,
        Release,
        Sprint,
        Task,
        TaskHours,
    )

    own = [Source(Project, "id")]
    own += [Source(model) for model in (Task, TaskHours, Sprint, Assignment, Release)]
    own += [Source(Query), Source(ProjectUpdate)]
    own += [
        Source(Release.tasks.through, "release_id", Release),
        Source(QueryPromise, "query_id", Query),
    ]
    return own + _registered


def install_board_stamp_triggers(sender, using, **kwargs):
    from accounts.models import Organization, User
    from projects.models import Assignment, BoardStamp, Project, Task

    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return
    tables = {
        "stamp": BoardStamp._meta.db_table,
        "project": Project._meta.db_table,
        "task": Task._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "user": User._meta.db_table,
        "organization": Organization._meta.db_table,
    }
    sources = board_sources()
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        needed = {*tables.values(), *(source.model._meta.db_table for source in sources)}
        if not needed <= existing:
            return
        quote = connection.ops.quote_name
        t = {name: quote(table) for name, table in tables.items()}
        t["user_table"] = tables["user"]
        t["organization_table"] = tables["organization"]
        if connection.vendor == "postgresql":
            _install_postgresql(cursor, quote, t, sources)
        else:
            _install_sqlite(cursor, quote, t, sources)


def _projects_of(source: Source, rows: str, quote) -> str:
    """SQL: the project ids named by ``rows`` (a table or transition table) of ``source``."""
    column = quote(source.column)
    if source.parent is None:
        return f"SELECT {column} FROM {rows}"
    parent = quote(source.parent._meta.db_table)
    return f"SELECT p.project_id FROM {rows} x JOIN {parent} p ON p.id = x.{column}"


def _renamed_users_projects(t: dict, renamed: str) -> str:
    """SQL: the projects that show the users in ``renamed`` (ids): assigned or assignees."""
    return (
        f"SELECT a.project_id FROM {t['assignment']} a WHERE a.expert_id IN ({renamed}) "
        f"UNION SELECT k.project_id FROM {t['task']} k WHERE k.assignee_id IN ({renamed})"
    )


def _renamed_organizations_projects(t: dict, renamed: str) -> str:
    """SQL: the projects of the organizations in ``renamed`` (ids); reports show the name."""
    return f"SELECT p.id FROM {t['project']} p WHERE p.organization_id IN ({renamed})"


def _install_postgresql(cursor, quote, t: dict, sources: list[Source]) -> None:
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {TOUCH_TABLE} (id bigserial PRIMARY KEY)")
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}note(touched bigint[]) RETURNS void AS $$
        DECLARE
            pending text := coalesce(current_setting('{TOUCHED_SETTING}', true), '');
            project bigint;
        BEGIN
            IF touched IS NULL THEN
                RETURN;
            END IF;
            IF pending = '' THEN
                -- The transaction's first touch: its deferred trigger stamps at COMMIT.
                INSERT INTO {TOUCH_TABLE} DEFAULT VALUES;
            END IF;
            FOREACH project IN ARRAY touched LOOP
                IF project IS NOT NULL
                        AND position(',' || project || ',' IN ',' || pending) = 0 THEN
                    pending := pending || project || ',';
                END IF;
            END LOOP;
            PERFORM set_config('{TOUCHED_SETTING}', pending, true);
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {PREFIX}stamp() RETURNS trigger AS $$
        DECLARE
            pending text := coalesce(current_setting('{TOUCHED_SETTING}', true), '');
        BEGIN
            PERFORM set_config('{TOUCHED_SETTING}', '', true);
            DELETE FROM {TOUCH_TABLE} WHERE id = NEW.id;
            IF pending <> '' THEN
                INSERT INTO {t["stamp"]} (project_id, token)
                SELECT p.id, gen_random_uuid()::text FROM {t["project"]} p
                WHERE p.id = ANY (string_to_array(rtrim(pending, ','), ',')::bigint[])
                ORDER BY p.id
                ON CONFLICT (project_id) DO UPDATE SET token = EXCLUDED.token;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {PREFIX}stamp ON {TOUCH_TABLE}")
    cursor.execute(
        f"CREATE CONSTRAINT TRIGGER {PREFIX}stamp AFTER INSERT ON {TOUCH_TABLE} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {PREFIX}stamp()"
    )
    for source in sources:
        table = source.model._meta.db_table
        inserted = _projects_of(source, "new_rows", quote)
        deleted = _projects_of(source, "old_rows", quote)
        _trigger_postgresql(
            cursor,
            quote,
            table,
            f"""
            IF TG_OP = 'INSERT' THEN
                SELECT array_agg(DISTINCT id) INTO touched FROM ({inserted}) s(id);
            ELSIF TG_OP = 'DELETE' THEN
                SELECT array_agg(DISTINCT id) INTO touched FROM ({deleted}) s(id);
            ELSE
                SELECT array_agg(DISTINCT id) INTO touched FROM (
                    {inserted} UNION {deleted}
                ) s(id);
            END IF;
            """,
            events=("insert", "update", "delete"),
        )
    renamed = (
        "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE (n.first_name, n.last_name, n.email, n.is_active) "
        "IS DISTINCT FROM (o.first_name, o.last_name, o.email, o.is_active)"
    )
    _trigger_postgresql(
        cursor,
        quote,
        t["user_table"],
        f"SELECT array_agg(DISTINCT id) INTO touched "
        f"FROM ({_renamed_users_projects(t, renamed)}) s(id);",
        events=("update",),
    )
    renamed = (
        "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE n.name IS DISTINCT FROM o.name"
    )
    _trigger_postgresql(
        cursor,
        quote,
        t["organization_table"],
        f"SELECT array_agg(DISTINCT id) INTO touched "
        f"FROM ({_renamed_organizations_projects(t, renamed)}) s(id);",
        events=("update",),
    )


def _trigger_postgresql(cursor, quote, table: str, body: str, events) -> None:
    function = f"{PREFIX}{table}"[:63]
    cursor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        DECLARE
            touched bigint[];
        BEGIN
            {body}
            PERFORM {PREFIX}note(touched);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        """
    )
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    for event in events:
        name = f"{PREFIX}{event}"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quote(table)}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {quote(table)} "
            f"REFERENCING {referencing[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def _install_sqlite(cursor, quote, t: dict, sources: list[Source]) -> None:
    def stamp(projects: str) -> str:
        # An upsert, not INSERT OR REPLACE: an outer statement's conflict policy (the
        # rollup's upsert) would override the trigger's OR clause.
        return (
            f"INSERT INTO {t['stamp']} (project_id, token) "
            f"SELECT id, lower(hex(randomblob(16))) FROM {t['project']} "
            f"WHERE id IN ({projects}) "
            "ON CONFLICT (project_id) DO UPDATE SET token = excluded.token;"
        )

    def ids(source: Source, *rows: str) -> str:
        named = ", ".join(f"{row}.{quote(source.column)}" for row in rows)
        if source.parent is None:
            return named
        return f"SELECT project_id FROM {quote(source.parent._meta.db_table)} WHERE id IN ({named})"

    for source in sources:
        statements = {
            "insert": stamp(ids(source, "NEW")),
            "update": stamp(ids(source, "OLD", "NEW")),
            "delete": stamp(ids(source, "OLD")),
        }
        _triggers_sqlite(cursor, quote, source.model._meta.db_table, statements)
    _triggers_sqlite(
        cursor,
        quote,
        t["user_table"],
        {"update": stamp(_renamed_users_projects(t, "NEW.id"))},
        when="WHEN OLD.first_name IS NOT NEW.first_name OR OLD.last_name IS NOT "
        "NEW.last_name OR OLD.email IS NOT NEW.email OR OLD.is_active IS NOT NEW.is_active",
    )
    _triggers_sqlite(
        cursor,
        quote,
        t["organization_table"],
        {"update": stamp(_renamed_organizations_projects(t, "NEW.id"))},
        when="WHEN OLD.name IS NOT NEW.name",
    )


def _triggers_sqlite(cursor, quote, table: str, statements: dict, when: str = "") -> None:
    for event, statement in statements.items():
        name = f"{PREFIX}{table}_{event}"
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {quote(table)} "
            f"{when} BEGIN {statement} END"
        )


# --- reading under a stamp ---------------------------------------------------------------


def writes_so_far():
    """A mark of this connection's writes, for ``nothing_written_since``: SQLite's count of
    changed rows (PostgreSQL asks its transaction instead, so no mark is needed)."""
    from projects.models import BoardStamp

    connection = connections[BoardStamp.objects.db]
    if connection.vendor != "sqlite" or connection.connection is None:
        return None
    return connection.connection.total_changes


def nothing_written_since(mark) -> bool:
    """Whether what was read since ``mark`` may be kept under the stamps read with it: not
    when the request's own transaction has written, since those rows may still roll back
    under a stamp that would stay current (a stamp is replaced only at COMMIT)."""
    from projects.models import BoardStamp

    connection = connections[BoardStamp.objects.db]
    if not connection.in_atomic_block:
        return True  # autocommit: every write of this request is committed, and stamped
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL")
            return cursor.fetchone()[0]
    return writes_so_far() == mark
