"""Data access for accounts, their scope, sign-ins and the audit log.

Keyword-only functions that take a Session and never commit; the service owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.account_models import Account, AccountScope, AuditLog, SetupToken, SignIn
from db.engine import changed_rows
from db.errors import DatabaseError
from db.locking import locked
from db.models import LookupFailure, utcnow
from db.org_models import Team

# organisation id -> None (the whole organisation) or the team ids it is limited to
Scope = dict[int, frozenset[int] | None]


class UsernameTaken(DatabaseError):
    """Another account already has this username."""

    def __init__(self, username: str) -> None:
        self.username = username
        super().__init__(f"The username '{username}' is taken.")


# --- accounts -----------------------------------------------------------------------------


def lock_accounts(session: Session) -> None:
    """Serialise account changes that check before they write (such as "no admin yet").

    SQLite needs nothing: every transaction starts with BEGIN IMMEDIATE (db/engine.py), so only
    one writer runs at a time. PostgreSQL takes a table lock that conflicts with itself and with
    inserts until the transaction ends.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE account IN SHARE ROW EXCLUSIVE MODE"))


def add_account(session: Session, *, username: str, password_hash: str | None, role: str) -> Account:
    """Add an active account. Raises UsernameTaken (the transaction stays usable)."""
    account = Account(username=username, password_hash=password_hash, role=role, active=True)
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        if find_account(session, username=username) is None:
            raise
        raise UsernameTaken(username) from None
    return account


def get_account(session: Session, *, account_id: int, for_update: bool = False) -> Account | None:
    """The account with this id, if any; `for_update` locks its row until the transaction ends
    and reads it afresh (db.locking). Changes to one account lock its row first, then (if needed) the table."""
    if not for_update:
        return session.get(Account, account_id)
    return session.scalar(locked(select(Account).where(Account.id == account_id)))


def find_account(session: Session, *, username: str) -> Account | None:
    """The account with this (normalised) username, if any."""
    return session.scalar(select(Account).where(Account.username == username))


def list_accounts(session: Session) -> list[Account]:
    """Every account, active or not, by username."""
    return list(session.scalars(select(Account).order_by(Account.username)))


def count_active_admins(session: Session) -> int:
    """How many active admin accounts exist."""
    query = select(func.count()).where(Account.role == "admin", Account.active.is_(True))
    return session.scalar(query.select_from(Account)) or 0


# --- scope --------------------------------------------------------------------------------


def set_scope(session: Session, *, account_id: int, scope: Mapping[int, Collection[int] | None]) -> None:
    """Replace the account's organisations: None = the whole organisation, else only those teams.

    Raises ValueError for an empty team list (it would open nothing; None opens everything).
    """
    if any(team_ids is not None and not team_ids for team_ids in scope.values()):
        raise ValueError("an organisation in a scope needs None (every team) or at least one team")
    session.execute(delete(AccountScope).where(AccountScope.account_id == account_id))
    for organisation_id, team_ids in scope.items():
        for team_id in [None] if team_ids is None else sorted(team_ids):
            session.add(AccountScope(account_id=account_id, organisation_id=organisation_id, team_id=team_id))
    session.flush()


def teams_outside_their_organisation(
    session: Session, *, scope: Mapping[int, Collection[int] | None]
) -> list[tuple[int, int]]:
    """(organisation id, team id) pairs of the scope whose team is not a team of that organisation."""
    pairs = [(org, team) for org, teams in scope.items() for team in (teams or ())]
    if not pairs:
        return []
    owners = dict(
        session.execute(select(Team.id, Team.organisation_id).where(Team.id.in_([t for _, t in pairs]))).all()
    )
    return sorted((org, team) for org, team in pairs if owners.get(team) != org)


