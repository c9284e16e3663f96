"""Offline scoring of a CSV of answers (`manage.py score`): read and check the file row by row
(services/data_tools/answer_file.py), score each row as it is read (services/data_tools/scoring_plan.py) and
write its scores at once, as CSV, JSON or a terminal table.

Memory stays flat whatever the file's size: one row is held at a time. Nothing is stored. Every problem in
a file is reported (answer_file.AnswerFileError); the output is then incomplete, so callers write it where
it can be dropped (`output_file`, a spooled buffer). Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from questions import Instrument, derive_form
from services.data_tools.answer_file import AnswerReader, AnswerRow, Progress
from services.data_tools.score_output import WRITERS, ScoreWriter
from services.data_tools.scoring_plan import ScoringPlan
from services.errors import InvalidInput
from services.text_rules import quoted

COUNT_COLUMNS = ("alignment_band", "answered", "not_applicable")


@dataclass(frozen=True)
class ScoringSummary:
    source: str
    instrument: Instrument
    rows: int
    id_column: str | None
    columns_missing: list[str]  # questions of the bank without a column (scored as unanswered)
    matching_form: str | None  # scored with the whole bank, but the columns are exactly this form's


def form_of(bank: Instrument, form_id: str) -> Instrument:
    """The short form `form_id` of the bank as an instrument of its own (its items, themes and rules)."""
    try:
        return derive_form(bank, bank.form(form_id))
    except KeyError:
        forms = ", ".join(f"'{f.id}'" for f in bank.forms) or "none"
        raise InvalidInput(f"{bank.label} has no form '{quoted(form_id)}' (its forms: {forms})") from None


def score_file(
    path: str | Path,
    instrument: Instrument,
    out: IO[str],
    *,
    output_format: str = "csv",
    progress: Progress | None = None,
) -> ScoringSummary:
    """Score the CSV of answers at `path`, writing each row's scores to `out` as soon as it is read.

    AnswerFileError lists the file's problems: unknown columns, values off the scale (by spreadsheet row and
    column), respondent ids given twice, an empty file, a file that is missing or not UTF-8. `out` then
    holds an incomplete result: write to something that can be dropped.
    """
    with AnswerReader(path, instrument) as reader:
        plan = ScoringPlan(instrument, reader.order)
        writer = WRITERS[output_format](out, columns(plan, reader.id_column), with_id=reader.id_column is not None)
        written = write_scores(plan, reader.rows(progress), writer, stop=lambda: bool(reader.problems))
        reader.finish()
        writer.close()
        return ScoringSummary(
            reader.source, instrument, written, reader.id_column, reader.columns_missing, reader.matching_form()
        )


def columns(plan: ScoringPlan, id_column: str | None) -> list[str]:
    """The output's columns: row, respondent id, every score, alignment band, answered and N/A counts."""
    return ["row", *([id_column] if id_column else []), *plan.keys, *COUNT_COLUMNS]


def write_scores(
    plan: ScoringPlan, rows: Iterable[AnswerRow], writer: ScoreWriter, stop: Callable[[], bool] = lambda: False
) -> int:
    """Score each row and hand its record to `writer` before the next row is read; returns the rows scored.

    Once `stop()` is true (a problem was found) rows are still read, so that every problem is found, but
    no longer scored.
    """
    written = 0
    for item in rows:
        if stop():
            continue
        values, band, answered, not_applicable = plan.score(item.answers)
        writer.write(item.row, item.respondent, values, band, answered, not_applicable)
        written += 1
    return written
