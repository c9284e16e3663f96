"""Throwaway PostgreSQL clusters: initdb and pg_ctl from Debian's package, in a folder of ours.

The one place that finds PostgreSQL's programs, runs them as the right user, starts and stops a cluster
on a free loopback port and creates databases, for scripts/test.sh (through the command line below),
the tests (tests/reliability stops and starts a cluster of its own; tests/support/postgres.py makes the
tests' databases) and the production benchmark (benchmarks/production_data.py).

initdb and pg_ctl refuse to run as root: as root, the cluster belongs to the 'postgres' user (runuser).
Test clusters run with durability off (fsync, synchronous_commit, full_page_writes): their data is
thrown away. The benchmark keeps PostgreSQL's defaults (fast=False), as production would.

    python -m scripts.pg_cluster bin-dir                      # the programs' folder; exit 1 when missing
    python -m scripts.pg_cluster start FOLDER [--user U] [--database D]   # prints the database's URL
    python -m scripts.pg_cluster remove FOLDER                # stops the server, removes FOLDER

Standard library only, but for SQLAlchemy (imported when a database is created or dropped).
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scripts import local_servers

DEBIAN_ROOT = Path("/usr/lib/postgresql")  # one <major version>/bin folder per installed server
SERVER_USER = "postgres"  # owns the cluster when we run as root
DEFAULT_SUPERUSER = "vm_test"
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresMissing(RuntimeError):
    """PostgreSQL's programs are not installed (Debian package 'postgresql')."""


def find_bin_dir() -> Path | None:
    """The newest installed /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, if any."""

    def version(folder: Path) -> int:
        return int(folder.parent.name) if folder.parent.name.isdigit() else 0

    for folder in sorted(DEBIAN_ROOT.glob("*/bin"), key=version, reverse=True):
        if os.access(folder / "initdb", os.X_OK) and os.access(folder / "pg_ctl", os.X_OK):
            return folder
    return None


def require_bin_dir() -> Path:
    folder = find_bin_dir()
    if folder is None:
        raise PostgresMissing(f"no {DEBIAN_ROOT}/*/bin with initdb and pg_ctl: install Debian's 'postgresql'")
    return folder


def _as_root() -> bool:
    return os.geteuid() == 0


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if _as_root() else command


def _run(command: list[str], *, timeout: float = 120) -> None:
    done = subprocess.run(
        _as_owner(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()}")


def _hand_to_server_user(folder: Path) -> None:
    """As root: the folder belongs to the server's user, who must also be able to pass its parent
    (a temporary folder of ours is private, 0700)."""
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise RuntimeError(
            f"running as root, but there is no '{SERVER_USER}' user to own the cluster (initdb refuses root)"
        ) from None
    os.chown(folder, user.pw_uid, user.pw_gid)
    parent = folder.parent
    if not os.stat(parent).st_mode & 0o001:
        os.chmod(parent, os.stat(parent).st_mode | 0o011)


@dataclass
class Cluster:
    """A cluster in `folder` (data/, server.log, the Unix socket), listening on 127.0.0.1:`port`."""

    folder: Path
    bin_dir: Path
    port: int
    superuser: str = DEFAULT_SUPERUSER
    fast: bool = True

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """initdb: trust authentication on loopback, UTF-8, the C locale (a fast cluster's files unsynced)."""
        _run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                self.superuser,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-instructions",
                *(["--no-sync"] if self.fast else []),
            ]
        )

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        if self.fast:
            options += f" {FAST_SETTINGS}"
        try:
            self._pg_ctl("-l", str(self.folder / "server.log"), "-o", options, "start")
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{self.log()}") from None

    def stop(self, mode: str = "fast") -> None:
        """A fast shutdown cuts open connections and rolls back open transactions."""
        self._pg_ctl("-m", mode, "stop")

    def running(self) -> bool:
        if not self.data.exists():
            return False
        status = subprocess.run(
            _as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "status"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
        return status.returncode == 0  # 3: not running

    def remove(self) -> None:
        remove(self.folder, self.bin_dir)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def create_database(self, name: str) -> str:
        create_database(self.url(), name)
        return self.url(name)

    def _pg_ctl(self, *args: str) -> None:
        _run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-w", *args], timeout=60)


def create(
    folder: Path | None = None, *, superuser: str = DEFAULT_SUPERUSER, fast: bool = True, bin_dir: Path | None = None
) -> Cluster:
    """A started cluster on a free port, in `folder` (a new temporary folder when None). A folder that
    already holds a cluster is started as it is (no initdb). On failure nothing is left running."""
    bin_dir = bin_dir or require_bin_dir()
    made_here = folder is None
    folder = Path(tempfile.mkdtemp(prefix="vm-pg-")) if folder is None else folder
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder, bin_dir, local_servers.free_port(), superuser, fast)
    try:
        if _as_root():
            _hand_to_server_user(folder)
        if not cluster.initialised():
            cluster.init()
        cluster.start()
    except BaseException:
        if made_here:
            cluster.remove()
        elif cluster.running():
            cluster.stop("immediate")
        raise
    return cluster


