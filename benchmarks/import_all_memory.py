"""Peak memory of `manage.py import-all` on a backup holding one 150 MB line.

    python benchmarks/import_all_memory.py                 # one line of 150 MB
    python benchmarks/import_all_memory.py --line-mb 500

Each figure is one `manage.py import-all` in a process of its own, into a fresh migrated SQLite
database; its peak resident memory is the child's ru_maxrss (os.wait4). Rows:
- a good backup (of an empty database): what the command needs anyway (Python, SQLAlchemy, the app);
- the same backup with one line of N MB in its first table, signed with the key like a real one, so
  only the line's length is wrong: refused after MAX_LINE_BYTES of it are read;
- baseline, same run: that file with the cap lifted (the line read whole, as import-all did before the
  cap), refused later as damaged.
Prints one markdown table; everything is made in a temporary folder and removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEY = "benchmark-backup-key-" + "0" * 32
CHUNK = 1 << 20
# Runs manage.py in the child; argv[1] "lift" lifts the line cap first (the baseline).
CHILD = """
import sys
from services import backup_file
if sys.argv[1] == "lift":
    backup_file.MAX_LINE_BYTES = 1 << 40
import manage
sys.exit(manage.main(sys.argv[2:]))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--line-mb", type=int, default=150, help="length of the long line in MB (default 150)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="vm-import-memory-"))
    try:
        rows = measure(folder, args.line_mb)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print("| import-all of | file | outcome | peak memory (RSS) | seconds |")
    print("|---|---:|---|---:|---:|")
    for figure, size, outcome, peak, seconds in rows:
        print(f"| {figure} | {size / 1e6:,.1f} MB | {outcome} | {peak / 2**20:,.0f} MB | {seconds:.1f} |")
    return 0


def measure(folder: Path, line_mb: int) -> list[tuple[str, int, str, int, float]]:
    from db import make_engine, upgrade_to_head
    from services.data_tools import backup
    from services.data_tools.backup_file import MAX_LINE_BYTES
    from services.settings import Settings

    template = folder / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade_to_head(engine)
    engine.dispose()
    shutil.copyfile(template, folder / "source.db")
    good = Path(
        backup.export_all(
            Settings(database_url=f"sqlite:///{folder / 'source.db'}", backup_key=KEY), folder / "good.zip"
        ).path
    )
    long = with_long_line(good, folder / "long.zip", line_mb << 20, Settings(backup_key=KEY))
    cap = f"cap {MAX_LINE_BYTES / 2**20:.0f} MB"
    return [
        ("a good backup (empty database)", good.stat().st_size, *run(folder, template, good, lift=False)),
        (f"one {line_mb} MB line, {cap}", long.stat().st_size, *run(folder, template, long, lift=False)),
        (f"baseline: one {line_mb} MB line, cap lifted", long.stat().st_size, *run(folder, template, long, lift=True)),
    ]


def with_long_line(source: Path, target: Path, size: int, settings) -> Path:
    """`source` with one line of `size` bytes in its first table's data, its manifest signed again."""
    from services.data_tools import backup_signing

    with zipfile.ZipFile(source) as old:
        contents = {name: old.read(name) for name in old.namelist()}
    manifest = json.loads(contents["manifest.json"])
    first = f"data/{manifest['tables'][0]['name']}.jsonl"
    document = json.dumps(manifest).encode()
    key = backup_signing.signing_key(settings, create=False)
    contents["manifest.json"], contents[backup_signing.SIGNATURE] = document, backup_signing.signature(key, document)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for name, data in contents.items():
            if name != first:
                new.writestr(name, data)
        with new.open(first, "w", force_zip64=True) as member:
            for _ in range(size // CHUNK):
                member.write(b"x" * CHUNK)
            member.write(b"\n")
    return target


def run(folder: Path, template: Path, file: Path, *, lift: bool) -> tuple[str, int, float]:
    """(outcome, peak RSS in bytes, seconds) of one import-all into a fresh copy of `template`."""
    target = folder / "target.db"
    for leftover in folder.glob("target.db*"):
        leftover.unlink()
    shutil.copyfile(template, target)
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{target}", "VM_BACKUP_KEY": KEY}
    began = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, "lift" if lift else "cap", "import-all", str(file)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    _out, err = child.stdout.read().decode(), child.stderr.read().decode()  # small: one line each
    child.returncode = os.waitstatus_to_exitcode(status)
    outcome = "restored" if child.returncode == 0 else "refused: " + _reason(err)
    return outcome, usage.ru_maxrss * 1024, seconds


def _reason(err: str) -> str:
    text = err.strip().splitlines()[0] if err.strip() else "no message"
    return text.split(" is damaged: ", 1)[-1][:100].replace("|", "/")


if __name__ == "__main__":
    sys.exit(main())
