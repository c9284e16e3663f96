"""What the dashboard's filters offer an account, and how far its open rounds have come.

Everything here is already scoped: an account limited to some teams is offered only those teams, and
an open round reports per team only whether k responses are in yet, never a count or an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.organisations import get_organisation, list_organisations, list_teams
from questions.model import localise
from services.accounts.auth import AccountView
from services.accounts.authorisation import can, visible_organisations, visible_teams
from services.dashboard.data import DashboardContext, aware
from services.runtime import Runtime


@dataclass(frozen=True)
class Option:
    id: int | str
    label: str


@dataclass(frozen=True)
class RoundOption:
    id: int
    name: str
    intervention_id: int
    opens_at: datetime
    closes_at: datetime
    is_open: bool  # not closed yet: no results until it closes


@dataclass(frozen=True)
class FilterOptions:
    teams: tuple[Option, ...]
    interventions: tuple[Option, ...]
    rounds: tuple[RoundOption, ...]
    roles: tuple[Option, ...]
    all_teams_allowed: bool  # False for an account limited to some teams


@dataclass(frozen=True)
class OpenRoundTeam:
    id: int
    name: str
    enough: bool  # at least k responses so far


@dataclass(frozen=True)
class OpenRound:
    id: int
    name: str
    closes_at: datetime
    enough: bool
    teams: tuple[OpenRoundTeam, ...]


def organisations_for(rt: Runtime, account: AccountView | None) -> list[Option]:
    """The organisations `account` may see on the dashboard, by name."""
    if not can(account, "dashboard", "view"):
        return []
    visible = visible_organisations(account)
    with rt.sessions.begin() as session:
        rows = list_organisations(session)
        found = [Option(o.id, o.name) for o in rows if visible is None or o.id in visible]
    return sorted(found, key=lambda o: (o.label.casefold(), o.id))


def default_team(rt: Runtime, account: AccountView | None, organisation_id: int) -> int | None:
    """The team an account limited to some teams starts on (its first by name); None for the others."""
    allowed = visible_teams(account, organisation_id)
    if allowed is None:
        return None
    with rt.sessions.begin() as session:
        if get_organisation(session, organisation_id=organisation_id) is None:
            return None
        teams = sorted(
            (t for t in list_teams(session, organisation_id=organisation_id) if t.id in allowed),
            key=lambda t: (t.name.casefold(), t.id),
        )
    return teams[0].id if teams else None


def filter_options(ctx: DashboardContext, account: AccountView | None) -> FilterOptions:
    """The choices of each filter for this organisation, as far as `account` may see."""
    allowed = visible_teams(account, ctx.organisation.id)
    teams = tuple(
        Option(t.id, t.name)
        for t in sorted(ctx.teams, key=lambda t: (t.name.casefold(), t.id))
        if allowed is None or t.id in allowed
    )
    rounds = sorted([*ctx.rounds, *ctx.open_rounds], key=lambda r: (r.opens_at, r.id))
    open_ids = {r.id for r in ctx.open_rounds}
    interventions = tuple(
        Option(i, ctx.intervention_names[i]) for i in dict.fromkeys(r.intervention_id for r in rounds)
    )
    roles = tuple(Option(role.id, localise(role.name, ctx.language)) for role in ctx.rt.instrument.roles)
    return FilterOptions(
        teams=teams,
        interventions=interventions,
        rounds=tuple(
            RoundOption(r.id, r.name, r.intervention_id, r.opens_at, r.closes_at, r.id in open_ids) for r in rounds
        ),
        roles=roles,
        all_teams_allowed=allowed is None,
    )


def intervention_of_choice(ctx: DashboardContext) -> int | None:
    """The intervention the filters chose, directly or through a chosen round (None: all)."""
    if ctx.filters.intervention_id is not None or ctx.filters.round_id is None:
        return ctx.filters.intervention_id
    return next((r.intervention_id for r in [*ctx.rounds, *ctx.open_rounds] if r.id == ctx.filters.round_id), None)


def open_round_status(ctx: DashboardContext, account: AccountView | None) -> tuple[OpenRound, ...]:
    """Per round now open (of the chosen intervention, or of the chosen round's), whether k responses are in
    yet: a chosen closed round still shows the open rounds of its intervention.

    Rounds that have not opened yet are left out; rounds without any team the account may see too.
    """
    k = ctx.organisation.min_group_size
    allowed = visible_teams(account, ctx.organisation.id)
    names = {t.id: t.name for t in ctx.teams}
    chosen_team, chosen_round = ctx.filters.team_id, ctx.filters.round_id
    intervention = intervention_of_choice(ctx)
    open_ids = {r.id for r in ctx.open_rounds}
    status = []
    for survey_round in ctx.open_rounds:
        if aware(survey_round.opens_at) > ctx.now:
            continue
        if chosen_round in open_ids and survey_round.id != chosen_round:
            continue  # an open round chosen: that one only
        if intervention not in (None, survey_round.intervention_id):
            continue
        invited = sorted(ctx.invited.get(survey_round.id, set()), key=lambda t: (names.get(t, "").casefold(), t))
        teams = tuple(
            OpenRoundTeam(t, names.get(t, str(t)), ctx.open_counts.get((t, survey_round.id), 0) >= k)
            for t in invited
            if (allowed is None or t in allowed) and (chosen_team is None or t == chosen_team)
        )
        if not teams:
            continue
        # The whole round only for accounts that may see the whole organisation.
        total = sum(ctx.open_counts.get((t, survey_round.id), 0) for t in invited)
        if allowed is None and chosen_team is None:
            enough = total >= k
        else:
            enough = bool(teams) and all(team.enough for team in teams)
        status.append(OpenRound(survey_round.id, survey_round.name, survey_round.closes_at, enough, teams))
    return tuple(status)
