"""A throwaway PostgreSQL cluster that a test may stop and start again (initdb + pg_ctl).

initdb refuses to run as root; then the cluster belongs to the `postgres` user, as in scripts/test.sh.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "vm_outage"


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, if any."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for folder in candidates:
        if os.access(folder / "initdb", os.X_OK) and os.access(folder / "pg_ctl", os.X_OK):
            return folder
    return None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bin_dir: Path
    folder: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *args: str) -> None:
        command = _as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-w", *args])
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def start(self) -> None:
        self._pg_ctl("-l", str(self.folder / "server.log"), "-o",
                     f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
                     "-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start")

    def running(self) -> bool:
        command = _as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "status"])
        status = subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        return status.returncode == 0   # 3: not running

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, open transactions rolled back."""
        self._pg_ctl("-m", "fast", "stop")

    def remove(self) -> None:
        if self.running():
            self._pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def create(bin_dir: Path) -> Cluster:
    """A new, started cluster on a free loopback port (trust authentication, user vm_outage)."""
    folder = Path(tempfile.mkdtemp(prefix="vm-outage-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    cluster = Cluster(bin_dir, folder, _free_port())
    try:
        subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", USER, "--auth=trust",
                                  "--encoding=UTF8", "--no-locale"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
        cluster.start()
    except BaseException:
        cluster.remove()
        raise
    return cluster
