"""Workshops, the participant's side: join by code on a phone, answer, keep one's own result.

A device is known by a random key kept in a cookie (only its sha256 is stored), so joining again
from the same device finds the same participant instead of counting twice.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import organisations as db_organisations
from db import respondents as db_respondents
from db import workshops as db_workshops
from db.models import Draft
from db.workshop_models import Workshop
from services import throttle
from services.errors import InvalidInput, NotFound, TooManyAttempts
from services.respond.resume_codes import code_hash, new_resume_code
from services.runtime import Runtime

JOIN_SCOPE = "join"
# No look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B): a code read off a projector is typed right the first time.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
DEVICE_KEY_LENGTHS = range(20, 129)


@dataclass(frozen=True)
class Participation:
    """Where a participant stands in a session."""

    code: str
    title: str
    intervention: str
    language: str
    status: str  # open | locked | closed
    current_round: int
    k: int
    draft_token: str | None  # the current round's questionnaire, unless answered or closed
    results: dict[int, int] = field(default_factory=dict)  # round -> this participant's response id

    @property
    def answered_now(self) -> bool:
        return self.current_round in self.results


def effective_k(session: Session, row: Workshop) -> int:
    """The smallest group a session's picture, export and participants go by: its own k, and for a session
    tied to a survey round at least its organisation's k as it is now (an organisation may raise it later)."""
    if row.organisation_id is None:
        return row.min_group_size
    organisation = db_organisations.get_organisation(session, organisation_id=row.organisation_id)
    return max(row.min_group_size, organisation.min_group_size if organisation is not None else 0)


