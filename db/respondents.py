"""Data access for respondents and their drafts: keyword-only functions that take a Session, never commit.

The service layer owns the transaction (`with session.begin():`); these functions only flush when they
need a generated id.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import DraftNotFound
from db.locking import locked
from db.models import Draft, Respondent, utcnow
from db.responses import AnswerValue

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


def save_draft_answers(session: Session, *, token: str, answers: Mapping[str, AnswerValue | None], step: int) -> Draft:
    """Replace the draft's answers (None values are dropped: unanswered) and its step.

    Raises DraftNotFound when no draft has this token.
    """
    draft = get_draft(session, token=token)
    if draft is None:
        raise DraftNotFound(token)
    return write_draft_answers(draft, answers=answers, step=step)


def write_draft_answers(draft: Draft, *, answers: Mapping[str, AnswerValue | None], step: int) -> Draft:
    """save_draft_answers for a draft already read in this transaction (locked, when saves can overlap)."""
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
