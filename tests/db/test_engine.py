"""make_engine: SQLite pragmas and path checks, in-memory sharing, PostgreSQL pool options."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.pool import StaticPool

from db import (
    DatabaseError,
    DatabasePathError,
    make_engine,
    make_session_factory,
    recent_failures,
    record_lookup_failure,
    upgrade_to_head,
)


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("busy_timeout", 15000), ("foreign_keys", 1)],
)
def test_sqlite_file_connections_get_pragmas(tmp_path: Path, pragma: str, expected: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'vm.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql(f"PRAGMA {pragma}").scalar() == expected
    engine.dispose()


def test_sqlite_foreign_keys_back_on_after_migrating(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'vm.db'}")
    upgrade_to_head(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "data" / "nested" / "vm.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    assert path.is_file()


def _parent_is_file(tmp_path: Path) -> Path:
    (tmp_path / "plain-file").write_text("not a folder")
    return tmp_path / "plain-file" / "vm.db"


def _grandparent_is_file(tmp_path: Path) -> Path:
    (tmp_path / "plain-file").write_text("not a folder")
    return tmp_path / "plain-file" / "data" / "vm.db"


def _path_is_folder(tmp_path: Path) -> Path:
    (tmp_path / "vm.db").mkdir()
    return tmp_path / "vm.db"


# Tests run as root, which ignores permission bits, so the cases rely on files standing where
# folders must be (and the other way round) rather than on chmod.
@pytest.mark.parametrize(
    ("make_path", "reason"),
    [
        (_parent_is_file, "is not a folder"),
        (_grandparent_is_file, "is a file"),
        (_path_is_folder, "it is a folder"),
    ],
)
def test_unwritable_path_names_the_path(tmp_path: Path, make_path, reason: str) -> None:
    path = make_path(tmp_path)
    with pytest.raises(DatabasePathError) as caught:
        make_engine(f"sqlite:///{path}")
    message = str(caught.value)
    assert f"'{path}'" in message
    assert reason in message
    assert "DATABASE_URL" in message
    assert caught.value.path == str(path)
    assert isinstance(caught.value, DatabaseError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(DatabasePathError, match="permission denied"):
        make_engine(f"sqlite:///{folder / 'vm.db'}")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_in_memory_database_is_shared_between_sessions(url: str) -> None:
    engine = make_engine(url)
    assert isinstance(engine.pool, StaticPool)
    upgrade_to_head(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        record_lookup_failure(session, scope="resume", client_key="ip:1")
    with factory() as session:
        since = datetime.now(UTC) - timedelta(minutes=1)
        assert len(recent_failures(session, scope="resume", client_key="ip:1", since=since)) == 1
    engine.dispose()


def test_postgres_engine_pings_before_use() -> None:
    engine = make_engine("postgresql+psycopg://user:secret@localhost:1/valuematch")
    assert engine.pool._pre_ping is True


def test_session_objects_stay_readable_after_commit(session_factory) -> None:
    assert session_factory.kw["expire_on_commit"] is False


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (
            datetime(2025, 3, 30, 3, 30, tzinfo=timezone(timedelta(hours=2))),
            datetime(2025, 3, 30, 1, 30, tzinfo=UTC),
        ),
        (
            datetime(2025, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
            datetime(2025, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
        ),
    ],
)
def test_datetimes_come_back_as_aware_utc(session_factory, stored, expected) -> None:
    with session_factory.begin() as session:
        record_lookup_failure(session, scope="resume", client_key="ip:1", at=stored)
    with session_factory() as session:
        since = expected - timedelta(seconds=1)
        times = recent_failures(session, scope="resume", client_key="ip:1", since=since)
    assert times == [expected]
    assert times[0].tzinfo == UTC


def test_naive_datetimes_are_refused(session_factory) -> None:
    with pytest.raises(StatementError, match="naive datetime"), session_factory.begin() as session:
        record_lookup_failure(session, scope="resume", client_key="ip:1", at=datetime(2025, 1, 1))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # SQLite's own locking
def test_sqlite_write_lock_taken_at_begin(fresh_db) -> None:
    with fresh_db.begin():
        # An IMMEDIATE transaction already holds the write lock, before any write: a second
        # writer waits instead of failing later on a stale read snapshot.
        other = sqlite3.connect(fresh_db.url.database, isolation_level=None, timeout=0.05)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
