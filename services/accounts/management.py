"""Account administration (the accounts page): create, change scope, deactivate, reset a password.

Every function checks the actor first (authorisation.authorise) and writes one audit_log row in
the same transaction as its change. Details in the log never hold a password or a token.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db.account_models import ROLES, Account
from services.accounts import passwords
from services.accounts.auth import AccountView, account_view, normalise_username
from services.accounts.authorisation import authorise
from services.errors import InvalidInput, NotFound
from services.runtime import Runtime

ScopeInput = Mapping[int, Collection[int] | None]  # organisation id -> None (all teams) or team ids


class UsernameTaken(InvalidInput):
    """Another account already has this username (the page says so in the reader's language)."""


@dataclass(frozen=True)
class AccountRow:
    """One line of the accounts page."""

    account: AccountView
    active: bool
    has_password: bool  # False: signs in by single sign-on only
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor_id: int | None
    action: str
    detail: dict[str, Any]


def check_scope(role: str, scope: ScopeInput) -> dict[int, frozenset[int] | None]:
    """The scope in its stored form; InvalidInput when it does not fit the role."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'; one of {', '.join(ROLES)}")
    if role == "admin":
        if scope:
            raise InvalidInput("admins see every organisation; give them no organisations")
        return {}
    if not scope:
        raise InvalidInput(f"a {role} needs at least one organisation")
    if any(teams is not None and not teams for teams in scope.values()):
        raise InvalidInput("choose at least one team, or the whole organisation")
    return {int(org): None if teams is None else frozenset(int(t) for t in teams) for org, teams in scope.items()}


def create_account(
    rt: Runtime, actor: AccountView | None, *, role: str, username: str, password: str, scope: ScopeInput
) -> AccountView:
    """Add an account with a password. InvalidInput/WeakPassword say what to change."""
    authorise(actor, "admin_accounts", "create")
    name = normalise_username(username)
    stored_scope = check_scope(role, scope)
    passwords.check_strength(password, username=name)
    password_hash = passwords.hash_password(password)
    with rt.sessions.begin() as session:
        try:
            account = db_accounts.add_account(session, username=name, password_hash=password_hash, role=role)
        except db_accounts.UsernameTaken:
            raise UsernameTaken(f"the username '{name}' is taken") from None
        _store_scope(session, account.id, stored_scope)
        db_accounts.add_audit(
            session,
            actor_id=_actor_id(actor),
            action="account_created",
            detail={"account_id": account.id, "username": name, "role": role, "scope": _scope_detail(stored_scope)},
        )
        return account_view(session, account)


def change_scope(rt: Runtime, actor: AccountView | None, account_id: int, scope: ScopeInput) -> AccountView:
    """Replace the organisations (and teams) an account may see."""
    authorise(actor, "admin_accounts", "edit")
    with rt.sessions.begin() as session:
        account = _account(session, account_id)
        stored_scope = check_scope(account.role, scope)
        _store_scope(session, account.id, stored_scope)
        db_accounts.add_audit(
            session,
            actor_id=_actor_id(actor),
            action="scope_changed",
            detail={"account_id": account.id, "username": account.username, "scope": _scope_detail(stored_scope)},
        )
        return account_view(session, account)


def deactivate_account(rt: Runtime, actor: AccountView | None, account_id: int) -> None:
    """Switch an account off and end its sessions; the last active admin cannot be switched off
    (that would reopen the set-up page to anyone)."""
    authorise(actor, "admin_accounts", "edit")
    with rt.sessions.begin() as session:
        account = _account(session, account_id)  # the row before the table: as a sign-in does
        db_accounts.lock_accounts(session)
        if account.role == "admin" and account.active and db_accounts.count_active_admins(session) <= 1:
            raise InvalidInput("the last active admin cannot be deactivated")
        account.active = False
        db_accounts.delete_account_sign_ins(session, account_id=account.id)
        db_accounts.add_audit(
            session,
            actor_id=_actor_id(actor),
            action="account_deactivated",
            detail={"account_id": account.id, "username": account.username},
        )


def reactivate_account(rt: Runtime, actor: AccountView | None, account_id: int) -> None:
    """Switch a deactivated account on again."""
    authorise(actor, "admin_accounts", "edit")
    with rt.sessions.begin() as session:
        account = _account(session, account_id)
        account.active = True
        db_accounts.add_audit(
            session,
            actor_id=_actor_id(actor),
            action="account_reactivated",
            detail={"account_id": account.id, "username": account.username},
        )


def reset_password(rt: Runtime, actor: AccountView | None, account_id: int, new_password: str) -> None:
    """Give an account a new password and end its sessions (it signs in again)."""
    authorise(actor, "admin_accounts", "edit")
    with rt.sessions.begin() as session:
        username = _account(session, account_id).username
    passwords.check_strength(new_password, username=username)
    password_hash = passwords.hash_password(new_password)  # slow: outside the transaction
    with rt.sessions.begin() as session:
        account = _account(session, account_id)
        account.password_hash = password_hash
        db_accounts.delete_account_sign_ins(session, account_id=account.id)
        db_accounts.add_audit(
            session,
            actor_id=_actor_id(actor),
            action="password_reset",
            detail={"account_id": account.id, "username": account.username},
        )


def list_accounts(rt: Runtime, actor: AccountView | None) -> list[AccountRow]:
    """Every account with its scope, by username."""
    authorise(actor, "admin_accounts", "view")
    with rt.sessions.begin() as session:
        accounts = db_accounts.list_accounts(session)
        scopes = db_accounts.scopes_of(session, account_ids=[a.id for a in accounts])
        return [
            AccountRow(
                AccountView(a.id, a.username, a.role, scopes[a.id]),
                a.active,
                a.password_hash is not None,
                a.created_at,
                a.last_login_at,
            )
            for a in accounts
        ]


def audit_log(rt: Runtime, actor: AccountView | None, *, limit: int = 100) -> list[AuditEntry]:
    """The newest administrative actions first."""
    authorise(actor, "admin_accounts", "view")
    with rt.sessions.begin() as session:
        return [
            AuditEntry(row.at, row.account_id, row.action, dict(row.detail))
            for row in db_accounts.audit_entries(session, limit=limit)
        ]


def _account(session: Session, account_id: int) -> Account:
    """The account, its row locked: two admins changing one account at once take turns."""
    account = db_accounts.get_account(session, account_id=account_id, for_update=True)
    if account is None:
        raise NotFound("account")
    return account


def _store_scope(session: Session, account_id: int, scope: dict[int, frozenset[int] | None]) -> None:
    try:
        with session.begin_nested():
            db_accounts.set_scope(session, account_id=account_id, scope=scope)
            problem = db_accounts.teams_outside_their_organisation(session, scope=scope)
            if problem:
                raise InvalidInput(f"team {problem[0][1]} is not a team of organisation {problem[0][0]}")
    except IntegrityError:
        raise InvalidInput("an organisation or team in the scope does not exist") from None


def _scope_detail(scope: Mapping[int, frozenset[int] | None]) -> dict[str, list[int] | None]:
    return {str(org): None if teams is None else sorted(teams) for org, teams in sorted(scope.items())}


def _actor_id(actor: AccountView | None) -> int | None:
    return actor.id if actor is not None else None
