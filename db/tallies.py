"""Running tallies per atomic cell (organisation, team, round, role): what the dashboard reads.

add_to_tallies adds one attributed response in the transaction that stores it (add_response
calls it); rebuild_tallies recomputes everything from the raw tables after imports and purges.
Readers return role None for "not given" (stored as '' so it can be part of the primary key).
Keyword-only functions that take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, SQLColumnExpression, Table, case, delete, func, insert, select, text
from sqlalchemy.orm import Session

from db.models import Response, ResponseAnswer, ResponseScore
from db.multirow import add_counts
from db.org_models import AnswerTally, ResponseTally, ScoreTally
from db.release_models import ReleasedAnswerTally, ReleasedResponseTally, ReleasedScoreTally

__all__ = [
    "ALIGNMENT_BIN_EDGES",
    "ALIGNMENT_BIN_PREFIX",
    "NOT_APPLICABLE_VALUE",
    "AnswerCell",
    "Cell",
    "ScoreCell",
    "add_to_tallies",
    "alignment_bin_key",
    "count_cells",
    "read_answer_cells",
    "read_score_cells",
    "rebuild_tallies",
    "tallied_scores",
]

# answer_tally.value for "not applicable / don't know"; scale points are 1..5.
NOT_APPLICABLE_VALUE = 0

# The alignment index's distribution is tallied too: how many responses fall in each 25-point bin
# (-100..-75, ..., 75..100), under the key "alignment_bin:<lower edge>". Derived here, from the
# stored alignment_index, so that add_to_tallies, the bulk writer and rebuild_tallies agree.
ALIGNMENT_KEY = "alignment_index"
ALIGNMENT_BIN_PREFIX = "alignment_bin:"
ALIGNMENT_BIN_EDGES = (-100, -75, -50, -25, 0, 25, 50, 75)


def alignment_bin_key(value: float) -> str:
    """The tally key of the bin holding an alignment index (the top bin includes +100)."""
    lower = ALIGNMENT_BIN_EDGES[0]
    for edge in ALIGNMENT_BIN_EDGES:
        if value >= edge:
            lower = edge
    return f"{ALIGNMENT_BIN_PREFIX}{lower}"


def tallied_scores(scores: Mapping[str, tuple[float | None, str]]) -> list[tuple[str, float]]:
    """(key, value) of every score counted in the tallies: those with a value, and the alignment bin."""
    out = [(key, value) for key, (value, _status) in sorted(scores.items()) if value is not None]
    alignment = scores.get(ALIGNMENT_KEY, (None, ""))[0]
    if alignment is not None:
        out.append((alignment_bin_key(alignment), alignment))
    return out


# How a missing role is stored in the tallies' primary key.
_NO_ROLE = ""

Cell = tuple[int, int, str | None]  # (team_id, round_id, role); role None = not given


class ScoreCell(NamedTuple):
    """One score summed over a cell's responses that have it (n of them)."""

    team_id: int
    round_id: int
    role: str | None
    key: str
    n: int
    total: float
    total_sq: float


class AnswerCell(NamedTuple):
    """How many of a cell's responses (n) gave `value` (0 = not applicable) to an item."""

    team_id: int
    round_id: int
    role: str | None
    item_id: str
    value: int
    n: int  # not "count", which would hide tuple.count


_CELL_COLUMNS = ("organisation_id", "team_id", "round_id", "role")
# The order add_to_tallies writes in. rebuild_tallies locks in the same order, and every writer
# of a cell takes that cell's response_tally row first, so writers of one cell queue up there
# instead of deadlocking on PostgreSQL.
_TALLY_TABLES: tuple[Table, ...] = (
    ResponseTally.__table__,
    ScoreTally.__table__,
    AnswerTally.__table__,
)


def add_to_tallies(
    session: Session,
    *,
    organisation_id: int,
    team_id: int,
    round_id: int,
    role: str | None,
    answer_values: Mapping[str, int],
    scores: Mapping[str, tuple[float | None, str]],
) -> None:
    """Add one response to its cell's tallies.

    `answer_values` maps item id -> 1..5, or NOT_APPLICABLE_VALUE; `scores` maps key ->
    (value, status) and only scores with a value are counted (not_enough adds nothing).
    Upserts with INSERT ... ON CONFLICT DO UPDATE, which is atomic on PostgreSQL under
    concurrent writers (an UPDATE-then-INSERT could lose a race and fail).
    """
    cell = {
        "organisation_id": organisation_id,
        "team_id": team_id,
        "round_id": round_id,
        "role": role or _NO_ROLE,
    }
    score_rows = [
        {**cell, "key": key, "n": 1, "total": value, "total_sq": value * value} for key, value in tallied_scores(scores)
    ]
    answer_rows = [
        {**cell, "item_id": item_id, "value": value, "count": 1} for item_id, value in sorted(answer_values.items())
    ]
    add_counts(session, ResponseTally.__table__, [{**cell, "n": 1}])
    add_counts(session, ScoreTally.__table__, score_rows)
    add_counts(session, AnswerTally.__table__, answer_rows)


