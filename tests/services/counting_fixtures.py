"""What the counting-rule tests share (test_counting_rules.py, test_counting_races.py): a runtime with
small limits, organisation North with two teams invited to an open round, and people answering."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db import organisations, repository, tallies
from db.account_models import AuditLog
from db.models import Response
from services.respond import questionnaire
from services.runtime import build_runtime
from services.settings import Settings

NOW = datetime.now(UTC)
BROWSER = "browser-key-on-the-ward-pc-0001"


@pytest.fixture
def runtime(migrated_database):
    """Small limits, so each rule shows within a few responses."""
    rt = build_runtime(Settings(database_url=migrated_database, link_device_limit=3, identical_burst_count=3,
                                identical_burst_minutes=10))
    yield rt
    rt.engine.dispose()


@pytest.fixture
def links(runtime):
    """Organisation North: team West (headcount 3) and team East (no headcount), both invited to the open
    round Spring. Ids and each team's link token."""
    with runtime.sessions.begin() as session:
        org = organisations.create_organisation(session, name="North")
        west = organisations.create_team(session, organisation_id=org.id, name="West", size=3)
        east = organisations.create_team(session, organisation_id=org.id, name="East")
        intervention = repository.add_intervention(session, name="Online CBT", organisation_id=org.id)
        survey_round, tokens = organisations.create_round(
            session, organisation_id=org.id, intervention_id=intervention.id, name="Spring",
            opens_at=NOW - timedelta(days=1), closes_at=NOW + timedelta(days=10),
            instrument_hash=runtime.instrument.content_hash, team_ids=[west.id, east.id])
    return {"org": org.id, "round": survey_round.id, "west": west.id, "east": east.id,
            "west_link": tokens[west.id], "east_link": tokens[east.id]}


def answers_of(runtime, n: int) -> dict:
    """A distinct answer set per n (n = 0, 1, ...): never two alike, so no burst is flagged by chance."""
    items = runtime.instrument.required_ids
    return {item: 1 + (n // 5 ** position) % 5 if position < 3 else 3 for position, item in enumerate(items)}


def start(runtime, link, **device):
    return questionnaire.start_assessment(runtime, language="en", intervention="", role=None, invite_token=link,
                                        **device)


def finish(runtime, started, answers) -> Response:
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
    response_id = questionnaire.submit(runtime, token=started.draft_token)
    with runtime.sessions.begin() as session:
        return session.get(Response, response_id)


def respond(runtime, link, n: int, **device) -> Response:
    return finish(runtime, start(runtime, link, **device), answers_of(runtime, n))


def audit(runtime, action) -> list[dict]:
    with runtime.sessions.begin() as session:
        return [dict(row.detail) for row in session.scalars(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def counted(runtime, ids) -> int:
    with runtime.sessions.begin() as session:
        return sum(n for (team, _round, _role), n in tallies.count_cells(session, organisation_id=ids["org"]).items()
                   if team == ids["west"])
