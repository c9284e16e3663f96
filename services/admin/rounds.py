"""Survey rounds and their team invitation links (the rounds page).

Every function checks the actor first (authorisation.authorise), runs in one transaction and writes
one audit_log row with each change. Invitation tokens are returned once, by create_round and
regenerate_invitation, and never written to the log: only their hashes are stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from db import attribution
from db import organisations as db_organisations
from db.models import Intervention
from db.org_models import SurveyRound
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.admin.organisations import (
    ROUNDS_PAGE,
    Refused,
    TeamRow,
    clean_name,
    db_refusals,
    record_change,
    team_row,
)
from services.errors import NotFound
from services.output.cells import neutralise_cell
from services.respond import counting_rules
from services.runtime import Runtime

RoundStatus = Literal["upcoming", "open", "closed"]


@dataclass(frozen=True)
class RoundRow:
    id: int
    organisation_id: int
    name: str
    intervention: str
    opens_at: datetime
    closes_at: datetime
    status: RoundStatus
    teams: tuple[TeamRow, ...]  # invited, by name


@dataclass(frozen=True)
class TeamInvitation:
    """A team's invitation token: shown once, then only its hash exists."""

    team_id: int
    team: str
    token: str


@dataclass(frozen=True)
class CreatedRound:
    round: RoundRow
    invitations: tuple[TeamInvitation, ...]  # by team name


@dataclass(frozen=True)
class CountingNote:
    """What the counting rules (services/respond/counting_rules.py) left out or flagged for one team in one round:
    numbers of responses only, never answers."""

    team_id: int
    team: str
    over_headcount: int = 0  # not counted: the team's headcount was reached
    repeat_device: int = 0  # started by a further person on a browser that answered through the link
    device_limit: int = 0  # not counted: the browser had given its most through the link
    identical_burst: int = 0  # the most identical answer sets flagged in one burst (0: none)


def round_period(opens_on: date | None, closes_on: date | None) -> tuple[datetime, datetime]:
    """A round's times from its first and last day: from the start of the first day to the end
    of the last day, in UTC. Refused when a day is missing."""
    if opens_on is None or closes_on is None:
        raise Refused("round_dates_missing", "choose the first and the last day")
    start = datetime.combine(opens_on, time(0), UTC)
    end = datetime.combine(closes_on + timedelta(days=1), time(0), UTC)
    return start, end


def create_round(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    *,
    intervention_id: int,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    team_ids: Iterable[int],
    now: datetime | None = None,
) -> CreatedRound:
    """Add a survey round on the current question bank, inviting these teams of the organisation.

    Returns each invited team's token: the only time it exists in clear (see invitation_url).
    """
    authorise(actor, ROUNDS_PAGE, "create", organisation_id)
    with rt.sessions.begin() as session, db_refusals():
        return add_round(
            session,
            actor,
            organisation_id,
            intervention_id=intervention_id,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            team_ids=team_ids,
            instrument_hash=rt.instrument.content_hash,
            now=now,
        )


def add_round(
    session: Session,
    actor: AccountView | None,
    organisation_id: int,
    *,
    intervention_id: int,
    name: str,
    opens_at: datetime,
    closes_at: datetime,
    team_ids: Iterable[int],
    instrument_hash: str,
    now: datetime | None = None,
    origin: dict[str, object] | None = None,
) -> CreatedRound:
    """create_round's checks and writes inside the caller's transaction, on the bank or short form
    `instrument_hash`; the caller authorised the actor (a follow-up round of an action, services/actions).
    `origin` (ids only) goes into the round's audit row: what the round was made for."""
    name = clean_name(name)
    teams = list(dict.fromkeys(team_ids))
    if not teams:
        raise Refused("round_no_teams", "choose at least one team")
    if closes_at <= opens_at:
        raise Refused("round_closes_before_opens", "the last day cannot be before the first day")
    if closes_at <= (now or datetime.now(UTC)):
        raise Refused("round_closes_in_past", "the last day has passed already")
    # Locked, so two clicks on "Create" (or two tabs) cannot both pass the name check.
    if db_organisations.get_organisation(session, organisation_id=organisation_id, for_update=True) is None:
        raise NotFound("organisation")
    _check_round_parts(session, organisation_id, intervention_id, teams)
    if any(
        same.name.casefold() == name.casefold()
        for same in db_organisations.list_rounds(session, organisation_id=organisation_id)
    ):
        raise Refused("round_name_taken", f"there is already a round named '{name}'", name=name)
    survey_round, tokens = db_organisations.create_round(
        session,
        organisation_id=organisation_id,
        intervention_id=intervention_id,
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
        instrument_hash=instrument_hash,
        team_ids=teams,
    )
    record_change(
        session,
        actor,
        "round_created",
        organisation_id=organisation_id,
        round_id=survey_round.id,
        name=name,
        intervention_id=intervention_id,
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        team_ids=teams,
        **({"origin": origin} if origin else {}),
    )
    row = _round_row(session, survey_round, now)
    return CreatedRound(row, tuple(TeamInvitation(team.id, team.name, tokens[team.id]) for team in row.teams))


def list_rounds(
    rt: Runtime, actor: AccountView | None, organisation_id: int, *, now: datetime | None = None
) -> list[RoundRow]:
    """The organisation's rounds in the order they open, with their status now and invited teams."""
    authorise(actor, ROUNDS_PAGE, "view", organisation_id)
    with rt.sessions.begin() as session:
        return [
            _round_row(session, survey_round, now)
            for survey_round in db_organisations.list_rounds(session, organisation_id=organisation_id)
        ]


