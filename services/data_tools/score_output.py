"""Writing offline scores (`manage.py score`) as they are made, one record per row: CSV, JSON or a plain
terminal table, into a file that gets its name only when complete. Nothing here prints."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from services.errors import ServiceError
from services.output.cells import neutralise_cell

TABLE_WIDTH_ROWS = 100  # the terminal table takes its column widths from the first rows
FORMATS = ("csv", "json", "table")


class ScoreWriter:
    """Writes one record per scored row to a text stream; `names` are the columns (`with_id`: the second
    is the respondent id)."""

    def __init__(self, out: IO[str], names: list[str], *, with_id: bool):
        self.out, self.names, self.with_id = out, names, with_id

    def write(
        self, row: int, respondent: str | None, values: list, band: str | None, answered: int, not_applicable: int
    ) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output (after the last row)."""


class CsvScores(ScoreWriter):
    """CSV with a header row; an empty cell where a score is missing; the respondent id made formula-inert."""

    def __init__(self, out: IO[str], names: list[str], *, with_id: bool):
        super().__init__(out, names, with_id=with_id)
        self.csv = csv.writer(out, lineterminator="\n")
        self.csv.writerow(names)

    def write(self, row, respondent, values, band, answered, not_applicable):
        self.csv.writerow(
            [
                row,
                *([neutralise_cell(respondent or "")] if self.with_id else []),
                *["" if v is None else v for v in values],
                band or "",
                answered,
                not_applicable,
            ]
        )


class JsonScores(ScoreWriter):
    """A JSON list with one object per row (keys in column order), written one line per row; null where a
    score is missing."""

    def __init__(self, out: IO[str], names: list[str], *, with_id: bool):
        super().__init__(out, names, with_id=with_id)
        self.separator = "[\n  "

    def write(self, row, respondent, values, band, answered, not_applicable):
        record = [row, *([respondent] if self.with_id else []), *values, band, answered, not_applicable]
        self.out.write(self.separator + json.dumps(dict(zip(self.names, record)), ensure_ascii=False))
        self.separator = ",\n  "

    def close(self) -> None:
        self.out.write("[]\n" if self.separator.startswith("[") else "\n]\n")


class TableScores(ScoreWriter):
    """A plain-text table for the terminal: scores to one decimal, empty when not enough answers. Column
    widths come from the first TABLE_WIDTH_ROWS rows; a longer value later on shifts its line."""

    def __init__(self, out: IO[str], names: list[str], *, with_id: bool):
        super().__init__(out, names, with_id=with_id)
        self.waiting: list[list[str]] | None = []

    def write(self, row, respondent, values, band, answered, not_applicable):
        cells = [
            str(row),
            *([respondent or ""] if self.with_id else []),
            *("" if v is None else f"{v:.1f}" for v in values),
            band or "",
            str(answered),
            str(not_applicable),
        ]
        if self.waiting is None:
            self._line(cells)
            return
        self.waiting.append(cells)
        if len(self.waiting) == TABLE_WIDTH_ROWS:
            self._flush()

    def close(self) -> None:
        if self.waiting is not None:
            self._flush()

    def _flush(self) -> None:
        waiting, self.waiting = self.waiting or [], None
        self.widths = [max(len(name), *(len(cells[i]) for cells in waiting)) for i, name in enumerate(self.names)]
        self.out.write("  ".join(n.ljust(w) for n, w in zip(self.names, self.widths)).rstrip() + "\n")
        self.out.write("  ".join("-" * w for w in self.widths) + "\n")
        for cells in waiting:
            self._line(cells)

    def _line(self, cells: list[str]) -> None:
        self.out.write(
            "  ".join(v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(cells, self.widths)).rstrip() + "\n"
        )


WRITERS: dict[str, type[ScoreWriter]] = {"csv": CsvScores, "json": JsonScores, "table": TableScores}


def _numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


@contextmanager
def output_file(path: str | Path) -> Iterator[IO[str]]:
    """A text file written under a temporary name beside `path`; it becomes `path` only when the block ends
    without an error (a half-written output would look like a result)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ServiceError(f"Cannot write '{path}': {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    except OSError as exc:
        raise ServiceError(f"Cannot write '{path}': {exc.strerror or exc}") from None
    finally:
        Path(temporary).unlink(missing_ok=True)


SPOOLED_OUTPUT_BYTES = 1 << 20  # scores for the terminal are kept in memory up to this, then on disk


@contextmanager
def destination(path: str | Path | None) -> Iterator[IO[str]]:
    """Where `manage.py score` writes: the file at `path` (output_file), else the terminal, where the scores
    are shown only once every row is scored (all or nothing there too)."""
    if path:
        with output_file(path) as out:
            yield out
        return
    with tempfile.SpooledTemporaryFile(SPOOLED_OUTPUT_BYTES, "w+", encoding="utf-8", newline="") as out:
        yield out
        out.seek(0)
        shutil.copyfileobj(out, sys.stdout)


MISSING_COLUMNS_SHOWN = 10


def notes(columns_missing: list[str], matching_form: str | None, label: str) -> list[str]:
    """What the person who scored a file should know: questions without a column, a short form's columns."""
    out = []
    if columns_missing:
        shown = ", ".join(columns_missing[:MISSING_COLUMNS_SHOWN])
        more = ", ..." if len(columns_missing) > MISSING_COLUMNS_SHOWN else ""
        out.append(
            f"note: {len(columns_missing)} question(s) of {label} have no column and count as unanswered: {shown}{more}"
        )
    if matching_form:
        out.append(
            f"note: the columns are exactly the questions of the short form '{matching_form}'; to score "
            f"them with that form's rules, add --form {matching_form}"
        )
    return out
