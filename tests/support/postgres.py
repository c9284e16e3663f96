"""Throwaway PostgreSQL databases for the tests, on the server named by VM_TEST_POSTGRES_URL.

scripts/test.sh starts a throwaway server (scripts/pg_cluster.py) and sets VM_TEST_POSTGRES_URL;
without it the tests run on SQLite only. The migrations run once, into a template (tests/conftest.py).
The many service and db tests share one copy of it, emptied before each test (empty_database: one
round trip); tests that need a database of their own get a copy (`CREATE DATABASE ... TEMPLATE ...`,
several times the server's work of emptying, measured) that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from scripts import pg_cluster

POSTGRES_URL = os.environ.get("VM_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])
# The fixture (tests/conftest.py) giving a test of tests/services or tests/db its empty migrated
# database, by backend: no migrations run, and as good as new. The few tests that change the schema
# or hold connections beyond their fixtures use "<backend>_migrated_database" (a copy of their own).
MIGRATED_DATABASE_FIXTURES = {
    "sqlite": "sqlite_migrated_database",
    "postgresql": "postgresql_emptied_database",
}


def _server_url() -> str:
    if not POSTGRES_URL:
        raise RuntimeError("VM_TEST_POSTGRES_URL is not set")
    return POSTGRES_URL


def create_database(*, template: str | None = None, prefix: str = "vm_test") -> str:
    """Create a database (empty, or a copy of `template`) and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    pg_cluster.create_database(_server_url(), name, template=template)
    return pg_cluster.database_url(_server_url(), name)


def drop_database(url: str) -> None:
    """Drop the database at `url`, closing whatever connections a test left open."""
    pg_cluster.drop_database(_server_url(), make_url(url).database or "")


@contextmanager
def throwaway_database(*, template: str | None = None) -> Iterator[str]:
    """A database for the duration of the block, dropped afterwards."""
    url = create_database(template=template)
    try:
        yield url
    finally:
        drop_database(url)


def empty_database(url: str) -> None:
    """Delete every row of every table but alembic_version and restart every sequence, in one
    round trip: a migrated database as good as new, at a fraction of the cost of a new copy."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(_EMPTY_EVERY_TABLE)
    finally:
        engine.dispose()


def schema_fingerprint(url: str) -> tuple[str, ...]:
    """The public tables and the schema revision: what a test on the shared database must leave as it found."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            ).all()
            revision = connection.scalar(text("SELECT string_agg(version_num, ',') FROM alembic_version"))
    finally:
        engine.dispose()
    return (*tables, f"revision {revision}")


# lock_timeout: a test that left a transaction open fails the next setup at once, not after a hang.
# session_replication_role = replica skips the foreign-key triggers (every table is emptied anyway).
_EMPTY_EVERY_TABLE = """
SET LOCAL lock_timeout = '5s';
SET LOCAL session_replication_role = replica;
DO $$
DECLARE item record;
BEGIN
    FOR item IN SELECT tablename FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
        EXECUTE 'DELETE FROM public.' || quote_ident(item.tablename);
    END LOOP;
    FOR item IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE 'ALTER SEQUENCE public.' || quote_ident(item.sequencename) || ' RESTART';
    END LOOP;
END $$;
"""
