"""Account administration: only admins, every action audited without secrets, the last admin kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.accounts import auth, management
from services.errors import InvalidInput, LoginFailed, NotAuthorised, NotFound, WeakPassword
from tests.support.organisations import add_two_organisations

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ADMIN_PASSWORD = "admin password of length"
PASSWORD = "manager password 2026"


@pytest.fixture
def rt(make_runtime):
    return make_runtime()


@pytest.fixture
def root(rt):
    return auth.create_first_admin(rt, "root", ADMIN_PASSWORD)


@pytest.fixture
def orgs(rt):
    """Organisations north and south, each with teams a and b: ids by name."""
    with rt.sessions.begin() as session:
        return add_two_organisations(session)


def make_manager(rt, root, orgs, **changes):
    fields = {
        "role": "manager",
        "username": "Mia",
        "password": PASSWORD,
        "scope": {orgs["north"]: None, orgs["south"]: [orgs["south.a"]]},
    } | changes
    return management.create_account(rt, root, **fields)


def test_an_admin_creates_a_manager_who_can_sign_in(rt, root, orgs):
    mia = make_manager(rt, root, orgs)
    assert (mia.username, mia.role) == ("mia", "manager")
    assert mia.scope == {orgs["north"]: None, orgs["south"]: frozenset({orgs["south.a"]})}
    assert auth.login(rt, "mia", PASSWORD, "client", now=T0).account == mia


def test_every_admin_action_is_audited_without_secrets(rt, root, orgs):
    mia = make_manager(rt, root, orgs)
    management.change_scope(rt, root, mia.id, {orgs["south"]: None})
    management.reset_password(rt, root, mia.id, "a brand new password")
    management.deactivate_account(rt, root, mia.id)
    management.reactivate_account(rt, root, mia.id)
    log = management.audit_log(rt, root)
    assert [e.action for e in reversed(log)] == [
        "first_admin_created",
        "account_created",
        "scope_changed",
        "password_reset",
        "account_deactivated",
        "account_reactivated",
    ]
    assert all(e.actor_id == root.id for e in log[:-1])
    assert log[-2].detail == {
        "account_id": mia.id,
        "username": "mia",
        "role": "manager",
        "scope": {str(orgs["north"]): None, str(orgs["south"]): [orgs["south.a"]]},
    }
    written = json.dumps([e.detail for e in log])
    for secret in (PASSWORD, "a brand new password", ADMIN_PASSWORD, "argon2"):
        assert secret not in written


@pytest.mark.parametrize("role", ["manager", "facilitator"])
def test_only_admins_administer_accounts(rt, root, orgs, role):
    other = make_manager(rt, root, orgs, role=role)
    calls = [
        lambda: management.create_account(rt, other, role="admin", username="evil", password=PASSWORD, scope={}),
        lambda: management.change_scope(rt, other, other.id, {orgs["south"]: None}),
        lambda: management.deactivate_account(rt, other, root.id),
        lambda: management.reset_password(rt, other, root.id, "taken over password"),
        lambda: management.list_accounts(rt, other),
        lambda: management.audit_log(rt, other),
        lambda: management.list_accounts(rt, None),
    ]
    for call in calls:
        with pytest.raises(NotAuthorised):
            call()
    assert auth.login(rt, "root", ADMIN_PASSWORD, "client", now=T0).account == root


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"role": "owner"}, InvalidInput, "unknown role"),
        ({"role": "admin"}, InvalidInput, "give them no organisations"),
        ({"scope": {}}, InvalidInput, "at least one organisation"),
        ({"scope": {1: []}}, InvalidInput, "at least one team"),
        ({"scope": {999: None}}, InvalidInput, "does not exist"),
        ({"username": "root"}, InvalidInput, "taken"),
        ({"username": "x"}, InvalidInput, "3 to 100"),
        ({"password": "short"}, WeakPassword, "12 characters"),
    ],
)
def test_create_account_refuses_what_does_not_fit(rt, root, orgs, changes, error, message):
    with pytest.raises(error, match=message):
        make_manager(rt, root, orgs, **changes)
    assert [row.account.username for row in management.list_accounts(rt, root)] == ["root"]


def test_a_team_of_another_organisation_is_refused(rt, root, orgs):
    with pytest.raises(InvalidInput, match="not a team of organisation"):
        make_manager(rt, root, orgs, scope={orgs["north"]: [orgs["south.b"]]})
    assert [row.account.username for row in management.list_accounts(rt, root)] == ["root"]


def test_deactivating_ends_sessions_and_sign_in(rt, root, orgs):
    mia = make_manager(rt, root, orgs)
    token = auth.login(rt, "mia", PASSWORD, "client", now=T0).token
    management.deactivate_account(rt, root, mia.id)
    assert auth.current_account(rt, token, now=T0) is None
    with pytest.raises(LoginFailed):
        auth.login(rt, "mia", PASSWORD, "client", now=T0)
    [row] = [r for r in management.list_accounts(rt, root) if r.account.id == mia.id]
    assert row.active is False and row.has_password is True


def test_the_last_admin_cannot_be_deactivated(rt, root):
    with pytest.raises(InvalidInput, match="last active admin"):
        management.deactivate_account(rt, root, root.id)
    assert auth.needs_first_admin(rt) is False
    second = management.create_account(rt, root, role="admin", username="second", password=PASSWORD, scope={})
    management.deactivate_account(rt, second, root.id)
    assert auth.needs_first_admin(rt) is False


def test_reset_password_ends_sessions_and_the_old_password(rt, root, orgs):
    mia = make_manager(rt, root, orgs)
    token = auth.login(rt, "mia", PASSWORD, "client", now=T0).token
    with pytest.raises(WeakPassword):
        management.reset_password(rt, root, mia.id, "Mia")
    management.reset_password(rt, root, mia.id, "a brand new password")
    assert auth.current_account(rt, token, now=T0) is None
    with pytest.raises(LoginFailed):
        auth.login(rt, "mia", PASSWORD, "client", now=T0)
    assert auth.login(rt, "mia", "a brand new password", "client", now=T0).account.id == mia.id


def test_unknown_account_ids(rt, root):
    for call in (management.deactivate_account, management.reactivate_account):
        with pytest.raises(NotFound):
            call(rt, root, 999)
    with pytest.raises(NotFound):
        management.reset_password(rt, root, 999, PASSWORD)
