"""Tallies equal the raw tables (and a rebuild from them) for any mix of responses: a
Hypothesis property test on a real database. Helpers are conftest fixtures."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db import rebuild_tallies
from tests.support.tallies import (
    assert_same_snapshot,
    attribution_of,
    expected_tallies,
    organisation_with_rounds,
    tally_snapshot,
)

ITEMS = ["ca1", "ca2", "tn1", "fb1"]
KEYS = ["alignment_index", "domain:client_autonomy", "element:1", "gap:helping_people"]
PLACES = [None, ("a", "round1"), ("b", "round1"), ("a", "round2")]  # None = plain start page

answer_value = st.one_of(st.integers(min_value=1, max_value=5), st.just("na"), st.none())
# Scores as the scoring makes them: on -100..100, never so close to 0 that their square would
# underflow (PostgreSQL raises on that in rebuild_tallies' SUM(value * value)).
score_value = st.one_of(st.none(), st.floats(min_value=-100, max_value=100).map(lambda value: round(value, 9)))
one_response = st.fixed_dictionaries(
    {
        "place": st.sampled_from(PLACES),
        "role": st.sampled_from([None, "", "nurse", "psychologist"]),
        "answers": st.fixed_dictionaries({item: answer_value for item in ITEMS}),
        "scores": st.fixed_dictionaries({key: score_value for key in KEYS}),
    }
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(responses=st.lists(one_response, max_size=12))
def test_tallies_equal_the_raw_tables_for_any_mix(
    session_factory,
    submit,
    responses,
):
    with session_factory.begin() as session:
        org = organisation_with_rounds(session, uuid.uuid4().hex)  # every example has its own
        for response in responses:
            place = response["place"]
            submit(
                session,
                submission_token=uuid.uuid4().hex,
                role=response["role"],
                answers=response["answers"],
                scores={
                    key: (value, "not_enough" if value is None else "ok") for key, value in response["scores"].items()
                },
                **({} if place is None else attribution_of(org, *place)),
            )
    expected = expected_tallies(org, responses)
    with session_factory() as session:
        assert_same_snapshot(tally_snapshot(session, org["id"]), expected)
    with session_factory.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with session_factory() as session:
        assert_same_snapshot(tally_snapshot(session, org["id"]), expected)
