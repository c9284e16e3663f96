"""Data access for workshops. Functions take a session and never commit (the caller's
transaction is the user's action)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.engine import changed_rows
from db.errors import DatabaseError
from db.locking import locked
from db.models import Draft, Response
from db.workshop_models import (
    Workshop,
    WorkshopAction,
    WorkshopEntry,
    WorkshopParticipant,
    WorkshopRelease,
    WorkshopRound,
)

# Only a session's first round counts toward its tied survey round (the second is the same people again).
TIED_ROUND = 1


def add_workshop(session: Session, **fields: object) -> Workshop:
    """A new session with its first round."""
    row = Workshop(**fields)
    session.add(row)
    session.flush()
    session.add(WorkshopRound(workshop_id=row.id, round_no=1, shown_count=0, started_at=row.created_at))
    session.flush()
    return row


def code_taken(session: Session, code: str) -> bool:
    return session.scalar(select(Workshop.id).where(Workshop.code == code)) is not None


def get_workshop(session: Session, workshop_id: int, *, for_update: bool = False) -> Workshop | None:
    """The session row; `for_update` locks it until the transaction ends and reads it afresh
    (a row this transaction loaded before the lock may be stale)."""
    query = select(Workshop).where(Workshop.id == workshop_id)
    if for_update:
        query = locked(query)
    return session.scalar(query)


def find_by_code(session: Session, code: str) -> Workshop | None:
    return session.scalar(select(Workshop).where(Workshop.code == code))


def list_workshops(session: Session, *, facilitator_id: int | None) -> list[Workshop]:
    """Sessions of one facilitator (None: every session), newest first."""
    query = select(Workshop).order_by(Workshop.created_at.desc(), Workshop.id.desc())
    if facilitator_id is not None:
        query = query.where(Workshop.facilitator_id == facilitator_id)
    return list(session.scalars(query))


def add_round(session: Session, workshop_id: int, round_no: int, at: datetime) -> None:
    session.add(WorkshopRound(workshop_id=workshop_id, round_no=round_no, shown_count=0, started_at=at))
    session.flush()


def rounds(session: Session, workshop_id: int) -> list[WorkshopRound]:
    query = select(WorkshopRound).where(WorkshopRound.workshop_id == workshop_id).order_by(WorkshopRound.round_no)
    return list(session.scalars(query))


def move_shown_count(session: Session, workshop_id: int, round_no: int, *, seen: int, to: int) -> bool:
    """Advance the picture's snapshot from `seen` to `to`; False when another screen moved it first."""
    result = session.execute(
        update(WorkshopRound)
        .where(
            WorkshopRound.workshop_id == workshop_id,
            WorkshopRound.round_no == round_no,
            WorkshopRound.shown_count == seen,
        )
        .values(shown_count=to)
    )
    return changed_rows(result) == 1


def participant_by_device(session: Session, workshop_id: int, device_hash: str) -> WorkshopParticipant | None:
    return session.scalar(
        select(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == workshop_id, WorkshopParticipant.device_hash == device_hash
        )
    )


def add_participant(
    session: Session, *, workshop_id: int, device_hash: str, respondent_id: int, at: datetime
) -> WorkshopParticipant:
    row = WorkshopParticipant(
        workshop_id=workshop_id, device_hash=device_hash, respondent_id=respondent_id, joined_at=at
    )
    session.add(row)
    session.flush()
    return row


def count_participants(session: Session, workshop_id: int) -> int:
    query = select(func.count()).select_from(WorkshopParticipant).where(WorkshopParticipant.workshop_id == workshop_id)
    return int(session.scalar(query) or 0)


def entry_counts(session: Session, workshop_id: int) -> dict[int, int]:
    """Responses per round of the session."""
    query = (
        select(WorkshopEntry.round_no, func.count())
        .where(WorkshopEntry.workshop_id == workshop_id)
        .group_by(WorkshopEntry.round_no)
    )
    return {int(r): int(n) for r, n in session.execute(query)}


def entries_of(session: Session, participant_id: int) -> dict[int, int]:
    """The participant's response id per round."""
    query = select(WorkshopEntry.round_no, WorkshopEntry.response_id).where(
        WorkshopEntry.participant_id == participant_id
    )
    return {int(r): int(response_id) for r, response_id in session.execute(query)}


def add_entry(session: Session, *, workshop_id: int, participant_id: int, round_no: int, response_id: int) -> None:
    session.add(
        WorkshopEntry(
            workshop_id=workshop_id, participant_id=participant_id, round_no=round_no, response_id=response_id
        )
    )
    session.flush()


def first_responses(session: Session, workshop_id: int, round_no: int, limit: int | None) -> list[int]:
    """The round's first `limit` response ids (all with None), in the order they were stored."""
    query = (
        select(WorkshopEntry.response_id)
        .where(WorkshopEntry.workshop_id == workshop_id, WorkshopEntry.round_no == round_no)
        .order_by(WorkshopEntry.response_id)
        .limit(limit)
    )
    return list(session.scalars(query))