def scopes_of(session: Session, *, account_ids: Iterable[int]) -> dict[int, Scope]:
    """The scope of each account (accounts without rows map to an empty scope)."""
    ids = list(account_ids)
    result: dict[int, dict[int, set[int] | None]] = {account_id: {} for account_id in ids}
    rows = session.execute(
        select(AccountScope.account_id, AccountScope.organisation_id, AccountScope.team_id).where(
            AccountScope.account_id.in_(ids)
        )
    )
    for account_id, organisation_id, team_id in rows:
        organisations = result[account_id]
        if team_id is None:
            organisations[organisation_id] = None  # the whole organisation wins over teams
        elif (teams := organisations.setdefault(organisation_id, set())) is not None:
            teams.add(team_id)  # (None: the whole organisation, which wins over teams)
    return {
        account_id: {org: None if teams is None else frozenset(teams) for org, teams in scope.items()}
        for account_id, scope in result.items()
    }


# --- sign-ins ---------------------------------------------------------------------


def add_sign_in(
    session: Session, *, token_hash: str, account_id: int, created_at: datetime, expires_at: datetime
) -> SignIn:
    """Remember a signed-in session by the sha256 hex of its token."""
    row = SignIn(token_hash=token_hash, account_id=account_id, created_at=created_at, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def find_sign_in(session: Session, *, token_hash: str) -> SignIn | None:
    """The session with this token hash, expired or not."""
    return session.scalar(select(SignIn).where(SignIn.token_hash == token_hash))


def delete_sign_in(session: Session, *, token_hash: str) -> int:
    """End one session; returns how many rows went (0 or 1)."""
    result = session.execute(delete(SignIn).where(SignIn.token_hash == token_hash))
    return changed_rows(result)


def delete_account_sign_ins(session: Session, *, account_id: int) -> int:
    """End every session of an account (deactivated, or its password was reset)."""
    result = session.execute(delete(SignIn).where(SignIn.account_id == account_id))
    return changed_rows(result)


def delete_expired_sign_ins(session: Session, *, now: datetime) -> int:
    """Forget sessions that expired before `now`; returns how many were deleted."""
    result = session.execute(delete(SignIn).where(SignIn.expires_at <= now))
    return changed_rows(result)


# --- set-up tokens ------------------------------------------------------------------------


def add_setup_token(session: Session, *, token_hash: str, created_at: datetime, expires_at: datetime) -> None:
    """Remember a set-up token by the sha256 hex of its text, forgetting the ones expired by now."""
    session.execute(delete(SetupToken).where(SetupToken.expires_at <= created_at))
    session.add(SetupToken(token_hash=token_hash, created_at=created_at, expires_at=expires_at))


def valid_setup_token(session: Session, *, token_hash: str, now: datetime) -> bool:
    """True when a set-up token with this hash exists and has not expired."""
    query = select(SetupToken.id).where(SetupToken.token_hash == token_hash, SetupToken.expires_at > now)
    return session.scalar(query) is not None


def delete_setup_tokens(session: Session) -> int:
    """Forget every set-up token (the first admin exists); returns how many."""
    return changed_rows(session.execute(delete(SetupToken)))


# --- audit log ----------------------------------------------------------------------------


def add_audit(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    detail: Mapping[str, Any],
    at: datetime | None = None,
) -> AuditLog:
    """Log one administrative action; `detail` must not hold a secret."""
    row = AuditLog(account_id=actor_id, action=action, detail=dict(detail), at=at or utcnow())
    session.add(row)
    return row


def audit_entries(session: Session, *, limit: int = 100) -> list[AuditLog]:
    """The newest audit rows first."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    return list(session.scalars(query))


# --- failed sign-ins ----------------------------------------------------------------------


def add_lookup_failure(session: Session, *, scope: str, client_key: str, at: datetime) -> int:
    """Record one failure (or a try not yet known to succeed) and return its id."""
    row = LookupFailure(scope=scope, client_key=client_key, created_at=at)
    session.add(row)
    session.flush()
    return row.id


def delete_lookup_failures(session: Session, *, ids: Collection[int]) -> int:
    """Take back recorded tries by id (they turned out to succeed); returns how many."""
    result = session.execute(delete(LookupFailure).where(LookupFailure.id.in_(list(ids))))
    return changed_rows(result)


def clear_lookup_failures(session: Session, *, scope: str, client_key: str) -> int:
    """Forget the failures of one key in one scope (a successful sign-in); returns how many."""
    result = session.execute(
        delete(LookupFailure).where(LookupFailure.scope == scope, LookupFailure.client_key == client_key)
    )
    return changed_rows(result)
