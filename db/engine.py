"""Engines, sessions and migrations for SQLite (file or memory) and PostgreSQL."""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import URL, Connection, CursorResult, Engine, Result, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from db.errors import DatabaseError, DatabasePathError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15000  # a person would rather wait a few seconds than be told to try again
_SQLITE_BUSY = 5
_SQLITE_WRITE_LOCK_MAX_PAUSE_S = 0.004  # longest pause between tries for the write lock
# Any constant works; it only has to be the same for every process migrating one database.
_PG_MIGRATION_LOCK_ID = 7_301_944_213


def make_engine(url: str | URL) -> Engine:
    """Create an engine for `url`; for a SQLite file, check first that it can be written.

    Raises DatabasePathError when the SQLite file or its folder cannot be created or written.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return create_engine(parsed, pool_pre_ping=True)
    return create_engine(parsed)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory whose objects stay readable after commit (pages render them afterwards)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def upgrade_to_head(engine: Engine) -> None:
    """Migrate the database to the newest revision; a no-op when it is already there.

    Raises DatabaseError when a migration leaves a broken foreign key behind (nothing is kept).
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; with foreign keys on, dropping the old table
            # would fire ON DELETE CASCADE. The pragma only works outside a transaction.
            _sqlite_pragma(connection, "foreign_keys=OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Two app processes starting together must not both create the tables.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_ID})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseError("A migration left rows with broken foreign keys.")
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys=ON")


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at; None when it has none yet (an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched. Session.execute is typed as giving any Result; for
    these statements it gives a CursorResult, the kind that knows the count."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of an UPDATE or DELETE: {type(result).__name__}")
    return result.rowcount


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    # Straight to the driver: a SQLAlchemy execute would BEGIN first, and these pragmas are
    # no-ops inside a transaction.
    driver = connection.connection.driver_connection
    if driver is None:
        raise DatabaseError("the database connection is closed")
    driver.execute(f"PRAGMA {pragma}")


def _is_sqlite_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or url.query.get("mode") == "memory"


def _sqlite_engine(url: URL) -> Engine:
    if _is_sqlite_memory(url):
        # One shared connection, otherwise every pooled connection would see its own empty DB.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        database = url.database or ""
        if url.query.get("uri") and database.startswith("file:"):
            database = database[len("file:") :]
        check_sqlite_path(Path(database))
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 driver (see _on_sqlite_begin); SAVEPOINTs need it too.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Deleted rows' bytes are overwritten with zeros, not left in free space of the file: an erasure
    # (manage.py erase) must not leave the erased answers readable to whoever copies the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
    # writes fails at once with "database is locked" when another writer committed in between
    # (busy_timeout cannot help then). Transactions here are milliseconds long.
    # The lock is waited for here, in short random pauses, not by SQLite's busy handler: that one
    # sleeps up to 100 ms between tries, so with many writers the lock sits free while they all
    # sleep, and an unlucky one waits out the whole timeout (16 writer processes showed both).
    dbapi_connection = connection.connection.dbapi_connection
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        for attempt in itertools.count():
            try:
                dbapi_connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode & 0xFF != _SQLITE_BUSY or time.monotonic() >= deadline:
                    break
            time.sleep(random.uniform(0, min(_SQLITE_WRITE_LOCK_MAX_PAUSE_S, 0.0002 * 2 ** min(attempt, 5))))
        # Timed out (or another error): the last try goes through SQLAlchemy, which reports it as usual.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def check_sqlite_path(path: Path) -> None:
    """Create the folder of a SQLite file if needed and check both can be written.

    Raises DatabasePathError naming the path and the reason.
    """
    path = path.expanduser().absolute()
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise DatabasePathError(str(path), f"'{folder}' exists but is not a folder") from None
    except NotADirectoryError:
        raise DatabasePathError(str(path), "a part of its folder path is a file") from None
    except PermissionError:
        raise DatabasePathError(str(path), f"permission denied creating '{folder}'") from None
    except OSError as exc:
        raise DatabasePathError(str(path), f"cannot create '{folder}' ({exc.strerror})") from exc
    if path.is_dir():
        raise DatabasePathError(str(path), "it is a folder")
    # WAL mode writes -wal and -shm files beside the database, so the folder must be writable.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabasePathError(str(path), f"permission denied on folder '{folder}'")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabasePathError(str(path), "permission denied")
