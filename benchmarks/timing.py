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
        return self.percentile(95)

    def percentile(self, q: float) -> float:
        """Nearest-rank q-th percentile: a value that was actually measured."""
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


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
    target: float | None = None  # seconds; the median (or `target_on`) must stay below it
    baseline: Summary | None = None
    baseline_name: str = ""
    note: str = ""
    target_on: str = "median"  # or "tail": the table's tail percentile (p95, p99)
    max_ratio: float | None = None  # a second target: median ÷ baseline median at most this
    unit: str = "s"  # "s" (durations) or "MB"


def format_value(value: float, unit: str = "s") -> str:
    return f"{value:.1f} MB" if unit == "MB" else format_duration(value)


def format_duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1_000_000:.0f} µs"


def markdown_table(rows: Sequence[Row], *, tail: int = 95) -> str:
    """figure | median | p<tail> | target | baseline (same run) | ratio, one line per row."""
    lines = [f"| figure | median | p{tail} | target | baseline (same run) | ratio |", "|---|---:|---:|---|---|---:|"]
    for row in rows:
        if row.measured is None:
            lines.append(f"| {row.figure} | not run: {row.note} | | {_target(row, None, None)} | | |")
            continue
        median, high = row.measured.median, row.measured.percentile(tail)
        ratio = median / row.baseline.median if row.baseline is not None else None
        baseline = (
            f"{row.baseline_name}: {format_value(row.baseline.median, row.unit)}" if row.baseline is not None else "—"
        )
        figure = f"{row.figure} (n={len(row.measured.samples)})" + (f"; {row.note}" if row.note else "")
        checked = high if row.target_on == "tail" else median
        lines.append(
            f"| {figure} | {format_value(median, row.unit)} | {format_value(high, row.unit)} | "
            f"{_target(row, checked, ratio, tail)} | {baseline} | {_ratio(ratio) if ratio is not None else '—'} |"
        )
    return "\n".join(lines)


def _target(row: Row, value: float | None, ratio: float | None, tail: int = 95) -> str:
    parts = []
    if row.target is not None:
        on = f"p{tail} " if row.target_on == "tail" else ""
        parts.append(f"{on}< {format_value(row.target, row.unit)}")
    if row.max_ratio is not None:
        parts.append(f"≤ {row.max_ratio:g}× baseline")
    if not parts:
        return "—"
    if value is None:
        return " and ".join(parts)
    met = (row.target is None or value < row.target) and (
        row.max_ratio is None or (ratio is not None and ratio <= row.max_ratio)
    )
    return " and ".join(parts) + (" met" if met else " **MISSED**")


def _ratio(value: float) -> str:
    # Below 0.1 one decimal would read 0.0×: two significant digits instead.
    return f"{value:.1f}×" if value >= 0.1 else f"{value:.2g}×"
