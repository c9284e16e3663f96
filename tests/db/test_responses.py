"""Repository: submitted responses, their answers and scores, idempotent submission."""

from __future__ import annotations

import threading
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db import (
    DraftNotFound,
    create_draft,
    create_respondent,
    find_respondent,
    get_draft,
    get_response,
    list_responses,
    load_answers_and_scores,
    response_answers,
    response_scores,
)
from db.models import Response, ResponseAnswer, ResponseScore


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_answers_and_scores_round_trip(session_factory, submit, sample_answers, sample_scores):
    with session_factory.begin() as session:
        response, created = submit(session)
    assert created is True
    with session_factory() as session:
        assert response_answers(session, response_id=response.id) == sample_answers
        assert response_scores(session, response_id=response.id) == sample_scores
        stored = get_response(session, response_id=response.id)
        assert (stored.instrument_id, stored.role) == ("valuematch", "psychologist")


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        ({"ca1": 3, "ca2": None}, {"ca1": 3}),  # unanswered is never stored
        ({"ca1": "na", "ca2": "na"}, {"ca1": "na", "ca2": "na"}),
        ({"ca1": None}, {}),
        ({}, {}),
    ],
)
def test_only_answered_and_na_items_are_stored(session_factory, submit, answers, stored):
    with session_factory.begin() as session:
        response, _ = submit(session, answers=answers)
    with session_factory() as session:
        assert response_answers(session, response_id=response.id) == stored


@pytest.mark.parametrize("bad_value", ["5", "NA", 2.5, True])
def test_invalid_answer_values_are_refused_before_writing(session_factory, submit, bad_value):
    with pytest.raises(ValueError, match="ca1"), session_factory.begin() as session:
        submit(session, answers={"ca1": bad_value})
    with session_factory() as session:
        assert _count(session, Response) == 0


def test_same_submission_token_twice_stores_one_response(session_factory, submit):
    with session_factory.begin() as session:
        first, first_created = submit(session)
    with session_factory.begin() as session:
        again, again_created = submit(session, answers={"ca1": 1}, scores={})
    assert (first_created, again_created) == (True, False)
    assert again.id == first.id
    with session_factory() as session:
        assert _count(session, Response) == 1
        assert response_answers(session, response_id=first.id)["ca1"] == 4  # first one kept


def test_a_stored_token_returns_the_winner_and_keeps_the_transaction(session_factory, submit):
    """The insert of a duplicate does nothing (no error), so the caller's transaction goes on."""
    with session_factory.begin() as session:
        winner, _ = submit(session)
    with session_factory.begin() as session:
        loser, created = submit(session)
        create_respondent(session, code_hash="e" * 64)  # the transaction is still usable
    assert (loser.id, created) == (winner.id, False)
    with session_factory() as session:
        assert _count(session, Response) == 1
        assert find_respondent(session, code_hash="e" * 64) is not None


@pytest.mark.parametrize("read_first", [False, True])
def test_concurrent_double_submit_stores_one_response(session_factory, submit, sample_answers, read_first):
    start = threading.Barrier(2)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def submit_in_own_session() -> None:
        try:
            with session_factory() as session:
                start.wait()
                with session.begin():
                    if read_first:  # a read before the write, as a service would do
                        find_respondent(session, code_hash="0" * 64)
                    response, created = submit(session, submission_token="double-click")
                    results.append((response.id, created))
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=submit_in_own_session) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(created for _, created in results) == [False, True]
    assert len({response_id for response_id, _ in results}) == 1
    with session_factory() as session:
        assert _count(session, Response) == 1
        assert _count(session, ResponseAnswer) == len(sample_answers)


def test_submitting_marks_the_draft(session_factory, submit):
    with session_factory.begin() as session:
        respondent = create_respondent(session, code_hash="a" * 64)
        create_draft(
            session,
            token="draft-1",
            respondent_id=respondent.id,
            instrument_hash="f" * 64,
            language="en",
            intervention=None,
            role=None,
        )
    with session_factory.begin() as session:
        response, _ = submit(session, respondent_id=respondent.id, draft_token="draft-1")
    with session_factory() as session:
        assert get_draft(session, token="draft-1").submitted_response_id == response.id


def test_submitting_with_an_unknown_draft_stores_nothing(session_factory, submit):
    with pytest.raises(DraftNotFound), session_factory.begin() as session:
        submit(session, draft_token="nope")
    with session_factory() as session:
        assert _count(session, Response) == 0


def test_deleting_a_response_cascades_to_answers_and_scores(session_factory, submit):
    with session_factory.begin() as session:
        kept, _ = submit(session, submission_token="keep")
        gone, _ = submit(session, submission_token="gone")
    with session_factory.begin() as session:
        session.delete(get_response(session, response_id=gone.id))
    with session_factory() as session:
        loaded = load_answers_and_scores(session, response_ids=[kept.id, gone.id])
        assert loaded[gone.id] == ({}, {})
        assert loaded[kept.id][0] and loaded[kept.id][1]
        per_response = select(ResponseAnswer.response_id).distinct()
        assert set(session.scalars(per_response)) == {kept.id}
        assert set(session.scalars(select(ResponseScore.response_id).distinct())) == {kept.id}


def test_responses_listed_oldest_first_per_respondent(session_factory, submit):
    with session_factory.begin() as session:
        me = create_respondent(session, code_hash="a" * 64)
        other = create_respondent(session, code_hash="b" * 64)
        for token, respondent in [("1", me), ("2", other), ("3", me), ("4", None)]:
            submit(session, submission_token=token, respondent_id=respondent and respondent.id)
    with session_factory() as session:
        listed = list_responses(session, respondent_id=me.id)
        assert [r.submission_token for r in listed] == ["1", "3"]


def test_loading_many_responses_at_once(session_factory, submit):
    with session_factory.begin() as session:
        ids = [
            submit(session, submission_token=f"t{n}", answers={"ca1": n % 5 + 1})[0].id
            for n in range(1200)  # more than one IN (...) chunk
        ]
    with session_factory() as session:
        loaded = load_answers_and_scores(session, response_ids=[*ids, 999_999])
    assert [loaded[rid][0]["ca1"] for rid in ids] == [n % 5 + 1 for n in range(1200)]
    assert loaded[999_999] == ({}, {})


item_ids = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
answer_values = st.one_of(st.integers(min_value=1, max_value=5), st.just("na"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(item_ids, answer_values, max_size=40))
def test_any_answers_round_trip(session_factory, submit, answers):
    with session_factory.begin() as session:
        response, _ = submit(session, submission_token=uuid.uuid4().hex, answers=answers)
    with session_factory() as session:
        assert response_answers(session, response_id=response.id) == answers
