"""What the reliability tests share: an organisation with an open round, answers, and the checks that
every submitted response is stored exactly once, whole, and counted once in the tallies."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from assessment import score_answers
from db import (
    add_intervention,
    count_cells,
    create_organisation,
    create_round,
    create_team,
    load_answers_and_scores,
    rebuild_tallies,
)
from db.models import Draft, Response, ResponseAnswer, ResponseScore
from questions import NOT_APPLICABLE
from services.respond import questionnaire
from services.runtime import Runtime
from tests.support.tallies import assert_same_snapshot, tally_snapshot


def open_round(rt: Runtime, teams: int = 2) -> tuple[int, list[str]]:
    """A new organisation with `teams` teams and a round open now: its id and the teams' invitation tokens."""
    now = datetime.now(UTC)
    with rt.sessions.begin() as session:
        organisation = create_organisation(session, name=f"Org {uuid.uuid4().hex[:8]}")
        team_ids = [create_team(session, organisation_id=organisation.id, name=f"Team {n}").id for n in range(teams)]
        intervention = add_intervention(session, name="Online CBT module", organisation_id=organisation.id)
        _round, tokens = create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=intervention.id,
            name="Now",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            instrument_hash=rt.instrument.content_hash,
            team_ids=team_ids,
        )
        return organisation.id, [tokens[team_id] for team_id in team_ids]


def answers_for(rt: Runtime, rng: random.Random) -> dict:
    """Every required item answered (now and then "not applicable"), the optional pairs sometimes."""
    answers = {item: rng.choice((1, 2, 3, 4, 5, 3, 4, NOT_APPLICABLE)) for item in rt.instrument.required_ids}
    if rng.random() < 0.5:
        optional = [q for q in rt.instrument.question_ids if q not in answers]
        answers.update({question: rng.randint(1, 5) for question in optional})
    return answers


def draft_answered(rt: Runtime, *, invite: str | None, answers: dict, role: str | None = None) -> str:
    """A draft with every answer saved (the page saves them one by one; one call is the lean path)."""
    started = questionnaire.start_assessment(
        rt, language="en", intervention="Online CBT module", role=role, invite_token=invite
    )
    questionnaire.save_answers(rt, token=started.draft_token, answers=answers, step=len(rt.instrument.steps) - 1)
    return started.draft_token


def stored_counts(rt: Runtime) -> dict[str, int]:
    with rt.sessions() as session:
        return {
            "responses": session.scalar(select(func.count()).select_from(Response)),
            "answers": session.scalar(select(func.count()).select_from(ResponseAnswer)),
            "scores": session.scalar(select(func.count()).select_from(ResponseScore)),
            "submitted_drafts": session.scalar(
                select(func.count()).select_from(Draft).where(Draft.submitted_response_id.is_not(None))
            ),
        }


def assert_stored_once(rt: Runtime, submitted: dict[str, tuple[int, dict]]) -> None:
    """`submitted`: draft token -> (response id, answers). Each draft is one response holding exactly
    those answers and their scores; there is no other response and no row of an unknown response."""
    ids = [response_id for response_id, _answers in submitted.values()]
    assert len(set(ids)) == len(ids), "two drafts were stored as the same response"
    with rt.sessions() as session:
        drafts = dict(
            session.execute(
                select(Draft.token, Draft.submitted_response_id).where(Draft.submitted_response_id.is_not(None))
            ).all()
        )
        assert drafts == {token: response_id for token, (response_id, _a) in submitted.items()}
        assert session.scalar(select(func.count()).select_from(Response)) == len(ids)
        assert session.scalar(select(func.count(func.distinct(Response.submission_token)))) == len(ids)
        for table in (ResponseAnswer, ResponseScore):
            orphans = select(func.count()).select_from(table).where(table.response_id.not_in(select(Response.id)))
            assert session.scalar(orphans) == 0, f"{table.__tablename__} rows without a response"
        loaded = load_answers_and_scores(session, response_ids=ids)
    for token, (response_id, answers) in submitted.items():
        stored_answers, stored_scores = loaded[response_id]
        assert stored_answers == {k: v for k, v in answers.items() if v is not None}, token
        assert stored_scores == score_answers(rt.instrument, answers).flat(), token


def assert_tallies_match_raw_tables(rt: Runtime, organisation_id: int, attributed: int) -> None:
    """The running tallies equal a rebuild from the stored responses, and count each attributed one once."""
    with rt.sessions() as session:
        running = tally_snapshot(session, organisation_id)
    assert sum(running[0].values()) == attributed
    with rt.sessions.begin() as session:
        rebuild_tallies(session, organisation_id=organisation_id)
    with rt.sessions() as session:
        assert_same_snapshot(running, tally_snapshot(session, organisation_id))
        assert sum(count_cells(session, organisation_id=organisation_id).values()) == attributed
