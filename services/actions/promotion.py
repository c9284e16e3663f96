"""A workshop's agreed action added to an organisation's plan, keeping where it came from: which organisations a
facilitator may add to, what a workshop has added already, and the adding itself (one transaction, audited as
"plan_action_promoted"). Facilitators only *create* in a plan, and only this way; promoting needs the workshop's
edit right too (services/workshop/hosting.own_workshop).
"""

from __future__ import annotations

from datetime import datetime

from db import accounts as db_accounts
from db import actions as db_actions
from db import organisations as db_organisations
from db.workshop_models import WorkshopAction
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations, visible_teams
from services.actions.rows import PAGE, ActionRow, action_rows, authorise_teams, resolve_target
from services.actions.rules import PlanRefused, Target, as_utc
from services.errors import NotFound
from services.runtime import Runtime
from services.workshop import hosting

__all__ = ["promote_workshop_action", "promoted_in_workshop", "promotion_organisations"]


def promotion_organisations(rt: Runtime, actor: AccountView | None) -> list[tuple[int, str]]:
    """(id, name) of the organisations whose plan the account may add a workshop's agreed action to (for a
    session not tied to a survey round): those it has as a whole in scope."""
    authorise(actor, PAGE, "create")
    visible = visible_organisations(actor)
    with rt.sessions.begin() as session:
        return [
            (o.id, o.name)
            for o in db_organisations.list_organisations(session, ids=visible)
            if visible_teams(actor, o.id) is None
        ]


def promoted_in_workshop(rt: Runtime, actor: AccountView | None, workshop_id: int) -> dict[int, int]:
    """For a workshop the account runs: plan action ids by the agreed action each came from."""
    with rt.sessions.begin() as session:
        workshop = hosting.own_workshop(session, actor, workshop_id, "view")
        agreed = [a.id for a in session.query(WorkshopAction).filter_by(workshop_id=workshop.id)]
        return db_actions.promoted(session, agreed)


def promote_workshop_action(
    rt: Runtime,
    actor: AccountView | None,
    workshop_action_id: int,
    *,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> ActionRow:
    """Add an agreed action of the account's workshop to an organisation's plan, keeping where it came from: the
    session's organisation (and its team) when the session is tied to a survey round, else `organisation_id`.
    Promoting it again gives the plan's action (nothing new is written)."""
    authorise(actor, PAGE, "create")
    assert actor is not None
    now = as_utc(now)
    with rt.sessions.begin() as session:
        agreed = session.get(WorkshopAction, workshop_action_id) if isinstance(workshop_action_id, int) else None
        if agreed is None:
            raise NotFound("workshop_action")
        # The facilitator's own session (admins: any), locked: a double click promotes once.
        workshop = hosting.own_workshop(session, actor, agreed.workshop_id, "edit", for_update=True)
        already = db_actions.promoted(session, [agreed.id])
        if already:
            existing = db_actions.get_action(session, already[agreed.id])
            assert existing is not None
            return action_rows(session, [existing])[0]
        target_organisation = workshop.organisation_id if workshop.organisation_id is not None else organisation_id
        if target_organisation is None:
            raise PlanRefused("promote_needs_organisation")
        teams = (workshop.team_id,) if workshop.team_id is not None else ()
        authorise_teams(actor, "create", target_organisation, teams)
        if db_organisations.get_organisation(session, organisation_id=target_organisation) is None:
            raise NotFound("organisation")
        bank = rt.bank(workshop.instrument_hash)
        themes = {domain.id: bank for domain in bank.domains}
        chosen, instrument_hash = resolve_target(rt, themes, Target(theme=agreed.theme))
        row = db_actions.add_action(
            session,
            organisation_id=target_organisation,
            intervention_id=None,
            theme=chosen.theme,
            element=chosen.element,
            kind=agreed.kind,
            description=agreed.text,
            owner=None,
            due_on=None,
            status="planned",
            instrument_hash=instrument_hash,
            team_ids=teams,
            by=actor.id,
            at=now,
            origin_workshop_action_id=agreed.id,
            origin_workshop_id=workshop.id,
        )
        db_accounts.add_audit(
            session,
            actor_id=actor.id,
            action="plan_action_promoted",
            at=now,
            detail={
                "organisation_id": target_organisation,
                "action_id": row.id,
                "workshop_session": workshop.id,
                "workshop_action": agreed.id,
                "team_ids": list(teams),
            },
        )
        return action_rows(session, [row])[0]
