"""Data access for action plans (db/action_models.py). Keyword-only functions that take a session and never
commit: the caller's transaction is the user's action."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from db.account_models import Account
from db.action_models import ActionFollowUp, ActionItem, ActionNote, ActionTeam, FollowUpTeam
from db.engine import changed_rows
from db.locking import locked

# What update_action may change; everything else of an action is fixed once it is made.
CHANGEABLE = frozenset({"description", "owner", "due_on", "status", "started_at", "finished_at"})


def add_action(
    session: Session,
    *,
    organisation_id: int,
    intervention_id: int | None,
    theme: str | None,
    element: int | None,
    kind: str,
    description: str,
    owner: str | None,
    due_on: date | None,
    status: str,
    instrument_hash: str,
    team_ids: Iterable[int],
    by: int | None,
    at: datetime,
    origin_workshop_action_id: int | None = None,
    origin_workshop_id: int | None = None,
    started_at: datetime | None = None,
    finished_at: datetime | None = None,
) -> ActionItem:
    """A new action (version 1) with its teams (none: the whole organisation)."""
    row = ActionItem(
        organisation_id=organisation_id,
        intervention_id=intervention_id,
        theme=theme,
        element=element,
        kind=kind,
        description=description,
        owner=owner,
        due_on=due_on,
        status=status,
        instrument_hash=instrument_hash,
        origin_workshop_action_id=origin_workshop_action_id,
        origin_workshop_id=origin_workshop_id,
        created_by=by,
        created_at=at,
        updated_by=by,
        updated_at=at,
        started_at=started_at,
        finished_at=finished_at,
        version=1,
    )
    session.add(row)
    session.flush()
    session.add_all(ActionTeam(action_id=row.id, team_id=team_id) for team_id in dict.fromkeys(team_ids))
    session.flush()
    return row


def get_action(session: Session, action_id: int, *, for_update: bool = False) -> ActionItem | None:
    """The action; `for_update` locks its row until the transaction ends (and reads it afresh)."""
    query = select(ActionItem).where(ActionItem.id == action_id)
    if for_update:
        query = locked(query)
    return session.scalar(query)


def list_actions(
    session: Session,
    *,
    organisation_id: int,
    statuses: Collection[str] | None = None,
    theme: str | None = None,
    element: int | None = None,
    organisation_wide: bool = False,
) -> list[ActionItem]:
    """The organisation's actions in the order they were made; `statuses`, `theme` and `element` narrow them,
    `organisation_wide` keeps only those about the whole organisation (no team rows)."""
    query = select(ActionItem).where(ActionItem.organisation_id == organisation_id).order_by(ActionItem.id)
    if statuses is not None:
        query = query.where(ActionItem.status.in_(sorted(statuses)))
    if theme is not None:
        query = query.where(ActionItem.theme == theme)
    if element is not None:
        query = query.where(ActionItem.element == element)
    if organisation_wide:
        query = query.where(~exists().where(ActionTeam.action_id == ActionItem.id))
    return list(session.scalars(query))


def teams_of(session: Session, action_ids: Collection[int]) -> dict[int, tuple[int, ...]]:
    """Each action's team ids (empty: the whole organisation)."""
    out: dict[int, list[int]] = {action_id: [] for action_id in action_ids}
    if action_ids:
        query = (
            select(ActionTeam.action_id, ActionTeam.team_id)
            .where(ActionTeam.action_id.in_(sorted(action_ids)))
            .order_by(ActionTeam.action_id, ActionTeam.team_id)
        )
        for action_id, team_id in session.execute(query):
            out[action_id].append(team_id)
    return {action_id: tuple(teams) for action_id, teams in out.items()}


