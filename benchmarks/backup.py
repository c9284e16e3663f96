"""Backup and restore time: `manage.py export-all` and `import-all` on a demo organisation.

    python benchmarks/backup.py                    # 10,000 responses
    python benchmarks/backup.py --responses 100000 --keep /tmp/vm-backup

A SQLite database with one demo organisation of N responses (built untimed, services.data_tools.demo_data) is
exported once per run (timed), then restored into a fresh SQLite database and into a fresh database on
a throwaway PostgreSQL cluster (fsync on, as benchmarks/production.py starts it). Baseline for the
PostgreSQL restore, in the same run: the same restore writing every table with an executemany (one
INSERT per row, how it wrote before COPY). Each figure is one sample: a restore of a large file is one
long transaction, not something to repeat many times.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.production_data import Backends, log, runtime_for
from benchmarks.timing import Row, Summary, markdown_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000, help="demo responses (default 10,000)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the folder (databases, backup) here")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="vm-backup-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    backends = Backends(folder, keep=args.keep is not None, postgres_url=None)
    try:
        rows = measure(backends, folder, args.responses)
    finally:
        backends.close()
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(markdown_table(rows))
    return 0


def measure(backends: Backends, folder: Path, size: int) -> list[Row]:
    from sqlalchemy import insert

    from db import snapshot
    from services.data_tools import backup
    from services.settings import Settings

    source = backends.responses("sqlite", size)
    file = folder / f"backup-{size}.zip"
    file.unlink(missing_ok=True)
    log(f"export-all of {size:,} responses ...")
    exported, summary = timed(lambda: backup.export_all(Settings(database_url=source.url), file))
    total = summary.total
    note = f"{size:,} responses, {total:,} rows, {file.stat().st_size / 1e6:.0f} MB file"
    rows = [Row(f"export-all from SQLite; {note}", exported)]

    def restore(backend: str, name: str) -> Summary:
        url = backends.url(backend, name, fresh=True)
        runtime_for(url).engine.dispose()  # migrated, empty
        log(f"import-all into {backend} ({name}) ...")
        seconds, _ = timed(lambda: backup.import_all(Settings(database_url=url), file))
        return seconds

    into_sqlite = restore("sqlite", "vm_restore")
    rows.append(Row(f"import-all into SQLite; {total / into_sqlite.median:,.0f} rows/s", into_sqlite))
    copy = restore("postgresql", "vm_restore_copy")
    plain = snapshot.insert_rows

    def executemany(connection, table, batch):
        if batch:
            connection.execute(insert(table), batch)

    snapshot.insert_rows = executemany
    try:
        per_row = restore("postgresql", "vm_restore_rows")
    finally:
        snapshot.insert_rows = plain
    rows.append(
        Row(
            f"import-all into PostgreSQL (COPY per table batch); {total / copy.median:,.0f} rows/s",
            copy,
            baseline=per_row,
            baseline_name="the same restore with one INSERT per row",
        )
    )
    return rows


def timed(action):
    began = time.perf_counter()
    result = action()
    return Summary((time.perf_counter() - began,)), result


if __name__ == "__main__":
    sys.exit(main())
