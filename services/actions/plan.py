"""An organisation's action plan: list, create, change and note actions (adding a workshop's agreed action is in
promotion.py).

Each public function is one user action and one transaction: it authorises first (policy page "action_plan"),
and every change writes one audit row in the same
transaction. Who sees an action: an account with the whole organisation in scope sees every action of it; an
account limited to some teams sees (and changes) the actions about those teams only.

Two people changing one action at once: each change names the version it saw; the later one changes nothing
and raises ChangedMeanwhile with the action as it is now (db/actions.py update_action), on both backends.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import actions as db_actions
from db import organisations as db_organisations
from db.models import Intervention
from db.org_models import Team
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations, visible_teams
from services.actions.rows import (
    PAGE,
    ActionRow,
    NoteRow,
    TargetChoice,
    action_rows,
    authorise_teams,
    known_themes,
    resolve_target,
    target_choices,
    visible_action,
    visible_actions,
    visible_organisation,
)
from services.actions.rules import (
    DESCRIPTION_LENGTH,
    NOTE_LENGTH,
    OPEN_STATUSES,
    OWNER_LENGTH,
    PlanRefused,
    Target,
    as_utc,
    check_due_date,
    check_kind,
    check_status,
    clean_text,
    status_times,
)
from services.errors import NotFound, ServiceError
from services.runtime import Runtime

__all__ = [
    "PAGE",
    "ActionRow",
    "ChangedMeanwhile",
    "NoteRow",
    "PlanContext",
    "TargetChoice",
    "add_note",
    "change_status",
    "create_action",
    "get_action",
    "list_actions",
    "organisations",
    "plan_context",
    "update_action",
]


@dataclass(frozen=True)
class PlanContext:
    """What the plan page offers for one organisation: its teams and interventions in the account's view,
    and the targets an action can address."""

    organisation_id: int
    organisation: str
    whole_organisation: bool  # the account may act on the organisation as a whole
    teams: tuple[tuple[int, str], ...]
    interventions: tuple[tuple[int, str], ...]
    targets: tuple[TargetChoice, ...]


class ChangedMeanwhile(ServiceError):
    """Someone else changed the action after it was read for this change; nothing was stored. `current` is the
    action as it is now: the page shows it and keeps what was typed."""

    def __init__(self, current: ActionRow) -> None:
        self.current = current
        super().__init__("changed_meanwhile")


# --- reading -----------------------------------------------------------------------------------------------


def organisations(rt: Runtime, actor: AccountView | None) -> list[tuple[int, str]]:
    """(id, name) of the organisations whose plan the account may open, by name."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        return [(o.id, o.name) for o in db_organisations.list_organisations(session, ids=visible_organisations(actor))]


def plan_context(rt: Runtime, actor: AccountView | None, organisation_id: int, *, language: str) -> PlanContext:
    """The organisation's teams and interventions the account sees, and what an action can address."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        organisation = visible_organisation(session, actor, organisation_id)
        in_scope = visible_teams(actor, organisation.id)
        teams = tuple(
            (team.id, team.name)
            for team in db_organisations.list_teams(session, organisation_id=organisation.id)
            if in_scope is None or team.id in in_scope
        )
        interventions = tuple(
            (row.id, row.name)
            for row in db_organisations.list_organisation_interventions(session, organisation_id=organisation.id)
        )
        return PlanContext(
            organisation.id,
            organisation.name,
            in_scope is None,
            teams,
            interventions,
            target_choices(rt, known_themes(rt, session, organisation.id), language),
        )


def list_actions(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    *,
    statuses: Collection[str] | None = None,
    target: Target | None = None,
) -> list[ActionRow]:
    """The organisation's actions the account may see: doing, planned, done, dropped; within each the nearest
    due date first (none last)."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        return visible_actions(
            session, actor, visible_organisation(session, actor, organisation_id), statuses=statuses, target=target
        )


