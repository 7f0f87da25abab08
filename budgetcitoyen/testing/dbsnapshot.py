"""Copy the whole content of the test database into memory and put it back, in milliseconds.

The demo data set takes seconds to build through the services; tests that need it get this
copy instead of a rebuild. ``capture`` reads every table; ``restore`` empties every table and
writes the copy back, in the caller's transaction (rolled back after a test) or committed (for
a live server). On PostgreSQL, tables are read and written with ``COPY`` and their triggers
(append-only audit log, frozen dossiers, final ballots) are switched off for the write only,
inside the same transaction; on SQLite, rows go through ``executemany``. Sequences are put
past the largest id afterwards, so new rows never collide with copied ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Never copied: the schema's own bookkeeping.
SKIPPED = {"django_migrations", "sqlite_sequence"}


@dataclass
class Snapshot:
    """Every table's rows: COPY text on PostgreSQL, tuples on SQLite."""

    vendor: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)

    def count(self, table: str) -> int:
        data = self.rows[table]
        return data.count(b"\n") if isinstance(data, bytes) else len(data)


def _tables(conn: BaseDatabaseWrapper) -> list[str]:
    return sorted(t for t in conn.introspection.table_names() if t not in SKIPPED)


def _quote(conn: BaseDatabaseWrapper, name: str) -> str:
    return conn.ops.quote_name(name)


def _column_list(conn: BaseDatabaseWrapper, columns: list[str]) -> str:
    return ", ".join(_quote(conn, c) for c in columns)


def capture(conn: BaseDatabaseWrapper = connection) -> Snapshot:
    snapshot = Snapshot(vendor=conn.vendor)
    with conn.cursor() as cursor:
        for table in _tables(conn):
            columns = [c.name for c in conn.introspection.get_table_description(cursor, table)]
            snapshot.columns[table] = columns
            column_list = _column_list(conn, columns)
            if conn.vendor == "postgresql":
                # psycopg's own cursor, for COPY
                with cursor.cursor.copy(
                    f"COPY {_quote(conn, table)} ({column_list}) TO STDOUT"
                ) as copy:
                    snapshot.rows[table] = b"".join(bytes(chunk) for chunk in copy)
            else:
                cursor.execute(f"SELECT {column_list} FROM {_quote(conn, table)}")
                snapshot.rows[table] = cursor.fetchall()
    return snapshot


@contextmanager
def _triggers_off(conn: BaseDatabaseWrapper, tables: list[str]) -> Iterator[None]:
    """PostgreSQL: the tables' own triggers are off, and foreign keys checked only at the end.

    ``ALTER TABLE`` is transactional (if the block fails, the triggers were never off) but
    refuses to run while foreign-key checks are pending, so they are run just before each
    ``ALTER``: first those of rows written earlier in the transaction, last those of the copy.
    Django's foreign keys are all ``DEFERRABLE INITIALLY DEFERRED``, which the block restores.
    """
    if conn.vendor != "postgresql":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
            [tables],
        )
        guarded = sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in guarded:
            cursor.execute(f"ALTER TABLE {_quote(conn, table)} DISABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in guarded:
            cursor.execute(f"ALTER TABLE {_quote(conn, table)} ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def restore(snapshot: Snapshot, conn: BaseDatabaseWrapper = connection) -> None:
    """Make the database hold exactly the snapshot, in one transaction (the caller's, if any)."""
    assert snapshot.vendor == conn.vendor, "a snapshot goes back to the database it came from"
    tables = list(snapshot.rows)
    with (
        transaction.atomic(using=conn.alias),
        conn.cursor() as cursor,
        _triggers_off(conn, tables),
    ):
        # DELETE, not TRUNCATE: PostgreSQL refuses to truncate a table with pending
        # foreign-key checks, which rows written earlier in a test's transaction leave.
        for table in tables:
            cursor.execute(f"DELETE FROM {_quote(conn, table)}")
        for table in tables:
            columns = snapshot.columns[table]
            column_list = _column_list(conn, columns)
            data = snapshot.rows[table]
            if not data:
                continue
            if conn.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY {_quote(conn, table)} ({column_list}) FROM STDIN"
                ) as copy:
                    copy.write(data)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {_quote(conn, table)} ({column_list}) VALUES ({marks})", data
                )
        for statement in conn.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    _forget_cached_rows()


def restart_empty_sequences(conn: BaseDatabaseWrapper = connection) -> None:
    """Ids start at 1 in every empty table, so data built next has the same ids every run."""
    with conn.cursor() as cursor:
        empty = []
        for sequence in conn.introspection.sequence_list():
            cursor.execute(f"SELECT 1 FROM {_quote(conn, sequence['table'])} LIMIT 1")
            if cursor.fetchone() is None:
                empty.append(sequence)
        for statement in conn.ops.sequence_reset_by_name_sql(no_style(), empty):
            cursor.execute(statement)


def _forget_cached_rows() -> None:
    """Rows cached in memory by Django would not match the restored ones."""
    from django.contrib.contenttypes.models import ContentType

    from budgetcitoyen.editions import current
    from budgetcitoyen.voting import catalogue

    ContentType.objects.clear_cache()
    catalogue.forget()
    current.forget()
