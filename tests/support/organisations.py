"""Organisations, teams and survey rounds that several test modules build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from db import add_intervention, create_organisation, create_round, create_team
from db.org_models import Organisation, Team
from services.admin import rounds

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # the clock of new_round


def add_two_organisations(session: Session) -> dict[str, int]:
    """Organisations north and south, each with teams a and b, inside the caller's transaction: ids by name."""
    ids: dict[str, int] = {}
    for org_name in ("north", "south"):
        org = Organisation(name=org_name)
        session.add(org)
        session.flush()
        ids[org_name] = org.id
        for team_name in ("a", "b"):
            team = Team(organisation_id=org.id, name=team_name)
            session.add(team)
            session.flush()
            ids[f"{org_name}.{team_name}"] = team.id
    return ids


@dataclass(frozen=True)
class OpenRound:
    org: int
    round: int
    teams: dict[str, int]  # team name -> id
    links: dict[str, str]  # team name -> its invitation token


def add_open_round(
    session: Session,
    *,
    instrument_hash: str,
    opens_at: datetime,
    closes_at: datetime,
    teams: Mapping[str, int | None],
    min_group_size: int | None = None,
) -> OpenRound:
    """Organisation North (k `min_group_size`, else the default) with `teams` ({name: headcount or None})
    and the intervention Online CBT, every team invited to the round Spring; inside the caller's transaction."""
    extra = {} if min_group_size is None else {"min_group_size": min_group_size}
    organisation = create_organisation(session, name="North", **extra)
    team_ids = {
        name: create_team(session, organisation_id=organisation.id, name=name, size=size).id
        for name, size in teams.items()
    }
    intervention = add_intervention(session, name="Online CBT", organisation_id=organisation.id)
    survey_round, tokens = create_round(
        session,
        organisation_id=organisation.id,
        intervention_id=intervention.id,
        name="Spring",
        opens_at=opens_at,
        closes_at=closes_at,
        instrument_hash=instrument_hash,
        team_ids=list(team_ids.values()),
    )
    return OpenRound(
        organisation.id, survey_round.id, team_ids, {name: tokens[team_id] for name, team_id in team_ids.items()}
    )


def new_round(runtime, actor, ids, *, team_ids=None, days=(0, 20), now=T0, **changes):
    """A round of ids["org"] about ids["cbt"] through the admin service: Spring, inviting teams a and b,
    open `days` after T0, with `changes` to those defaults."""
    opens_at, closes_at = rounds.round_period(T0.date() + timedelta(days=days[0]), T0.date() + timedelta(days=days[1]))
    fields = {
        "intervention_id": ids["cbt"],
        "name": "Spring",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "team_ids": [ids["a"], ids["b"]] if team_ids is None else team_ids,
        "now": now,
    } | changes
    return rounds.create_round(runtime, actor, ids["org"], **fields)
