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

from db import accounts as db_accounts
from db.account_models import Account
from db.models import utcnow
from services import throttle
from services.accounts import passwords, setup_tokens
from services.errors import (
    AdminExists,
    InvalidInput,
    LoginFailed,
    TooManyAttempts,
)
from services.runtime import Runtime

LOGIN_SCOPE = "login"
USERNAME_PATTERN = re.compile(r"[\w.@+-]{3,100}")


@dataclass(frozen=True)
class AccountView:
    """Who is signed in: what every authorisation check needs, nothing secret."""

    id: int
    username: str
    role: str  # admin | manager | facilitator
    # organisation id -> None (every team) or the team ids the account is limited to; empty for admins
    scope: Mapping[int, frozenset[int] | None] = field(default_factory=dict)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(self.scope)


@dataclass(frozen=True)
class SignInToken:
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
    """True while no active admin exists: the set-up page (or manage.py create-admin) is open.

    Asked on every page run, so the database is asked only until this process sees an admin. That
    answer never goes stale, whichever app server made the admin: accounts are never deleted, the
    last active admin cannot be deactivated (management.deactivate_account) and a backup is restored
    only into an empty database.
    """
    if rt.admin_seen.is_set():
        return False
    with rt.sessions.begin() as session:
        needed = db_accounts.count_active_admins(session) == 0
    if not needed:
        rt.admin_seen.set()
    return needed


def create_first_admin(
    rt: Runtime, username: str, password: str, *, setup_token: str | None = None, now: datetime | None = None
) -> AccountView:
    """Create the first admin. AdminExists once any active admin exists (checked and inserted in
    one locked transaction, so two racing set-ups make one admin); InvalidInput/WeakPassword for a
    bad username or password.

    From the set-up page `setup_token` is what was typed: SetupTokenRefused unless it is a valid
    token (services.accounts.setup_tokens), and nothing is stored. None is for the console (manage.py
    create-admin), whose user already controls the server.
    """
    name = normalise_username(username)
    passwords.check_strength(password, username=name)
    password_hash = passwords.hash_password(password)  # slow: before the write lock is taken
    now = now or utcnow()
    with rt.sessions.begin() as session:
        db_accounts.lock_accounts(session)
        if db_accounts.count_active_admins(session):
            raise AdminExists("an admin account already exists; an admin creates further accounts")
        if setup_token is not None:
            setup_tokens.use(session, setup_token, now=now)
        else:
            db_accounts.delete_setup_tokens(session)
        account = _add_account(session, name, password_hash, "admin")
        db_accounts.add_audit(
            session,
            actor_id=None,
            action="first_admin_created",
            detail={
                "account_id": account.id,
                "username": name,
                "by": "console" if setup_token is None else "setup_token",
            },
        )
        return AccountView(account.id, account.username, account.role, {})


def _add_account(session: Session, name: str, password_hash: str | None, role: str) -> Account:
    try:
        return db_accounts.add_account(session, username=name, password_hash=password_hash, role=role)
    except db_accounts.UsernameTaken:
        raise InvalidInput(f"the username '{name}' is taken") from None


# --- password login -----------------------------------------------------------------------


class UsernameSlowedDown(TooManyAttempts):
    """Many wrong passwords for this username from several clients, and this client typed one too:
    a short wait (VM_LOGIN_USERNAME_MAX_WAIT_SECONDS at most); a client without misses signs in at once."""


@dataclass(frozen=True)
class LoginPolicies:
    """The three slow-downs of password sign-in (OWASP: count per account and source, never lock out)."""

    pair: throttle.ThrottlePolicy  # one username from one client
    client: throttle.ThrottlePolicy  # one client, every username
    username: throttle.ThrottlePolicy  # one username, every client: only slows a client with misses


def login_policies(rt: Runtime) -> LoginPolicies:
    s = rt.settings
    window = timedelta(minutes=s.login_window_minutes)
    return LoginPolicies(
        pair=throttle.ThrottlePolicy(s.login_free_attempts, window, s.login_max_wait_seconds),
        client=throttle.ThrottlePolicy(s.login_shared_free_attempts, window, s.login_max_wait_seconds),
        username=throttle.ThrottlePolicy(s.login_shared_free_attempts, window, s.login_username_max_wait_seconds),
    )


@dataclass(frozen=True)
class LoginKeys:
    """The failure-count keys of one try: only hashes, never a username or an address."""

    username: str
    pair: str
    client: str

    @classmethod
    def of(cls, name: str, client_key: str) -> LoginKeys:
        def digest(text: str) -> str:
            # surrogatepass: a lone surrogate (never from a browser, possible from code) is a miss, not a crash
            return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

        return cls(
            username="user:" + digest(name),
            pair="pair:" + digest(f"{len(name)}:{name}{client_key}"),
            client="client:" + digest(client_key),
        )


