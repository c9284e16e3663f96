"""Repository: respondents, drafts, interventions and lookup failures on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from db import (
    DraftNotFound,
    add_intervention,
    create_draft,
    create_respondent,
    delete_lookup_failures_before,
    find_open_drafts,
    find_respondent,
    get_draft,
    list_interventions,
    recent_failures,
    record_lookup_failure,
    save_draft_answers,
)

CODE_HASH = "c" * 64


def _draft(session, respondent_id: int, token: str = "draft-1", **overrides):
    fields = {
        "token": token,
        "respondent_id": respondent_id,
        "instrument_hash": "f" * 64,
        "language": "nl",
        "intervention": "Beeldbellen",
        "role": None,
    }
    fields.update(overrides)
    return create_draft(session, **fields)


# --- respondents --------------------------------------------------------------------------


def test_respondent_found_by_code_hash(session) -> None:
    with session.begin():
        created = create_respondent(session, code_hash=CODE_HASH)
    with session.begin():
        assert find_respondent(session, code_hash=CODE_HASH).id == created.id
        assert find_respondent(session, code_hash="0" * 64) is None


def test_respondent_code_hash_is_unique(session) -> None:
    with session.begin():
        create_respondent(session, code_hash=CODE_HASH)
    with pytest.raises(IntegrityError), session.begin():
        create_respondent(session, code_hash=CODE_HASH)


# --- drafts -------------------------------------------------------------------------------


def test_new_draft_is_empty_and_loads_by_token(session) -> None:
    with session.begin():
        respondent = create_respondent(session, code_hash=CODE_HASH)
        _draft(session, respondent.id)
    with session.begin():
        draft = get_draft(session, token="draft-1")
        assert (draft.answers, draft.step, draft.language) == ({}, 0, "nl")
        assert draft.submitted_response_id is None
        assert get_draft(session, token="other") is None


def test_saved_draft_answers_round_trip(session_factory) -> None:
    with session_factory.begin() as session:
        respondent = create_respondent(session, code_hash=CODE_HASH)
        _draft(session, respondent.id)
        created_at = get_draft(session, token="draft-1").updated_at
    with session_factory.begin() as session:
        save_draft_answers(
            session, token="draft-1", answers={"ca1": 5, "ca2": "na", "tn1": None}, step=2
        )
    with session_factory() as session:
        draft = get_draft(session, token="draft-1")
        assert draft.answers == {"ca1": 5, "ca2": "na"}  # None = unanswered, not stored
        assert draft.step == 2
        assert draft.updated_at >= created_at


def test_saving_twice_replaces_the_answers(session_factory) -> None:
    with session_factory.begin() as session:
        respondent = create_respondent(session, code_hash=CODE_HASH)
        _draft(session, respondent.id)
    for answers in ({"ca1": 1, "ca2": 2}, {"ca1": 3}):
        with session_factory.begin() as session:
            save_draft_answers(session, token="draft-1", answers=answers, step=1)
    with session_factory() as session:
        assert get_draft(session, token="draft-1").answers == {"ca1": 3}


def test_saving_a_missing_draft_raises(session) -> None:
    with pytest.raises(DraftNotFound) as caught, session.begin():
        save_draft_answers(session, token="secret-token", answers={}, step=0)
    assert "secret-token" not in str(caught.value)


def test_open_drafts_exclude_submitted_and_come_newest_first(session, submit) -> None:
    with session.begin():
        respondent = create_respondent(session, code_hash=CODE_HASH)
        other = create_respondent(session, code_hash="d" * 64)
        for token in ("old", "submitted", "new"):
            _draft(session, respondent.id, token=token)
        _draft(session, other.id, token="someone-else")
    with session.begin():
        save_draft_answers(session, token="new", answers={"ca1": 2}, step=1)
        submit(session, respondent_id=respondent.id, draft_token="submitted")
    with session.begin():
        tokens = [d.token for d in find_open_drafts(session, respondent_id=respondent.id)]
        assert tokens == ["new", "old"]
        assert get_draft(session, token="submitted").submitted_response_id is not None


def test_deleting_a_respondent_deletes_their_drafts(session) -> None:
    with session.begin():
        respondent = create_respondent(session, code_hash=CODE_HASH)
        _draft(session, respondent.id)
    with session.begin():
        session.delete(respondent)
    with session.begin():
        assert get_draft(session, token="draft-1") is None


# --- interventions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Online CBT module", "Beeldbellen", "Stemmings-app “Mood” ✓", "Zelfhulp – e-health ü é ß 心"],
)
def test_unicode_intervention_names_round_trip(session_factory, name: str) -> None:
    with session_factory.begin() as session:
        add_intervention(session, name=name)
    with session_factory() as session:
        assert list_interventions(session) == [name]


def test_adding_an_existing_intervention_returns_it(session) -> None:
    with session.begin():
        first = add_intervention(session, name="Mood app")
    with session.begin():
        again = add_intervention(session, name="  Mood app ")
        assert again.id == first.id
        assert list_interventions(session) == ["Mood app"]


def test_intervention_list_is_sorted_and_can_hide_inactive(session) -> None:
    with session.begin():
        for name in ("video calls", "Online CBT", "app"):
            add_intervention(session, name=name)
        add_intervention(session, name="Old portal").active = False
    with session.begin():
        assert list_interventions(session) == ["app", "Online CBT", "video calls"]
        assert list_interventions(session, active_only=False) == [
            "app",
            "Old portal",
            "Online CBT",
            "video calls",
        ]


@pytest.mark.parametrize("name", ["", "   "])
def test_intervention_needs_a_name(session, name: str) -> None:
    with pytest.raises(ValueError), session.begin():
        add_intervention(session, name=name)


# --- lookup failures ----------------------------------------------------------------------

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("since_minutes_ago", "expected_minutes_ago"),
    [
        (60, [30, 10, 0]),
        (30, [30, 10, 0]),  # the window includes its start
        (15, [10, 0]),
        (0, [0]),
    ],
)
def test_failures_are_queried_by_time_window(
    session_factory, since_minutes_ago: int, expected_minutes_ago: list[int]
) -> None:
    with session_factory.begin() as session:
        for minutes in (0, 90, 30, 10):  # out of order on purpose
            at = NOW - timedelta(minutes=minutes)
            record_lookup_failure(session, scope="resume", client_key="ip:1", at=at)
        record_lookup_failure(session, scope="resume", client_key="ip:2", at=NOW)
        record_lookup_failure(session, scope="admin", client_key="ip:1", at=NOW)
    with session_factory() as session:
        since = NOW - timedelta(minutes=since_minutes_ago)
        times = recent_failures(session, scope="resume", client_key="ip:1", since=since)
    assert times == [NOW - timedelta(minutes=m) for m in expected_minutes_ago]


def test_failure_without_time_is_recorded_now(session) -> None:
    before = datetime.now(UTC)
    with session.begin():
        record_lookup_failure(session, scope="resume", client_key="ip:1")
    with session.begin():
        times = recent_failures(session, scope="resume", client_key="ip:1", since=before)
    assert len(times) == 1
    assert before <= times[0] <= datetime.now(UTC)


def test_old_failures_can_be_forgotten(session) -> None:
    with session.begin():
        for minutes in (120, 61, 5):
            at = NOW - timedelta(minutes=minutes)
            record_lookup_failure(session, scope="resume", client_key="ip:1", at=at)
    with session.begin():
        assert delete_lookup_failures_before(session, before=NOW - timedelta(hours=1)) == 2
    with session.begin():
        since = NOW - timedelta(days=1)
        times = recent_failures(session, scope="resume", client_key="ip:1", since=since)
    assert times == [NOW - timedelta(minutes=5)]
