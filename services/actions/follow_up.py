"""Follow-up rounds of an action: a short survey round planned for a date, to see whether the theme moved.

Whoever may change the action schedules one (managers and admins): its first and last day, the teams (the
action's own, else the organisation's teams in the account's view) and the intervention. The questionnaire is
the bank's short form when that form measures what the action addresses, else the full one. An admin sees
which are due and starts each: that makes the survey round and its invitation links, shown once, exactly as
on the rounds page (services/admin/rounds.py add_round). Every function is one transaction, authorised first,
with one audit row for a change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import actions as db_actions
from db import organisations as db_organisations
from db.action_models import ActionFollowUp, ActionItem
from db.models import Intervention
from db.org_models import SurveyRound, Team
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations, visible_teams
from services.actions.rows import PAGE, authorise_teams, visible_action
from services.actions.rules import (
    DUE_SOON_DAYS,
    FOLLOW_UP_FORM,
    PlanRefused,
    Target,
    as_utc,
    check_follow_up_dates,
    covers,
    follow_up_window,
    is_due,
)
from services.admin.organisations import ROUNDS_PAGE, db_refusals
from services.admin.rounds import CreatedRound, add_round, round_period
from services.errors import InvalidInput, NotFound
from services.runtime import Runtime

__all__ = [
    "FollowUpRow",
    "StartedFollowUp",
    "cancel_follow_up",
    "due_follow_ups",
    "follow_up_form",
    "list_follow_ups",
    "schedule_follow_up",
    "start_follow_up",
]


@dataclass(frozen=True)
class FollowUpRow:
    """A follow-up round of an action: scheduled, started (its survey round exists) or cancelled."""

    id: int
    action_id: int
    organisation_id: int
    organisation: str
    target: Target
    action: str  # the action's description
    intervention_id: int | None
    intervention: str | None
    form_id: str | None  # None: the full questionnaire
    opens_on: date
    closes_on: date
    team_ids: tuple[int, ...]
    teams: tuple[str, ...]
    status: str
    round_id: int | None
    round_name: str | None
    created_at: datetime
    due: bool  # scheduled, and its first day is near or has passed


@dataclass(frozen=True)
class StartedFollowUp:
    follow_up: FollowUpRow
    created: CreatedRound  # the round and each team's invitation token: shown once


def follow_up_form(rt: Runtime, target: Target) -> str | None:
    """The short form when the current bank has it and it measures the target, else None (the full one)."""
    try:
        form = rt.form(FOLLOW_UP_FORM)
    except InvalidInput:
        return None
    return FOLLOW_UP_FORM if covers(form, target) else None


def schedule_follow_up(
    rt: Runtime,
    actor: AccountView | None,
    action_id: int,
    *,
    opens_on: date,
    closes_on: date | None = None,
    team_ids: Iterable[int] | None = None,
    intervention_id: int | None = None,
    now: datetime | None = None,
) -> FollowUpRow:
    """Plan a follow-up round of the action from `opens_on` (tomorrow at the earliest) to `closes_on` (default:
    two weeks). Teams: those given, else the action's, else every team of the organisation the account sees.
    Intervention: the one given, else the action's, else that of the organisation's latest round, else the
    organisation's only one."""
    authorise(actor, PAGE, "edit")
    assert actor is not None
    now = as_utc(now)
    opens_on, closes_on = check_follow_up_dates(opens_on, closes_on, today=now.date())
    with rt.sessions.begin() as session:
        # Locked, so the same follow-up sent twice at once is planned once.
        action = visible_action(session, actor, action_id, "edit", for_update=True)
        if action.status == "dropped":
            raise PlanRefused("follow_up_dropped_action")
        teams = _teams(session, actor, action, team_ids)
        intervention = _intervention(session, action, intervention_id)
        follow_ups = db_actions.follow_ups_of(session, [action.id])[action.id]
        if any(other.status == "scheduled" and other.opens_on == opens_on for other in follow_ups):
            raise PlanRefused("follow_up_exists")
        form_id = follow_up_form(rt, Target(action.theme, action.element))
        row = db_actions.add_follow_up(
            session,
            action_id=action.id,
            intervention_id=intervention,
            form_id=form_id,
            opens_on=opens_on,
            closes_on=closes_on,
            team_ids=teams,
            by=actor.id,
            at=now,
        )
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_follow_up_scheduled",
            at=now,
            detail={
                "organisation_id": action.organisation_id,
                "action_id": action.id,
                "follow_up_id": row.id,
                "opens_on": opens_on.isoformat(),
                "closes_on": closes_on.isoformat(),
                "team_ids": list(teams),
                "form": form_id,
            },
        )
        return _rows(session, [(row, action)], now.date())[0]


