"""Fixtures of the reliability tests: fresh migrated databases on SQLite and PostgreSQL, and a
PostgreSQL cluster of their own that the outage tests stop and start.

PostgreSQL runs when VM_TEST_POSTGRES_URL is set (a throwaway server, as in CI), through the
fixtures of tests/conftest.py. The outage tests start a cluster of their own (initdb), as they stop
it; they are skipped when PostgreSQL's programs are missing.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from db import make_engine, upgrade_to_head
from scripts import pg_cluster
from tests.reliability import outages
from tests.support.postgres import BACKENDS


class PostgresDatabases:
    """Databases on the outage cluster, each a copy of a migrated template made once."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.template = f"vm_rel_template_{uuid.uuid4().hex[:8]}"
        pg_cluster.create_database(server_url, self.template)
        engine = make_engine(pg_cluster.database_url(server_url, self.template))
        try:
            upgrade_to_head(engine)
        finally:
            engine.dispose()  # a template must have no open connections when it is copied

    def fresh(self) -> str:
        name = f"vm_rel_{uuid.uuid4().hex[:12]}"
        pg_cluster.create_database(self.server_url, name, template=self.template)
        return pg_cluster.database_url(self.server_url, name)


@pytest.fixture
def sqlite_url(migrated_database_template: Path) -> Iterator[str]:
    """A copy of the migrated SQLite template, on tmpfs (/dev/shm) when there is one: these tests are
    about locks and transactions, and a disk's flush time would only make them slower."""
    tmpfs = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="vm-reliability-", dir=tmpfs))
    shutil.copyfile(migrated_database_template, folder / "vm.db")
    yield f"sqlite:///{folder / 'vm.db'}"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest) -> str:
    """A fresh migrated database: an SQLite file (WAL), or a database of its own on the test PostgreSQL
    (VM_TEST_POSTGRES_URL), copied from a migrated template and dropped afterwards."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgresql_migrated_database")


@pytest.fixture(scope="session")
def outage_cluster() -> Iterator[tuple[pg_cluster.Cluster, PostgresDatabases]]:
    """A PostgreSQL cluster of the tests' own (they stop and start it) and its fresh databases."""
    bin_dir = pg_cluster.find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (Debian package 'postgresql')")
    cluster = pg_cluster.create(superuser="vm_outage", bin_dir=bin_dir)
    try:
        yield cluster, PostgresDatabases(cluster.url())
    finally:  # removing the cluster removes its databases
        cluster.remove()


@pytest.fixture(params=["sqlite_locked", "postgresql_stopped"])
def outage(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """A fresh migrated database and a way to take it away and bring it back (tests/reliability/outages.py)."""
    if request.param == "sqlite_locked":
        monkeypatch.setattr("db.engine.SQLITE_BUSY_TIMEOUT_MS", outages.SQLITE_TEST_BUSY_TIMEOUT_MS)
        locked = outages.SqliteLocked(request.getfixturevalue("sqlite_url"))
        yield locked
        locked.end()
        return
    cluster, databases = request.getfixturevalue("outage_cluster")
    try:
        yield outages.PostgresStopped(databases.fresh(), cluster)
    finally:
        if not cluster.running():  # a failed test must not leave the next one without a server
            cluster.start()
