"""Ways for the database to go away in the middle of use, and to come back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import make_url

from scripts.pg_cluster import Cluster

# How long the app waits for a locked SQLite file in these tests (db.engine's setting, shortened).
SQLITE_TEST_BUSY_TIMEOUT_MS = 300


class SqliteLocked:
    """Another process holds the SQLite write lock past the app's busy timeout."""

    def __init__(self, url: str):
        self.url = url
        self.path = Path(make_url(url).database or "")
        self._holder: sqlite3.Connection | None = None

    def begin(self) -> None:
        self._holder = sqlite3.connect(self.path, isolation_level=None)
        self._holder.execute("BEGIN IMMEDIATE")

    def end(self) -> None:
        if self._holder is not None:
            self._holder.execute("ROLLBACK")
            self._holder.close()
            self._holder = None


class PostgresStopped:
    """The PostgreSQL server is shut down (open connections cut) and later started again."""

    def __init__(self, url: str, cluster: Cluster):
        self.url = url
        self.cluster = cluster

    def begin(self) -> None:
        self.cluster.stop()

    def end(self) -> None:
        self.cluster.start()
