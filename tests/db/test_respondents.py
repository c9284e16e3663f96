"""Respondents and their drafts (db/respondents.py) on a real database."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from db import (
    DraftNotFound,
    create_draft,
    create_respondent,
    find_open_drafts,
    find_respondent,
    get_draft,
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
        save_draft_answers(session, token="draft-1", answers={"ca1": 5, "ca2": "na", "tn1": None}, step=2)
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
