"""Writing many attributed responses at once (demo data, paper rounds).

Keyword-only functions that take a Session and never commit. The rows are the ones add_response
writes (response, response_answer, response_score); the tallies of the written responses are summed
in memory (TallySums) and added with one upsert per tally row at the end (add_tallies), instead of
three upserts per response or a rebuild over the whole organisation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from db.errors import InvalidRecord
from db.models import Response, ResponseAnswer, ResponseScore
from db.multirow import add_counts, copy_rows
from db.org_models import AnswerTally, ResponseTally, ScoreTally
from db.tallies import NOT_APPLICABLE_VALUE, tallied_scores

__all__ = ["NewResponse", "TallySums", "add_tallies", "count_responses", "existing_tokens", "insert_responses"]

NOT_APPLICABLE = "na"
_NO_ROLE = ""  # how db/tallies.py stores "no role" in the tallies' key
_ANSWER_COLUMNS = ("response_id", "item_id", "value", "not_applicable")
_SCORE_COLUMNS = ("response_id", "key", "value", "status")
_TOKEN_CHUNK = 500  # well under SQLite's bound-parameter limit for IN (...)

Cell = tuple[int, int, int, str]  # (organisation_id, team_id, round_id, role or '')


@dataclass(frozen=True)
class NewResponse:
    """One attributed response as add_response would store it (answers None = unanswered)."""

    submission_token: str
    instrument_id: str
    instrument_version: str
    instrument_hash: str
    language: str
    intervention: str
    role: str | None
    organisation_id: int
    team_id: int
    round_id: int
    answers: Mapping[str, int | str | None]
    scores: Mapping[str, tuple[float | None, str]]
    created_at: datetime | None = None  # None: now, as for a submission

    @property
    def cell(self) -> Cell:
        return (self.organisation_id, self.team_id, self.round_id, self.role or _NO_ROLE)


class TallySums:
    """The tallies of responses written in bulk, summed per cell until add_tallies writes them."""

    def __init__(self) -> None:
        # cell -> [responses, {score key: [n, total, total_sq]}, Counter of (item id, value)]
        self.cells: dict[Cell, list] = {}

    def add(self, response: NewResponse) -> None:
        """Count one response, as add_to_tallies would (not_enough scores add nothing)."""
        sums = self.cells.get(response.cell)
        if sums is None:
            sums = self.cells[response.cell] = [0, {}, Counter()]
        sums[0] += 1
        scores, answers = sums[1], sums[2]
        for key, value in tallied_scores(response.scores):
            entry = scores.get(key)
            if entry is None:
                scores[key] = [1, value, value * value]
            else:
                entry[0] += 1
                entry[1] += value
                entry[2] += value * value
        for item_id, answer in response.answers.items():
            if answer is not None:
                answers[item_id, NOT_APPLICABLE_VALUE if answer == NOT_APPLICABLE else answer] += 1


def insert_responses(session: Session, *, responses: Sequence[NewResponse], tallies: TallySums) -> list[int]:
    """Store the responses with their answers and scores; returns their ids in the same order.

    Each response is also added to `tallies`; the caller writes those with add_tallies in the same
    transaction. Raises InvalidRecord for an answer that is not an int or "na" (before writing).
    """
    if not responses:
        return []
    answer_rows = [_answers_of(r) for r in responses]  # check every value before writing anything
    table: Table = Response.__table__
    rows = [
        {
            "submission_token": r.submission_token,
            "respondent_id": None,
            "instrument_id": r.instrument_id,
            "instrument_version": r.instrument_version,
            "instrument_hash": r.instrument_hash,
            "language": r.language,
            "intervention": r.intervention,
            "role": r.role,
            "organisation_id": r.organisation_id,
            "team_id": r.team_id,
            "round_id": r.round_id,
            **({"created_at": r.created_at} if r.created_at is not None else {}),
        }
        for r in responses
    ]
    # RETURNING the token too: insertmanyvalues batches rows per statement but promises no order.
    returned = session.execute(insert(table).returning(table.c.id, table.c.submission_token), rows)
    id_of = {token: response_id for response_id, token in returned}
    ids = [id_of[r.submission_token] for r in responses]
    _insert_many(
        session,
        ResponseAnswer.__table__,
        _ANSWER_COLUMNS,
        [(rid, *row) for rid, answers in zip(ids, answer_rows) for row in answers],
    )
    _insert_many(
        session,
        ResponseScore.__table__,
        _SCORE_COLUMNS,
        [(rid, key, value, status) for rid, r in zip(ids, responses) for key, (value, status) in r.scores.items()],
    )
    for response in responses:
        tallies.add(response)
    return ids


def add_tallies(session: Session, *, tallies: TallySums) -> None:
    """Add the summed tallies to the tally tables (upserts, in add_to_tallies' table order)."""
    if not tallies.cells:
        return
    cells = sorted(tallies.cells.items())
    keys = ("organisation_id", "team_id", "round_id", "role")
    add_counts(session, ResponseTally.__table__, [{**dict(zip(keys, cell)), "n": sums[0]} for cell, sums in cells])
    add_counts(
        session,
        ScoreTally.__table__,
        [
            {**dict(zip(keys, cell)), "key": key, "n": n, "total": total, "total_sq": total_sq}
            for cell, sums in cells
            for key, (n, total, total_sq) in sorted(sums[1].items())
        ],
    )
    add_counts(
        session,
        AnswerTally.__table__,
        [
            {**dict(zip(keys, cell)), "item_id": item, "value": value, "count": n}
            for cell, sums in cells
            for (item, value), n in sorted(sums[2].items())
        ],
    )


def existing_tokens(session: Session, *, tokens: Sequence[str]) -> set[str]:
    """Which of these submission tokens are stored already."""
    found: set[str] = set()
    for start in range(0, len(tokens), _TOKEN_CHUNK):
        chunk = list(tokens[start : start + _TOKEN_CHUNK])
        found.update(session.scalars(select(Response.submission_token).where(Response.submission_token.in_(chunk))))
    return found


def count_responses(session: Session, *, organisation_id: int | None = None) -> int:
    """Stored responses, of one organisation when given."""
    query = select(func.count()).select_from(Response)
    if organisation_id is not None:
        query = query.where(Response.organisation_id == organisation_id)
    return int(session.scalar(query) or 0)


def _answers_of(response: NewResponse) -> list[tuple[str, int | None, bool]]:
    rows: list[tuple[str, int | None, bool]] = []
    for item_id, value in response.answers.items():
        if value is None:
            continue
        if value == NOT_APPLICABLE:
            rows.append((item_id, None, True))
        elif type(value) is int:  # not bool, which is an int too
            rows.append((item_id, value, False))
        else:
            raise InvalidRecord(f"answer to item '{item_id}' must be an int or 'na', got {value!r}")
    return rows


def _insert_many(session: Session, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One executemany of a Core insert. On SQLite the compiled statement goes straight to the
    driver with plain tuples: SQLAlchemy's per-row parameter processing doubled the time of the
    answer and score rows (ints, strings, floats, bools, which sqlite3 binds as they are).
    On PostgreSQL with psycopg the rows go in with COPY, in the same transaction: no statement to
    build, send and parse per batch, for the tens of millions of rows of a large demo organisation."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        copy_rows(connection, table, columns, rows)
        return
    if connection.dialect.name != "sqlite":
        session.execute(insert(table), [dict(zip(columns, row)) for row in rows])
        return
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(columns))
    if tuple(compiled.positiontup or ()) != columns:
        raise InvalidRecord(f"unexpected parameter order for {table.name}: {compiled.positiontup}")
    connection.exec_driver_sql(str(compiled), rows)
