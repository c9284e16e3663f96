"""Progress of the long admin commands, on stderr, drawn by tqdm: each counted step as a bar with its rate
and the time left, and a last step without a count (the final writes, the commit) on a line of its own
that says how long it took, rather than a bar sitting at 100%.

Services only report `(done, total)` through a plain callback (`Progress`), so they neither print nor know
of tqdm. Nothing is shown with --quiet or when stderr is not a terminal (a log file or a pipe would get
the bar's control characters).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Self, TypeVar

from tqdm import tqdm

Progress = Callable[[int, int], None]  # (done, total) of the service's current counted step
T = TypeVar("T")

COUNTED = "{desc}: {percentage:3.0f}%|{bar:20}| {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}, {rate_fmt}]"
RUNNING = "{desc} ..."
FINISHED = "{desc}: done in {elapsed}"


def shown_on(stream: IO[str], *, quiet: bool) -> bool:
    """Whether progress is drawn: not with --quiet, and only on a terminal."""
    if quiet:
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class CommandProgress:
    """The steps of one command. Use as a context manager; `counter()` makes the callback a service
    reports to, `step()` starts a step without a count."""

    def __init__(self, *, quiet: bool = False, stream: IO[str] | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.shown = shown_on(self.stream, quiet=quiet)
        self._bar: tqdm | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        self.close(failed=kind is not None)

    def counter(
        self, *labels: str, unit: str = "rows", bytes_: bool = False, final: str | None = None
    ) -> Progress | None:
        """A callback for a service: `(done, total)` moves the bar of the current label; when done reaches
        total that step ends and the next report starts the next label. After the last label, `final` (if
        given) runs as a step of its own until the next step or the end. None when nothing is shown, so a
        service can skip counting."""
        if not self.shown:
            return None
        waiting = list(labels)

        def report(done: int, total: int) -> None:
            if not self.shown or ((self._bar is None or self._bar.total is None) and not waiting):
                return
            if self._bar is None or self._bar.total is None:
                self._open(waiting.pop(0), total, unit, bytes_)
            bar = self._bar
            assert bar is not None
            bar.total = max(total, done)
            bar.update(done - bar.n)
            if done >= total:
                self._end()
                if not waiting and final:
                    self.step(final)

        return report

    def step(self, label: str) -> None:
        """Start a step without a count; it ends (showing its time) at the next step or at the end."""
        if not self.shown:
            return
        self._end()
        self._bar = tqdm(total=None, desc=label, bar_format=RUNNING, file=self.stream, leave=True)
        self._bar.refresh()

    def close(self, *, failed: bool = False) -> None:
        """End the current step; after a failure its line is cleared so the error message stands alone."""
        if failed and self._bar is not None:
            self._bar.leave = False
        self._end()

    def _open(self, label: str, total: int, unit: str, bytes_: bool) -> None:
        self._end()
        self._bar = tqdm(
            total=total,
            desc=label,
            unit="B" if bytes_ else unit,
            unit_scale=bytes_,
            unit_divisor=1024 if bytes_ else 1000,
            bar_format=None if bytes_ else COUNTED,
            file=self.stream,
            leave=True,
            mininterval=0.2,
            dynamic_ncols=True,
        )

    def _end(self) -> None:
        bar, self._bar = self._bar, None
        if bar is None:
            return
        if bar.total is None and bar.leave:
            bar.bar_format = FINISHED
        bar.close()


class RowCount:
    """Rows done of a known total, told to a service's Progress callback (or to nobody)."""

    def __init__(self, report: Progress | None, total: int):
        self.report, self.total, self.done = report, total, 0

    def add(self, rows: int) -> None:
        self.done += rows
        if self.report:
            self.report(self.done, self.total)


def counted(items: Iterable[T], count: RowCount | None, every: int = 1000) -> Iterator[T]:
    """The items, each added to `count`: told every `every` items and at the end."""
    if count is None or count.report is None:
        yield from items
        return
    pending = 0
    for item in items:
        yield item
        pending += 1
        if pending == every:
            count.add(pending)
            pending = 0
    count.add(pending)
