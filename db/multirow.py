"""Many rows into one table in one statement: the rows of one submitted response.

On PostgreSQL every column travels as one array parameter and `unnest` turns them back into rows,
so the server runs one prepared statement per table instead of one per row, and the driver binds
a few arrays instead of every row. (An executemany is one statement per row there; a multi-row
VALUES statement is compiled anew by SQLAlchemy for every row count.) On SQLite, which runs in
this process, an executemany is already cheap and is kept.
Functions take a Session (or a Connection) and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from db.errors import DatabaseError

__all__ = ["add_counts", "insert_rows"]

Row = Mapping[str, Any]


def insert_rows(session: Session | Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows` (dicts with every column named in the first) into `table`."""
    if not rows:
        return
    columns = _columns(table, rows)
    if _dialect(session) == "postgresql":
        session.execute(_pg_statement(table, columns, add=False), _arrays(columns, rows))
    else:
        session.execute(insert(table), list(rows))


def add_counts(session: Session | Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert `rows`, or where a row with the same primary key exists, add their other columns to it.

    Atomic under concurrent writers on both backends (INSERT ... ON CONFLICT DO UPDATE). The keys of
    `rows` must differ from each other: one statement cannot update a row twice.
    """
    if not rows:
        return
    columns = _columns(table, rows)
    dialect = _dialect(session)
    if dialect == "postgresql":
        session.execute(_pg_statement(table, columns, add=True), _arrays(columns, rows))
    else:
        session.execute(_upsert_adding(dialect, table), list(rows))


@cache
def _upsert_adding(dialect: str, table: Table) -> Insert:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE adding the other columns, for an executemany."""
    builders: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if dialect not in builders:
        raise DatabaseError(f"counts need SQLite or PostgreSQL, not {dialect}")
    statement = builders[dialect](table)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in _counters(table)},
    )


def _counters(table: Table) -> list[str]:
    return [column.name for column in table.c if not column.primary_key]


@cache
def _pg_statement(table: Table, columns: tuple[str, ...], *, add: bool) -> Any:
    dialect = postgresql.dialect()
    quote = dialect.identifier_preparer.quote
    # Names come from the table's metadata (checked in _columns), quoted; the values are bound arrays.
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect)}[])" for name in columns)
    target = quote(table.name)
    sql = f"INSERT INTO {target} ({', '.join(map(quote, columns))}) SELECT * FROM unnest({arrays})"
    if add:
        key = ", ".join(quote(column.name) for column in table.primary_key.columns)
        sums = ", ".join(f"{quote(name)} = {target}.{quote(name)} + EXCLUDED.{quote(name)}"
                         for name in _counters(table))
        sql += f" ON CONFLICT ({key}) DO UPDATE SET {sums}"
    return text(sql)


def _columns(table: Table, rows: Sequence[Row]) -> tuple[str, ...]:
    columns = tuple(rows[0])
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise DatabaseError(f"{table.name} has no column {unknown[0]!r}")
    return columns


def _arrays(columns: tuple[str, ...], rows: Sequence[Row]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in columns}


def _dialect(executor: Session | Connection) -> str:
    if isinstance(executor, Connection):
        return executor.dialect.name
    return executor.get_bind().dialect.name