def get_action(rt: Runtime, actor: AccountView | None, action_id: int) -> tuple[ActionRow, tuple[NoteRow, ...]]:
    """The action and its notes, newest first; NotFound when the account may not see it."""
    authorise(actor, PAGE, "view")
    with rt.sessions.begin() as session:
        row = visible_action(session, actor, action_id, "view")
        notes = db_actions.notes_of(session, row.id)
        names = db_actions.usernames(session, (note.created_by for note in notes))
        return (
            action_rows(session, [row])[0],
            tuple(NoteRow(n.id, n.text, n.created_at, names.get(n.created_by or -1)) for n in notes),
        )


# --- changing ----------------------------------------------------------------------------------------------


def create_action(
    rt: Runtime,
    actor: AccountView | None,
    organisation_id: int,
    *,
    target: Target | str | None,
    kind: str,
    description: str,
    owner: str | None = None,
    due_on: date | None = None,
    team_ids: Iterable[int] = (),
    intervention_id: int | None = None,
    now: datetime | None = None,
) -> ActionRow:
    """A new planned action. Refused (PlanRefused): a theme not in the question bank the organisation uses or
    the current one, a due date in the past, texts too long or holding control characters, and an open
    action with the same kind, target and description (a double click, two tabs)."""
    authorise(actor, PAGE, "view")  # facilitators add to a plan only from their workshops (promote)
    teams = _ids(team_ids)
    authorise_teams(actor, "create", organisation_id, teams)
    assert actor is not None
    chosen = Target.parse(target)
    kind = check_kind(kind)
    text = clean_text(description, limit=DESCRIPTION_LENGTH, what="description")
    assert text is not None
    who = clean_text(owner, limit=OWNER_LENGTH, what="owner", required=False)
    now = as_utc(now)
    due = check_due_date(due_on, before=None, today=now.date())
    with rt.sessions.begin() as session:
        # Locked, so the same action sent twice at once is made once (the duplicate check below).
        organisation = db_organisations.get_organisation(session, organisation_id=organisation_id, for_update=True)
        if organisation is None:
            raise NotFound("organisation")
        _check_teams(session, organisation.id, teams)
        _check_intervention(session, organisation.id, intervention_id)
        chosen, instrument_hash = resolve_target(rt, known_themes(rt, session, organisation.id), chosen)
        for other in db_actions.list_actions(
            session, organisation_id=organisation.id, statuses=OPEN_STATUSES, theme=chosen.theme, element=chosen.element
        ):
            if (other.kind, other.description.casefold()) == (kind, text.casefold()) and Target(
                other.theme, other.element
            ) == chosen:
                raise PlanRefused("action_exists")
        row = db_actions.add_action(
            session,
            organisation_id=organisation.id,
            intervention_id=intervention_id,
            theme=chosen.theme,
            element=chosen.element,
            kind=kind,
            description=text,
            owner=who,
            due_on=due,
            status="planned",
            instrument_hash=instrument_hash,
            team_ids=teams,
            by=actor.id,
            at=now,
        )
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_action_created",
            at=now,
            detail={
                "organisation_id": organisation.id,
                "action_id": row.id,
                "kind": kind,
                "target": chosen.key,
                "team_ids": list(teams),
            },
        )
        return action_rows(session, [row])[0]


def update_action(
    rt: Runtime,
    actor: AccountView | None,
    action_id: int,
    *,
    seen_version: int,
    description: str,
    owner: str | None,
    due_on: date | None,
    status: str,
    now: datetime | None = None,
) -> ActionRow:
    """Change an action's description, owner, due date and status together, if nobody changed it since
    `seen_version` (else ChangedMeanwhile). Nothing changed: nothing is written."""
    authorise(actor, PAGE, "edit")
    text = clean_text(description, limit=DESCRIPTION_LENGTH, what="description")
    who = clean_text(owner, limit=OWNER_LENGTH, what="owner", required=False)
    status = check_status(status)
    if due_on is not None and (isinstance(due_on, datetime) or not isinstance(due_on, date)):
        raise PlanRefused("due_not_a_date")
    return _change(
        rt,
        actor,
        action_id,
        seen_version,
        now,
        "plan_action_updated",
        {"description": text, "owner": who, "status": status, "due_on": due_on},
    )


