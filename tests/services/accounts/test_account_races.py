"""Changes to one account that overlap (two admins, an admin and the account's owner signing in),
on each backend: one is held inside its transaction while the other runs."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from db import accounts as db_accounts
from services.accounts import auth, management, passwords
from services.errors import LoginFailed
from tests.support.organisations import add_two_organisations
from tests.support.overlap import hold_first_call, in_background

PASSWORD = "manager password 2026"
NEW_PASSWORD = "a brand new password 2026"


def setting_up(runtime):
    root = auth.create_first_admin(runtime, "root", PASSWORD)
    with runtime.sessions.begin() as session:
        orgs = add_two_organisations(session)
    manager = management.create_account(
        runtime, root, role="manager", username="maria", password=PASSWORD, scope={orgs["north"]: None}
    )
    return root, orgs, manager


def test_two_admins_changing_a_scope_at_once_leave_one_of_the_two(runtime, monkeypatch):
    """Each change replaces the scope; overlapping, they must not add up to more than either chose."""
    root, orgs, manager = setting_up(runtime)
    first_is_held, other_done = hold_first_call(monkeypatch, db_accounts, "set_scope")  # replaced, not committed
    first_done = in_background(
        lambda: management.change_scope(runtime, root, manager.id, {orgs["north"]: frozenset({orgs["north.a"]})})
    )
    assert first_is_held.wait(timeout=30)
    management.change_scope(runtime, root, manager.id, {orgs["south"]: None})
    other_done.set()
    first_done()
    with runtime.sessions.begin() as session:
        scope = db_accounts.scopes_of(session, account_ids=[manager.id])[manager.id]
    assert scope == {orgs["south"]: None}  # the later change, whole


def test_a_sign_in_during_a_password_reset_does_not_outlive_it(runtime, monkeypatch):
    """The sign-in has checked the old password and is opening its session when the reset comes:
    the reset ends every session, that one included."""
    root, _orgs, manager = setting_up(runtime)
    first_is_held, other_done = hold_first_call(monkeypatch, db_accounts, "delete_lookup_failures")
    signing_in = in_background(lambda: auth.login(runtime, "maria", PASSWORD, "maria's laptop"))
    assert first_is_held.wait(timeout=30)
    management.reset_password(runtime, root, manager.id, NEW_PASSWORD)
    other_done.set()
    token = signing_in().token
    assert auth.current_account(runtime, token) is None


def test_two_sign_ins_while_the_hash_gets_stronger_both_succeed(runtime, monkeypatch):
    """The hash parameters got stronger since the password was stored: the first sign-in to finish
    stores it anew; one that checked the old hash meanwhile checks the new one and gets in too."""
    _root, _orgs, manager = setting_up(runtime)
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    first_is_held, other_done = hold_first_call(monkeypatch, passwords, "verify")  # checked, not yet in
    first = in_background(lambda: auth.login(runtime, "maria", PASSWORD, "maria's laptop"))
    assert first_is_held.wait(timeout=30)
    second = auth.login(runtime, "maria", PASSWORD, "maria's phone")
    other_done.set()
    assert {first().account.id, second.account.id} == {manager.id}
    with runtime.sessions.begin() as session:
        stored = db_accounts.get_account(session, account_id=manager.id).password_hash
        assert not passwords._hasher.check_needs_rehash(stored)


def test_a_sign_in_checking_the_old_password_during_a_reset_is_refused(runtime, monkeypatch):
    """The reset lands while the old password is being checked: the sign-in checks the new hash, and fails."""
    root, _orgs, manager = setting_up(runtime)
    first_is_held, other_done = hold_first_call(monkeypatch, passwords, "verify")
    signing_in = in_background(lambda: auth.login(runtime, "maria", PASSWORD, "maria's laptop"))
    assert first_is_held.wait(timeout=30)
    management.reset_password(runtime, root, manager.id, NEW_PASSWORD)
    other_done.set()
    with pytest.raises(LoginFailed):
        signing_in()
    assert auth.login(runtime, "maria", NEW_PASSWORD, "maria's laptop").account.id == manager.id