def rebuild_tallies(session: Session, *, organisation_id: int | None = None) -> int:
    """Recompute the tallies of one organisation (or of all) from the stored responses.

    Returns how many attributed responses were tallied. On PostgreSQL the tally tables are
    locked for the rest of the transaction, so a response stored meanwhile is counted once.
    """
    if session.get_bind().dialect.name == "postgresql":
        # EXCLUSIVE still lets the dashboard read, but waits for (and then holds off) writers.
        names = ", ".join(table.name for table in _TALLY_TABLES)
        session.execute(text(f"LOCK TABLE {names} IN EXCLUSIVE MODE"))
    for table in _TALLY_TABLES:
        query = delete(table)
        if organisation_id is not None:
            query = query.where(table.c.organisation_id == organisation_id)
        session.execute(query)

    attributed: ColumnElement[bool] = Response.organisation_id.is_not(None)
    if organisation_id is not None:
        attributed = Response.organisation_id == organisation_id
    cell = (
        Response.organisation_id,
        Response.team_id,
        Response.round_id,
        func.coalesce(Response.role, _NO_ROLE),
    )
    responses = select(*cell, func.count()).where(attributed).group_by(*cell)
    session.execute(insert(ResponseTally).from_select([*_CELL_COLUMNS, "n"], responses))

    score = ResponseScore.value
    scores = (
        select(*cell, ResponseScore.key, func.count(), func.sum(score), func.sum(score * score))
        .join(ResponseScore, ResponseScore.response_id == Response.id)
        .where(attributed, score.is_not(None))
        .group_by(*cell, ResponseScore.key)
    )
    session.execute(insert(ScoreTally).from_select([*_CELL_COLUMNS, "key", "n", "total", "total_sq"], scores))
    _insert_alignment_bins(session, cell, attributed)

    # value is NULL exactly when the answer is "not applicable" (a check constraint says so).
    value = func.coalesce(ResponseAnswer.value, NOT_APPLICABLE_VALUE)
    answers = (
        select(*cell, ResponseAnswer.item_id, value, func.count())
        .join(ResponseAnswer, ResponseAnswer.response_id == Response.id)
        .where(attributed)
        .group_by(*cell, ResponseAnswer.item_id, value)
    )
    session.execute(insert(AnswerTally).from_select([*_CELL_COLUMNS, "item_id", "value", "count"], answers))

    total = select(func.coalesce(func.sum(ResponseTally.n), 0))
    if organisation_id is not None:
        total = total.where(ResponseTally.organisation_id == organisation_id)
    return int(session.scalar(total) or 0)


def _alignment_bin_of(value: SQLColumnExpression[float | None]) -> ColumnElement[Any]:
    # A CASE ladder rather than arithmetic: CAST rounds on PostgreSQL and truncates on SQLite.
    upper_edges = ALIGNMENT_BIN_EDGES[1:]
    return case(
        *((value < edge, f"{ALIGNMENT_BIN_PREFIX}{lower}") for lower, edge in zip(ALIGNMENT_BIN_EDGES, upper_edges)),
        else_=f"{ALIGNMENT_BIN_PREFIX}{ALIGNMENT_BIN_EDGES[-1]}",
    )


def _insert_alignment_bins(session: Session, cell: tuple, attributed: ColumnElement[bool]) -> None:
    """The alignment_bin tally rows, from the stored alignment indexes (see tallied_scores)."""
    value = ResponseScore.value
    bin_key = _alignment_bin_of(value)
    bins = (
        select(*cell, bin_key, func.count(), func.sum(value), func.sum(value * value))
        .join(ResponseScore, ResponseScore.response_id == Response.id)
        .where(attributed, ResponseScore.key == ALIGNMENT_KEY, value.is_not(None))
        .group_by(*cell, bin_key)
    )
    session.execute(insert(ScoreTally).from_select([*_CELL_COLUMNS, "key", "n", "total", "total_sq"], bins))


def count_cells(session: Session, *, organisation_id: int, released: bool = False) -> dict[Cell, int]:
    """Number of responses per (team_id, round_id, role) cell of an organisation (`released`: of its
    released rounds, as frozen when they were released)."""
    tally = ReleasedResponseTally if released else ResponseTally
    query = select(tally.team_id, tally.round_id, _role_given(tally), tally.n).where(
        tally.organisation_id == organisation_id
    )
    return {(team, round_id, role): n for team, round_id, role, n in session.execute(query)}


def read_score_cells(
    session: Session, *, organisation_id: int, keys: Collection[str] | None = None, released: bool = False
) -> list[ScoreCell]:
    """Score sums per cell of an organisation, only for `keys` when given; in no set order."""
    tally = ReleasedScoreTally if released else ScoreTally
    query = select(
        tally.team_id, tally.round_id, _role_given(tally), tally.key, tally.n, tally.total, tally.total_sq
    ).where(tally.organisation_id == organisation_id)
    if keys is not None:
        query = query.where(tally.key.in_(list(keys)))
    return list(map(ScoreCell._make, _plain_rows(session, query)))


def read_answer_cells(session: Session, *, organisation_id: int, released: bool = False) -> list[AnswerCell]:
    """Answer counts per cell, item and value (0 = not applicable) of an organisation.

    In no set order: callers sum them into their own structures, and sorting some 40,000 rows
    (200 cells at 34 items) costs PostgreSQL more than reading them.
    """
    tally = ReleasedAnswerTally if released else AnswerTally
    query = select(tally.team_id, tally.round_id, _role_given(tally), tally.item_id, tally.value, tally.count).where(
        tally.organisation_id == organisation_id
    )
    return list(map(AnswerCell._make, _plain_rows(session, query)))


def _plain_rows(session: Session, query: Any) -> Any:
    # Core execution on the session's connection (same transaction), without the ORM's row handling:
    # for the tens of thousands of tally rows of a large organisation that handling took half the time.
    return session.connection().execute(query).fetchall()


def _role_given(tally: Any) -> ColumnElement[Any]:
    # Back from the stored '' to None ("not given") in SQL: cheaper than per row in Python,
    # and these readers return tens of thousands of rows for a large organisation.
    return func.nullif(tally.role, _NO_ROLE)
