"""Records whose every typed name is a payload, made through the services as an admin would."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from assessment.scoring import score_answers
from db import add_response, create_round
from services.admin import organisations
from services.admin import rounds as round_admin


@dataclass
class NamedWorld:
    """In organisation `org`: per payload a team, an intervention and an open round (with its link)."""

    org: int
    payloads: list[str]
    teams: dict[str, int] = field(default_factory=dict)
    rounds: dict[str, int] = field(default_factory=dict)
    invites: dict[str, str] = field(default_factory=dict)  # payload -> invitation token
    closed_round: int | None = None


def named_world(runtime, actor, org: int, payloads: list[str]) -> NamedWorld:
    world = NamedWorld(org, payloads)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for payload in payloads:
        team = organisations.create_team(runtime, actor, org, name=payload, size=10)
        intervention = organisations.add_intervention(runtime, actor, org, name=payload)
        created = round_admin.create_round(
            runtime,
            actor,
            org,
            intervention_id=intervention.id,
            name=payload,
            opens_at=today,
            closes_at=today + timedelta(days=21),
            team_ids=[team.id],
        )
        world.teams[payload], world.rounds[payload] = team.id, created.round.id
        world.invites[payload] = created.invitations[0].token
    return world


def closed_round_with_answers(runtime, world: NamedWorld, *, answered_by: int = 5, name: str = "Closed round") -> int:
    """A closed round inviting every team of the world; the first team answered `answered_by` times."""
    instrument = runtime.instrument
    opens = datetime.now(UTC) - timedelta(days=60)
    first_intervention = next(iter(world.rounds))
    with runtime.sessions.begin() as session:
        from db.org_models import SurveyRound

        intervention_id = session.get(SurveyRound, world.rounds[first_intervention]).intervention_id
        survey_round, _tokens = create_round(
            session,
            organisation_id=world.org,
            intervention_id=intervention_id,
            name=name,
            opens_at=opens,
            closes_at=opens + timedelta(days=21),
            instrument_hash=instrument.content_hash,
            team_ids=list(world.teams.values()),
        )
        answers = {item_id: 2 + i % 3 for i, item_id in enumerate(instrument.required_ids)}
        for _ in range(answered_by):
            add_response(
                session,
                submission_token=uuid.uuid4().hex,
                respondent_id=None,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
                instrument_hash=instrument.content_hash,
                language="en",
                intervention="x",
                role=None,
                answers=answers,
                scores=score_answers(instrument, answers).flat(),
                organisation_id=world.org,
                team_id=next(iter(world.teams.values())),
                round_id=survey_round.id,
            )
    world.closed_round = survey_round.id
    return survey_round.id