def members_hash(response_ids: Collection[int]) -> str:
    """What a picture records of who it showed: a hash of their response ids, so a change is seen later."""
    return hashlib.sha256(",".join(map(str, sorted(response_ids))).encode()).hexdigest()


def open_draft(session: Session, participant_id: int, round_no: int) -> Draft | None:
    query = (
        select(Draft)
        .where(
            Draft.workshop_participant_id == participant_id,
            Draft.workshop_round == round_no,
            Draft.submitted_response_id.is_(None),
        )
        .order_by(Draft.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def get_participant(session: Session, participant_id: int) -> WorkshopParticipant | None:
    return session.get(WorkshopParticipant, participant_id)


def add_action(
    session: Session, *, workshop_id: int, kind: str, theme: str | None, text: str, at: datetime
) -> WorkshopAction:
    row = WorkshopAction(workshop_id=workshop_id, kind=kind, theme=theme, text=text, created_at=at)
    session.add(row)
    session.flush()
    return row


def actions(session: Session, workshop_id: int) -> list[WorkshopAction]:
    query = select(WorkshopAction).where(WorkshopAction.workshop_id == workshop_id).order_by(WorkshopAction.id)
    return list(session.scalars(query))


def delete_action(session: Session, *, workshop_id: int, action_id: int) -> bool:
    row = session.get(WorkshopAction, action_id)
    if row is None or row.workshop_id != workshop_id:
        return False
    session.delete(row)
    return True


def workshops_with_counts(session: Session, ids: Iterable[int]) -> dict[int, tuple[int, dict[int, int]]]:
    """Participants joined and responses per round, for many sessions at once."""
    ids = list(ids)
    out: dict[int, tuple[int, dict[int, int]]] = {i: (0, {}) for i in ids}
    if not ids:
        return out
    joined = (
        select(WorkshopParticipant.workshop_id, func.count())
        .where(WorkshopParticipant.workshop_id.in_(ids))
        .group_by(WorkshopParticipant.workshop_id)
    )
    for sid, n in session.execute(joined):
        out[sid] = (int(n), out[sid][1])
    answered = (
        select(WorkshopEntry.workshop_id, WorkshopEntry.round_no, func.count())
        .where(WorkshopEntry.workshop_id.in_(ids))
        .group_by(WorkshopEntry.workshop_id, WorkshopEntry.round_no)
    )
    for sid, round_no, n in session.execute(answered):
        out[sid][1][int(round_no)] = int(n)
    return out


def workshop_of_response(session: Session, response_id: int) -> int | None:
    """The workshop a response belongs to, if any."""
    return session.scalar(select(WorkshopEntry.workshop_id).where(WorkshopEntry.response_id == response_id))


def picture_releases(session: Session, workshop_id: int, round_no: int) -> list[WorkshopRelease]:
    """What each picture of a round showed, in the order shown (snapshots only grow)."""
    query = (
        select(WorkshopRelease)
        .where(WorkshopRelease.workshop_id == workshop_id, WorkshopRelease.round_no == round_no)
        .order_by(WorkshopRelease.shown_count)
    )
    return list(session.scalars(query))


def add_picture_release(
    session: Session,
    *,
    workshop_id: int,
    round_no: int,
    shown_count: int,
    k: int,
    payload: dict[str, Any],
    at: datetime,
) -> WorkshopRelease:
    row = WorkshopRelease(
        workshop_id=workshop_id, round_no=round_no, shown_count=shown_count, k=k, payload=payload, created_at=at
    )
    session.add(row)
    session.flush()
    return row


def counted_in_round(session: Session, response_ids: Collection[int]) -> set[int]:
    """Those of the responses that count toward a survey round."""
    if not response_ids:
        return set()
    query = select(Response.id).where(Response.id.in_(list(response_ids)), Response.round_id.is_not(None))
    return set(session.scalars(query))


def tied_pictures(
    session: Session, *, organisation_id: int, round_ids: Collection[int]
) -> list[tuple[int, tuple[int, int, None], list[WorkshopRelease]]]:
    """The pictures of the first round of every session tied to one of the survey rounds: (session id, the
    cell its counted responses lie in, the picture releases in the order shown)."""
    if not round_ids:
        return []
    tied = session.execute(
        select(Workshop.id, Workshop.team_id, Workshop.round_id)
        .where(Workshop.organisation_id == organisation_id, Workshop.round_id.in_(sorted(round_ids)))
        .order_by(Workshop.id)
    ).all()
    out: list[tuple[int, tuple[int, int, None], list[WorkshopRelease]]] = []
    for workshop_id, team_id, round_id in tied:
        if team_id is None or round_id is None:  # the tied_all_or_none check rules this out
            raise DatabaseError(f"workshop {workshop_id} is tied to a round without a team")
        releases = picture_releases(session, workshop_id, TIED_ROUND)
        if releases:
            # A workshop's questionnaire gives no role: its counted responses lie in the cell without one.
            out.append((workshop_id, (team_id, round_id, None), releases))
    return out
