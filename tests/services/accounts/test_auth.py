"""Signing in: Argon2id hashes, the first admin (once, even when racing), the database-recorded
slow-down seen by a second server, and sessions that expire (with an injected clock)."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from db import Account, SignIn
from db.models import LookupFailure
from services.accounts import auth, passwords
from services.errors import AdminExists, InvalidInput, LoginFailed, TooManyAttempts, WeakPassword

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
FREE = 3


SETTINGS = {
    "login_free_attempts": FREE,
    "login_shared_free_attempts": 2 * FREE,
    "login_window_minutes": 15,
    "login_max_wait_seconds": 60,
    "session_hours": 8,
}


@pytest.fixture
def rt(make_runtime):
    return make_runtime(**SETTINGS)


@pytest.fixture
def second_server(make_runtime, rt):
    """Another runtime (another app process) on the same database."""
    return make_runtime(**SETTINGS)


@pytest.fixture
def admin(rt):
    return auth.create_first_admin(rt, "Anna", PASSWORD)


def stored_hash(rt, username="anna"):
    with rt.sessions.begin() as session:
        return session.scalar(select(Account.password_hash).where(Account.username == username))


# --- hashing ------------------------------------------------------------------------------


@pytest.mark.production_hashing
def test_passwords_are_hashed_with_argon2id():
    hashed = passwords.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed
    assert passwords.verify(hashed, PASSWORD) == (True, None)
    assert passwords.verify(hashed, PASSWORD + "!") == (False, None)
    assert passwords.verify(None, PASSWORD) == (False, None)
    assert passwords.hash_password(PASSWORD) != hashed  # salted


@pytest.mark.production_hashing
def test_parameters_are_at_least_argon2_cffi_defaults():
    ours, defaults = passwords._hasher, PasswordHasher()
    assert ours.time_cost >= defaults.time_cost
    assert ours.memory_cost >= defaults.memory_cost
    assert ours.parallelism >= defaults.parallelism


@pytest.mark.parametrize(
    "password, username, reason",
    [
        ("short pass1", "", "at least 12 characters"),
        ("x" * 1025, "", "at most 1024"),
        ("  Anna.Berg.1984 ", "anna.berg.1984", "may not be the username"),
    ],
)
def test_weak_passwords_are_refused(password, username, reason):
    with pytest.raises(WeakPassword, match=reason):
        passwords.check_strength(password, username=username)


# --- the first admin ----------------------------------------------------------------------


def test_first_admin_once(rt):
    assert auth.needs_first_admin(rt) is True
    admin = auth.create_first_admin(rt, "  Anna ", PASSWORD)
    assert (admin.username, admin.role, dict(admin.scope)) == ("anna", "admin", {})
    assert auth.needs_first_admin(rt) is False
    assert stored_hash(rt).startswith("$argon2id$")
    with pytest.raises(AdminExists):
        auth.create_first_admin(rt, "bert", PASSWORD)


@pytest.mark.parametrize(
    "username, password, error",
    [
        ("an", PASSWORD, InvalidInput),
        ("anna berg", PASSWORD, InvalidInput),
        ("anna", "too short", WeakPassword),
    ],
)
def test_first_admin_refuses_bad_input(rt, username, password, error):
    with pytest.raises(error):
        auth.create_first_admin(rt, username, password)
    assert auth.needs_first_admin(rt) is True


def test_two_racing_setups_make_one_admin(rt, second_server):
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def set_up(runtime, name):
        barrier.wait()
        try:
            outcomes[name] = auth.create_first_admin(runtime, name, PASSWORD)
        except AdminExists as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=set_up, args=(runtime, name))
        for runtime, name in ((rt, "anna"), (second_server, "bert"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes.values()) == ["AccountView", "AdminExists"]
    with rt.sessions.begin() as session:
        assert session.scalar(text("SELECT count(*) FROM account WHERE role = 'admin'")) == 1


# --- login --------------------------------------------------------------------------------


def test_login_opens_a_session_stored_only_as_a_hash(rt, admin):
    signed_in = auth.login(rt, "ANNA", PASSWORD, "client-1", now=T0)
    assert signed_in.account == admin
    assert signed_in.expires_at == T0 + timedelta(hours=8)
    assert signed_in.token not in repr(signed_in)
    with rt.sessions.begin() as session:
        row = session.scalars(select(SignIn)).one()
        assert row.token_hash == hashlib.sha256(signed_in.token.encode()).hexdigest()
        assert session.scalar(select(Account.last_login_at)) == T0
    assert auth.current_account(rt, signed_in.token, now=T0) == admin


def test_unknown_user_and_wrong_password_read_the_same(rt, admin):
    messages = []
    for username, password in (("nobody", PASSWORD), ("anna", "wrong password!")):
        with pytest.raises(LoginFailed) as err:
            auth.login(rt, username, password, f"client-{username}", now=T0)
        messages.append(str(err.value))
    assert messages == ["Username or password is not right"] * 2


def test_an_unknown_user_costs_a_hash_check_too(rt, admin, monkeypatch):
    checks = []
    real_verify = passwords._verify_quietly
    monkeypatch.setattr(passwords, "_verify_quietly", lambda h, p: checks.append(h) or real_verify(h, p))
    for username in ("nobody", "anna"):
        with pytest.raises(LoginFailed):
            auth.login(rt, username, "wrong password!", "client", now=T0)
    assert len(checks) == 2 and all(h.startswith("$argon2id$") for h in checks)


def test_a_deactivated_account_cannot_sign_in(rt, admin):
    with rt.sessions.begin() as session:
        session.get(Account, admin.id).active = False
    with pytest.raises(LoginFailed):
        auth.login(rt, "anna", PASSWORD, "client", now=T0)


@pytest.mark.production_hashing
def test_an_old_hash_is_upgraded_on_login(rt, admin):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with rt.sessions.begin() as session:
        session.get(Account, admin.id).password_hash = weak
    auth.login(rt, "anna", PASSWORD, "client", now=T0)
    upgraded = stored_hash(rt)
    assert upgraded != weak and upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    auth.login(rt, "anna", PASSWORD, "client", now=T0)
    assert stored_hash(rt) == upgraded  # no needless rehash


# --- slow-down ----------------------------------------------------------------------------


def fail_login(runtime, now, username="anna", client="attacker"):
    with pytest.raises(LoginFailed):
        auth.login(runtime, username, "wrong password!", client, now=now)


def test_wrong_passwords_make_each_next_try_wait_longer(rt, admin):
    now = T0
    for _ in range(FREE):
        fail_login(rt, now)
    waits = []
    for _ in range(4):
        with pytest.raises(TooManyAttempts) as err:
            auth.login(rt, "anna", PASSWORD, "attacker", now=now)  # even the right password waits
        waits.append(err.value.wait_seconds)
        now += timedelta(seconds=err.value.wait_seconds)
        fail_login(rt, now)
    assert waits == [1, 2, 4, 8]


def test_the_slow_down_is_in_the_database_so_a_second_server_sees_it(rt, second_server, admin):
    for _ in range(FREE):
        fail_login(rt, T0)
    with pytest.raises(TooManyAttempts):
        auth.login(second_server, "anna", PASSWORD, "attacker", now=T0)
    with rt.sessions.begin() as session:
        keys = session.scalars(select(LookupFailure.client_key).where(LookupFailure.scope == "login")).all()
    assert len(keys) == 3 * FREE  # username, username from this client, this client
    assert not any("anna" in key or "attacker" in key for key in keys)  # only hashes are kept


def test_failures_older_than_the_window_are_forgotten(rt, admin):
    for _ in range(FREE):
        fail_login(rt, T0)
    fail_login(rt, T0 + timedelta(minutes=16))


# --- sessions -----------------------------------------------------------------------------


def test_a_session_expires_after_the_configured_hours(rt, admin):
    token = auth.login(rt, "anna", PASSWORD, "client", now=T0).token
    assert auth.current_account(rt, token, now=T0 + timedelta(hours=7, minutes=59)) == admin
    assert auth.current_account(rt, token, now=T0 + timedelta(hours=8)) is None


def test_logout_ends_only_that_session(rt, admin):
    first = auth.login(rt, "anna", PASSWORD, "laptop", now=T0).token
    second = auth.login(rt, "anna", PASSWORD, "phone", now=T0).token
    auth.logout(rt, first)
    assert auth.current_account(rt, first, now=T0) is None
    assert auth.current_account(rt, second, now=T0) == admin
    auth.logout(rt, first)  # twice is harmless
    auth.logout(rt, None)


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_no_account_for_a_missing_or_unknown_token(rt, admin, token):
    assert auth.current_account(rt, token, now=T0) is None


def test_deactivating_ends_what_a_session_can_reach(rt, admin):
    token = auth.login(rt, "anna", PASSWORD, "client", now=T0).token
    with rt.sessions.begin() as session:
        session.get(Account, admin.id).active = False
    assert auth.current_account(rt, token, now=T0) is None


def test_a_session_is_seen_by_a_second_server(rt, second_server, admin):
    token = auth.login(rt, "anna", PASSWORD, "client", now=T0).token
    assert auth.current_account(second_server, token, now=T0) == admin
