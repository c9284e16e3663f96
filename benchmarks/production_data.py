"""The databases of the production benchmark: one per backend and size, built with demo-data.

Each size gets a database of its own (a SQLite file, a PostgreSQL database `vm_bench_<size>`) holding
one demo organisation of exactly that many responses, so the raw tables hold those responses only.
Built by services.data_tools.demo_data.create_demo_organisation (db/bulk.py, one transaction). With a keep
folder, a database built before is used again (its build time was recorded beside it); without
one, everything lives in a temporary folder and is removed afterwards.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scripts import pg_cluster

SEED = 11
ORGANISATION = "Benchmark organisation"
BUILT_FILE = "built.json"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Built:
    url: str
    organisation_id: int
    seconds: float  # how long building took (when it was built, perhaps in an earlier run)
    reused: bool


class Backends:
    """Where the databases live: SQLite files in `folder`, PostgreSQL on our own cluster or a given one."""

    def __init__(self, folder: Path, *, keep: bool, postgres_url: str | None):
        self.folder = folder
        self.keep = keep
        self.external_url = postgres_url
        self.cluster: pg_cluster.Cluster | None = None
        self.created: list[str] = []

    # --- PostgreSQL server -----------------------------------------------------------------

    def postgres_admin_url(self) -> str:
        if self.external_url:
            return self.external_url
        if self.cluster is None:
            log("PostgreSQL: starting a throwaway cluster (initdb, default settings, fsync on) ...")
            self.cluster = pg_cluster.create(self.folder / "postgres", superuser="vm_bench", fast=False)
        return self.cluster.url("postgres")

    def url(self, backend: str, name: str, *, fresh: bool = False) -> str:
        """A new (or, when kept and not `fresh`, existing) database called `name` on `backend`."""
        if backend == "sqlite":
            if fresh or not self.keep:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.folder / name}.db{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{self.folder / f'{name}.db'}"
        admin = self.postgres_admin_url()
        if fresh or not self.keep:
            pg_cluster.drop_database(admin, name)
        if pg_cluster.create_database(admin, name, if_missing=True):
            self.created.append(name)
        return pg_cluster.database_url(admin, name)

    def close(self) -> None:
        if self.external_url and not self.keep:
            for name in self.created:
                pg_cluster.drop_database(self.external_url, name)
        if self.cluster is not None:
            self.cluster.stop()

    # --- the demo organisations ------------------------------------------------------------

    def _records(self) -> dict:
        path = self.folder / BUILT_FILE
        return json.loads(path.read_text()) if self.keep and path.exists() else {}

    def _record(self, key: str, value: dict) -> None:
        if self.keep:
            records = self._records()
            records[key] = value
            (self.folder / BUILT_FILE).write_text(json.dumps(records, indent=1))

    def responses(self, backend: str, size: int) -> Built:
        """The database of `size` demo responses on `backend`, built now unless kept from before."""
        url = self.url(backend, f"vm_bench_{size}")
        key = f"{backend}:{size}"
        record = self._records().get(key)
        if record and _organisation_exists(url, record["organisation_id"]):
            log(f"{key}: using the database kept from an earlier run (built in {record['seconds']:.0f} s)")
            return Built(url, record["organisation_id"], record["seconds"], True)
        organisation_id, seconds = build(url, size)
        self._record(key, {"organisation_id": organisation_id, "seconds": seconds})
        return Built(url, organisation_id, seconds, False)


def runtime_for(url: str, *, migrate: bool = True):
    from services.runtime import build_runtime
    from services.settings import Settings

    return build_runtime(Settings(DATABASE_URL=url), migrate=migrate)


def build(url: str, size: int) -> tuple[int, float]:
    """create_demo_organisation with `size` responses; (organisation id, seconds)."""
    from services.data_tools import demo_data

    rt = runtime_for(url)
    step = max(1, size // 10)
    last = [0]

    def progress(done: int, total: int) -> None:
        if done - last[0] >= step or done == total:
            last[0] = done
            log(f"  built {done:,} of {total:,} ({time.perf_counter() - began:.0f} s)")

    log(f"demo-data: building {size:,} responses in {rt.engine.dialect.name} ...")
    began = time.perf_counter()
    try:
        made = demo_data.create_demo_organisation(
            rt, responses=size, seed=SEED, organisation=ORGANISATION, progress=progress
        )
        if rt.engine.dialect.name == "postgresql":
            _analyze(rt.engine)  # what autovacuum would do soon after; plans need the statistics
    finally:
        rt.engine.dispose()
    seconds = time.perf_counter() - began
    log(f"  done in {seconds:.0f} s")
    return made.organisation_id, seconds


def _analyze(engine) -> None:
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def _organisation_exists(url: str, organisation_id: int) -> bool:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///") :]):
        return False
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return bool(
                connection.scalar(
                    text("SELECT count(*) FROM organisation WHERE id = :i AND name = :n"),
                    {"i": organisation_id, "n": ORGANISATION},
                )
            )
    except DBAPIError:  # no such table yet: not built
        return False
    finally:
        engine.dispose()
