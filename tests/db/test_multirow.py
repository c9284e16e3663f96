"""Many rows in one statement (db/multirow.py), on SQLite and PostgreSQL: the rows arrive whole,
counts add up on existing keys, and a wrong column is named before anything is written."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db import DatabaseError
from db.models import ResponseAnswer
from db.multirow import add_counts, insert_rows
from db.org_models import ScoreTally
from tests.support.tallies import organisation_with_rounds

SCORE_TALLY = ScoreTally.__table__


@pytest.fixture
def cell(session_factory) -> dict:
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, "Zorggroep Noord")
    return {"organisation_id": org["id"], "team_id": org["a"], "round_id": org["round1"], "role": ""}


def _count_rows(cell: dict, key: str, n: int, total: float) -> dict:
    return {**cell, "key": key, "n": n, "total": total, "total_sq": total * total}


def _stored(session_factory) -> dict[str, tuple[int, float, float]]:
    with session_factory() as session:
        rows = session.execute(select(ScoreTally.key, ScoreTally.n, ScoreTally.total, ScoreTally.total_sq))
        return {key: (n, total, total_sq) for key, n, total, total_sq in rows}


@pytest.mark.parametrize(
    ("batches", "expected"),
    [
        ([[("a", 1, 10.0)]], {"a": (1, 10.0, 100.0)}),
        ([[("a", 1, 10.0), ("b", 2, 5.0)], [("a", 3, 1.0)]], {"a": (4, 11.0, 101.0), "b": (2, 5.0, 25.0)}),
        (
            [[("a", 1, -2.5)], [("b", 1, 0.0)], [("a", 1, 2.5), ("b", 1, 4.0)]],
            {"a": (2, 0.0, 12.5), "b": (2, 4.0, 16.0)},
        ),
        ([[]], {}),
    ],
    ids=["one-new", "new-then-add", "three-batches-mixed", "nothing"],
)
def test_add_counts_inserts_new_keys_and_adds_to_existing_ones(session_factory, cell, batches, expected):
    for batch in batches:  # one transaction per batch, as one submit each
        with session_factory.begin() as session:
            add_counts(session, SCORE_TALLY, [_count_rows(cell, key, n, total) for key, n, total in batch])
    assert _stored(session_factory) == expected


def test_add_counts_on_a_bare_connection(fresh_db, session_factory, cell):
    with fresh_db.begin() as connection:
        add_counts(connection, SCORE_TALLY, [_count_rows(cell, "a", 2, 3.0)])
        add_counts(connection, SCORE_TALLY, [_count_rows(cell, "a", 1, 1.0)])
    assert _stored(session_factory) == {"a": (3, 4.0, 10.0)}


def test_insert_rows_keeps_every_value_null_and_boolean(session_factory, submit):
    rows = [
        {"item_id": "x1", "value": 5, "not_applicable": False},
        {"item_id": "x2", "value": None, "not_applicable": True},
        {"item_id": "x3", "value": 1, "not_applicable": False},
    ]
    with session_factory.begin() as session:
        response, _ = submit(session, answers={})
        insert_rows(session, ResponseAnswer.__table__, [{"response_id": response.id, **row} for row in rows])
    with session_factory() as session:
        stored = session.execute(
            select(ResponseAnswer.item_id, ResponseAnswer.value, ResponseAnswer.not_applicable)
            .where(ResponseAnswer.response_id == response.id)
            .order_by(ResponseAnswer.item_id)
        ).all()
    assert [tuple(row) for row in stored] == [("x1", 5, False), ("x2", None, True), ("x3", 1, False)]


@pytest.mark.parametrize("write", [insert_rows, add_counts], ids=["insert_rows", "add_counts"])
def test_an_unknown_column_is_named_and_nothing_is_written(session_factory, cell, write):
    with pytest.raises(DatabaseError, match="score_tally has no column 'colour'"), session_factory.begin() as session:
        write(session, SCORE_TALLY, [{**_count_rows(cell, "a", 1, 1.0), "colour": "red"}])
    assert _stored(session_factory) == {}
