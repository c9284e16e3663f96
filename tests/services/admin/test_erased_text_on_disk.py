"""An erased respondent's text is gone from the SQLite file itself, not only from its tables: every
connection sets secure_delete (db/engine.py), so SQLite overwrites the deleted rows' bytes.

Debian builds SQLite with secure_delete on by default; many builds (python.org's, most others) have it
off. The tests stand for those: a first connect hook turns it off, as such a build starts, and the
engine's own hook must turn it on again."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, event, make_url

from db import make_engine
from services import runtime as runtime_module
from services.admin import data_protection
from services.respond import questionnaire
from services.runtime import build_runtime
from tests.support.filled import answers

CANARY = "Canary-intervention-7f3a9c"


def as_a_build_without_secure_delete(engine: Engine) -> Engine:
    def off(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA secure_delete=OFF")

    event.listen(engine, "connect", off, insert=True)  # before the engine's own hook
    return engine


@pytest.fixture
def without_secure_delete_by_default(monkeypatch):
    monkeypatch.setattr(runtime_module, "make_engine", lambda url: as_a_build_without_secure_delete(make_engine(url)))


def file_bytes(url: str) -> bytes:
    """The database file with its write-ahead log, if one is left."""
    path = Path(make_url(url).database or "")
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_every_connection_overwrites_deleted_rows(migrated_database):
    engine = as_a_build_without_secure_delete(make_engine(migrated_database))
    try:
        first, second = engine.raw_connection(), engine.raw_connection()  # two pooled connections
        for connection in (first, second):
            assert connection.cursor().execute("PRAGMA secure_delete").fetchone() == (1,)
            connection.close()
    finally:
        engine.dispose()


@pytest.mark.parametrize("migrated_database", ["sqlite"], indirect=True)
def test_an_erased_text_is_not_left_in_the_database_file(migrated_database, without_secure_delete_by_default):
    runtime = build_runtime()
    try:
        started = questionnaire.start_assessment(runtime, language="en", intervention=CANARY, role=None)
        questionnaire.save_answers(runtime, token=started.draft_token, answers=answers(runtime), step=0)
        questionnaire.submit(runtime, token=started.draft_token)
    finally:
        runtime.engine.dispose()  # the last connection writes the log into the file
    assert CANARY.encode() in file_bytes(migrated_database)
    runtime = build_runtime()
    try:
        erased = data_protection.erase(runtime, resume_code=started.resume_code)
    finally:
        runtime.engine.dispose()
    assert erased.counts["responses"] == 1
    left = CANARY.encode() in file_bytes(migrated_database)
    assert not left, "the erased intervention text is still in the database file"
