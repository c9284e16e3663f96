"""Data access: keyword-only functions that take a Session and never commit.

The service layer owns the transaction (`with session.begin():`); these functions only flush
when they need a generated id. Response functions live in db/responses.py and are re-exported
here, so callers have one module to import.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.errors import DraftNotFound
from db.locking import locked
from db.models import Draft, Intervention, LookupFailure, Respondent, utcnow
from db.responses import (
    NOT_APPLICABLE,
    Answers,
    AnswerValue,
    Score,
    Scores,
    add_response,
    get_response,
    list_responses,
    load_answers_and_scores,
    response_answers,
    response_scores,
)

__all__ = [
    "NOT_APPLICABLE",
    "AnswerValue",
    "Answers",
    "Score",
    "Scores",
    "add_intervention",
    "add_response",
    "create_draft",
    "create_respondent",
    "delete_lookup_failures_before",
    "find_open_drafts",
    "find_respondent",
    "get_draft",
    "get_response",
    "list_interventions",
    "list_responses",
    "load_answers_and_scores",
    "recent_failures",
    "record_lookup_failure",
    "response_answers",
    "response_scores",
    "save_draft_answers",
]

# --- respondents --------------------------------------------------------------------------


def create_respondent(session: Session, *, code_hash: str) -> Respondent:
    """Add a respondent identified by the sha256 hex of their resume code."""
    respondent = Respondent(code_hash=code_hash)
    session.add(respondent)
    session.flush()
    return respondent


def find_respondent(session: Session, *, code_hash: str) -> Respondent | None:
    """The respondent with this code hash, if any."""
    return session.scalar(select(Respondent).where(Respondent.code_hash == code_hash))


# --- drafts -------------------------------------------------------------------------------


def create_draft(
    session: Session,
    *,
    token: str,
    respondent_id: int,
    instrument_hash: str,
    language: str,
    intervention: str | None,
    role: str | None,
    organisation_id: int | None = None,
    team_id: int | None = None,
    round_id: int | None = None,
) -> Draft:
    """Start an empty draft reachable by `token`; attributed when started from an invitation."""
    draft = Draft(
        token=token,
        respondent_id=respondent_id,
        instrument_hash=instrument_hash,
        language=language,
        intervention=intervention,
        role=role,
        answers={},
        step=0,
        organisation_id=organisation_id,
        team_id=team_id,
        round_id=round_id,
    )
    session.add(draft)
    session.flush()
    return draft


def get_draft(session: Session, *, token: str, for_update: bool = False) -> Draft | None:
    """The draft with this token, if any; `for_update` locks its row until the transaction ends
    (PostgreSQL; SQLite's BEGIN IMMEDIATE already lets one writer in at a time)."""
    query = select(Draft).where(Draft.token == token)
    return session.scalar(locked(query) if for_update else query)


def save_draft_answers(
    session: Session, *, token: str, answers: Mapping[str, AnswerValue | None], step: int
) -> Draft:
    """Replace the draft's answers (None values are dropped: unanswered) and its step.

    Raises DraftNotFound when no draft has this token.
    """
    draft = get_draft(session, token=token)
    if draft is None:
        raise DraftNotFound(token)
    # A new dict object, so the JSON column is seen as changed.
    draft.answers = {item: value for item, value in answers.items() if value is not None}
    draft.step = step
    draft.updated_at = utcnow()
    return draft


def find_open_drafts(session: Session, *, respondent_id: int) -> list[Draft]:
    """The respondent's drafts that were not submitted, most recently saved first."""
    query = (
        select(Draft)
        .where(Draft.respondent_id == respondent_id, Draft.submitted_response_id.is_(None))
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
    )
    return list(session.scalars(query))


# --- interventions ------------------------------------------------------------------------


def list_interventions(
    session: Session, *, active_only: bool = True, organisation_id: int | None = None
) -> list[str]:
    """Intervention names, sorted case-insensitively (the same on every backend).

    Without organisation_id: the open list offered on the plain start page; with it, that
    organisation's own interventions.
    """
    query = select(Intervention.name).where(_of_organisation(organisation_id))
    if active_only:
        query = query.where(Intervention.active.is_(True))
    return sorted(session.scalars(query), key=lambda name: (name.casefold(), name))


def add_intervention(
    session: Session, *, name: str, organisation_id: int | None = None
) -> Intervention:
    """Add an intervention to the open list, or to an organisation's own list.

    An existing name in the same list (active or not) returns the existing row. Names are
    unique per list; the index uq_intervention_name_open keeps the open list's unique too,
    which a plain UNIQUE(organisation_id, name) would not (NULLs count as distinct).
    """
    name = name.strip()
    if not name:
        raise ValueError("an intervention needs a name")
    existing = _intervention_by_name(session, name, organisation_id)
    if existing is not None:
        return existing
    intervention = Intervention(name=name, organisation_id=organisation_id)
    try:
        with session.begin_nested():
            session.add(intervention)
    except IntegrityError:
        existing = _intervention_by_name(session, name, organisation_id)
        if existing is None:
            raise
        return existing
    return intervention


def _of_organisation(organisation_id: int | None) -> ColumnElement[bool]:
    if organisation_id is None:
        return Intervention.organisation_id.is_(None)
    return Intervention.organisation_id == organisation_id


def _intervention_by_name(
    session: Session, name: str, organisation_id: int | None
) -> Intervention | None:
    query = select(Intervention).where(
        Intervention.name == name, _of_organisation(organisation_id)
    )
    return session.scalar(query)


# --- lookup failures ----------------------------------------------------------------------


def record_lookup_failure(
    session: Session, *, scope: str, client_key: str, at: datetime | None = None
) -> None:
    """Remember one failed lookup by `client_key` in `scope` (now, unless `at` is given)."""
    session.add(LookupFailure(scope=scope, client_key=client_key, created_at=at or utcnow()))


def lock_failures_of(session: Session, *, scope: str, client_key: str) -> None:
    """Make tries of one key in one scope count their failures one after another until the
    transaction ends: otherwise tries sent at the same moment all see the count before any of them.
    PostgreSQL takes an advisory lock; SQLite's BEGIN IMMEDIATE already lets one writer in at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                        {"key": f"{scope}/{client_key}"})


def recent_failures(
    session: Session, *, scope: str, client_key: str, since: datetime
) -> list[datetime]:
    """Times of the failures of `client_key` in `scope` at or after `since`, oldest first."""
    query = (
        select(LookupFailure.created_at)
        .where(
            LookupFailure.scope == scope,
            LookupFailure.client_key == client_key,
            LookupFailure.created_at >= since,
        )
        .order_by(LookupFailure.created_at)
    )
    return list(session.scalars(query))


def delete_lookup_failures_before(session: Session, *, before: datetime) -> int:
    """Forget failures older than `before`; returns how many were deleted."""
    result = session.execute(delete(LookupFailure).where(LookupFailure.created_at < before))
    return result.rowcount
