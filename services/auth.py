"""Signing in: the first admin, password login slowed down in the database, expiring sessions.

Nothing here lives in Streamlit's session state: failed tries are rows of lookup_failure (so every
app server sees them) and a session is a row of auth_session found by the sha256 of its token.
The page keeps only the token.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db import accounts as repo
from db.account_models import Account
from db.models import utcnow

from . import passwords, throttle
from .errors import AdminExists, InvalidInput, LoginFailed, TooManyAttempts
from .runtime import Runtime

LOGIN_SCOPE = "login"
USERNAME_PATTERN = re.compile(r"[\w.@+-]{3,100}")


@dataclass(frozen=True)
class AccountView:
    """Who is signed in: what every authorisation check needs, nothing secret."""

    id: int
    username: str
    role: str   # admin | manager | facilitator
    # organisation id -> None (every team) or the team ids the account is limited to; empty for admins
    scope: Mapping[int, frozenset[int] | None] = field(default_factory=dict)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(self.scope)


@dataclass(frozen=True)
class SessionToken:
    """A new sign-in: the page keeps `token` (only its sha256 is stored) until `expires_at`."""

    token: str = field(repr=False)
    expires_at: datetime
    account: AccountView


def normalise_username(username: str) -> str:
    """The stored form of a username: trimmed, case-folded; InvalidInput when it cannot be one."""
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidInput("a username has 3 to 100 letters, digits or . _ @ + - (no spaces)")
    return name


def token_hash(token: str) -> str:
    """The sha256 hex stored for a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- the first admin ----------------------------------------------------------------------


def needs_first_admin(rt: Runtime) -> bool:
    """True while no active admin exists: the set-up page (or manage.py create-admin) is open."""
    with rt.sessions.begin() as session:
        return repo.count_active_admins(session) == 0


def create_first_admin(rt: Runtime, username: str, password: str) -> AccountView:
    """Create the first admin. AdminExists once any active admin exists (checked and inserted in
    one locked transaction, so two racing set-ups make one admin); InvalidInput/WeakPassword for a
    bad username or password.
    """
    name = normalise_username(username)
    passwords.check_strength(password, username=name)
    password_hash = passwords.hash_password(password)   # slow: before the write lock is taken
    with rt.sessions.begin() as session:
        repo.lock_accounts(session)
        if repo.count_active_admins(session):
            raise AdminExists("an admin account already exists; an admin creates further accounts")
        account = _add_account(session, name, password_hash, "admin")
        repo.add_audit(session, actor_id=None, action="first_admin_created",
                       detail={"account_id": account.id, "username": name})
        return AccountView(account.id, account.username, account.role, {})


def _add_account(session: Session, name: str, password_hash: str | None, role: str) -> Account:
    try:
        return repo.add_account(session, username=name, password_hash=password_hash, role=role)
    except repo.UsernameTaken:
        raise InvalidInput(f"the username '{name}' is taken") from None


# --- password login -----------------------------------------------------------------------


def login_policy(rt: Runtime) -> throttle.ThrottlePolicy:
    s = rt.settings
    return throttle.ThrottlePolicy(s.login_free_attempts, timedelta(minutes=s.login_window_minutes),
                                   s.login_max_wait_seconds)


def login(rt: Runtime, username: str, password: str, client_key: str, *,
          now: datetime | None = None) -> SessionToken:
    """Sign in with a password and open a session.

    LoginFailed (one message for an unknown user and a wrong password) or TooManyAttempts when
    this username or this client failed too often lately. Every try is first recorded as a
    failure under both keys, so parallel guesses cannot slip past the count; a success takes its
    own record back and forgets the username's earlier failures.
    """
    now = now or utcnow()
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    # surrogatepass: a lone surrogate (never from a browser, possible from code) is a miss, not a crash
    user_key = "user:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
    client = "client:" + hashlib.sha256(client_key.encode("utf-8", "surrogatepass")).hexdigest()
    policy = login_policy(rt)
    with rt.sessions.begin() as session:
        wait = max(throttle.check_allowed(session, policy, scope=LOGIN_SCOPE, client_key=key, now=now)
                   for key in (user_key, client))
        if wait:
            raise TooManyAttempts(wait)
        attempt_ids = [repo.add_lookup_failure(session, scope=LOGIN_SCOPE, client_key=key, at=now)
                       for key in (user_key, client)]
        account = repo.find_account(session, username=name) if name and _utf8(name) else None
        stored_hash = account.password_hash if account is not None and account.active else None
        account_id = account.id if account is not None else None
    # The hash can change while the password is checked: a reset (the password typed then fails the
    # new hash) or another sign-in storing it with stronger parameters (it passes): checked once more.
    for _check in range(2):
        matches, new_hash = (passwords.verify(stored_hash, password)   # slow: outside the transaction
                             if _utf8(password) else (False, None))
        if not matches or account_id is None:
            raise LoginFailed()
        with rt.sessions.begin() as session:
            # Locked: a password reset or a deactivation either comes first (and is seen here) or
            # waits, and then ends the session opened here.
            account = repo.get_account(session, account_id=account_id, for_update=True)
            if account is None or not account.active:
                raise LoginFailed()   # deactivated while the password was being checked
            if account.password_hash == stored_hash:
                repo.delete_lookup_failures(session, ids=attempt_ids)
                repo.clear_lookup_failures(session, scope=LOGIN_SCOPE, client_key=user_key)
                if new_hash is not None:
                    account.password_hash = new_hash   # parameters got stronger since it was hashed
                return open_session(rt, session, account, now=now)
            stored_hash = account.password_hash
    raise LoginFailed()


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def open_session(rt: Runtime, session: Session, account: Account, *, now: datetime) -> SessionToken:
    """Start a session for an account inside the caller's transaction (password or single sign-on)."""
    repo.delete_expired_sessions(session, now=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=rt.settings.session_hours)
    repo.add_auth_session(session, token_hash=token_hash(token), account_id=account.id,
                          created_at=now, expires_at=expires_at)
    account.last_login_at = now
    return SessionToken(token, expires_at, account_view(session, account))


def account_view(session: Session, account: Account) -> AccountView:
    """The AccountView of an account row, with its scope."""
    scope = repo.scopes_of(session, account_ids=[account.id])[account.id]
    return AccountView(account.id, account.username, account.role, scope)


# --- sessions -----------------------------------------------------------------------------


def current_account(rt: Runtime, token: str | None, *, now: datetime | None = None) -> AccountView | None:
    """The account signed in with this session token; None when unknown, expired or deactivated."""
    if not token:
        return None
    now = now or utcnow()
    with rt.sessions.begin() as session:
        row = repo.find_auth_session(session, token_hash=token_hash(token))
        if row is None or row.expires_at <= now:
            return None
        account = repo.get_account(session, account_id=row.account_id)
        if account is None or not account.active:
            return None
        return account_view(session, account)


def logout(rt: Runtime, token: str | None) -> None:
    """End the session of this token (nothing happens for an unknown one)."""
    if not token:
        return
    with rt.sessions.begin() as session:
        repo.delete_auth_session(session, token_hash=token_hash(token))