def regenerate_invitation(rt: Runtime, actor: AccountView | None, round_id: int, team_id: int) -> TeamInvitation:
    """A new invitation token for a team of a round; the old link stops working at once."""
    authorise(actor, ROUNDS_PAGE, "edit")
    with rt.sessions.begin() as session, db_refusals():
        survey_round = _round(session, round_id)
        authorise(actor, ROUNDS_PAGE, "edit", survey_round.organisation_id)
        token = db_organisations.regenerate_invitation(session, round_id=round_id, team_id=team_id)
        team = next(
            team for team in db_organisations.list_round_teams(session, round_id=round_id) if team.id == team_id
        )
        record_change(
            session,
            actor,
            "invitation_renewed",
            organisation_id=survey_round.organisation_id,
            round_id=round_id,
            team_id=team_id,
        )
        return TeamInvitation(team_id, team.name, token)


def close_round_now(rt: Runtime, actor: AccountView | None, round_id: int, *, now: datetime | None = None) -> RoundRow:
    """End a round now: its invitation links stop taking answers. A closed round stays closed."""
    authorise(actor, ROUNDS_PAGE, "edit")
    now = now or datetime.now(UTC)
    with rt.sessions.begin() as session, db_refusals():
        survey_round = _round(session, round_id)
        authorise(actor, ROUNDS_PAGE, "edit", survey_round.organisation_id)
        if survey_round.closes_at <= now:  # closing "now" must never reopen or extend a round
            raise Refused("round_already_closed", "this round has closed already", name=survey_round.name)
        before = survey_round.closes_at
        db_organisations.close_round(session, round_id=round_id, at=now)
        record_change(
            session,
            actor,
            "round_closed",
            organisation_id=survey_round.organisation_id,
            round_id=round_id,
            name=survey_round.name,
            closes_at_before=before.isoformat(),
            closes_at=now.isoformat(),
        )
        return _round_row(session, survey_round, now)


def counting_notes(rt: Runtime, actor: AccountView | None, round_id: int) -> tuple[CountingNote, ...]:
    """Per invited team (by name), what the counting rules left out or flagged in this round; teams with
    nothing to report are left out. Read from the audit log, where each refusal and flag was written."""
    authorise(actor, ROUNDS_PAGE, "view")
    with rt.sessions.begin() as session:
        survey_round = _round(session, round_id)
        authorise(actor, ROUNDS_PAGE, "view", survey_round.organisation_id)
        teams = {team.id: team.name for team in db_organisations.list_round_teams(session, round_id=round_id)}
        found: dict[int, dict[str, int]] = {}
        for line in attribution.audit_lines_of_round(session, round_id=round_id, actions=counting_rules.ACTIONS):
            team_id = line.detail.get("team_id")
            if team_id not in teams:
                continue
            counts = found.setdefault(team_id, {})
            field = line.action.removeprefix("response_")
            if line.action == counting_rules.IDENTICAL_BURST:
                counts[field] = max(counts.get(field, 0), int(line.detail.get("identical_answers", 0)))
            else:
                counts[field] = counts.get(field, 0) + 1
    return tuple(
        CountingNote(team_id, teams[team_id], **found[team_id])
        for team_id in sorted(found, key=lambda team_id: (teams[team_id], team_id))
    )


def round_status(opens_at: datetime, closes_at: datetime, now: datetime | None = None) -> RoundStatus:
    """Upcoming, open or closed at `now` (UTC), by the same rule the invitation links follow."""
    now = now or datetime.now(UTC)
    if closes_at <= now:
        return "closed"
    return "upcoming" if now < opens_at else "open"


def invitation_url(base_url: str, token: str) -> str:
    """The link a team opens: the app's address with ?invite=<token>."""
    return f"{base_url.rstrip('/')}/?invite={token}"


def invitation_csv(links: Iterable[tuple[str, str]], *, header: tuple[str, str] = ("team", "link")) -> bytes:
    """(team, link) rows as CSV (UTF-8 with BOM, for Excel); team names cannot run as formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows((neutralise_cell(team), link) for team, link in links)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _round(session: Session, round_id: int) -> SurveyRound:
    survey_round = session.get(SurveyRound, round_id)
    if survey_round is None:
        raise NotFound("round")
    return survey_round


def _check_round_parts(session: Session, organisation_id: int, intervention_id: int, team_ids: list[int]) -> None:
    # The db checks these too; here they get a message an admin can act on.
    intervention = session.get(Intervention, intervention_id)
    if intervention is None:
        raise NotFound("intervention")
    if intervention.organisation_id not in (None, organisation_id):
        raise Refused("intervention_of_other_organisation", "the intervention belongs to another organisation")
    own = {team.id for team in db_organisations.list_teams(session, organisation_id=organisation_id)}
    if any(team_id not in own for team_id in team_ids):
        raise Refused("team_of_other_organisation", "a chosen team belongs to another organisation")


def _round_row(session: Session, survey_round: SurveyRound, now: datetime | None) -> RoundRow:
    intervention = session.get(Intervention, survey_round.intervention_id)
    teams = tuple(team_row(team) for team in db_organisations.list_round_teams(session, round_id=survey_round.id))
    return RoundRow(
        survey_round.id,
        survey_round.organisation_id,
        survey_round.name,
        intervention.name if intervention else "",
        survey_round.opens_at,
        survey_round.closes_at,
        round_status(survey_round.opens_at, survey_round.closes_at, now),
        teams,
    )
