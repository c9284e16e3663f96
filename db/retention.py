"""Deleting personal data: everything older than a cut-off (retention), or one respondent's (erasure).

Keyword-only functions that take a Session and never commit. Rows are deleted with set-based
DELETE ... WHERE ... IN (SELECT ...), never loaded, and child rows explicitly before their parents
(so the counts are exact and nothing depends on ON DELETE CASCADE). The tallies of every
organisation that lost a counted response are rebuilt from the remaining rows, so they stay equal
to the raw tables (db/tallies.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, or_, select
from sqlalchemy.orm import Session

from db.account_models import SignIn
from db.action_models import ActionFollowUp, ActionItem, ActionNote, ActionTeam, FollowUpTeam
from db.engine import changed_rows
from db.models import (
    Draft,
    LookupFailure,
    Respondent,
    Response,
    ResponseAnswer,
    ResponseScore,
)
from db.org_models import AnswerTally, ResponseTally, RoundTeam, ScoreTally, SurveyRound
from db.release_models import ReleasedRound
from db.releases import withdraw_rounds
from db.tallies import rebuild_tallies
from db.workshop_models import (
    Workshop,
    WorkshopAction,
    WorkshopEntry,
    WorkshopParticipant,
    WorkshopRound,
)

__all__ = ["KINDS", "erase_respondent", "purge_before"]

# What the functions count, in the order they report it.
KINDS = (
    "responses",
    "answers",
    "scores",
    "drafts",
    "workshop_sessions",
    "workshop_participants",
    "workshop_entries",
    "workshop_actions",
    "plan_actions",
    "plan_notes",
    "plan_follow_ups",
    "survey_rounds",
    "invitations",
    "respondents",
    "lookup_failures",
    "sign_in_sessions",
)
PURGE_STEPS = 13  # the statements of purge_before before the tallies are rebuilt (one step per organisation)


def purge_before(
    session: Session, *, cutoff: datetime, progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Delete what is older than `cutoff`; returns how many rows of each kind (KINDS) went.

    Responses created before it (answers, scores, workshop entries and the drafts they were
    submitted from; a released round's only once the whole round closed before it, and then with its
    frozen tallies), drafts last saved before it, workshops created before it (rounds,
    participants, entries, actions), the action plan's actions that were done or dropped before it
    (with their notes, teams and follow-ups; open actions stay whole, and so does an action whose follow-up
    round is still kept), survey rounds closed before it that
    nothing refers to any more (their invitation links and tallies), respondents created before it with
    nothing left, failed code lookups and sign-ins that ended before it. `progress(done, total)` hears of
    each step.
    """
    # A released round goes whole or not at all: its published figures are fixed (docs/DASHBOARD.md), so its
    # responses stay until the round itself closed before the cut-off, and then its frozen tallies go too.
    kept_rounds = (
        select(ReleasedRound.round_id)
        .join(SurveyRound, SurveyRound.id == ReleasedRound.round_id)
        .where(SurveyRound.closes_at >= cutoff)
    )
    old_responses = select(Response.id).where(
        Response.created_at < cutoff, or_(Response.round_id.is_(None), Response.round_id.not_in(kept_rounds))
    )
    old_workshops = select(Workshop.id).where(Workshop.created_at < cutoff)
    old_participants = select(WorkshopParticipant.id).where(WorkshopParticipant.workshop_id.in_(old_workshops))
    organisations = _organisations_of(session, Response.created_at < cutoff)
    counts = dict.fromkeys(KINDS, 0)
    steps, done = PURGE_STEPS + len(organisations), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, steps)

    counts["drafts"] = _delete(
        session,
        Draft,
        or_(
            Draft.updated_at < cutoff,
            Draft.submitted_response_id.in_(old_responses),
            Draft.workshop_participant_id.in_(old_participants),
        ),
    )
    tick()
    counts["workshop_entries"] = _delete(
        session,
        WorkshopEntry,
        or_(WorkshopEntry.response_id.in_(old_responses), WorkshopEntry.workshop_id.in_(old_workshops)),
    )
    tick()
    counts["workshop_actions"] = _delete(session, WorkshopAction, WorkshopAction.workshop_id.in_(old_workshops))
    tick()
    counts["workshop_participants"] = _delete(
        session, WorkshopParticipant, WorkshopParticipant.workshop_id.in_(old_workshops)
    )
    tick()
    _delete(session, WorkshopRound, WorkshopRound.workshop_id.in_(old_workshops))
    tick()
    counts["workshop_sessions"] = _delete(session, Workshop, Workshop.created_at < cutoff)
    tick()
    counts |= _delete_responses(session, old_responses)
    tick()
    withdraw_rounds(
        session,
        round_ids=list(
            session.scalars(
                select(ReleasedRound.round_id)
                .join(SurveyRound, SurveyRound.id == ReleasedRound.round_id)
                .where(SurveyRound.closes_at < cutoff)
            )
        ),
    )
    tick()
    counts |= _delete_unused_rounds(session, cutoff, organisations)
    tick()
    counts |= _delete_finished_actions(session, cutoff)
    tick()
    counts["respondents"] = _delete(session, Respondent, Respondent.created_at < cutoff, ~_respondent_in_use())
    tick()
    counts["lookup_failures"] = _delete(session, LookupFailure, LookupFailure.created_at < cutoff)
    tick()
    counts["sign_in_sessions"] = _delete(session, SignIn, SignIn.expires_at < cutoff)
    tick()
    for organisation_id in sorted(organisations):
        rebuild_tallies(session, organisation_id=organisation_id)
        tick()
    return counts


