"""The action plan as other parts of the app read it: the dashboard's timeline of actions (for "what changed":
the trend of a theme with its actions on the time axis) and its PDF's list of the plan, and, in History, the
organisation's actions on the themes a professional scored low. Read-only, one transaction each.

None adds a figure: a mark is a date and a text an organisation wrote, never a count of people.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime

from db import actions as db_actions
from db import organisations as db_organisations
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_teams
from services.actions.files import plan_row
from services.actions.rows import PAGE, sees, target_label, visible_actions, visible_organisation
from services.actions.rules import Target
from services.dashboard.pdf_plan import PlanLine
from services.dashboard.what_changed import ActionOnAxis
from services.runtime import Runtime

__all__ = [
    "ActionMark",
    "PublicAction",
    "dashboard_actions",
    "dashboard_plan",
    "respondent_actions",
    "timeline",
]

# What a professional is shown: what was planned, is being done or was done (dropped actions are left out).
SHOWN_TO_RESPONDENTS = ("planned", "doing", "done")
# What the dashboard marks and its PDF lists: the plan as it stands (a dropped action is no longer part of it).
IN_THE_PLAN = ("doing", "planned", "done")


@dataclass(frozen=True)
class ActionMark:
    """An action on the dashboard's time axis: when it was made, started and finished, and the survey rounds
    started as its follow-ups (their ids, in the order they were scheduled)."""

    action_id: int
    target: Target
    kind: str
    status: str
    description: str
    team_ids: tuple[int, ...]  # empty: the whole organisation
    intervention_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    due_on: date | None
    follow_up_round_ids: tuple[int, ...]


@dataclass(frozen=True)
class PublicAction:
    """An organisation-wide action as a professional sees it: no owner, no notes, nobody's name."""

    target: Target
    kind: str
    status: str
    description: str
    due_on: date | None
    instrument_hash: str


def timeline(
    rt: Runtime, actor: AccountView | None, organisation_id: int, *, intervention_id: int | None = None
) -> tuple[ActionMark, ...]:
    """The actions of the organisation the account may see, oldest first, with their follow-up rounds; with
    `intervention_id`, those about that intervention and those about none. Three queries, whatever the count."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        organisation = visible_organisation(session, actor, organisation_id)
        rows = [
            row
            for row in db_actions.list_actions(session, organisation_id=organisation.id)
            if intervention_id is None or row.intervention_id in (None, intervention_id)
        ]
        ids = [row.id for row in rows]
        teams = db_actions.teams_of(session, ids)
        follow_ups = db_actions.follow_ups_of(session, ids)
        in_scope = visible_teams(actor, organisation.id)
        return tuple(
            ActionMark(
                row.id,
                Target(row.theme, row.element),
                row.kind,
                row.status,
                row.description,
                teams[row.id],
                row.intervention_id,
                row.created_at,
                row.started_at,
                row.finished_at,
                row.due_on,
                tuple(f.round_id for f in follow_ups[row.id] if f.round_id is not None),
            )
            for row in sorted(rows, key=lambda r: (r.created_at, r.id))
            if sees(in_scope, teams[row.id])
        )


def dashboard_actions(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    *,
    team_id: int | None = None,
    intervention_id: int | None = None,
    language: str,
) -> tuple[ActionOnAxis, ...]:
    """The timeline in the dashboard's words, for the view's team (its actions and the organisation-wide ones; None:
    every action the account sees) and intervention; dropped actions left out."""
    return tuple(
        ActionOnAxis(
            mark.action_id,
            mark.description,
            target_label(rt, mark.target, language),
            mark.target.theme,
            mark.target.element,
            mark.kind,
            mark.status,
            _day(mark.started_at or mark.created_at),
            mark.started_at is not None,
            _day(mark.finished_at) if mark.finished_at else None,
            mark.due_on,
        )
        for mark in timeline(rt, actor, organisation_id, intervention_id=intervention_id)
        if mark.status in IN_THE_PLAN and _about_team(mark.team_ids, team_id)
    )


def dashboard_plan(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    *,
    team_id: int | None = None,
    intervention_id: int | None = None,
    language: str,
) -> tuple[PlanLine, ...]:
    """The plan for the dashboard's PDF: the actions the account sees about the view's team (as dashboard_actions)
    and intervention (its actions and those about none), as the plan page orders them; dropped ones left out."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        organisation = visible_organisation(session, actor, organisation_id)
        teams = {team.id: team.name for team in db_organisations.list_teams(session, organisation_id=organisation.id)}
        actions = [
            action
            for action in visible_actions(session, actor, organisation, statuses=IN_THE_PLAN)
            if _about_team(action.team_ids, team_id)
            and (intervention_id is None or action.intervention_id in (None, intervention_id))
        ]
        rows = [(action, plan_row(rt, action, teams, {}, language)) for action in actions]
    return tuple(
        PlanLine(
            str(row["target"]),
            action.description,
            str(row["kind"]),
            action.owner or "",
            action.due_on,
            str(row["status"]),
            str(row["teams"]) if action.team_ids else "",
        )
        for action, row in rows
    )


def respondent_actions(
    rt: Runtime,
    organisation_id: int,
    *,
    themes: Collection[str] = (),
    elements: Collection[int] = (),
    intervention_id: int | None = None,
) -> tuple[PublicAction, ...]:
    """The organisation-level actions (about the whole organisation, not a team) on these themes or compassion
    elements, open ones first; with `intervention_id`, those about every intervention or about that one. No
    account: the caller must have the organisation from the person's own response that came in through an
    invitation link, and pass only the themes that person scored low."""
    if not themes and not elements:
        return ()
    with rt.sessions.begin() as session:
        rows = db_actions.list_actions(
            session, organisation_id=organisation_id, statuses=SHOWN_TO_RESPONDENTS, organisation_wide=True
        )
        chosen = [
            row
            for row in rows
            if (row.theme in set(themes) or row.element in set(elements))
            and (intervention_id is None or row.intervention_id in (None, intervention_id))
        ]
        order = {status: rank for rank, status in enumerate(("doing", "planned", "done"))}
        chosen.sort(key=lambda r: (order[r.status], r.due_on is None, r.due_on or date.max, r.id))
        return tuple(
            PublicAction(
                Target(row.theme, row.element), row.kind, row.status, row.description, row.due_on, row.instrument_hash
            )
            for row in chosen
        )


def _about_team(team_ids: tuple[int, ...], team_id: int | None) -> bool:
    return team_id is None or not team_ids or team_id in team_ids


def _day(moment: datetime) -> date:
    """The UTC day of a stored moment (SQLite gives it back without a zone: it is UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()
