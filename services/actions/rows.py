"""What the action plan shows and who sees it: the rows of actions and notes, the targets an action can
address (named from the question bank), and the scope rule every use case shares: an account with the whole
organisation in scope sees every action of it; an account limited to some teams sees (and changes) the actions
about those teams only. Read inside the caller's transaction; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import actions as db_actions
from db import organisations as db_organisations
from db.action_models import ActionItem
from db.org_models import Organisation
from db.workshop_models import Workshop
from questions.model import Instrument, localise
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations, visible_teams
from services.actions.rules import PlanRefused, Target
from services.errors import NotAuthorised, NotFound, StartupError
from services.i18n import t
from services.runtime import Runtime

PAGE = "action_plan"
STATUS_ORDER = {"doing": 0, "planned": 1, "done": 2, "dropped": 3}


@dataclass(frozen=True)
class ActionRow:
    """One action as the plan lists it; `created_by` and `updated_by` are usernames (None: account gone)."""

    id: int
    organisation_id: int
    target: Target
    kind: str
    description: str
    owner: str | None
    due_on: date | None
    status: str
    team_ids: tuple[int, ...]  # empty: the whole organisation
    intervention_id: int | None
    instrument_hash: str  # the question bank whose words name the theme
    origin_workshop_action_id: int | None
    origin_workshop_id: int | None
    created_at: datetime
    created_by: str | None
    updated_at: datetime
    updated_by: str | None
    started_at: datetime | None
    finished_at: datetime | None
    version: int
    notes: int
    origin_title: str | None = None  # the workshop's title, while the session is kept


@dataclass(frozen=True)
class NoteRow:
    id: int
    text: str
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class TargetChoice:
    """Something an action can address, named in the page's language; `side` as in the question bank
    (match, mismatch, value, compassion) or "element" / "general"."""

    target: Target
    label: str
    side: str


def visible_organisation(session: Session, actor: AccountView | None, organisation_id: object) -> Organisation:
    """The organisation if the account may see (part of) it; NotFound otherwise (no hint it exists)."""
    visible = visible_organisations(actor)
    organisation = (
        db_organisations.get_organisation(session, organisation_id=organisation_id)
        if isinstance(organisation_id, int) and not isinstance(organisation_id, bool)
        else None
    )
    if organisation is None or (visible is not None and organisation.id not in visible):
        raise NotFound("organisation")
    return organisation


def visible_action(
    session: Session, actor: AccountView | None, action_id: object, action: str, *, for_update: bool = False
) -> ActionItem:
    """The action if the account may `action` on it (its organisation, and all its teams or the whole
    organisation); NotFound for anything else, also an action the account may see but not change."""
    row = (
        db_actions.get_action(session, action_id, for_update=for_update)
        if isinstance(action_id, int) and not isinstance(action_id, bool)
        else None
    )
    if row is None:
        raise NotFound("action")
    try:
        authorise_teams(actor, action, row.organisation_id, db_actions.teams_of(session, [row.id])[row.id])
    except NotAuthorised:
        raise NotFound("action") from None
    return row


def authorise_teams(actor: AccountView | None, action: str, organisation_id: int, team_ids: Collection[int]) -> None:
    """An action about the whole organisation needs the whole organisation in scope; a team action, each team."""
    if not team_ids:
        authorise(actor, PAGE, action, organisation_id)
    for team_id in team_ids:
        authorise(actor, PAGE, action, organisation_id, team_id)


def sees(in_scope: frozenset[int] | None, team_ids: tuple[int, ...]) -> bool:
    return in_scope is None or (bool(team_ids) and set(team_ids) <= in_scope)


def visible_actions(
    session: Session,
    actor: AccountView | None,
    organisation: Organisation,
    *,
    statuses: Collection[str] | None = None,
    target: Target | None = None,
) -> list[ActionRow]:
    """The organisation's actions the account sees, narrowed to `statuses` and `target`: doing, planned, done,
    dropped; within each the nearest due date first (none last)."""
    rows = db_actions.list_actions(
        session,
        organisation_id=organisation.id,
        statuses=statuses,
        theme=target.theme if target else None,
        element=target.element if target else None,
    )
    if target is not None and target.theme is None and target.element is None:
        rows = [row for row in rows if row.theme is None and row.element is None]
    in_scope = visible_teams(actor, organisation.id)
    listed = [row for row in action_rows(session, rows) if sees(in_scope, row.team_ids)]
    return sorted(listed, key=lambda r: (STATUS_ORDER[r.status], r.due_on is None, r.due_on or date.max, r.id))


def action_rows(session: Session, rows: list[ActionItem]) -> list[ActionRow]:
    ids = [row.id for row in rows]
    teams = db_actions.teams_of(session, ids)
    notes = db_actions.note_counts(session, ids)
    names = db_actions.usernames(session, [r.created_by for r in rows] + [r.updated_by for r in rows])
    sessions = sorted({r.origin_workshop_id for r in rows if r.origin_workshop_id is not None})
    titles: dict[int, str] = {}
    if sessions:
        query = select(Workshop.id, Workshop.title).where(Workshop.id.in_(sessions))
        titles = {workshop_id: title for workshop_id, title in session.execute(query)}
    return [
        ActionRow(
            r.id,
            r.organisation_id,
            Target(r.theme, r.element),
            r.kind,
            r.description,
            r.owner,
            r.due_on,
            r.status,
            teams[r.id],
            r.intervention_id,
            r.instrument_hash,
            r.origin_workshop_action_id,
            r.origin_workshop_id,
            r.created_at,
            names.get(r.created_by or -1),
            r.updated_at,
            names.get(r.updated_by or -1),
            r.started_at,
            r.finished_at,
            r.version,
            notes[r.id],
            titles.get(r.origin_workshop_id or -1),
        )
        for r in rows
    ]


def known_themes(rt: Runtime, session: Session, organisation_id: int) -> dict[str, Instrument]:
    """Theme ids an action may address, each with the bank that names it: the current question bank's themes,
    then those of the banks the organisation's rounds used (themes it measured that the bank has since left)."""
    found = {domain.id: rt.instrument for domain in rt.instrument.domains}
    for survey_round in db_organisations.list_rounds(session, organisation_id=organisation_id):
        try:
            bank = rt.bank(survey_round.instrument_hash)
        except StartupError:  # an uninstalled bank version: its themes cannot be named
            continue
        for domain in bank.domains:
            found.setdefault(domain.id, bank)
    return found