def normalise_code(code: str | None) -> str:
    """The code as typed, upper-cased, spaces and dashes removed."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def new_device_key() -> str:
    return secrets.token_urlsafe(32)


def device_hash(device_key: str) -> str:
    return hashlib.sha256(device_key.encode("utf-8")).hexdigest()


def join(
    rt: Runtime, code: str | None, device_key: str, client_key: str, *, now: datetime | None = None
) -> Participation:
    """Join (or rejoin) the session with this code from this device.

    NotFound("join_code") for a wrong, expired or closed code alike (no hint that a session exists);
    misses are recorded and repeated misses must wait (TooManyAttempts). InvalidInput("workshop_locked")
    or ("workshop_full") for a session that takes nobody new. A device that joined before gets its
    place back even when the session is locked, full or closed (to see its own results).
    """
    if not isinstance(device_key, str) or len(device_key) not in DEVICE_KEY_LENGTHS:
        raise InvalidInput("device_key")
    now = now or datetime.now(UTC)
    canonical = normalise_code(code)
    for attempt in range(2):
        try:
            with rt.sessions.begin() as session:
                wait = throttle.check_allowed(session, _policy(rt), scope=JOIN_SCOPE, client_key=client_key, now=now)
                if wait:
                    raise TooManyAttempts(wait)
                row = db_workshops.find_by_code(session, canonical) if len(canonical) == CODE_LENGTH else None
                if row is not None:
                    try:
                        return _join(rt, session, row, device_hash(device_key), now)
                    except _Miss:
                        pass  # nothing is written before a miss: recorded here, under the slow-down's lock
                throttle.record_miss(session, scope=JOIN_SCOPE, client_key=client_key, now=now)
        except IntegrityError:
            if attempt:
                raise
            continue  # the same device joined at the same moment in another tab: read its place
        break
    raise NotFound("join_code")


def state(rt: Runtime, code: str | None, device_key: str) -> Participation:
    """Where this device stands in the session, without joining (for a waiting phone's polling)."""
    with rt.sessions.begin() as session:
        row = db_workshops.find_by_code(session, normalise_code(code))
        participant = row and db_workshops.participant_by_device(session, row.id, device_hash(device_key))
        if row is None or participant is None:
            raise NotFound("join_code")
        results = db_workshops.entries_of(session, participant.id)
        return Participation(
            row.code,
            row.title,
            row.intervention,
            row.language,
            row.status,
            row.current_round,
            effective_k(session, row),
            None,
            results,
        )


def round_now(rt: Runtime, code: str | None) -> tuple[str, int] | None:
    """(status, current round) of the session with this code, or None: one read by the code's unique index,
    for a phone that asks every few seconds whether a new round has started."""
    with rt.sessions.begin() as session:
        row = db_workshops.find_by_code(session, normalise_code(code))
        return (row.status, row.current_round) if row is not None else None


class _Miss(Exception):
    """A code that exists but opens nothing for this device: counted as a miss, told as a wrong code."""


def _join(rt: Runtime, session: Session, row: Workshop, device: str, now: datetime) -> Participation:
    # Joins of one session one at a time: the cap holds, and two tabs of one device get one draft.
    row = db_workshops.get_workshop(session, row.id, for_update=True) or row
    participant = db_workshops.participant_by_device(session, row.id, device)
    if participant is None:
        if row.status == "closed" or now >= row.expires_at:
            raise _Miss()
        if row.status == "locked":
            raise InvalidInput("workshop_locked")
        if db_workshops.count_participants(session, row.id) >= row.participant_cap:
            raise InvalidInput("workshop_full")
        # A resume code nobody is shown: the participant's results stay tied to this device.
        respondent = db_respondents.create_respondent(session, code_hash=code_hash(new_resume_code()))
        participant = db_workshops.add_participant(
            session, workshop_id=row.id, device_hash=device, respondent_id=respondent.id, at=now
        )
    results = db_workshops.entries_of(session, participant.id)
    token = None
    if row.status != "closed" and row.current_round not in results:
        draft = db_workshops.open_draft(session, participant.id, row.current_round)
        token = (
            draft.token
            if draft is not None
            else _new_draft(rt, session, row, participant.id, participant.respondent_id)
        )
    return Participation(
        row.code,
        row.title,
        row.intervention,
        row.language,
        row.status,
        row.current_round,
        effective_k(session, row),
        token,
        results,
    )


def _new_draft(rt: Runtime, session: Session, row: Workshop, participant_id: int, respondent_id: int | None) -> str:
    if respondent_id is None:
        respondent_id = db_respondents.create_respondent(session, code_hash=code_hash(new_resume_code())).id
    token = secrets.token_urlsafe(32)
    # Only the first round counts toward a tied survey round: the second is the same people again.
    tied = row.round_id is not None and row.current_round == 1
    draft = db_respondents.create_draft(
        session,
        token=token,
        respondent_id=respondent_id,
        instrument_hash=row.instrument_hash,
        language=row.language,
        intervention=row.intervention,
        role=None,
        organisation_id=row.organisation_id if tied else None,
        team_id=row.team_id if tied else None,
        round_id=row.round_id if tied else None,
    )
    draft.workshop_participant_id = participant_id
    draft.workshop_round = row.current_round
    session.flush()
    return token


def accepts(session: Session, draft: Draft) -> bool:
    """Whether a workshop draft's response still goes into its session's round (inside submit)."""
    if draft.workshop_participant_id is None or draft.workshop_round is None:
        return False  # not a workshop draft
    participant = db_workshops.get_participant(session, draft.workshop_participant_id)
    if participant is None:
        return False
    # Locked until the response is stored: entries of a session commit in the order of their ids, so
    # the picture's "first n responses" never gains an earlier one later; a close or a new round waits.
    row = db_workshops.get_workshop(session, participant.workshop_id, for_update=True)
    if row is None or row.status == "closed" or draft.workshop_round != row.current_round:
        return False
    return draft.workshop_round not in db_workshops.entries_of(session, participant.id)


def record(session: Session, draft: Draft, response_id: int) -> None:
    """Put a submitted response into its session's round (after accepts(), same transaction)."""
    assert draft.workshop_participant_id is not None, "record() follows accepts(): a workshop draft"
    participant = db_workshops.get_participant(session, draft.workshop_participant_id)
    assert participant is not None and draft.workshop_round is not None
    db_workshops.add_entry(
        session,
        workshop_id=participant.workshop_id,
        participant_id=participant.id,
        round_no=draft.workshop_round,
        response_id=response_id,
    )


def counted(rt: Runtime, response_id: int) -> bool:
    """Whether a response is part of a workshop's picture."""
    with rt.sessions.begin() as session:
        return db_workshops.workshop_of_response(session, response_id) is not None


def _policy(rt: Runtime) -> throttle.ThrottlePolicy:
    return throttle.code_guess_policy(rt.settings)
