"""Building organisations, rounds and attributed responses for the dashboard tests, through the
repository functions (add_response keeps the tallies up to date as it does in the app)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from random import Random

from assessment.scoring import score_answers
from db import add_intervention, add_response, create_organisation, create_round, create_team
from questions.model import NOT_APPLICABLE, Instrument

OPENS = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass
class Org:
    id: int
    teams: dict[str, int] = field(default_factory=dict)  # name -> id
    rounds: dict[str, int] = field(default_factory=dict)  # name -> id
    interventions: dict[str, int] = field(default_factory=dict)


def make_org(session, name: str, teams: dict[str, int | None], *, k: int = 5) -> Org:
    """An organisation with teams {name: size or None}."""
    organisation = create_organisation(session, name=name, min_group_size=k, comment_min_group_size=max(k, 10))
    org = Org(organisation.id)
    for team, size in teams.items():
        org.teams[team] = create_team(session, organisation_id=organisation.id, name=team, size=size).id
    return org


def make_round(
    session,
    org: Org,
    name: str,
    *,
    instrument: Instrument,
    teams: list[str] | None = None,
    intervention: str = "Mood app",
    weeks: int = 0,
) -> int:
    """A round about `intervention` inviting `teams` (default: all), opening `weeks` after OPENS."""
    if intervention not in org.interventions:
        org.interventions[intervention] = add_intervention(session, name=intervention, organisation_id=org.id).id
    survey_round, _tokens = create_round(
        session,
        organisation_id=org.id,
        intervention_id=org.interventions[intervention],
        name=name,
        opens_at=OPENS + timedelta(weeks=weeks),
        closes_at=OPENS + timedelta(weeks=weeks + 3),
        instrument_hash=instrument.content_hash,
        team_ids=[org.teams[t] for t in (teams if teams is not None else org.teams)],
    )
    org.rounds[name] = survey_round.id
    return survey_round.id


def respond(
    session, instrument: Instrument, org: Org, team: str, round_name: str, answers: dict, role: str | None = None
) -> None:
    """Store one response through a team's invitation (attributed), scored as the app scores it."""
    add_response(
        session,
        submission_token=uuid.uuid4().hex,
        respondent_id=None,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_hash=instrument.content_hash,
        language="en",
        intervention="Mood app",
        role=role,
        answers=answers,
        scores=score_answers(instrument, answers).flat(),
        organisation_id=org.id,
        team_id=org.teams[team],
        round_id=org.rounds[round_name],
    )


def random_answers(instrument: Instrument, rng: Random, *, lean: int = 3, na_rate: float = 0.0) -> dict:
    """Every scored item answered around `lean` (1..5), sometimes "not applicable"."""
    answers: dict = {}
    for item_id in instrument.required_ids:
        if rng.random() < na_rate:
            answers[item_id] = NOT_APPLICABLE
        else:
            answers[item_id] = min(5, max(1, lean + rng.choice((-1, 0, 0, 1))))
    return answers


# --- the shared read-only world of the dashboard tests (fixtures in tests/services/conftest.py) -----

from services.accounts.auth import AccountView

ADMIN = AccountView(1, "root", "admin", {})

# North, k = 5. Round 1 and 2 are about the mood app, round 3 about video consultations.
#   team   round  role -> responses
NORTH = {
    ("Small", "R1", "nurse"): 2,
    ("Small", "R1", None): 2,  # 4 in all
    ("Mid", "R1", "nurse"): 5,
    ("Mid", "R1", "psychologist"): 3,
    ("Mid", "R1", None): 2,
    ("Mid", "R2", "nurse"): 6,
    ("Large", "R1", "nurse"): 6,
    ("Large", "R1", "psychologist"): 6,
    ("Large", "R2", "psychologist"): 4,
    ("Large", "R2", "nurse"): 3,
    ("Large", "R3", "nurse"): 8,
}


class Shared:
    """One database for the tests that only read: North (above) and South (one team of 6)."""

    def __init__(self, runtime):
        self.runtime = runtime
        self.world = _world(runtime)

    def __repr__(self) -> str:  # hypothesis prints its arguments; the runtime's repr is pages long
        return "Shared()"


def _world(runtime) -> dict:
    instrument = runtime.instrument
    rng = Random(11)
    with runtime.sessions.begin() as session:
        north = make_org(session, "North", {"Small": 8, "Mid": 12, "Large": 40})
        make_round(session, north, "R1", instrument=instrument, weeks=0)
        make_round(session, north, "R2", instrument=instrument, teams=["Mid", "Large"], weeks=26)
        make_round(session, north, "R3", instrument=instrument, teams=["Large"], intervention="Video", weeks=30)
        for (team, round_name, role), n in NORTH.items():
            for _ in range(n):
                respond(
                    session,
                    instrument,
                    north,
                    team,
                    round_name,
                    random_answers(instrument, rng, lean=rng.choice((2, 3, 4)), na_rate=0.05),
                    role,
                )
        south = make_org(session, "South", {"Only": None})
        make_round(session, south, "S1", instrument=instrument)
        for _ in range(6):
            respond(session, instrument, south, "Only", "S1", random_answers(instrument, rng))
    return {"north": north, "south": south}
