"""Data access for organisations, teams and survey rounds with their invitation links.

Keyword-only functions that take a Session and never commit (the service owns the transaction).
Invitation tokens are returned once, when made; only their sha256 hex is stored, so a lost
link can only be replaced (regenerate_invitation), never shown again.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.errors import DuplicateName, GroupSizeTooSmall, InvalidRecord, RecordNotFound
from db.locking import locked
from db.models import Intervention
from db.org_models import MIN_GROUP_SIZE_FLOOR, Organisation, RoundTeam, SurveyRound, Team

__all__ = [
    "INVITATION_TOKEN_BYTES",
    "close_round",
    "count_teams",
    "create_organisation",
    "create_round",
    "create_team",
    "find_invitation",
    "get_organisation",
    "hash_invitation_token",
    "list_organisation_interventions",
    "list_organisations",
    "list_round_teams",
    "list_rounds",
    "list_teams",
    "regenerate_invitation",
    "set_team_size",
    "update_min_group_size",
]

# 24 random bytes = 192 bits, 32 URL-safe characters: far beyond guessing.
INVITATION_TOKEN_BYTES = 24


def hash_invitation_token(token: str) -> str:
    """The sha256 hex stored for an invitation token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- organisations ------------------------------------------------------------------------


def create_organisation(
    session: Session, *, name: str, min_group_size: int = 5, comment_min_group_size: int = 10
) -> Organisation:
    """Add an organisation with its minimum group sizes (k for aggregates, and for comments).

    Raises GroupSizeTooSmall when min_group_size < 3 or comment_min_group_size < min_group_size,
    DuplicateName when the name is taken, InvalidRecord for an empty name.
    """
    name = _required_name(name, "organisation")
    _check_group_sizes(min_group_size, comment_min_group_size)
    organisation = Organisation(name=name, min_group_size=min_group_size, comment_min_group_size=comment_min_group_size)
    _add_unique(session, organisation, kind="organisation", name=name)
    return organisation


def list_organisations(session: Session, *, ids: Collection[int] | None = None) -> list[Organisation]:
    """Organisations sorted by name; only those in `ids` when given (a manager's scope)."""
    query = select(Organisation).order_by(Organisation.name, Organisation.id)
    if ids is not None:
        query = query.where(Organisation.id.in_(list(ids)))
    return list(session.scalars(query))


def get_organisation(session: Session, *, organisation_id: int, for_update: bool = False) -> Organisation | None:
    """The organisation with this id, if any; `for_update` locks its row until the transaction ends."""
    if not for_update:
        return session.get(Organisation, organisation_id)
    return session.scalar(locked(select(Organisation).where(Organisation.id == organisation_id)))


def update_min_group_size(
    session: Session,
    *,
    organisation_id: int,
    min_group_size: int,
    comment_min_group_size: int | None = None,
) -> Organisation:
    """Change an organisation's k (and its comment minimum, kept when None).

    Raises RecordNotFound, or GroupSizeTooSmall as create_organisation does.
    """
    organisation = _organisation(session, organisation_id)
    if comment_min_group_size is None:
        comment_min_group_size = organisation.comment_min_group_size
    _check_group_sizes(min_group_size, comment_min_group_size)
    organisation.min_group_size = min_group_size
    organisation.comment_min_group_size = comment_min_group_size
    session.flush()
    return organisation


# --- teams --------------------------------------------------------------------------------


def create_team(session: Session, *, organisation_id: int, name: str, size: int | None = None) -> Team:
    """Add a team to an organisation; `size` is its headcount, if known.

    Raises RecordNotFound for an unknown organisation, DuplicateName when the organisation
    already has a team of that name, InvalidRecord for an empty name or a size below 1.
    """
    name = _required_name(name, "team")
    _check_team_size(size)
    _organisation(session, organisation_id)
    team = Team(organisation_id=organisation_id, name=name, size=size)
    _add_unique(session, team, kind="team", name=name)
    return team