def login_wait(
    policies: LoginPolicies, *, pair: list[datetime], client: list[datetime], username: list[datetime], now: datetime
) -> TooManyAttempts | None:
    """Why this try must wait, or None. This client's own misses (for this username, or for any) hold
    it as long as the slow-down says; everyone's misses for the username only slow a client that
    missed itself lately, counted from its own last miss, so a stranger can never hold the owner."""
    own = max(throttle.wait_seconds(policies.pair, pair, now), throttle.wait_seconds(policies.client, client, now))
    if own:
        return TooManyAttempts(own)
    shared = throttle.shared_wait_seconds(policies.username, username, client, now)
    return UsernameSlowedDown(shared) if shared else None


def login(rt: Runtime, username: str, password: str, client_key: str, *, now: datetime | None = None) -> SignInToken:
    """Sign in with a password and open a session.

    LoginFailed (one message for an unknown user and a wrong password), or TooManyAttempts (its
    UsernameSlowedDown kind for the username-wide slow-down) as login_wait decides. Every try is
    first recorded as a failure under its three keys, so parallel guesses cannot slip past the count;
    a success takes its own record back and forgets the username's failures.
    """
    now = now or utcnow()
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    keys = LoginKeys.of(name, client_key)
    policies = login_policies(rt)
    with rt.sessions.begin() as session:
        # Locked always in this order (username, pair, client), so two tries cannot wait on each other.
        misses = {
            kind: throttle.recent_misses(
                session, getattr(policies, kind), scope=LOGIN_SCOPE, client_key=getattr(keys, kind), now=now
            )
            for kind in ("username", "pair", "client")
        }
        refusal = login_wait(policies, now=now, **misses)
        if refusal is not None:
            raise refusal
        attempt_ids = [
            db_accounts.add_lookup_failure(session, scope=LOGIN_SCOPE, client_key=key, at=now)
            for key in (keys.username, keys.pair, keys.client)
        ]
        account = db_accounts.find_account(session, username=name) if name and _utf8(name) else None
        stored_hash = account.password_hash if account is not None and account.active else None
        account_id = account.id if account is not None else None
    # The hash can change while the password is checked: a reset (the password typed then fails the
    # new hash) or another sign-in storing it with stronger parameters (it passes): checked once more.
    for _check in range(2):
        matches, new_hash = (
            passwords.verify(stored_hash, password)  # slow: outside the transaction
            if _utf8(password)
            else (False, None)
        )
        if not matches or account_id is None:
            raise LoginFailed()
        with rt.sessions.begin() as session:
            # Locked: a password reset or a deactivation either comes first (and is seen here) or
            # waits, and then ends the session opened here.
            account = db_accounts.get_account(session, account_id=account_id, for_update=True)
            if account is None or not account.active:
                raise LoginFailed()  # deactivated while the password was being checked
            if account.password_hash == stored_hash:
                db_accounts.delete_lookup_failures(session, ids=attempt_ids)
                # The client's count stays: one's own account must not wash away guesses at others.
                for key in (keys.username, keys.pair):
                    db_accounts.clear_lookup_failures(session, scope=LOGIN_SCOPE, client_key=key)
                if new_hash is not None:
                    account.password_hash = new_hash  # parameters got stronger since it was hashed
                return open_sign_in(rt, session, account, now=now)
            stored_hash = account.password_hash
    raise LoginFailed()


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def open_sign_in(rt: Runtime, session: Session, account: Account, *, now: datetime) -> SignInToken:
    """Start a session for an account inside the caller's transaction (password or single sign-on)."""
    db_accounts.delete_expired_sign_ins(session, now=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=rt.settings.session_hours)
    db_accounts.add_sign_in(
        session, token_hash=token_hash(token), account_id=account.id, created_at=now, expires_at=expires_at
    )
    account.last_login_at = now
    return SignInToken(token, expires_at, account_view(session, account))


def account_view(session: Session, account: Account) -> AccountView:
    """The AccountView of an account row, with its scope."""
    scope = db_accounts.scopes_of(session, account_ids=[account.id])[account.id]
    return AccountView(account.id, account.username, account.role, scope)


# --- sessions -----------------------------------------------------------------------------


def current_account(rt: Runtime, token: str | None, *, now: datetime | None = None) -> AccountView | None:
    """The account signed in with this session token; None when unknown, expired or deactivated."""
    if not token:
        return None
    now = now or utcnow()
    with rt.sessions.begin() as session:
        row = db_accounts.find_sign_in(session, token_hash=token_hash(token))
        if row is None or row.expires_at <= now:
            return None
        account = db_accounts.get_account(session, account_id=row.account_id)
        if account is None or not account.active:
            return None
        return account_view(session, account)


def logout(rt: Runtime, token: str | None) -> None:
    """End the session of this token (nothing happens for an unknown one)."""
    if not token:
        return
    with rt.sessions.begin() as session:
        db_accounts.delete_sign_in(session, token_hash=token_hash(token))
