"""Many rows into one table in one statement: the rows of one submitted response, and COPY for bulk.

On PostgreSQL every column travels as one array parameter and `unnest` turns them back into rows,
so the server runs one prepared statement per table instead of one per row, and the driver binds
a few arrays instead of every row. (An executemany is one statement per row there; a multi-row
VALUES statement is compiled anew by SQLAlchemy for every row count.) On SQLite, which runs in
this process, an executemany is already cheap and is kept.
copy_rows sends many rows with PostgreSQL's COPY (bulk writes and restores).
Functions take a Session (or a Connection) and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, Table, insert, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from db.errors import DatabaseError

__all__ = ["add_counts", "copy_rows", "dialect_insert", "insert_rows"]

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


def dialect_insert(executor: Session | Connection, target: Any) -> sqlite.Insert | postgresql.Insert:
    """SQLite's or PostgreSQL's own INSERT (with ON CONFLICT) for a table or mapped class."""
    return _insert_builder(_dialect(executor))(target)


def copy_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL with psycopg: the rows (values in `columns` order) with one COPY, each value through its
    column's bind processing as an INSERT would (JSON to text, the UTC datetime type). A driver error is
    raised as SQLAlchemy's (IntegrityError for a broken key, ...), as from an INSERT."""
    dialect = connection.dialect
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
    driver_error = dialect.loaded_dbapi.Error
    driver = connection.connection.driver_connection
    if driver is None:
        raise DatabaseError("the database connection is closed")
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            if not any(processors):
                for row in rows:
                    copy.write_row(row)
                return
            for row in rows:
                copy.write_row(
                    [value if process is None else process(value) for value, process in zip(row, processors)]
                )
    except driver_error as exc:
        raise sa_exc.DBAPIError.instance(statement, None, exc, driver_error, dialect=dialect) from exc


@cache
def _upsert_adding(dialect: str, table: Table) -> Insert:
    """INSERT ... ON CONFLICT (primary key) DO UPDATE adding the other columns, for an executemany."""
    statement = _insert_builder(dialect)(table)
    return statement.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in _counters(table)},
    )


def _insert_builder(dialect: str) -> Any:
    builders: dict[str, Any] = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
    if dialect not in builders:
        raise DatabaseError(f"this needs SQLite or PostgreSQL, not {dialect}")
    return builders[dialect]


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
        sums = ", ".join(
            f"{quote(name)} = {target}.{quote(name)} + EXCLUDED.{quote(name)}" for name in _counters(table)
        )
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