def update_action(
    session: Session, *, action_id: int, seen_version: int, values: Mapping[str, Any], by: int | None, at: datetime
) -> bool:
    """Change the action if it is still at `seen_version`, and count the version on; False when another change
    came first (nothing is written then). One UPDATE ... WHERE version = :seen, so on PostgreSQL a change
    committed meanwhile makes it match no row, and on SQLite the writers take turns."""
    unknown = set(values) - CHANGEABLE
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    result = session.execute(
        update(ActionItem)
        .where(ActionItem.id == action_id, ActionItem.version == seen_version)
        .values(**values, updated_by=by, updated_at=at, version=ActionItem.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()  # a row loaded before must be read again, with its new version
    return changed_rows(result) == 1


def add_note(session: Session, *, action_id: int, text: str, by: int | None, at: datetime) -> ActionNote:
    row = ActionNote(action_id=action_id, text=text, created_by=by, created_at=at)
    session.add(row)
    session.flush()
    return row


def notes_of(session: Session, action_id: int) -> list[ActionNote]:
    """The action's notes, newest first."""
    query = (
        select(ActionNote)
        .where(ActionNote.action_id == action_id)
        .order_by(ActionNote.created_at.desc(), ActionNote.id.desc())
    )
    return list(session.scalars(query))


def notes_of_actions(session: Session, action_ids: Collection[int]) -> list[ActionNote]:
    """The notes of many actions, by action and then oldest first (for a file)."""
    if not action_ids:
        return []
    query = (
        select(ActionNote)
        .where(ActionNote.action_id.in_(sorted(action_ids)))
        .order_by(ActionNote.action_id, ActionNote.created_at, ActionNote.id)
    )
    return list(session.scalars(query))


def note_counts(session: Session, action_ids: Collection[int]) -> dict[int, int]:
    out = dict.fromkeys(action_ids, 0)
    if action_ids:
        query = select(ActionNote.action_id).where(ActionNote.action_id.in_(sorted(action_ids)))
        for action_id in session.scalars(query):
            out[action_id] += 1
    return out


def promoted(session: Session, workshop_action_ids: Collection[int]) -> dict[int, int]:
    """Plan action ids by the workshop action each was promoted from."""
    if not workshop_action_ids:
        return {}
    query = select(ActionItem.origin_workshop_action_id, ActionItem.id).where(
        ActionItem.origin_workshop_action_id.in_(sorted(workshop_action_ids))
    )
    return {origin: action_id for origin, action_id in session.execute(query) if origin is not None}


def usernames(session: Session, account_ids: Iterable[int | None]) -> dict[int, str]:
    """The usernames of the accounts that made or changed something (deleted accounts are left out)."""
    ids = sorted({account_id for account_id in account_ids if account_id is not None})
    if not ids:
        return {}
    query = select(Account.id, Account.username).where(Account.id.in_(ids))
    return {account_id: name for account_id, name in session.execute(query) if account_id is not None}


# --- follow-up rounds ---------------------------------------------------------------------------------------


def add_follow_up(
    session: Session,
    *,
    action_id: int,
    intervention_id: int | None,
    form_id: str | None,
    opens_on: date,
    closes_on: date,
    team_ids: Iterable[int],
    by: int | None,
    at: datetime,
) -> ActionFollowUp:
    row = ActionFollowUp(
        action_id=action_id,
        intervention_id=intervention_id,
        form_id=form_id,
        opens_on=opens_on,
        closes_on=closes_on,
        status="scheduled",
        created_by=by,
        created_at=at,
    )
    session.add(row)
    session.flush()
    session.add_all(FollowUpTeam(follow_up_id=row.id, team_id=team_id) for team_id in dict.fromkeys(team_ids))
    session.flush()
    return row


def get_follow_up(session: Session, follow_up_id: int, *, for_update: bool = False) -> ActionFollowUp | None:
    query = select(ActionFollowUp).where(ActionFollowUp.id == follow_up_id)
    if for_update:
        query = locked(query)
    return session.scalar(query)


def follow_ups_of(session: Session, action_ids: Collection[int]) -> dict[int, list[ActionFollowUp]]:
    """Each action's follow-ups, in the order of their first day."""
    out: dict[int, list[ActionFollowUp]] = defaultdict(list)
    if action_ids:
        query = (
            select(ActionFollowUp)
            .where(ActionFollowUp.action_id.in_(sorted(action_ids)))
            .order_by(ActionFollowUp.opens_on, ActionFollowUp.id)
        )
        for row in session.scalars(query):
            out[row.action_id].append(row)
    return {action_id: out.get(action_id, []) for action_id in action_ids}


def follow_up_teams(session: Session, follow_up_ids: Collection[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = {follow_up_id: [] for follow_up_id in follow_up_ids}
    if follow_up_ids:
        query = (
            select(FollowUpTeam.follow_up_id, FollowUpTeam.team_id)
            .where(FollowUpTeam.follow_up_id.in_(sorted(follow_up_ids)))
            .order_by(FollowUpTeam.follow_up_id, FollowUpTeam.team_id)
        )
        for follow_up_id, team_id in session.execute(query):
            out[follow_up_id].append(team_id)
    return {follow_up_id: tuple(teams) for follow_up_id, teams in out.items()}


def scheduled_follow_ups(
    session: Session, *, organisation_ids: Collection[int] | None, opens_by: date
) -> list[tuple[ActionFollowUp, ActionItem]]:
    """Follow-ups not started nor cancelled whose first day is on or before `opens_by`, with their actions,
    earliest first; `organisation_ids` None = every organisation."""
    query = (
        select(ActionFollowUp, ActionItem)
        .join(ActionItem, ActionItem.id == ActionFollowUp.action_id)
        .where(ActionFollowUp.status == "scheduled", ActionFollowUp.opens_on <= opens_by)
        .order_by(ActionFollowUp.opens_on, ActionFollowUp.id)
    )
    if organisation_ids is not None:
        query = query.where(ActionItem.organisation_id.in_(sorted(organisation_ids)))
    return [(follow_up, action) for follow_up, action in session.execute(query)]