def resolve_target(rt: Runtime, themes: dict[str, Instrument], target: Target) -> tuple[Target, str]:
    """The target as the plan keeps it (a compassion theme is its element) and the content hash of the bank
    naming it. PlanRefused("theme_unknown") for a theme that neither the current question bank nor the
    organisation's rounds have: nobody could be asked about it, so no follow-up could show a change."""
    if target.theme is not None:
        if target.theme not in themes:
            raise PlanRefused("theme_unknown")
        bank = themes[target.theme]
        domain = bank.domain(target.theme)
        if domain.side == "compassion" and domain.element is not None:
            return Target(element=domain.element), rt.instrument.content_hash
        return target, bank.parent_hash or bank.content_hash
    if target.element is not None and target.element not in rt.instrument.elements:
        raise PlanRefused("target_unknown")
    return target, rt.instrument.content_hash


def target_label(rt: Runtime, target: Target, language: str, instrument_hash: str | None = None) -> str:
    """The target in words: the theme's name in its bank (the current bank when that one is gone), the
    element's name, or "the intervention as a whole"."""
    if target.theme is not None:
        banks = [rt.banks.get(instrument_hash or ""), rt.instrument]
        for bank in banks:
            if bank is not None and any(d.id == target.theme for d in bank.domains):
                return localise(bank.domain(target.theme).name, language)
        return target.theme
    if target.element is not None and target.element in rt.instrument.elements:
        return t(
            "actions.target_element", language, name=localise(rt.instrument.elements[target.element].name, language)
        )
    return t("actions.target_general", language)


def target_choices(rt: Runtime, themes: dict[str, Instrument], language: str) -> tuple[TargetChoice, ...]:
    """Themes in bank order (match and mismatch first), the five elements, then "as a whole"."""
    order = {"match": 0, "mismatch": 1, "value": 2, "compassion": 3}
    domains = sorted(
        ((bank.domain(theme_id), bank) for theme_id, bank in themes.items()),
        key=lambda pair: (order.get(pair[0].side, 9), pair[1] is not rt.instrument),
    )
    out = [
        TargetChoice(Target(theme=domain.id), localise(domain.name, language), domain.side)
        for domain, _bank in domains
        if domain.side != "compassion"
    ]
    out += [
        TargetChoice(Target(element=number), target_label(rt, Target(element=number), language), "element")
        for number in rt.instrument.elements
    ]
    out.append(TargetChoice(Target(), t("actions.target_general", language), "general"))
    return tuple(out)
