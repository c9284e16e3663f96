"""db/bulk.py: many responses written at once, with tallies equal to a rebuild from the raw tables."""

from __future__ import annotations

import uuid

import pytest

from db import InvalidRecord, bulk, load_answers_and_scores, rebuild_tallies
from db.models import Response
from tests.db.conftest import ANSWERS, SCORES
from tests.support.tallies import (
    assert_same_snapshot,
    organisation_with_rounds,
    tally_snapshot,
)


def new(
    org: dict,
    team: str = "a",
    round_key: str = "round1",
    *,
    role: str | None = "nurse",
    answers: dict | None = None,
    scores: dict | None = None,
) -> bulk.NewResponse:
    return bulk.NewResponse(
        uuid.uuid4().hex,
        "valuematch",
        "1.0",
        "f" * 64,
        "nl",
        "Mood app",
        role,
        org["id"],
        org[team],
        org[round_key],
        answers or ANSWERS,
        scores or SCORES,
    )


def test_rows_and_tallies_equal_a_rebuild(session_factory, submit):
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, "North")
        # one response the app way first: bulk tallies must add to it, not replace it
        submit(session, submission_token="app-1", organisation_id=org["id"], team_id=org["a"], round_id=org["round1"])
        batch = [
            new(org),
            new(org, "b", role=None),
            new(
                org,
                "a",
                "round2",
                role="psychologist",
                answers={"ca1": 1, "ca2": None, "tn1": "na"},
                scores={"alignment_index": (-10.0, "ok"), "domain:client_autonomy": (None, "not_enough")},
            ),
        ]
        tallies = bulk.TallySums()
        ids = bulk.insert_responses(session, responses=batch, tallies=tallies)
        bulk.add_tallies(session, tallies=tallies)
        written = tally_snapshot(session, org["id"])
        loaded = load_answers_and_scores(session, response_ids=ids)
        rebuild_tallies(session, organisation_id=org["id"])
        assert_same_snapshot(written, tally_snapshot(session, org["id"]))
        assert bulk.count_responses(session, organisation_id=org["id"]) == 4
    assert loaded[ids[0]] == (ANSWERS, SCORES)
    assert loaded[ids[2]] == (
        {"ca1": 1, "tn1": "na"},
        {"alignment_index": (-10.0, "ok"), "domain:client_autonomy": (None, "not_enough")},
    )


def test_ids_come_back_in_the_order_given(session_factory):
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, "North")
        batch = [new(org, role=f"role{n}") for n in range(25)]
        ids = bulk.insert_responses(session, responses=batch, tallies=bulk.TallySums())
        assert [session.get(Response, i).role for i in ids] == [f"role{n}" for n in range(25)]


@pytest.mark.parametrize("value", [True, 2.5, "4", "n/a"])
def test_a_bad_answer_writes_nothing(session_factory, value):
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, "North")
        with pytest.raises(InvalidRecord, match="ca1"):
            bulk.insert_responses(
                session, responses=[new(org), new(org, answers={"ca1": value})], tallies=bulk.TallySums()
            )
        assert bulk.count_responses(session) == 0


def test_existing_tokens_and_empty_batches(session_factory):
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, "North")
        first = new(org)
        assert bulk.insert_responses(session, responses=[], tallies=bulk.TallySums()) == []
        bulk.add_tallies(session, tallies=bulk.TallySums())
        bulk.insert_responses(session, responses=[first], tallies=bulk.TallySums())
        assert bulk.existing_tokens(session, tokens=[first.submission_token, "other"]) == {first.submission_token}
