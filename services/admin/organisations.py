"""Organisations, their teams and interventions (the organisations page).

Every function checks the actor first (authorisation.authorise), runs in one transaction and writes
one audit_log row with each change. services/admin/rounds.py (the rounds page) shares Refused,
clean_name, db_refusals and record_change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import interventions as db_interventions
from db import organisations as db_organisations
from db.errors import DuplicateName, GroupSizeTooSmall, InvalidRecord, RecordNotFound
from db.org_models import MIN_GROUP_SIZE_FLOOR, Organisation, Team
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise, visible_organisations
from services.admin.database import INTERVENTION_PROBLEMS
from services.errors import InvalidInput, NotFound
from services.respond.questionnaire import MAX_INTERVENTION_LENGTH, clean_intervention
from services.runtime import Runtime
from services.text_rules import has_odd_characters

ORGANISATIONS_PAGE = "admin_organisations"
ROUNDS_PAGE = "admin_rounds"
MAX_NAME_LENGTH = 200
DEFAULT_COMMENT_MIN_GROUP_SIZE = 10


class Refused(InvalidInput):
    """Input an admin page refuses; `reason` names the message the page shows, `values` fill it in."""

    def __init__(self, reason: str, message: str, **values: object) -> None:
        self.reason = reason
        self.values = values
        super().__init__(message)


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    min_group_size: int
    comment_min_group_size: int
    team_count: int


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    size: int | None  # headcount, for participation rates; None = not given


@dataclass(frozen=True)
class InterventionRow:
    id: int
    name: str


# --- organisations ------------------------------------------------------------------------


def list_organisations(
    rt: Runtime, actor: AccountView | None, *, page: str = ORGANISATIONS_PAGE
) -> list[OrganisationRow]:
    """The organisations the actor may see, by name, with their k and number of teams.

    `page` is the admin page asking (the rounds page lists them too).
    """
    authorise(actor, _admin_page(page), "view")
    with rt.sessions.begin() as session:
        organisations = db_organisations.list_organisations(session, ids=visible_organisations(actor))
        teams = db_organisations.count_teams(session, organisation_ids=[o.id for o in organisations])
        return [
            OrganisationRow(o.id, o.name, o.min_group_size, o.comment_min_group_size, teams[o.id])
            for o in organisations
        ]


def create_organisation(
    rt: Runtime, actor: AccountView | None, *, name: str, min_group_size: int | None = None
) -> OrganisationRow:
    """Add an organisation; k defaults to the VM_MIN_GROUP_SIZE setting and is never below 3."""
    authorise(actor, ORGANISATIONS_PAGE, "create")
    name = clean_name(name)
    k = rt.settings.min_group_size if min_group_size is None else min_group_size
    with rt.sessions.begin() as session, db_refusals():
        organisation = db_organisations.create_organisation(
            session, name=name, min_group_size=k, comment_min_group_size=max(DEFAULT_COMMENT_MIN_GROUP_SIZE, k)
        )
        record_change(
            session, actor, "organisation_created", organisation_id=organisation.id, name=name, min_group_size=k
        )
        return OrganisationRow(
            organisation.id, organisation.name, organisation.min_group_size, organisation.comment_min_group_size, 0
        )


def set_min_group_size(
    rt: Runtime, actor: AccountView | None, organisation_id: int, min_group_size: int
) -> OrganisationRow:
    """Change an organisation's k; its minimum for comments rises with it when it would fall below."""
    authorise(actor, ORGANISATIONS_PAGE, "edit", organisation_id)
    with rt.sessions.begin() as session, db_refusals():
        organisation = _organisation(session, organisation_id)
        before = organisation.min_group_size
        db_organisations.update_min_group_size(
            session,
            organisation_id=organisation_id,
            min_group_size=min_group_size,
            comment_min_group_size=max(organisation.comment_min_group_size, min_group_size),
        )
        record_change(
            session,
            actor,
            "min_group_size_changed",
            organisation_id=organisation_id,
            name=organisation.name,
            before=before,
            after=min_group_size,
        )
        teams = db_organisations.count_teams(session, organisation_ids=[organisation_id])[organisation_id]
        return OrganisationRow(
            organisation.id, organisation.name, organisation.min_group_size, organisation.comment_min_group_size, teams
        )


# --- teams --------------------------------------------------------------------------------


def list_teams(
    rt: Runtime, actor: AccountView | None, organisation_id: int, *, page: str = ORGANISATIONS_PAGE
) -> list[TeamRow]:
    """The organisation's teams by name, with their headcounts."""
    authorise(actor, _admin_page(page), "view", organisation_id)
    with rt.sessions.begin() as session:
        return [team_row(team) for team in db_organisations.list_teams(session, organisation_id=organisation_id)]


def create_team(
    rt: Runtime, actor: AccountView | None, organisation_id: int, *, name: str, size: int | None = None
) -> TeamRow:
    """Add a team; `size` (headcount, optional) is used for participation rates."""
    authorise(actor, ORGANISATIONS_PAGE, "create", organisation_id)
    name = clean_name(name)
    size = _headcount(size)
    with rt.sessions.begin() as session, db_refusals():
        team = db_organisations.create_team(session, organisation_id=organisation_id, name=name, size=size)
        record_change(
            session, actor, "team_created", organisation_id=organisation_id, team_id=team.id, name=name, size=size
        )
        return team_row(team)


