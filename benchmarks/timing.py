"""Timing helpers shared by the benchmarks: time calls, summarise samples, print one markdown table."""
from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """Wall-clock samples of one figure, in seconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile: a value that was actually measured."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_call(action: Callable[[], object]) -> float:
    """Seconds one call takes (perf_counter: monotonic, highest resolution)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def repeat(action: Callable[[], object], *, times: int, warmup: int = 1) -> Summary:
    """Run `warmup` untimed calls (imports, caches, first connection), then time `times` calls."""
    for _ in range(warmup):
        action()
    return Summary(tuple(time_call(action) for _ in range(times)))


@dataclass(frozen=True)
class Row:
    """One line of the table; `measured` is None when the figure could not be taken (see `note`)."""

    figure: str
    measured: Summary | None
    target: float | None = None          # seconds; the median must stay below it
    baseline: Summary | None = None
    baseline_name: str = ""
    note: str = ""


def format_duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1_000_000:.0f} µs"


def markdown_table(rows: Sequence[Row]) -> str:
    """figure | median | p95 | target | baseline (same run) | ratio, one line per row."""
    lines = ["| figure | median | p95 | target | baseline (same run) | ratio |",
             "|---|---:|---:|---|---|---:|"]
    for row in rows:
        if row.measured is None:
            lines.append(f"| {row.figure} | not run: {row.note} | | "
                         f"{_target(row.target, None)} | | |")
            continue
        median = row.measured.median
        baseline = (f"{row.baseline_name}: {format_duration(row.baseline.median)}"
                    if row.baseline is not None else "—")
        ratio = _ratio(median / row.baseline.median) if row.baseline is not None else "—"
        figure = f"{row.figure} (n={len(row.measured.samples)})" + (f"; {row.note}" if row.note else "")
        lines.append(f"| {figure} | {format_duration(median)} | {format_duration(row.measured.p95)} | "
                     f"{_target(row.target, median)} | {baseline} | {ratio} |")
    return "\n".join(lines)


def _target(target: float | None, median: float | None) -> str:
    if target is None:
        return "—"
    verdict = "" if median is None else (" met" if median < target else " **MISSED**")
    return f"< {format_duration(target)}{verdict}"


def _ratio(value: float) -> str:
    # Below 0.1 one decimal would read 0.0×: two significant digits instead.
    return f"{value:.1f}×" if value >= 0.1 else f"{value:.2g}×"
