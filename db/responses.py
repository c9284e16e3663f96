"""Data access for submitted responses: keyword-only functions that take a Session, never commit.

The service layer owns the transaction (`with session.begin():`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.engine import changed_rows
from db.errors import DraftNotFound, InvalidRecord
from db.models import Draft, Response, ResponseAnswer, ResponseScore
from db.multirow import dialect_insert, insert_rows
from db.tallies import NOT_APPLICABLE_VALUE, add_to_tallies

NOT_APPLICABLE = "na"
AnswerValue = int | str  # 1..5 or "na"
Answers = dict[str, AnswerValue]
Score = tuple[float | None, str]  # (value, "ok" | "not_enough")
Scores = dict[str, Score]
# Stays well under SQLite's bound-parameter limit for IN (...) lists.
_IN_CHUNK = 500


def add_response(
    session: Session,
    *,
    submission_token: str,
    respondent_id: int | None,
    instrument_id: str,
    instrument_version: str,
    instrument_hash: str,
    language: str,
    intervention: str,
    role: str | None,
    answers: Mapping[str, AnswerValue | None],
    scores: Mapping[str, Score],
    draft_token: str | None = None,
    organisation_id: int | None = None,
    team_id: int | None = None,
    round_id: int | None = None,
) -> tuple[Response, bool]:
    """Store a submitted response with its answers and scores, once per submission token.

    Returns (response, created); created is False when the token was already submitted, and
    then nothing is written. Unanswered (None) answers are not stored. Marks the draft
    `draft_token` as submitted (DraftNotFound when it does not exist).
    A response attributed to a round's team invitation (organisation_id, team_id and round_id,
    all or none; the caller took them from one invitation) is added to the tallies too.
    """
    attribution = (organisation_id, team_id, round_id)
    if any(part is None for part in attribution) and any(p is not None for p in attribution):
        raise InvalidRecord("organisation_id, team_id and round_id go together: all or none")
    answer_rows = _answer_rows(answers)  # validate before writing anything
    # ON CONFLICT DO NOTHING: a concurrent submit of the same token waits for the other transaction
    # and then inserts nothing, so the response is read back instead; no savepoint, no lookup first.
    response = session.scalar(
        dialect_insert(session, Response)
        .values(
            submission_token=submission_token,
            respondent_id=respondent_id,
            instrument_id=instrument_id,
            instrument_version=instrument_version,
            instrument_hash=instrument_hash,
            language=language,
            intervention=intervention,
            role=role,
            organisation_id=organisation_id,
            team_id=team_id,
            round_id=round_id,
        )
        .on_conflict_do_nothing(index_elements=["submission_token"])
        .returning(Response)
    )
    if response is None:
        existing = _response_by_token(session, submission_token)
        if existing is None:
            raise InvalidRecord(f"response {submission_token!r} conflicted but cannot be found")
        return existing, False
    insert_rows(session, ResponseAnswer.__table__, [{"response_id": response.id, **row} for row in answer_rows])
    insert_rows(
        session,
        ResponseScore.__table__,
        [
            {"response_id": response.id, "key": key, "value": value, "status": status}
            for key, (value, status) in scores.items()
        ],
    )
    if draft_token is not None:
        marked = session.execute(
            update(Draft)
            .where(Draft.token == draft_token)
            .values(submitted_response_id=response.id)
            .execution_options(synchronize_session="evaluate")
        )
        if changed_rows(marked) != 1:
            raise DraftNotFound(draft_token)
    # The tallies last: their cell's rows stay locked until commit, so concurrent writers of one
    # team wait for each other only as long as these upserts and the commit take.
    if organisation_id is not None and team_id is not None and round_id is not None:
        add_to_tallies(
            session,
            organisation_id=organisation_id,
            team_id=team_id,
            round_id=round_id,
            role=role,
            # Validated above: every answer that is not an int is "na".
            answer_values={
                item_id: value if isinstance(value, int) else NOT_APPLICABLE_VALUE
                for item_id, value in answers.items()
                if value is not None
            },
            scores=scores,
        )
    return response, True


def get_response(session: Session, *, response_id: int) -> Response | None:
    """The response with this id, if any."""
    return session.get(Response, response_id)


def list_responses(session: Session, *, respondent_id: int) -> list[Response]:
    """The respondent's responses, oldest first."""
    query = select(Response).where(Response.respondent_id == respondent_id).order_by(Response.created_at, Response.id)
    return list(session.scalars(query))


def response_answers(session: Session, *, response_id: int) -> Answers:
    """Item id -> value or "na" for one response."""
    return load_answers_and_scores(session, response_ids=[response_id])[response_id][0]


def response_scores(session: Session, *, response_id: int) -> Scores:
    """Score key -> (value, status) for one response."""
    return load_answers_and_scores(session, response_ids=[response_id])[response_id][1]


def load_answers_and_scores(session: Session, *, response_ids: Iterable[int]) -> dict[int, tuple[Answers, Scores]]:
    """Answers and scores of many responses in two queries per chunk of ids.

    Every requested id is a key, with empty dicts when it has no rows.
    """
    ids = list(dict.fromkeys(response_ids))
    loaded: dict[int, tuple[Answers, Scores]] = {rid: ({}, {}) for rid in ids}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        answer_query = select(
            ResponseAnswer.response_id,
            ResponseAnswer.item_id,
            ResponseAnswer.value,
            ResponseAnswer.not_applicable,
        ).where(ResponseAnswer.response_id.in_(chunk))
        for rid, item_id, value, not_applicable in session.execute(answer_query):
            # value is NULL exactly when not applicable (the answered_or_na check)
            loaded[rid][0][item_id] = NOT_APPLICABLE if not_applicable or value is None else value
        score_query = select(
            ResponseScore.response_id, ResponseScore.key, ResponseScore.value, ResponseScore.status
        ).where(ResponseScore.response_id.in_(chunk))
        for rid, key, score, status in session.execute(score_query):
            loaded[rid][1][key] = (score, status)
    return loaded


def _response_by_token(session: Session, submission_token: str) -> Response | None:
    # Selecting the id alone is about twice as fast as loading the object, and the usual
    # answer is "no such response".
    response_id = session.scalar(select(Response.id).where(Response.submission_token == submission_token))
    return None if response_id is None else session.get(Response, response_id)


def _answer_rows(answers: Mapping[str, AnswerValue | None]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for item_id, value in answers.items():
        if value is None:
            continue
        if value == NOT_APPLICABLE:
            rows.append({"item_id": item_id, "value": None, "not_applicable": True})
        elif isinstance(value, int) and not isinstance(value, bool):
            rows.append({"item_id": item_id, "value": value, "not_applicable": False})
        else:
            raise ValueError(f"answer to item '{item_id}' must be an int or 'na', got {value!r}")
    return rows
