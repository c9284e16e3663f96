"""scripts/pg_cluster.py as scripts/test.sh uses it: `start` prints a working URL of a fast cluster owned
by the right user, `remove` stops the server and removes the folder; and its database helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from scripts import pg_cluster

pytestmark = pytest.mark.skipif(
    pg_cluster.find_bin_dir() is None,
    reason="PostgreSQL's initdb and pg_ctl are not installed (Debian package 'postgresql')",
)
REPO_ROOT = Path(__file__).resolve().parents[2]


def command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.pg_cluster", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def scalar(url: str, query: str):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql(query).scalar()
    finally:
        engine.dispose()


def test_start_prints_the_url_of_a_fast_throwaway_cluster_and_remove_ends_it():
    folder = Path(tempfile.mkdtemp(prefix="vm-test-pg-"))
    try:
        started = command("start", str(folder), "--user", "vm_probe", "--database", "probe")
        assert started.returncode == 0, started.stderr
        url = started.stdout.strip()
        assert url.startswith("postgresql+psycopg://vm_probe@127.0.0.1:") and url.endswith("/probe")
        assert scalar(url, "SELECT current_database() || ' ' || current_user") == "probe vm_probe"
        assert [scalar(url, f"SHOW {name}") for name in ("fsync", "synchronous_commit", "full_page_writes")] == [
            "off",
            "off",
            "off",
        ]
        if os.geteuid() == 0:  # initdb refuses root: the cluster is the postgres user's
            assert (folder / "data").owner() == "postgres"
        cluster = pg_cluster.Cluster(folder, pg_cluster.require_bin_dir(), port=0)
        assert cluster.running()
    finally:
        removed = command("remove", str(folder))
    assert removed.returncode == 0, removed.stderr
    assert not folder.exists()


def test_a_folder_that_cannot_hold_a_cluster_fails_plainly():
    with tempfile.TemporaryDirectory() as parent:
        blocker = Path(parent) / "file"
        blocker.write_text("not a folder")
        started = command("start", str(blocker))
    assert started.returncode != 0 and started.stdout == ""
    assert "error" in started.stderr and "Traceback" not in started.stderr


def test_databases_are_created_once_copied_and_dropped():
    cluster = pg_cluster.create(superuser="vm_probe")
    try:
        server = cluster.url()
        assert pg_cluster.create_database(server, "first")
        assert not pg_cluster.create_database(server, "first", if_missing=True)
        assert pg_cluster.create_database(server, "copy", template="first")
        names = "SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database WHERE datname IN ('first', 'copy')"
        assert scalar(server, names) == "copy,first"
        pg_cluster.drop_database(server, "copy")
        pg_cluster.drop_database(server, "copy")  # dropping what is gone is no error
        assert scalar(server, names) == "first"
        assert pg_cluster.database_url(server, "first") == cluster.url("first")
    finally:
        cluster.remove()
    assert not cluster.folder.exists()
