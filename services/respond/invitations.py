"""Team invitation links: a response counts toward a team's group results only through one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from db import organisations as db_organisations
from db.models import Intervention
from db.org_models import SurveyRound
from services.errors import InvalidInput, NotFound
from services.runtime import Runtime

MAX_TOKEN_LENGTH = 64


@dataclass(frozen=True)
class Invitation:
    token: str
    organisation_id: int
    organisation: str
    team_id: int
    team: str
    round_id: int
    round_name: str
    intervention: str
    instrument_hash: str
    min_group_size: int
    opens_at: datetime
    closes_at: datetime
    is_open: bool


def check_invitation(rt: Runtime, token: str | None, *, now: datetime | None = None) -> Invitation:
    """What an invitation link stands for; NotFound for a wrong or withdrawn link."""
    with rt.sessions.begin() as session:
        return resolve(session, token, now=now)


def resolve(session: Session, token: str | None, *, now: datetime | None = None) -> Invitation:
    """The invitation inside a caller's transaction."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound("invitation")
    found = db_organisations.find_invitation(session, token=token)
    if found is None:
        raise NotFound("invitation")
    survey_round, team, organisation = found
    intervention = session.get(Intervention, survey_round.intervention_id)
    now = now or datetime.now(UTC)
    return Invitation(
        token,
        organisation.id,
        organisation.name,
        team.id,
        team.name,
        survey_round.id,
        survey_round.name,
        intervention.name if intervention else "",
        survey_round.instrument_hash,
        organisation.min_group_size,
        survey_round.opens_at,
        survey_round.closes_at,
        survey_round.opens_at <= now < survey_round.closes_at,
    )


def require_open(invitation: Invitation) -> Invitation:
    if not invitation.is_open:
        raise InvalidInput("invite_not_open")
    return invitation


def round_is_open(session: Session, round_id: int, *, now: datetime | None = None) -> bool:
    """Whether a round still takes responses (checked again at submit time)."""
    survey_round = session.get(SurveyRound, round_id)
    now = now or datetime.now(UTC)
    return survey_round is not None and survey_round.opens_at <= now < survey_round.closes_at