def set_team_size(rt: Runtime, actor: AccountView | None, team_id: int, size: int | None) -> TeamRow:
    """Set a team's headcount; None clears it (participation rates are then not shown)."""
    authorise(actor, ORGANISATIONS_PAGE, "edit")
    size = _headcount(size)
    with rt.sessions.begin() as session, db_refusals():
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("team")
        authorise(actor, ORGANISATIONS_PAGE, "edit", team.organisation_id)
        before = team.size
        db_organisations.set_team_size(session, team_id=team_id, size=size)
        record_change(
            session,
            actor,
            "team_size_changed",
            organisation_id=team.organisation_id,
            team_id=team.id,
            name=team.name,
            before=before,
            after=size,
        )
        return team_row(team)


# --- interventions ------------------------------------------------------------------------


def list_interventions(
    rt: Runtime, actor: AccountView | None, organisation_id: int, *, page: str = ORGANISATIONS_PAGE
) -> list[InterventionRow]:
    """The organisation's own interventions (those its rounds can ask about), by name."""
    authorise(actor, _admin_page(page), "view", organisation_id)
    with rt.sessions.begin() as session:
        return [
            InterventionRow(row.id, row.name)
            for row in db_organisations.list_organisation_interventions(session, organisation_id=organisation_id)
        ]


def add_intervention(rt: Runtime, actor: AccountView | None, organisation_id: int, *, name: str) -> InterventionRow:
    """Add an intervention to the organisation's list (same name rules as on the assessment page).

    A name listed before but switched off is offered again; one already offered is refused.
    """
    authorise(actor, ORGANISATIONS_PAGE, "create", organisation_id)
    try:
        name = clean_intervention(name)
    except InvalidInput as exc:
        raise Refused(str(exc), INTERVENTION_PROBLEMS[str(exc)], max=MAX_INTERVENTION_LENGTH) from None
    with rt.sessions.begin() as session:
        _organisation(session, organisation_id)
        known = {
            row.name: row
            for row in db_organisations.list_organisation_interventions(
                session, organisation_id=organisation_id, active_only=False
            )
        }
        if name in known and known[name].active:
            raise Refused("intervention_exists", f"'{name}' is already on the list", name=name)
        intervention = db_interventions.add_intervention(session, name=name, organisation_id=organisation_id)
        intervention.active = True
        session.flush()
        record_change(
            session,
            actor,
            "intervention_added",
            organisation_id=organisation_id,
            intervention_id=intervention.id,
            name=name,
        )
        return InterventionRow(intervention.id, intervention.name)


def clean_name(name: str | None) -> str:
    """A name of an organisation, team or round: spaces tidied; Refused when empty, too long or odd."""
    name = " ".join((name or "").split())
    if not name:
        raise Refused("name_missing", "a name is needed")
    if len(name) > MAX_NAME_LENGTH:
        raise Refused("name_too_long", f"the name is longer than {MAX_NAME_LENGTH} characters", max=MAX_NAME_LENGTH)
    if has_odd_characters(name):
        raise Refused("name_bad_characters", "the name holds control characters")
    return name


@contextmanager
def db_refusals() -> Iterator[None]:
    """The db package's refusals as the service's errors (the transaction is rolled back)."""
    try:
        yield
    except DuplicateName as exc:
        raise Refused(
            f"{exc.kind}_name_taken", f"there is already a {exc.kind} named '{exc.name}'", name=exc.name
        ) from None
    except GroupSizeTooSmall:
        raise Refused(
            "group_size_too_small", f"the smallest group size is {MIN_GROUP_SIZE_FLOOR}", min=MIN_GROUP_SIZE_FLOOR
        ) from None
    except RecordNotFound as exc:
        raise NotFound(exc.kind) from None
    except InvalidRecord as exc:
        raise Refused("not_accepted", str(exc), problem=str(exc)) from None


def _admin_page(page: str) -> str:
    if page not in (ORGANISATIONS_PAGE, ROUNDS_PAGE):  # another page's right would not do here
        raise ValueError(f"not an admin page of organisations: {page!r}")
    return page


def _headcount(size: int | None) -> int | None:
    if size is not None and size < 1:
        raise Refused("team_size_too_small", "a headcount is at least 1")
    return size


def _organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = db_organisations.get_organisation(session, organisation_id=organisation_id)
    if organisation is None:
        raise NotFound("organisation")
    return organisation


def team_row(team: Team) -> TeamRow:
    """A team as the pages list it."""
    return TeamRow(team.id, team.name, team.size)


def record_change(session: Session, actor: AccountView | None, action: str, **detail: object) -> None:
    """One audit_log row for a change by `actor`; `detail` holds ids and names, never a secret."""
    db_accounts.add_audit(session, actor_id=actor.id if actor is not None else None, action=action, detail=detail)