def list_teams(session: Session, *, organisation_id: int) -> list[Team]:
    """The organisation's teams sorted by name."""
    query = select(Team).where(Team.organisation_id == organisation_id).order_by(Team.name, Team.id)
    return list(session.scalars(query))


def count_teams(session: Session, *, organisation_ids: Collection[int]) -> dict[int, int]:
    """How many teams each of these organisations has (0 included)."""
    query = (
        select(Team.organisation_id, func.count(Team.id))
        .where(Team.organisation_id.in_(list(organisation_ids)))
        .group_by(Team.organisation_id)
    )
    counts = {organisation_id: 0 for organisation_id in organisation_ids}
    counts.update({organisation_id: n for organisation_id, n in session.execute(query)})
    return counts


def set_team_size(session: Session, *, team_id: int, size: int | None) -> Team:
    """Set (or with None, forget) a team's headcount. Raises RecordNotFound, InvalidRecord."""
    _check_team_size(size)
    team = session.get(Team, team_id)
    if team is None:
        raise RecordNotFound("team", team_id)
    team.size = size
    session.flush()
    return team


# --- interventions of an organisation -----------------------------------------------------


def list_organisation_interventions(
    session: Session, *, organisation_id: int, active_only: bool = True
) -> list[Intervention]:
    """The organisation's own interventions (rows, for their ids), sorted case-insensitively."""
    query = select(Intervention).where(Intervention.organisation_id == organisation_id)
    if active_only:
        query = query.where(Intervention.active.is_(True))
    return sorted(session.scalars(query), key=lambda row: (row.name.casefold(), row.name, row.id))


# --- rounds and invitations ---------------------------------------------------------------


def create_round(
    session: Session,
    *,
    organisation_id: int,
    intervention_id: int,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    instrument_hash: str,
    team_ids: Iterable[int],
) -> tuple[SurveyRound, dict[int, str]]:
    """Add a survey round inviting `team_ids`; returns it with each team's invitation token.

    The tokens are returned only here (the caller shows or sends the links); only their hashes
    are stored. The intervention must be the organisation's own or one of the open list.
    Raises RecordNotFound for an unknown organisation or intervention, InvalidRecord for an
    empty name or team list, a team of another organisation, or closes_at not after opens_at.
    """
    name = _required_name(name, "round")
    teams = list(dict.fromkeys(team_ids))
    if not teams:
        raise InvalidRecord("a round needs at least one team")
    if closes_at <= opens_at:
        raise InvalidRecord("a round must close after it opens")
    if not instrument_hash:
        raise InvalidRecord("a round needs the instrument hash of its question bank")
    _organisation(session, organisation_id)
    intervention = session.get(Intervention, intervention_id)
    if intervention is None:
        raise RecordNotFound("intervention", intervention_id)
    if intervention.organisation_id not in (None, organisation_id):
        raise InvalidRecord(f"intervention {intervention_id} belongs to another organisation")
    own_teams = set(session.scalars(select(Team.id).where(Team.organisation_id == organisation_id, Team.id.in_(teams))))
    strangers = [team_id for team_id in teams if team_id not in own_teams]
    if strangers:
        raise InvalidRecord(f"teams {strangers} are not teams of organisation {organisation_id}")
    survey_round = SurveyRound(
        organisation_id=organisation_id,
        intervention_id=intervention_id,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        instrument_hash=instrument_hash,
    )
    session.add(survey_round)
    session.flush()
    tokens: dict[int, str] = {}
    for team_id in teams:
        tokens[team_id] = _new_token()
        session.add(
            RoundTeam(
                round_id=survey_round.id,
                team_id=team_id,
                token_hash=hash_invitation_token(tokens[team_id]),
            )
        )
    session.flush()
    return survey_round, tokens