def erase_respondent(session: Session, *, respondent_id: int) -> dict[str, int]:
    """Delete one respondent with every response, answer, score, draft and workshop entry of theirs.

    Returns how many rows of each kind (KINDS) went.
    """
    theirs = select(Response.id).where(Response.respondent_id == respondent_id)
    participants = select(WorkshopParticipant.id).where(WorkshopParticipant.respondent_id == respondent_id)
    counts = dict.fromkeys(KINDS, 0)
    # Drafts first: a submit of one of them holds its row, so this waits for it to finish, and the
    # organisations read next include that response's (its tallies are rebuilt below).
    counts["drafts"] = _delete(
        session,
        Draft,
        or_(
            Draft.respondent_id == respondent_id,
            Draft.submitted_response_id.in_(theirs),
            Draft.workshop_participant_id.in_(participants),
        ),
    )
    organisations = _organisations_of(session, Response.respondent_id == respondent_id)
    counts["workshop_entries"] = _delete(
        session,
        WorkshopEntry,
        or_(WorkshopEntry.response_id.in_(theirs), WorkshopEntry.participant_id.in_(participants)),
    )
    counts["workshop_participants"] = _delete(
        session, WorkshopParticipant, WorkshopParticipant.respondent_id == respondent_id
    )
    counts |= _delete_responses(session, theirs)
    counts["respondents"] = _delete(session, Respondent, Respondent.id == respondent_id)
    for organisation_id in sorted(organisations):
        rebuild_tallies(session, organisation_id=organisation_id)
    return counts


def _delete_responses(session: Session, ids: Select[Any]) -> dict[str, int]:
    return {
        "answers": _delete(session, ResponseAnswer, ResponseAnswer.response_id.in_(ids)),
        "scores": _delete(session, ResponseScore, ResponseScore.response_id.in_(ids)),
        "responses": _delete(session, Response, Response.id.in_(ids)),
    }


def _delete_finished_actions(session: Session, cutoff: datetime) -> dict[str, int]:
    """Actions of a plan that were done or dropped before `cutoff`, with everything that belongs to them.

    An open action is the organisation's current work and stays, however old: its notes are its running record
    and its owner can drop it. A follow-up round that was started is a survey round and goes by the rounds' rule
    (run before this): while it is kept, its action stays too, so "what changed" can still show them together.
    """
    round_kept = exists().where(ActionFollowUp.action_id == ActionItem.id, ActionFollowUp.round_id == SurveyRound.id)
    is_finished = (ActionItem.status.in_(("done", "dropped")), ActionItem.finished_at < cutoff, ~round_kept)
    finished = select(ActionItem.id).where(*is_finished)
    follow_ups = select(ActionFollowUp.id).where(ActionFollowUp.action_id.in_(finished))
    _delete(session, FollowUpTeam, FollowUpTeam.follow_up_id.in_(follow_ups))
    counts = {
        "plan_follow_ups": _delete(session, ActionFollowUp, ActionFollowUp.action_id.in_(finished)),
        "plan_notes": _delete(session, ActionNote, ActionNote.action_id.in_(finished)),
    }
    _delete(session, ActionTeam, ActionTeam.action_id.in_(finished))
    counts["plan_actions"] = _delete(session, ActionItem, *is_finished)
    return counts


def _delete_unused_rounds(session: Session, cutoff: datetime, organisations: set[int]) -> dict[str, int]:
    """Rounds closed before `cutoff` that no response, draft or workshop refers to any more."""
    unused = select(SurveyRound.id).where(
        SurveyRound.closes_at < cutoff,
        ~exists().where(Response.round_id == SurveyRound.id),
        ~exists().where(Draft.round_id == SurveyRound.id),
        ~exists().where(Workshop.round_id == SurveyRound.id),
    )
    round_ids = list(session.scalars(unused))
    if not round_ids:
        return {"survey_rounds": 0, "invitations": 0}
    organisations |= set(
        session.scalars(select(SurveyRound.organisation_id).where(SurveyRound.id.in_(round_ids)).distinct())
    )
    for tally in (AnswerTally, ScoreTally, ResponseTally):
        _delete(session, tally, tally.round_id.in_(round_ids))
    return {
        "invitations": _delete(session, RoundTeam, RoundTeam.round_id.in_(round_ids)),
        "survey_rounds": _delete(session, SurveyRound, SurveyRound.id.in_(round_ids)),
    }


def _respondent_in_use() -> ColumnElement[bool]:
    return or_(
        exists().where(Response.respondent_id == Respondent.id),
        exists().where(Draft.respondent_id == Respondent.id),
        exists().where(WorkshopParticipant.respondent_id == Respondent.id),
    )


def _organisations_of(session: Session, condition: ColumnElement[bool]) -> set[int]:
    """Organisations with a counted response matching `condition` (their tallies change)."""
    query = select(Response.organisation_id).where(condition, Response.organisation_id.is_not(None)).distinct()
    return set(session.scalars(query))


def _delete(session: Session, model: type, *conditions: ColumnElement[bool]) -> int:
    return changed_rows(
        session.execute(delete(model).where(*conditions), execution_options={"synchronize_session": False})
    )