def remove(folder: Path, bin_dir: Path | None = None) -> None:
    """Stop the cluster in `folder`, if one runs there, and remove the folder. The stop is immediate (no
    shutdown checkpoint): the data goes with the folder."""
    bin_dir = bin_dir or find_bin_dir()
    if bin_dir is not None:
        cluster = Cluster(Path(folder), bin_dir, port=0)
        if cluster.running():
            cluster.stop("immediate")
    shutil.rmtree(folder, ignore_errors=True)


# --- databases, on a cluster of ours or any server given by URL ------------------------------------


def database_url(server_url: str, name: str) -> str:
    """`server_url` with its database replaced by `name`."""
    from sqlalchemy import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _execute(server_url: str, statement: str, parameters: dict | None = None) -> object:
    """Run one statement; the first column of its first row, if it returns rows."""
    # CREATE/DROP DATABASE cannot run inside a transaction; NullPool: no idle connection stays behind.
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement), parameters or {})
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def create_database(server_url: str, name: str, *, template: str | None = None, if_missing: bool = False) -> bool:
    """Create database `name` (empty, or a copy of `template`) on the server of `server_url`. With
    `if_missing`, an existing one is kept. True when it was created."""
    if if_missing and _execute(server_url, "SELECT 1 FROM pg_database WHERE datname = :name", {"name": name}):
        return False
    copy = f' TEMPLATE "{template}"' if template else ""
    _execute(server_url, f'CREATE DATABASE "{name}"{copy}')
    return True


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name` if it exists, closing whatever connections are left on it."""
    _execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the command line of scripts/test.sh ------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.pg_cluster", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("bin-dir", help="print the folder of PostgreSQL's programs; exit 1 when missing")
    start = commands.add_parser("start", help="initdb and start a fast test cluster in FOLDER; print a database's URL")
    start.add_argument("folder", type=Path)
    start.add_argument("--user", default=DEFAULT_SUPERUSER, help="the superuser's name")
    start.add_argument("--database", default=DEFAULT_SUPERUSER, help="the database to create")
    stop = commands.add_parser("remove", help="stop the cluster in FOLDER and remove FOLDER")
    stop.add_argument("folder", type=Path)
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(f"pg_cluster: {message}", file=sys.stderr, flush=True)

    if args.command == "bin-dir":
        folder = find_bin_dir()
        if folder is None:
            return 1
        print(folder)
        return 0
    if args.command == "remove":
        remove(args.folder)
        say(f"PostgreSQL stopped, {args.folder} removed")
        return 0
    try:
        cluster = create(args.folder, superuser=args.user)
        url = cluster.create_database(args.database)
    except Exception as error:  # told in one line; the caller removes the folder
        say(f"error: {error}")
        return 1
    version = subprocess.run(
        [str(cluster.bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()[2:3]  # pg_ctl (PostgreSQL) 15.18 (Debian ...)
    say(f"PostgreSQL {' '.join(version)} started in {cluster.folder} on port {cluster.port}")
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
