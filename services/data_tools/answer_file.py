"""Reading a CSV of answers (one row per respondent, a column per question id), as `manage.py score`
(services/data_tools/offline_scoring.py) and `manage.py import-responses` (response_import.py) read it.

AnswerReader reads a file lazily, row by row. Memory stays flat whatever the file's size: one row is held at
a time, plus 8 bytes per respondent id to find ids given twice (a hash of each id; only when two hashes meet
is the file read again to name the ids, so a hash collision never refuses a file). Every problem in a file
is reported (AnswerFileError, the first MAX_PROBLEMS of them listed). The cell and header rules are shared
with the import, which reads its file whole.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import math
import os
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from operator import itemgetter
from pathlib import Path
from typing import IO, Final, Self

import numpy as np

from questions import NOT_APPLICABLE, Instrument
from services.errors import ServiceError
from services.text_rules import has_odd_characters, quoted

ID_COLUMNS = ("respondent", "id")
NOT_APPLICABLE_SPELLINGS = {"na", "n/a"}  # compared in lower case, so NA and N/A count too
DELIMITERS = (",", ";", "\t")  # spreadsheets in many locales export with ';'
MAX_PROBLEMS = 100  # listed; more are counted (a broken file can have millions)
ROW_NUMBERS_SHOWN = 5  # per respondent id given more than once
PROGRESS_EVERY = 2048  # rows between progress reports
MAX_LINE_CHARS = 1 << 20  # far above any row of answers

Progress = Callable[[int, int], None]  # (bytes read, file size)


class AnswerFileError(ServiceError):
    """A CSV of answers that cannot be scored; `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


@dataclass(frozen=True)
class AnswerRow:
    row: int  # as a spreadsheet numbers it: the header is row 1
    respondent: str | None
    answers: list  # per question of the instrument, in question_ids order


# --- reading the file, row by row -------------------------------------------------------------


class AnswerReader:
    """A CSV of answers (one row per respondent, a column per question id), read lazily.

    Opening it reads the header; `rows()` then yields each checked row, collecting the problems it finds
    (the first MAX_PROBLEMS; the rest are counted); `finish()` adds the respondent ids given more than once
    and raises AnswerFileError when there was any problem.
    """

    def __init__(self, path: str | Path, instrument: Instrument):
        self.path, self.source, self.instrument = Path(path), str(path), instrument
        self.problems: list[str] = []
        self.more_problems = 0
        self.rows_read = 0
        self._id_hashes = array("q")
        self._raw = _open_binary(self.path, self.source)
        self.size = os.fstat(self._raw.fileno()).st_size
        text = io.TextIOWrapper(self._raw, encoding="utf-8-sig", newline="")  # -sig: Excel's BOM
        lines = self._capped_lines(text)
        with self._decoding():
            skipped, first = 0, ""
            for first in lines:  # blank lines before the header are skipped; the header names the delimiter
                if first.strip():
                    break
                skipped += 1
            delimiter = delimiter_of(first) if first.strip() else DELIMITERS[0]
            self._records = enumerate(
                csv.reader(itertools.chain([first], lines), delimiter=delimiter), start=skipped + 1
            )
            self._take_header()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._raw.close()

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)
        else:
            self.more_problems += 1

    def rows(self, progress: Progress | None = None) -> Iterator[AnswerRow]:
        """Each row with any answer, checked; its answers in the order of `order` (see ScoringPlan)."""
        fast = _fast_answers(self.instrument).__getitem__
        indexes = sorted(self.item_columns)
        cells = itemgetter(*indexes) if len(indexes) > 1 else lambda record: tuple(record[i] for i in indexes)
        padding = [None] if len(indexes) < len(self.instrument.question_ids) else []
        width, unnamed, id_index = len(self.header), self.unnamed, self.id_index
        with self._decoding():
            for number, record in self._records:
                if not any(cell.strip() for cell in record):
                    continue  # blank lines are not respondents
                self.rows_read += 1
                if progress and self.rows_read % PROGRESS_EVERY == 0:
                    progress(self._raw.tell(), self.size)
                if len(record) > width and any(cell.strip() for cell in record[width:]):
                    self.problem(f"row {number}: {len(record)} values but the header names {width} columns")
                    continue
                for index in unnamed:
                    if index < len(record) and record[index].strip():
                        self.problem(f"column {column_letter(index)} has values but no name in the header row")
                        unnamed = [i for i in unnamed if i != index]
                try:  # most cells are exactly 1..5, na or empty
                    answers = [*map(fast, cells(record)), *padding]
                except (KeyError, IndexError):
                    answers = [*self._answers(number, record, indexes), *padding]
                respondent = record[id_index].strip() if id_index is not None and id_index < len(record) else None
                if respondent:
                    if not (respondent.isascii() and respondent.isprintable()) and has_odd_characters(respondent):
                        self.problem(
                            f"row {number}, column '{self.id_column}': '{quoted(respondent)}' holds "
                            "control or other characters that cannot be shown"
                        )
                    self._id_hashes.append(hash(respondent))
                yield AnswerRow(number, respondent, answers)
        if progress:
            progress(self.size, self.size)

    def _capped_lines(self, text: IO[str]) -> Iterator[str]:
        """The file's lines, none read beyond MAX_LINE_CHARS (a file of one endless line stays out of memory)."""
        number = 0
        while line := text.readline(MAX_LINE_CHARS):
            number += 1
            if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
                raise AnswerFileError(
                    self.source,
                    [(f"line {number} is longer than {MAX_LINE_CHARS:,} characters: not a file of answers")],
                )
            yield line

    def _answers(self, number: int, record: list[str], indexes: list[int]) -> list:
        """The row's answers read cell by cell (spaces, 4.0, Na ...), reporting each cell that is no answer."""
        answers = []
        for index in indexes:
            cell = record[index].strip() if index < len(record) else ""
            value = parse_answer(cell, self.instrument)
            if value is OFF_SCALE:
                self.problem(
                    f"row {number}, column '{self.item_columns[index]}': '{quoted(cell)}' is not an answer "
                    f"(use {self.instrument.scale.min}..{self.instrument.scale.max}, na, or leave it empty)"
                )
                value = None
            answers.append(value)
        return answers

    def finish(self) -> None:
        """AnswerFileError when any problem was found (ids given twice included); call after rows()."""
        if self.rows_read == 0 and not self.problems:
            self.problem("the file has a header row but no answers to score")
        for text in self._ids_given_twice():
            self.problem(text)
        if self.more_problems:
            self.problems.append(f"... and {self.more_problems:,} more problem(s): fix these and run again")
        if self.problems:
            raise AnswerFileError(self.source, self.problems)

    def matching_form(self) -> str | None:
        """The bank's form whose items are exactly this file's question columns (scored as the whole bank)."""
        given = set(self.item_columns.values())
        return next((f.id for f in self.instrument.forms if set(f.items) == given), None)

    def _take_header(self) -> None:
        header = [cell.strip() for cell in next(self._records, (0, []))[1]]
        if not any(header):
            raise AnswerFileError(
                self.source,
                [
                    (
                        "the file is empty; the first row must name the columns "
                        f"(question ids such as {', '.join(self.instrument.question_ids[:3])})"
                    )
                ],
            )
        problems: list[str] = []
        # Unnamed columns are checked row by row (rows() reports values in them), not by read_header.
        self.id_index, self.item_columns = read_header(header, [], self.instrument, problems)
        for text in problems:
            self.problem(text)
        self.header = header
        self.unnamed = [i for i, name in enumerate(header) if not name]
        self.id_column = header[self.id_index] if self.id_index is not None else None
        self.order = [self.item_columns[index] for index in sorted(self.item_columns)]  # of the answers in a row
        present = set(self.item_columns.values())
        self.columns_missing = [q for q in self.instrument.question_ids if q not in present]

    def _ids_given_twice(self) -> list[str]:
        hashes = np.sort(np.frombuffer(self._id_hashes, dtype=np.int64)) if self._id_hashes else np.zeros(0)
        clashing = set(hashes[1:][hashes[1:] == hashes[:-1]].tolist())
        if not clashing:
            return []
        rows: dict[str, list[int]] = {}  # a second reading, of the clashing ids only
        with AnswerReader(self.path, self.instrument) as again:
            id_index = again.id_index  # not None: without an id column no hashes were taken
            for number, record in again._records:
                respondent = record[id_index].strip() if id_index is not None and id_index < len(record) else ""
                if respondent and hash(respondent) in clashing:
                    rows.setdefault(respondent, []).append(number)
        return [
            f"respondent id '{quoted(respondent)}' is given {len(numbers)} times (rows "
            f"{', '.join(map(str, numbers[:ROW_NUMBERS_SHOWN]))}"
            f"{', ...' if len(numbers) > ROW_NUMBERS_SHOWN else ''}"
            "): each respondent can have one row"
            for respondent, numbers in rows.items()
            if len(numbers) > 1
        ]

    @contextmanager
    def _decoding(self) -> Iterator[None]:
        try:
            yield
        except UnicodeDecodeError:
            raise AnswerFileError(
                self.source,
                [(f"not UTF-8 text (byte {_first_bad_byte(self.path)}); save the file as 'CSV UTF-8' and try again")],
            ) from None
        except csv.Error as exc:
            raise AnswerFileError(self.source, [f"not a readable CSV file ({exc})"]) from None


def _fast_answers(instrument: Instrument) -> dict[str, object]:
    """The cells most files hold, read without parsing; anything else goes through parse_answer."""
    cells: dict[str, object] = {"": None, **{str(p): p for p in instrument.scale.points}}
    cells.update(
        {spelling: NOT_APPLICABLE for lower in NOT_APPLICABLE_SPELLINGS for spelling in (lower, lower.upper())}
    )
    return cells


def _open_binary(path: Path, source: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise AnswerFileError(source, ["file not found"]) from None
    except IsADirectoryError:
        raise AnswerFileError(source, ["is a folder, not a CSV file"]) from None
    except OSError as exc:
        raise AnswerFileError(source, [f"cannot be read ({exc.strerror or exc})"]) from None


def _first_bad_byte(path: Path) -> int:
    """The position (from 1) of the first byte that is not UTF-8, read in blocks."""
    decoder, offset = codecs.getincrementaldecoder("utf-8")(), 0
    with path.open("rb") as raw:
        while block := raw.read(1 << 16):
            pending = len(decoder.getstate()[0])  # the start of a character cut by the previous block
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start + 1
            offset += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:  # the file ends inside a character
        return offset - len(decoder.getstate()[0]) + exc.start + 1
    return offset + 1


# --- reading a cell, a header --------------------------------------------------------------


class OffScale(Enum):
    """What parse_answer returns for a cell that is no answer (an enum member, so ``is OFF_SCALE`` narrows)."""

    OFF_SCALE = 0


OFF_SCALE: Final = OffScale.OFF_SCALE


def parse_answer(cell: str, instrument: Instrument) -> int | str | OffScale | None:
    """A cell's answer: None when empty, NOT_APPLICABLE, a point of the scale (4.0 reads as 4), else OFF_SCALE."""
    if cell == "":
        return None
    if cell.lower() in NOT_APPLICABLE_SPELLINGS:
        return NOT_APPLICABLE
    try:
        number = float(cell)  # spreadsheets may write 4 as 4.0
    except ValueError:
        return OFF_SCALE
    if not math.isfinite(number) or number != int(number) or int(number) not in instrument.scale.points:
        return OFF_SCALE
    return int(number)


def read_header(
    header: list[str], data: list[list[str]], instrument: Instrument, problems: list[str]
) -> tuple[int | None, dict[int, str]]:
    """(index of the respondent id column or None, {index: question id}); appends each problem of the header
    (and of values under unnamed columns in `data`) to `problems`."""
    known = set(instrument.question_ids)
    id_index: int | None = None
    item_columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        where = f"column {column_letter(index)}"
        if not name:
            if any(index < len(r) and r[index].strip() for r in data):
                problems.append(f"{where} has values but no name in the header row")
            continue  # trailing empty columns from spreadsheets
        if name in seen:
            problems.append(
                f"column '{quoted(name)}' appears twice ({column_letter(seen[name])} and {column_letter(index)})"
            )
            continue
        seen[name] = index
        if name.lower() in ID_COLUMNS:
            if id_index is not None:
                problems.append(
                    f"column '{quoted(name)}' ({where}): only one of 'respondent' or 'id' can name the rows"
                )
            else:
                id_index = index
        elif name in known:
            item_columns[index] = name
        else:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(
                f"column '{quoted(name)}' ({where}) is not a question id of {instrument.label} "
                f"and not an id column ('respondent' or 'id'){suggestion}"
            )
    if not item_columns and any(header):
        problems.append(
            f"no column is a question id of {instrument.label}: were these answers given on another question bank?"
        )
    return id_index, item_columns


def read_text(path: Path, source: str) -> str:
    """The whole file as text; AnswerFileError when it is missing, a folder, unreadable or not UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: Excel starts UTF-8 CSV files with a BOM
    except FileNotFoundError:
        raise AnswerFileError(source, ["file not found"]) from None
    except IsADirectoryError:
        raise AnswerFileError(source, ["is a folder, not a CSV file"]) from None
    except UnicodeDecodeError as exc:
        raise AnswerFileError(
            source, [(f"not UTF-8 text (byte {exc.start + 1}); save the file as 'CSV UTF-8' and try again")]
        ) from None
    except OSError as exc:
        raise AnswerFileError(source, [f"cannot be read ({exc.strerror or exc})"]) from None


def delimiter_of(text: str) -> str:
    """The delimiter of DELIMITERS that the first line holds most of."""
    first_line = text.lstrip("\ufeff").splitlines()[0]
    return max(DELIMITERS, key=first_line.count)


def column_letter(index: int) -> str:
    """A spreadsheet's name of the column at `index` (from 0): A, B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
