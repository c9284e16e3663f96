"""Production figures: `python benchmarks/production.py` prints one markdown table (progress on stderr).

Submission latency with 16 concurrent writer processes on each backend, the dashboard's data at 10k,
100k and 1M responses against a bare SQL aggregate and the naive pandas way, memory per extra browser
session, and cold start to the first page. PostgreSQL runs on a throwaway cluster of its own (initdb in
a temporary folder, default settings with fsync on) unless VM_BENCH_POSTGRES_URL names a server; SQLite
in temporary files. Everything is removed afterwards unless --keep DIR is given (then built databases
are used again by the next run with the same DIR). See README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.production_data import Backends, log
from benchmarks.timing import Row, markdown_table

SUBMIT_P99_TARGET = 0.100
WRITERS = 16
PACE_SECONDS = 0.5  # mean pause between one writer's submissions in the paced run
SIZES = (10_000, 100_000, 1_000_000)
BACKENDS = ("sqlite", "postgresql")
SQLITE_MAX = 100_000  # above this SQLite is skipped unless --sqlite-max says otherwise
NAIVE_MAX = 100_000  # the naive pandas baseline reads every raw row into memory


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="ValueMatch production benchmarks: one markdown table on stdout.")
    parser.add_argument(
        "--sizes",
        help="responses per dashboard database, comma-separated "
        f"(default {','.join(map(str, SIZES))}; 10000 with --quick)",
    )
    parser.add_argument("--backends", default=",".join(BACKENDS), help="sqlite, postgresql or both (default both)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer samples, sizes 10000 only, 3 extra sessions, 1 cold start each: a smoke run",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="keep the databases (and the PostgreSQL cluster) in DIR and use them again next time",
    )
    parser.add_argument(
        "--sqlite-max", type=int, default=SQLITE_MAX, help="largest size also run on SQLite (default %(default)s)"
    )
    parser.add_argument(
        "--naive-max",
        type=int,
        default=NAIVE_MAX,
        help="largest size the naive pandas baseline runs at (default %(default)s)",
    )
    parser.add_argument(
        "--only",
        default="submit,dashboard,memory,coldstart",
        help="which parts to run, comma-separated (default all: %(default)s)",
    )
    parser.add_argument("--writers", type=int, default=WRITERS, help="concurrent writer processes (default 16)")
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = [10_000] if args.quick else list(SIZES)
    else:
        args.sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size]
    args.backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    args.only = {part.strip() for part in args.only.split(",")}
    unknown = set(args.backends) - set(BACKENDS)
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    return args


def submission_rows(
    backends: Backends, backend: str, *, writers: int, per_writer: int, paces: tuple[float, ...] = (0.0, PACE_SECONDS)
) -> list[Row]:
    from benchmarks.production_submit import concurrent_latency, prepare_organisation

    rows = []
    for pace in paces:
        measured = {}
        for bare in (False, True):
            # A database of its own for each, so neither writes into the other's tables.
            url = backends.url(backend, f"vm_bench_submit_{'bare' if bare else 'ours'}", fresh=True)
            invitations = prepare_organisation(url)
            log(
                f"submission latency, {backend}: {writers} writers x {per_writer}, pause {pace} s "
                f"({'bare core' if bare else 'submit'}) ..."
            )
            measured[bare] = concurrent_latency(
                url, invitations, writers=writers, per_writer=per_writer, bare=bare, pace=pace
            )
        (ours, rate), (floor, floor_rate) = measured[False], measured[True]
        how = "back to back" if not pace else f"each pausing {pace:g} s on average between submissions"
        rows.append(
            Row(
                f"submit latency, {backend}, {writers} concurrent writer processes, {how}",
                ours,
                SUBMIT_P99_TARGET,
                floor,
                f"bare core INSERTs + tally upserts, {writers} processes",
                target_on="tail",
                note=f"{rate:.0f} submissions/s in all (bare: {floor_rate:.0f}/s)",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    began = time.perf_counter()
    rows: list[Row] = []
    keep = args.keep is not None
    folder = args.keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="vm-prod-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    backends = Backends(folder, keep=keep, postgres_url=os.environ.get("VM_BENCH_POSTGRES_URL"))
    try:
        if "submit" in args.only:
            for backend in args.backends:
                rows += submission_rows(backends, backend, writers=args.writers, per_writer=5 if args.quick else 25)
        if "dashboard" in args.only:
            rows += dashboard_part(backends, args)
        if "memory" in args.only or "coldstart" in args.only:
            from benchmarks import production_browser

            browser_folder = Path(tempfile.mkdtemp(prefix="vm-prod-browser-"))
            try:
                if "memory" in args.only:
                    rows += production_browser.memory_rows(browser_folder, extra_sessions=3 if args.quick else 8)
                if "coldstart" in args.only:
                    rows += production_browser.cold_start_rows(browser_folder, runs=1 if args.quick else 3)
            finally:
                shutil.rmtree(browser_folder, ignore_errors=True)
    finally:
        backends.close()
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(markdown_table(rows, tail=99))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


def dashboard_part(backends: Backends, args: argparse.Namespace) -> list[Row]:
    from benchmarks.production_dashboard import build_row, dashboard_rows

    build_rows, rows = [], []
    for backend in args.backends:
        for size in args.sizes:
            if backend == "sqlite" and size > args.sqlite_max:
                rows.append(
                    Row(
                        f"dashboard data, sqlite, {size:,} responses",
                        None,
                        note=f"SQLite above --sqlite-max {args.sqlite_max:,}",
                    )
                )
                continue
            built = backends.responses(backend, size)
            build_rows.append(build_row(backend, size, built))
            rows += dashboard_rows(
                backend,
                size,
                built,
                runs=2 if args.quick else 5,
                baseline_runs=1 if args.quick else 3,
                naive=size <= args.naive_max,
            )
    return build_rows + rows


if __name__ == "__main__":
    sys.exit(main())
