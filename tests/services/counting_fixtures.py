"""What the counting-rule tests share (test_counting_rules.py, test_counting_races.py): a runtime with
small limits, organisation North with two teams invited to an open round, and people answering."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from db import tallies
from db.account_models import AuditLog
from db.models import Response
from services.respond import questionnaire
from tests.support.organisations import add_open_round

NOW = datetime.now(UTC)
BROWSER = "browser-key-on-the-ward-pc-0001"


@pytest.fixture
def runtime(make_runtime):
    """Small limits, so each rule shows within a few responses."""
    return make_runtime(link_device_limit=3, identical_burst_count=3, identical_burst_minutes=10)


@pytest.fixture
def links(runtime):
    """Organisation North: team West (headcount 3) and team East (no headcount), both invited to the open
    round Spring. Ids and each team's link token."""
    with runtime.sessions.begin() as session:
        north = add_open_round(
            session,
            instrument_hash=runtime.instrument.content_hash,
            opens_at=NOW - timedelta(days=1),
            closes_at=NOW + timedelta(days=10),
            teams={"West": 3, "East": None},
        )
    return {
        "org": north.org,
        "round": north.round,
        "west": north.teams["West"],
        "east": north.teams["East"],
        "west_link": north.links["West"],
        "east_link": north.links["East"],
    }


def answers_of(runtime, n: int) -> dict:
    """A distinct answer set per n (n = 0, 1, ...): never two alike, so no burst is flagged by chance."""
    items = runtime.instrument.required_ids
    return {item: 1 + (n // 5**position) % 5 if position < 3 else 3 for position, item in enumerate(items)}


def start(runtime, link, **device):
    return questionnaire.start_assessment(
        runtime, language="en", intervention="", role=None, invite_token=link, **device
    )


def finish(runtime, started, answers) -> Response:
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
    response_id = questionnaire.submit(runtime, token=started.draft_token)
    with runtime.sessions.begin() as session:
        return session.get(Response, response_id)


def respond(runtime, link, n: int, **device) -> Response:
    return finish(runtime, start(runtime, link, **device), answers_of(runtime, n))


def audit(runtime, action) -> list[dict]:
    with runtime.sessions.begin() as session:
        return [
            dict(row.detail)
            for row in session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
        ]


def counted(runtime, ids) -> int:
    with runtime.sessions.begin() as session:
        return sum(
            n
            for (team, _round, _role), n in tallies.count_cells(session, organisation_id=ids["org"]).items()
            if team == ids["west"]
        )
