"""Names for the accounts page: organisations and teams to choose from, and the accounts list and
audit log with organisation, team and account names instead of ids.

Read-only; each function checks the actor first and reads in one transaction. The changes
themselves are services.accounts.management.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db import organisations as db_organisations
from services.accounts.auth import AccountView
from services.accounts.authorisation import authorise
from services.accounts.management import AccountRow
from services.runtime import Runtime

# Every action name a service writes to the audit log (the accounts page labels each).
AUDIT_ACTIONS = (
    "first_admin_created",
    "sso_account_created",
    "account_created",
    "scope_changed",
    "account_deactivated",
    "account_reactivated",
    "password_reset",
    "organisation_created",
    "min_group_size_changed",
    "team_created",
    "team_size_changed",
    "intervention_added",
    "round_created",
    "invitation_renewed",
    "round_closed",
    "dashboard_exported",
    "workshop_created",
    "workshop_results_shown",
    "workshop_results_hidden",
    "workshop_locked",
    "workshop_unlocked",
    "workshop_second_round",
    "workshop_closed",
    "workshop_exported",
    "responses_imported",
    "backup_exported",
    "backup_imported",
    "data_purged",
    "respondent_erased",
    "response_over_headcount",
    "response_repeat_device",
    "response_device_limit",
    "response_identical_burst",
    "plan_action_created",
    "plan_action_updated",
    "plan_action_status_changed",
    "plan_action_note_added",
    "plan_action_promoted",
    "plan_follow_up_scheduled",
    "plan_follow_up_cancelled",
    "plan_exported",
)
# Ids an audit detail may hold that the log shows by name: (detail key, what it names).
NAMED_IDS = (("organisation_id", "organisation"), ("team_id", "team"), ("round_id", "round"))


@dataclass(frozen=True)
class OrganisationChoice:
    """An organisation an account can be given, with its teams as (id, name), by name."""

    id: int
    name: str
    teams: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class ScopeName:
    """One organisation of a scope by name; `teams` None means every team of it."""

    organisation: str
    teams: tuple[str, ...] | None


@dataclass(frozen=True)
class AccountListing:
    """An accounts-page row with what the account may see, by name (empty for admins)."""

    row: AccountRow
    scope: tuple[ScopeName, ...]


@dataclass(frozen=True)
class AuditLine:
    """One audit entry: `actor` is a username (None: the system or the console); `scope` is the
    scope (or organisations) the detail names, by name, when it names one."""

    at: datetime
    actor: str | None
    action: str
    detail: dict[str, Any]
    scope: tuple[ScopeName, ...] | None
    places: tuple[tuple[str, str], ...] = ()  # (organisation | team | round, its name) the detail names


def scope_choices(rt: Runtime, actor: AccountView | None) -> list[OrganisationChoice]:
    """Every organisation with its teams, for choosing what an account may see."""
    authorise(actor, "admin_accounts", "view")
    with rt.sessions.begin() as session:
        return _choices(session)


def account_listing(rt: Runtime, actor: AccountView | None) -> list[AccountListing]:
    """Every account, by username, with its scope by name."""
    authorise(actor, "admin_accounts", "view")
    with rt.sessions.begin() as session:
        names = _Names(_choices(session))
        accounts = db_accounts.list_accounts(session)
        scopes = db_accounts.scopes_of(session, account_ids=[a.id for a in accounts])
        return [
            AccountListing(
                AccountRow(
                    AccountView(a.id, a.username, a.role, scopes[a.id]),
                    a.active,
                    a.password_hash is not None,
                    a.created_at,
                    a.last_login_at,
                ),
                names.scope(scopes[a.id].items()),
            )
            for a in accounts
        ]


def audit_lines(rt: Runtime, actor: AccountView | None, *, limit: int = 100) -> list[AuditLine]:
    """The newest audit entries first, with the actor's username and the named scope."""
    authorise(actor, "admin_accounts", "view")
    with rt.sessions.begin() as session:
        choices = _choices(session)
        names = _Names(
            choices,
            {r.id: r.name for c in choices for r in db_organisations.list_rounds(session, organisation_id=c.id)},
        )
        usernames = {a.id: a.username for a in db_accounts.list_accounts(session)}
        return [
            AuditLine(
                row.at,
                usernames.get(row.account_id) if row.account_id is not None else None,
                row.action,
                dict(row.detail),
                names.detail_scope(row.detail),
                names.places(row.detail),
            )
            for row in db_accounts.audit_entries(session, limit=limit)
        ]


def _choices(session: Session) -> list[OrganisationChoice]:
    return [
        OrganisationChoice(
            org.id,
            org.name,
            tuple((team.id, team.name) for team in db_organisations.list_teams(session, organisation_id=org.id)),
        )
        for org in db_organisations.list_organisations(session)
    ]


class _Names:
    """Ids to names; an id that no longer exists shows as "#id" (the audit log outlives it)."""

    def __init__(self, choices: list[OrganisationChoice], rounds: Mapping[int, str] | None = None) -> None:
        self._order = {c.id: position for position, c in enumerate(choices)}
        self._organisations = {c.id: c.name for c in choices}
        self._teams = {team_id: name for c in choices for team_id, name in c.teams}
        self._rounds = dict(rounds or {})

    def places(self, detail: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """The organisation, team and round a detail names by id, by name."""
        known = {"organisation": self._organisations, "team": self._teams, "round": self._rounds}
        return tuple(
            (what, known[what].get(detail[key], f"#{detail[key]}"))
            for key, what in NAMED_IDS
            if isinstance(detail.get(key), int)
        )

    def scope(self, scope: Iterable[tuple[int, Iterable[int] | None]]) -> tuple[ScopeName, ...]:
        pairs = sorted(scope, key=lambda pair: (self._order.get(pair[0], len(self._order)), pair[0]))
        return tuple(
            ScopeName(
                self._organisations.get(org, f"#{org}"),
                None if teams is None else tuple(sorted(self._teams.get(t, f"#{t}") for t in teams)),
            )
            for org, teams in pairs
        )

    def detail_scope(self, detail: Mapping[str, Any]) -> tuple[ScopeName, ...] | None:
        # accounts.py logs {"scope": {"<org id>": None | [team ids]}}; sso.py logs {"organisations": [ids]}
        try:
            if isinstance(detail.get("scope"), Mapping):
                return self.scope((int(org), teams) for org, teams in detail["scope"].items())
            if isinstance(detail.get("organisations"), list):
                return self.scope((int(org), None) for org in detail["organisations"])
        except (TypeError, ValueError):  # an entry written in another shape: shown as it is
            return None
        return None
