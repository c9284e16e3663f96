"""Builders and readers for the tally tests (shared by tests/db/test_tallies*.py)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from db import (
    AnswerCell,
    ScoreCell,
    add_intervention,
    count_cells,
    create_organisation,
    create_round,
    create_team,
    read_answer_cells,
    read_score_cells,
)

TALLY_OPENS = datetime(2026, 3, 1, tzinfo=UTC)


def organisation_with_rounds(session: Session, name: str) -> dict[str, int]:
    """An organisation with teams A and B, round 1 inviting both and round 2 inviting A."""
    organisation = create_organisation(session, name=name)
    a = create_team(session, organisation_id=organisation.id, name="A").id
    b = create_team(session, organisation_id=organisation.id, name="B").id
    app = add_intervention(session, name="Mood app", organisation_id=organisation.id).id
    rounds = [
        create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=app,
            name=f"Round {n}",
            opens_at=TALLY_OPENS + timedelta(weeks=26 * n),
            closes_at=TALLY_OPENS + timedelta(weeks=26 * n + 3),
            instrument_hash="f" * 64,
            team_ids=teams,
        )[0].id
        for n, teams in enumerate(([a, b], [a]), start=1)
    ]
    return {"id": organisation.id, "a": a, "b": b, "round1": rounds[0], "round2": rounds[1]}


def attribution_of(org: dict[str, int], team: str = "a", round_key: str = "round1") -> dict:
    return {"organisation_id": org["id"], "team_id": org[team], "round_id": org[round_key]}


def in_order(cells):
    """The readers promise no order; compare sorted (role None as '', how it is stored)."""
    return sorted(cells, key=lambda cell: (cell[0], cell[1], cell[2] or "", *cell[3:]))


def score_cells(session: Session, organisation_id: int, **keys: Any) -> list[ScoreCell]:
    return in_order(read_score_cells(session, organisation_id=organisation_id, **keys))


def answer_cells(session: Session, organisation_id: int) -> list[AnswerCell]:
    return in_order(read_answer_cells(session, organisation_id=organisation_id))


def tally_snapshot(session: Session, organisation_id: int):
    return (
        count_cells(session, organisation_id=organisation_id),
        score_cells(session, organisation_id),
        answer_cells(session, organisation_id),
    )


def assert_same_snapshot(actual, expected) -> None:
    """Counts exactly; sums of floats up to rounding (the order of adding differs)."""
    (counts, scores, answers), (want_counts, want_scores, want_answers) = actual, expected
    assert counts == want_counts
    assert answers == want_answers
    assert [cell[:5] for cell in scores] == [cell[:5] for cell in want_scores]
    for got, want in zip(scores, want_scores, strict=True):
        assert got.total == pytest.approx(want.total, rel=1e-9, abs=1e-9)
        assert got.total_sq == pytest.approx(want.total_sq, rel=1e-9, abs=1e-9)


def alignment_bin(value: float) -> str:
    """The 25-point bin of an alignment index, by arithmetic (the code under test uses a ladder)."""
    return f"alignment_bin:{-100 + 25 * min(7, math.floor((value + 100) / 25))}"


def with_alignment_bin(scores: dict[str, float | None]) -> dict[str, float | None]:
    """The scores plus the alignment bin the tallies also count."""
    if scores.get("alignment_index") is None:
        return dict(scores)
    return {**scores, alignment_bin(scores["alignment_index"]): scores["alignment_index"]}


def expected_tallies(org: dict[str, int], responses: list[dict]):
    """The tallies computed in plain Python from what was submitted."""
    counts: Counter = Counter()
    sums: dict = defaultdict(lambda: [0, 0.0, 0.0])
    answers: Counter = Counter()
    for response in responses:
        if response["place"] is None:
            continue
        team, round_key = response["place"]
        cell = (org[team], org[round_key], response["role"] or None)
        counts[cell] += 1
        for key, value in with_alignment_bin(response["scores"]).items():
            if value is not None:
                entry = sums[(*cell, key)]
                entry[0] += 1
                entry[1] += value
                entry[2] += value * value
        for item, value in response["answers"].items():
            if value is not None:
                answers[(*cell, item, 0 if value == "na" else value)] += 1

    return (
        dict(counts),
        in_order(ScoreCell(*key, *entry) for key, entry in sums.items()),
        in_order(AnswerCell(*key, n) for key, n in answers.items()),
    )
