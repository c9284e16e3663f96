"""Single sign-on: a fake verified identity (what st.user would hold) mapped through the allow-list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from db import Account
from db import accounts as db_accounts
from db.org_models import Organisation
from services.accounts import auth, management, sso
from services.errors import InvalidInput, LoginFailed, StartupError
from services.runtime import load_settings
from services.settings import Settings, SsoRule
from tests.support.overlap import hold_first_call, in_background

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ALLOW = [
    {"email": "Mia@Zorg.nl", "role": "manager", "organisations": [1]},
    {"email": "boss@zorg.nl", "role": "admin"},
    {"domain": "zorg.nl", "role": "facilitator", "organisations": [2]},
]


@pytest.fixture
def rt(make_runtime):
    runtime = make_runtime(sso_allow=ALLOW)
    with runtime.sessions.begin() as session:
        session.add_all([Organisation(id=1, name="north"), Organisation(id=2, name="south")])
    return runtime


@pytest.mark.parametrize(
    "email, role, scope",
    [
        ("mia@zorg.nl", "manager", {1: None}),
        (" MIA@zorg.NL ", "manager", {1: None}),  # providers differ in case and spacing
        ("boss@zorg.nl", "admin", {}),
        ("fay@zorg.nl", "facilitator", {2: None}),  # by the domain rule
    ],
)
def test_an_allowed_verified_identity_gets_an_account(rt, email, role, scope):
    view = sso.account_for_sso_identity(rt, email, True)
    assert view is not None
    assert (view.username, view.role, dict(view.scope)) == (email.strip().lower(), role, scope)
    assert sso.account_for_sso_identity(rt, email, True) == view  # linked, not created again


@pytest.mark.parametrize(
    "email, verified",
    [
        ("mia@zorg.nl", False),
        ("mia@zorg.nl", None),
        ("mia@zorg.nl", "true"),  # only a real True from the provider counts
        ("someone@elsewhere.nl", True),  # not on the list
        ("mia@sub.zorg.nl", True),  # a domain rule is exact, not a suffix
        ("zorg.nl", True),
        ("", True),
        (None, True),
    ],
)
def test_refused_identities_get_nothing(rt, email, verified):
    assert sso.account_for_sso_identity(rt, email, verified) is None
    with rt.sessions.begin() as session:
        assert session.scalars(select(Account)).all() == []  # nothing was created


def test_an_sso_account_has_no_password_and_its_creation_is_audited(rt):
    view = sso.account_for_sso_identity(rt, "mia@zorg.nl", True)
    boss = sso.account_for_sso_identity(rt, "boss@zorg.nl", True)
    rows = {row.account.username: row for row in management.list_accounts(rt, boss)}
    assert rows["mia@zorg.nl"].has_password is False
    with pytest.raises(LoginFailed):
        auth.login(rt, "mia@zorg.nl", "", "client", now=T0)
    [entry] = [e for e in management.audit_log(rt, boss) if e.detail["username"] == view.username]
    assert entry.action == "sso_account_created" and entry.actor_id is None


def test_an_existing_account_is_linked_with_its_own_role(rt):
    root = auth.create_first_admin(rt, "root", "admin password of length")
    fay = management.create_account(
        rt, root, role="manager", username="fay@zorg.nl", password="fay's own password", scope={1: None}
    )
    assert sso.account_for_sso_identity(rt, "fay@zorg.nl", True) == fay  # not the domain rule's role
    management.deactivate_account(rt, root, fay.id)
    assert sso.account_for_sso_identity(rt, "fay@zorg.nl", True) is None


def test_login_with_sso_opens_an_expiring_session(rt):
    signed_in = sso.login_with_sso(rt, "mia@zorg.nl", True, now=T0)
    assert signed_in is not None
    assert auth.current_account(rt, signed_in.token, now=T0) == signed_in.account
    assert auth.current_account(rt, signed_in.token, now=T0 + timedelta(hours=8)) is None
    assert sso.login_with_sso(rt, "mia@zorg.nl", False, now=T0) is None


def test_a_sign_in_during_a_deactivation_does_not_come_back_with_the_account(rt, monkeypatch):
    """The sign-in is opening its session when an admin switches the account off: the deactivation must
    end that session too, or switching the account on again later would bring it back."""
    root = auth.create_first_admin(rt, "root", "admin password of length")
    mia = sso.account_for_sso_identity(rt, "mia@zorg.nl", True)
    # held just after it read the account (still active), before it opens the session
    first_is_held, other_done = hold_first_call(monkeypatch, db_accounts, "get_account")
    signing_in = in_background(lambda: sso.login_with_sso(rt, "mia@zorg.nl", True))
    assert first_is_held.wait(timeout=30)
    management.deactivate_account(rt, root, mia.id)
    other_done.set()
    signed_in = signing_in()
    management.reactivate_account(rt, root, mia.id)
    assert signed_in is not None and auth.current_account(rt, signed_in.token) is None


def test_removing_an_address_from_the_list_stops_its_sign_in(rt, make_runtime):
    assert sso.account_for_sso_identity(rt, "mia@zorg.nl", True) is not None
    shorter = make_runtime(sso_allow=ALLOW[1:2])
    assert sso.account_for_sso_identity(shorter, "mia@zorg.nl", True) is None


def test_a_rule_naming_a_missing_organisation_says_so(make_runtime):
    runtime = make_runtime(sso_allow=[{"email": "a@b.nl", "role": "manager", "organisations": [7]}])
    with pytest.raises(InvalidInput, match="VM_SSO_ALLOW"):
        sso.account_for_sso_identity(runtime, "a@b.nl", True)


def test_the_allow_list_is_read_from_the_environment_as_json(monkeypatch):
    monkeypatch.setenv("VM_SSO_ALLOW", '[{"email": "A@B.nl", "role": "manager", "organisations": [1]}]')
    assert Settings().sso_allow == (SsoRule(email="a@b.nl", role="manager", organisations=(1,)),)


@pytest.mark.parametrize(
    "rule, message",
    [
        ({"domain": "zorg.nl", "role": "admin"}, "cannot make admins"),
        ({"email": "a@b.nl", "domain": "b.nl", "role": "manager", "organisations": [1]}, "either email or domain"),
        ({"role": "manager", "organisations": [1]}, "either email or domain"),
        ({"email": "a@b.nl", "role": "manager"}, "at least one organisation"),
        ({"email": "a@b.nl", "role": "admin", "organisations": [1]}, "leave organisations out"),
        ({"email": "not-an-address", "role": "admin"}, "not an e-mail address"),
        ({"domain": "@b.nl", "role": "facilitator", "organisations": [1]}, "part after @"),
        ({"email": "a@b.nl", "role": "owner"}, "role"),
        ({"email": "a@b.nl", "role": "admin", "teams": [1]}, "teams"),
    ],
)
def test_bad_rules_fail_fast(rule, message):
    with pytest.raises(ValidationError, match=message):
        Settings(sso_allow=[rule])


@pytest.mark.parametrize("value, expected", [("", ()), ("  ", ()), ("[]", ())])
def test_an_empty_allow_list_admits_nobody(monkeypatch, value, expected):
    monkeypatch.setenv("VM_SSO_ALLOW", value)
    assert Settings().sso_allow == expected


def test_an_allow_list_that_is_not_json_stops_the_start_with_a_message(monkeypatch):
    monkeypatch.setenv("VM_SSO_ALLOW", "mia@zorg.nl:manager")
    with pytest.raises(StartupError, match="sso_allow: .*not valid JSON"):
        load_settings()
