"""Offline scoring throughput and memory: `manage.py score` on a generated file of answers.

    python benchmarks/score_throughput.py              # a 50 MB file (about 690,000 rows), about a minute
    python benchmarks/score_throughput.py --mb 5       # a quick look

A CSV of the installed bank's questions (a respondent id, answers 1..5, about one in seven 'na' and one in
seven empty; fixed seed) is written to a temporary folder, plus a file of the same size holding only the
short workshop form's questions. Each figure runs in a child process of its own, measured from outside:
wall-clock and CPU seconds and the child's peak resident memory (os.wait4). One sample each. The
target is on the wall-clock rate; on a machine busy with other work, rows per CPU second shows what the
command itself needs.
Baseline, in the same run: a child that only reads and parses the same file with the csv module (what
any Python reading the file pays); the ratio is score time / baseline time.
Prints one markdown table on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_ROWS_PER_SECOND = 10_000
TARGET_PEAK_MB = 300
CELLS = ("1", "2", "3", "4", "5", "na", "")
BASELINE = (
    "import csv, sys\nwith open(sys.argv[1], encoding='utf-8', newline='') as f:\n    for _ in csv.reader(f): pass\n"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="size of each generated file in MB (default 50)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated files here")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="vm-score-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        rows = measure(folder, int(args.mb * 1e6))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))
    return 0


def measure(folder: Path, size: int) -> list[dict]:
    from questions import BANKS_DIR, derive_form, load_banks
    from services.runtime import newest
    from services.settings import Settings

    bank = newest(load_banks(BANKS_DIR), Settings().instrument)
    workshop = derive_form(bank, bank.form("workshop"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'unused.db'}", "PYTHONPATH": str(ROOT)}
    results = []
    for label, instrument, extra in (
        (f"{bank.label}, CSV out", bank, []),
        (f"{workshop.label}, CSV out (--form workshop)", workshop, ["--form", "workshop"]),
    ):
        source = folder / f"{instrument.form_id or 'bank'}.csv"
        count = generate(source, instrument.question_ids, size)
        mb = source.stat().st_size / 1e6
        log(f"{label}: {count:,} rows, {mb:.1f} MB; csv baseline ...")
        base = run([sys.executable, "-c", BASELINE, str(source)], env)
        log("manage.py score ...")
        scored = run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "score",
                str(source),
                "--output",
                str(folder / "scores.csv"),
                "--quiet",
                *extra,
            ],
            env,
        )
        results.append({"figure": f"score: {label}", "rows": count, "mb": mb, **scored, "baseline": base})
        results.append({"figure": "  baseline: csv.reader read + parse only", "rows": count, "mb": mb, **base})
        (folder / "scores.csv").unlink(missing_ok=True)
    return results


def generate(path: Path, question_ids: tuple[str, ...], size: int) -> int:
    """A CSV of about `size` bytes: respondent id, then one cell per question."""
    rng, count = random.Random(14), 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["respondent", *question_ids])
        while out.tell() < size:
            writer.writerows([f"R{count + n:07d}", *rng.choices(CELLS, k=len(question_ids))] for n in range(1000))
            count += 1000
    return count


def run(argv: list[str], env: dict) -> dict:
    """Wall-clock and CPU seconds and peak resident memory (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed: {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
    }  # ru_maxrss is in kB on Linux


def table(results: list[dict]) -> str:
    lines = [
        "| figure | rows | MB | seconds | rows/s | CPU s | rows/CPU s | peak MB | target | ratio to baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in results:
        rate = r["rows"] / r["seconds"]
        if "baseline" in r:
            met = rate >= TARGET_ROWS_PER_SECOND and r["peak_mb"] < TARGET_PEAK_MB
            target = f"≥ {TARGET_ROWS_PER_SECOND:,} rows/s, < {TARGET_PEAK_MB} MB: " + ("met" if met else "**MISSED**")
            ratio = f"{r['seconds'] / r['baseline']['seconds']:.1f}×"
        else:
            target = ratio = ""
        lines.append(
            f"| {r['figure']} | {r['rows']:,} | {r['mb']:.1f} | {r['seconds']:.1f} | {rate:,.0f} | "
            f"{r['cpu']:.1f} | {r['rows'] / r['cpu']:,.0f} | {r['peak_mb']:.0f} | {target} | {ratio} |"
        )
    return "\n".join(lines)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