def cancel_follow_up(
    rt: Runtime, actor: AccountView | None, follow_up_id: int, *, now: datetime | None = None
) -> FollowUpRow:
    """Cancel a follow-up that has not been started (a started one is a survey round: close it there)."""
    authorise(actor, PAGE, "edit")
    assert actor is not None
    now = as_utc(now)
    with rt.sessions.begin() as session:
        row, action = _follow_up(session, actor, follow_up_id, "edit")
        if row.status != "scheduled":
            raise PlanRefused("follow_up_not_scheduled")
        row.status = "cancelled"
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_follow_up_cancelled",
            at=now,
            detail={"organisation_id": action.organisation_id, "action_id": action.id, "follow_up_id": row.id},
        )
        session.flush()
        return _rows(session, [(row, action)], now.date())[0]


def list_follow_ups(
    rt: Runtime, actor: AccountView | None, action_id: int, *, today: date | None = None
) -> list[FollowUpRow]:
    """The action's follow-ups, by first day."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        action = visible_action(session, actor, action_id, "view")
        rows = db_actions.follow_ups_of(session, [action.id])[action.id]
        return _rows(session, [(row, action) for row in rows], today or datetime.now(UTC).date())


def due_follow_ups(
    rt: Runtime, actor: AccountView | None, *, today: date | None = None, within_days: int = DUE_SOON_DAYS
) -> list[FollowUpRow]:
    """For admins: scheduled follow-ups whose first day is within `within_days` or has passed, earliest first,
    in every organisation the account may see."""
    authorise(actor, ROUNDS_PAGE, "view")
    today = today or datetime.now(UTC).date()
    with rt.sessions.begin() as session:
        pairs = db_actions.scheduled_follow_ups(
            session, organisation_ids=visible_organisations(actor), opens_by=today + timedelta(days=within_days)
        )
        return _rows(session, pairs, today)


def start_follow_up(
    rt: Runtime, actor: AccountView | None, follow_up_id: int, *, name: str, now: datetime | None = None
) -> StartedFollowUp:
    """Make the follow-up's survey round (admins): named `name`, for its teams, on its questionnaire, from its
    first to its last day (moved on as a whole when its first day has passed). Its invitation tokens are in
    the result, once. Refused (the rounds page's reasons) as a round would be; PlanRefused when it is not
    scheduled any more (started by another admin meanwhile, or cancelled)."""
    authorise(actor, ROUNDS_PAGE, "create")
    now = as_utc(now)
    with rt.sessions.begin() as session, db_refusals():
        # Locked: two admins starting it at once make one round.
        row = (
            db_actions.get_follow_up(session, follow_up_id, for_update=True) if isinstance(follow_up_id, int) else None
        )
        action = db_actions.get_action(session, row.action_id) if row is not None else None
        if row is None or action is None:
            raise NotFound("follow_up")
        authorise(actor, ROUNDS_PAGE, "create", action.organisation_id)
        if row.status != "scheduled":
            raise PlanRefused("follow_up_not_scheduled")
        if row.intervention_id is None:
            raise PlanRefused("follow_up_needs_intervention")
        opens_on, closes_on = follow_up_window(row.opens_on, row.closes_on, today=now.date())
        opens_at, closes_at = round_period(opens_on, closes_on)
        try:
            instrument = rt.form(row.form_id)
        except InvalidInput:  # the current bank no longer has that form: the full questionnaire
            instrument = rt.instrument
        teams = db_actions.follow_up_teams(session, [row.id])[row.id]
        created = add_round(
            session,
            actor,
            action.organisation_id,
            intervention_id=row.intervention_id,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            team_ids=teams,
            instrument_hash=instrument.content_hash,
            now=now,
            origin={"action_id": action.id, "follow_up_id": row.id},
        )
        row.status, row.round_id, row.started_at = "started", created.round.id, now
        session.flush()
        return StartedFollowUp(_rows(session, [(row, action)], now.date())[0], created)


# --- helpers ------------------------------------------------------------------------------------------------


def _follow_up(
    session: Session, actor: AccountView | None, follow_up_id: object, action: str
) -> tuple[ActionFollowUp, ActionItem]:
    row = (
        db_actions.get_follow_up(session, follow_up_id, for_update=True)
        if isinstance(follow_up_id, int) and not isinstance(follow_up_id, bool)
        else None
    )
    if row is None:
        raise NotFound("follow_up")
    return row, visible_action(session, actor, row.action_id, action)


def _teams(session: Session, actor: AccountView, action: ActionItem, team_ids: Iterable[int] | None) -> tuple[int, ...]:
    own = {team.id for team in db_organisations.list_teams(session, organisation_id=action.organisation_id)}
    if team_ids is not None:
        teams = tuple(dict.fromkeys(team_ids))
        if any(isinstance(t, bool) or t not in own for t in teams):
            raise PlanRefused("team_unknown")
    else:
        teams = db_actions.teams_of(session, [action.id])[action.id]
        if not teams:
            in_scope = visible_teams(actor, action.organisation_id)
            teams = tuple(sorted(t for t in own if in_scope is None or t in in_scope))
    if not teams:
        raise PlanRefused("follow_up_no_teams")
    authorise_teams(actor, "edit", action.organisation_id, teams)
    return teams


def _intervention(session: Session, action: ActionItem, intervention_id: int | None) -> int:
    chosen = intervention_id if intervention_id is not None else action.intervention_id
    if chosen is None:
        rounds = db_organisations.list_rounds(session, organisation_id=action.organisation_id)
        chosen = rounds[-1].intervention_id if rounds else None
    if chosen is None:
        own = db_organisations.list_organisation_interventions(session, organisation_id=action.organisation_id)
        if len(own) != 1:
            raise PlanRefused("follow_up_needs_intervention")
        chosen = own[0].id
    intervention = session.get(Intervention, chosen) if isinstance(chosen, int) else None
    if intervention is None or intervention.organisation_id not in (None, action.organisation_id):
        raise PlanRefused("intervention_unknown")
    return intervention.id


def _rows(session: Session, pairs: list[tuple[ActionFollowUp, ActionItem]], today: date) -> list[FollowUpRow]:
    teams = db_actions.follow_up_teams(session, [row.id for row, _action in pairs])
    names = {
        team.id: team.name
        for team in session.query(Team).filter(Team.id.in_(sorted({t for ids in teams.values() for t in ids})))
    }
    out = []
    for row, action in pairs:
        organisation = db_organisations.get_organisation(session, organisation_id=action.organisation_id)
        intervention = session.get(Intervention, row.intervention_id) if row.intervention_id else None
        survey_round = session.get(SurveyRound, row.round_id) if row.round_id else None
        out.append(
            FollowUpRow(
                row.id,
                action.id,
                action.organisation_id,
                organisation.name if organisation else "",
                Target(action.theme, action.element),
                action.description,
                row.intervention_id,
                intervention.name if intervention else None,
                row.form_id,
                row.opens_on,
                row.closes_on,
                teams[row.id],
                tuple(names.get(t, f"#{t}") for t in teams[row.id]),
                row.status,
                row.round_id,
                survey_round.name if survey_round else None,
                row.created_at,
                row.status == "scheduled" and is_due(row.opens_on, today=today),
            )
        )
    return out
