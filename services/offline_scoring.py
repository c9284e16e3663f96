"""Offline scoring of a CSV of answers (`manage.py score`): read and check the file, score every row,
render the scores as CSV, JSON or a terminal table, and write them out whole or not at all.

Nothing is stored. Every problem in a file is reported at once (AnswerFileError); nothing here prints.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assessment import ScoreReport, score_answers
from questions import NOT_APPLICABLE, Instrument

from .errors import ServiceError
from .exports import neutralise_cell
from .text_rules import has_odd_characters, quoted

ID_COLUMNS = ("respondent", "id")
NOT_APPLICABLE_SPELLINGS = {"na", "n/a"}   # compared in lower case, so NA and N/A count too
DELIMITERS = (",", ";", "\t")              # spreadsheets in many locales export with ';'


class AnswerFileError(ServiceError):
    """A CSV of answers that cannot be scored; `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


@dataclass(frozen=True)
class AnswerRow:
    row: int                          # as a spreadsheet numbers it: the header is row 1
    respondent: str | None
    answers: dict[str, int | str | None]


@dataclass(frozen=True)
class AnswerTable:
    source: str
    id_column: str | None
    rows: list[AnswerRow]
    columns_missing: list[str]        # questions of the bank without a column (scored as unanswered)


@dataclass(frozen=True)
class ScoredRow:
    row: int
    respondent: str | None
    report: ScoreReport


def read_answer_file(path: str | Path, instrument: Instrument) -> AnswerTable:
    """Read a CSV of answers (one row per respondent, a column per question id).

    AnswerFileError lists every problem at once: unknown columns, values off the scale (by spreadsheet
    row and column), an empty file, a file that is missing or not UTF-8.
    """
    source = str(path)
    text = _read_text(Path(path), source)
    if not text.strip():
        raise AnswerFileError(source, ["the file is empty; the first row must name the columns "
                                       f"(question ids such as {', '.join(instrument.question_ids[:3])})"])
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise AnswerFileError(source, [f"not a readable CSV file ({exc})"]) from None
    header = [cell.strip() for cell in records[0]]
    problems: list[str] = []
    id_index, item_columns = _read_header(header, records[1:], instrument, problems)
    rows: list[AnswerRow] = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not respondents
        if any(cell.strip() for cell in record[len(header):]):
            problems.append(f"row {number}: {len(record)} values but the header names {len(header)} columns")
            continue
        answers: dict[str, int | str | None] = {}
        for index, question_id in item_columns.items():
            cell = record[index].strip() if index < len(record) else ""
            value = _answer(cell, instrument)
            if value is _OFF_SCALE:
                problems.append(f"row {number}, column '{question_id}': '{quoted(cell)}' is not an answer "
                                f"(use {instrument.scale.min}..{instrument.scale.max}, na, or leave it empty)")
            else:
                answers[question_id] = value
        respondent = record[id_index].strip() if id_index is not None and id_index < len(record) else None
        if respondent and has_odd_characters(respondent):
            problems.append(f"row {number}, column '{header[id_index]}': '{quoted(respondent)}' holds control "
                            "or other characters that cannot be shown")
        rows.append(AnswerRow(number, respondent, answers))
    if problems:
        raise AnswerFileError(source, problems)
    if not rows:
        raise AnswerFileError(source, ["the file has a header row but no answers to score"])
    present = set(item_columns.values())
    return AnswerTable(source, header[id_index] if id_index is not None else None, rows,
                       [q for q in instrument.question_ids if q not in present])


def score_table(instrument: Instrument, table: AnswerTable) -> list[ScoredRow]:
    """Score every row (all rows were checked when the file was read)."""
    return [ScoredRow(r.row, r.respondent, score_answers(instrument, r.answers)) for r in table.rows]


def score_keys(instrument: Instrument) -> list[str]:
    """Every score of a report, in ScoreReport.flat() order."""
    return list(score_answers(instrument, {}).flat())


def score_records(instrument: Instrument, table: AnswerTable,
                  scored: list[ScoredRow]) -> tuple[list[str], list[dict]]:
    """Column names and one record per respondent: row, respondent id, every score, alignment band."""
    columns = ["row", *([table.id_column] if table.id_column else []), *score_keys(instrument), "alignment_band"]
    records = []
    for item in scored:
        record: dict = {"row": item.row}
        if table.id_column:
            record[table.id_column] = item.respondent
        record.update({key: value for key, (value, _status) in item.report.flat().items()})
        record["alignment_band"] = item.report.alignment_band
        records.append(record)
    return columns, records


# --- output ---------------------------------------------------------------------------------


def records_csv(columns: list[str], records: list[dict]) -> str:
    """The records as CSV text with a header row; an empty cell where a score is missing, formulas made inert."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else neutralise_cell(v) for k, v in record.items()})
    return out.getvalue()


def records_json(columns: list[str], records: list[dict]) -> str:
    """The records as a JSON list of objects, keys in column order; null where a score is missing."""
    return json.dumps([{c: r.get(c) for c in columns} for r in records], indent=2, ensure_ascii=False) + "\n"


def records_table(columns: list[str], records: list[dict]) -> str:
    """A plain-text table for the terminal: scores to one decimal, empty when not enough answers."""
    def cell(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:.1f}"
        return str(value)
    cells = [[cell(r.get(c)) for c in columns] for r in records]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.rjust(w) if _numeric(v) else v.ljust(w) for v, w in zip(row, widths)).rstrip()
              for row in cells]
    return "\n".join(lines) + "\n"


def _numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def write_atomically(path: str | Path, text: str) -> None:
    """Write the whole file or nothing (a half-written output would look like a result)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ServiceError(f"Cannot write '{path}': {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ServiceError(f"Cannot write '{path}': {exc.strerror or exc}") from None


# --- reading the file, cell by cell ---------------------------------------------------------


_OFF_SCALE = object()


def _answer(cell: str, instrument: Instrument) -> int | str | None | object:
    if cell == "":
        return None
    if cell.lower() in NOT_APPLICABLE_SPELLINGS:
        return NOT_APPLICABLE
    try:
        number = float(cell)   # spreadsheets may write 4 as 4.0
    except ValueError:
        return _OFF_SCALE
    if not math.isfinite(number) or number != int(number) or int(number) not in instrument.scale.points:
        return _OFF_SCALE
    return int(number)


def _read_header(header: list[str], data: list[list[str]], instrument: Instrument,
                 problems: list[str]) -> tuple[int | None, dict[int, str]]:
    known = set(instrument.question_ids)
    id_index: int | None = None
    item_columns: dict[int, str] = {}
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        where = f"column {_column_letter(index)}"
        if not name:
            if any(index < len(r) and r[index].strip() for r in data):
                problems.append(f"{where} has values but no name in the header row")
            continue  # trailing empty columns from spreadsheets
        if name in seen:
            problems.append(f"column '{quoted(name)}' appears twice ({_column_letter(seen[name])} and {_column_letter(index)})")
            continue
        seen[name] = index
        if name.lower() in ID_COLUMNS:
            if id_index is not None:
                problems.append(f"column '{quoted(name)}' ({where}): only one of 'respondent' or 'id' can name the rows")
            else:
                id_index = index
        elif name in known:
            item_columns[index] = name
        else:
            hint = difflib.get_close_matches(name, sorted(known), n=1)
            suggestion = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(f"column '{quoted(name)}' ({where}) is not a question id of {instrument.label} "
                            f"and not an id column ('respondent' or 'id'){suggestion}")
    if not item_columns and any(header):
        problems.append(f"no column is a question id of {instrument.label}: "
                        "were these answers given on another question bank?")
    return id_index, item_columns


def _read_text(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")   # -sig: Excel starts UTF-8 CSV files with a BOM
    except FileNotFoundError:
        raise AnswerFileError(source, ["file not found"]) from None
    except IsADirectoryError:
        raise AnswerFileError(source, ["is a folder, not a CSV file"]) from None
    except UnicodeDecodeError as exc:
        raise AnswerFileError(source, [f"not UTF-8 text (byte {exc.start + 1}); "
                                       "save the file as 'CSV UTF-8' and try again"]) from None
    except OSError as exc:
        raise AnswerFileError(source, [f"cannot be read ({exc.strerror or exc})"]) from None


def _delimiter(text: str) -> str:
    first_line = text.lstrip("\ufeff").splitlines()[0]
    return max(DELIMITERS, key=first_line.count)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