def change_status(
    rt: Runtime,
    actor: AccountView | None,
    action_id: int,
    *,
    seen_version: int,
    status: str,
    now: datetime | None = None,
) -> ActionRow:
    """Move an action to another status (planned, doing, done, dropped), if nobody changed it since `seen_version`."""
    authorise(actor, PAGE, "edit")
    status = check_status(status)
    return _change(rt, actor, action_id, seen_version, now, "plan_action_status_changed", {"status": status})


def add_note(
    rt: Runtime, actor: AccountView | None, action_id: int, *, text: str, now: datetime | None = None
) -> NoteRow:
    """A dated note on an action (notes are added, never changed); the version of the action stays."""
    authorise(actor, PAGE, "edit")
    assert actor is not None
    note = clean_text(text, limit=NOTE_LENGTH, what="note")
    assert note is not None
    now = as_utc(now)
    with rt.sessions.begin() as session:
        row = visible_action(session, actor, action_id, "edit")
        added = db_actions.add_note(session, action_id=row.id, text=note, by=actor.id, at=now)
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_action_note_added",
            at=now,
            detail={"organisation_id": row.organisation_id, "action_id": row.id, "note_id": added.id},
        )
        return NoteRow(added.id, added.text, added.created_at, actor.username)


# --- helpers -----------------------------------------------------------------------------------------------


def _change(
    rt: Runtime,
    actor: AccountView | None,
    action_id: int,
    seen_version: int,
    now: datetime | None,
    audit_action: str,
    asked: dict[str, Any],
) -> ActionRow:
    """Store what was `asked` if the action is still at `seen_version`. Asked for what it already holds: nothing
    to do, whatever the version (a double click, or two people setting the same status). Otherwise a change
    made since `seen_version` wins and ChangedMeanwhile says what it holds now."""
    assert actor is not None
    now = as_utc(now)
    with rt.sessions.begin() as session:
        row = visible_action(session, actor, action_id, "edit")
        changed = {key: value for key, value in asked.items() if getattr(row, key) != value}
        if not changed:
            return action_rows(session, [row])[0]
        if row.version != seen_version:
            raise ChangedMeanwhile(action_rows(session, [row])[0])
        if "due_on" in changed:
            check_due_date(changed["due_on"], before=row.due_on, today=now.date())
        before = row.status
        if "status" in changed:
            changed["started_at"], changed["finished_at"] = status_times(
                before, changed["status"], started_at=row.started_at, finished_at=row.finished_at, now=now
            )
        organisation_id = row.organisation_id
        if not db_actions.update_action(
            session, action_id=row.id, seen_version=seen_version, values=changed, by=actor.id, at=now
        ):
            current = db_actions.get_action(session, action_id)
            if current is None:
                raise NotFound("action")
            raise ChangedMeanwhile(action_rows(session, [current])[0])
        detail: dict[str, Any] = {
            "organisation_id": organisation_id,
            "action_id": action_id,
            "changed": sorted(k for k in changed if k not in ("started_at", "finished_at")),
        }
        if "status" in changed:
            detail |= {"before": before, "after": changed["status"]}
        db_accounts.add_audit(session, actor_id=actor.id, action=audit_action, at=now, detail=detail)
        updated = db_actions.get_action(session, action_id)
        assert updated is not None
        return action_rows(session, [updated])[0]


def _ids(values: Iterable[int]) -> tuple[int, ...]:
    ids = tuple(dict.fromkeys(values))
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise PlanRefused("team_unknown")
    return ids


def _check_teams(session: Session, organisation_id: int, team_ids: Collection[int]) -> None:
    for team_id in team_ids:
        team = session.get(Team, team_id)
        if team is None or team.organisation_id != organisation_id:
            raise PlanRefused("team_unknown")


def _check_intervention(session: Session, organisation_id: int, intervention_id: int | None) -> None:
    if intervention_id is None:
        return
    intervention = session.get(Intervention, intervention_id) if isinstance(intervention_id, int) else None
    if intervention is None or intervention.organisation_id not in (None, organisation_id):
        raise PlanRefused("intervention_unknown")
