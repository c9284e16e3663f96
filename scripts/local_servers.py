"""Servers the tests and benchmarks start on this machine: a free loopback port (PostgreSQL's, Streamlit's), and
`streamlit run` headless, without the file watcher or usage statistics, in a process group of its own (so
stopping it stops what it started).

Standard library only: scripts/pg_cluster.py, tests/browser/conftest.py and benchmarks/production_browser.py
share it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (another process may take it before it is bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def streamlit_command(script: Path, port: int) -> list[str]:
    """The command line that serves `script` on 127.0.0.1:`port`."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


def start_streamlit(script: Path, port: int, *, env: Mapping[str, str], cwd: Path, log_path: Path) -> subprocess.Popen:
    """Start serving `script`; its output goes to `log_path`. The caller waits for it to answer and stops it."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            streamlit_command(script, port),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
