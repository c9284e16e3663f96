"""Whole-table reads and writes for backup and restore (services/data_tools/backup.py).

The tables come from Base.metadata, in foreign-key order, so a table added to the models is
part of every backup without a change here. Functions take a Connection and never commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, func, insert, inspect, select, text

from db.engine import MIGRATIONS_DIR
from db.models import Base
from db.multirow import copy_rows

__all__ = [
    "data_tables",
    "foreign_tables",
    "head_revision",
    "insert_rows",
    "reset_sequences",
    "row_count",
    "stream_rows",
]

# Tables of the database that are not application data: Alembic's bookkeeping, SQLite's own.
_NOT_DATA = ("alembic_version",)
_NOT_DATA_PREFIXES = ("sqlite_",)


def head_revision() -> str:
    """The newest schema revision this code knows (what `init-db` migrates to)."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head is not None, "the migrations folder has no head revision"
    return head


def data_tables() -> list[Table]:
    """Every table of the models, parents before the tables that refer to them."""
    return list(Base.metadata.sorted_tables)


def foreign_tables(connection: Connection) -> list[str]:
    """Tables in the database that the models do not know (a backup would leave them out)."""
    known = {table.name for table in data_tables()}
    return sorted(
        name
        for name in inspect(connection).get_table_names()
        if name not in known and name not in _NOT_DATA and not name.startswith(_NOT_DATA_PREFIXES)
    )


def row_count(connection: Connection, table: Table) -> int:
    return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def stream_rows(connection: Connection, table: Table, *, batch: int = 2000) -> Iterator[Sequence[Any]]:
    """The table's rows in primary-key order, as tuples in column order, fetched `batch` at a time.

    On PostgreSQL a server-side cursor, so a table of millions of rows never sits in memory.
    """
    query = select(*table.columns).order_by(*table.primary_key.columns)
    result = connection.execution_options(yield_per=batch).execute(query)
    for partition in result.partitions():
        yield from partition


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows as they are, primary keys included: one executemany, on PostgreSQL with psycopg
    one COPY (an executemany is one statement per row there; a restore writes millions)."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    copy_rows(connection, table, columns, ([row[name] for name in columns] for row in rows))


def reset_sequences(connection: Connection) -> None:
    """After inserting rows with their ids: move each PostgreSQL id sequence past the highest id.

    SQLite needs nothing (a new rowid is one past the highest). A table without a sequence is skipped.
    """
    if connection.dialect.name != "postgresql":
        return
    for table in data_tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or keys[0].type.python_type is not int:
            continue
        sequence = connection.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"), {"table": table.name, "column": keys[0].name}
        )
        if sequence is None:
            continue
        highest = connection.scalar(select(func.max(keys[0])))
        # is_called false: the next id is exactly 1 on an empty table; true: one past the highest.
        connection.execute(
            text("SELECT setval(:sequence, :value, :called)"),
            {"sequence": sequence, "value": highest or 1, "called": highest is not None},
        )