def list_rounds(session: Session, *, organisation_id: int) -> list[SurveyRound]:
    """The organisation's rounds in the order they open (the order of trends)."""
    query = (
        select(SurveyRound)
        .where(SurveyRound.organisation_id == organisation_id)
        .order_by(SurveyRound.opens_at, SurveyRound.id)
    )
    return list(session.scalars(query))


def close_round(session: Session, *, round_id: int, at: datetime) -> SurveyRound:
    """Let a round end at `at`: its invitation links stop working from then on.

    A round that had not opened yet opens and closes at `at`, so it never closes before it opens.
    Raises RecordNotFound.
    """
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise RecordNotFound("round", round_id)
    survey_round.closes_at = at
    survey_round.opens_at = min(survey_round.opens_at, at)
    session.flush()
    return survey_round


def list_round_teams(session: Session, *, round_id: int) -> list[Team]:
    """The teams invited to a round, sorted by name."""
    query = (
        select(Team)
        .join(RoundTeam, RoundTeam.team_id == Team.id)
        .where(RoundTeam.round_id == round_id)
        .order_by(Team.name, Team.id)
    )
    return list(session.scalars(query))


def find_invitation(session: Session, *, token: str) -> tuple[SurveyRound, Team, Organisation] | None:
    """The round, team and organisation an invitation token belongs to, if any.

    Whether the round is open now is for the caller to check (opens_at, closes_at).
    """
    query = (
        select(SurveyRound, Team, Organisation)
        .join(RoundTeam, RoundTeam.round_id == SurveyRound.id)
        .join(Team, Team.id == RoundTeam.team_id)
        .join(Organisation, Organisation.id == SurveyRound.organisation_id)
        .where(RoundTeam.token_hash == hash_invitation_token(token))
    )
    found = session.execute(query).first()
    return None if found is None else (found[0], found[1], found[2])


def regenerate_invitation(session: Session, *, round_id: int, team_id: int) -> str:
    """Replace a team's invitation token for a round; the old link stops working.

    Raises RecordNotFound when the team was not invited to the round.
    """
    invitation = session.scalar(select(RoundTeam).where(RoundTeam.round_id == round_id, RoundTeam.team_id == team_id))
    if invitation is None:
        raise RecordNotFound(f"invitation of team {team_id} to round", round_id)
    token = _new_token()
    invitation.token_hash = hash_invitation_token(token)
    session.flush()
    return token


# --- helpers ------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(INVITATION_TOKEN_BYTES)


def _organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise RecordNotFound("organisation", organisation_id)
    return organisation


def _required_name(name: str, kind: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidRecord(f"a {kind} needs a name")
    return name


def _check_group_sizes(min_group_size: int, comment_min_group_size: int) -> None:
    if min_group_size < MIN_GROUP_SIZE_FLOOR:
        raise GroupSizeTooSmall(f"the minimum group size must be at least {MIN_GROUP_SIZE_FLOOR}, got {min_group_size}")
    if comment_min_group_size < min_group_size:
        raise GroupSizeTooSmall(
            f"the minimum group size for comments ({comment_min_group_size}) must be at least "
            f"the minimum group size ({min_group_size})"
        )


def _check_team_size(size: int | None) -> None:
    if size is not None and size < 1:
        raise InvalidRecord(f"a team size must be at least 1, got {size}")


def _add_unique(session: Session, row: Organisation | Team, *, kind: str, name: str) -> None:
    # The savepoint keeps the caller's transaction usable when the unique constraint fires
    # (also when a concurrent insert of the same name wins the race).
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if not _name_taken(session, row):
            raise
        raise DuplicateName(kind, name) from None


def _name_taken(session: Session, row: Organisation | Team) -> bool:
    if isinstance(row, Organisation):
        query = select(Organisation.id).where(Organisation.name == row.name)
    else:
        query = select(Team.id).where(Team.organisation_id == row.organisation_id, Team.name == row.name)
    return session.scalar(query) is not None
