"""Names for the accounts page: only admins read them, and ids become organisation, team and usernames."""

from __future__ import annotations

import pytest

from db import accounts as db_accounts
from db import organisations as db_organisations
from services.accounts import auth, management, names
from services.accounts.auth import AccountView
from services.accounts.names import OrganisationChoice, ScopeName
from services.errors import NotAuthorised
from tests.support.organisations import add_two_organisations

PASSWORD = "manager password 2026"


@pytest.fixture
def root(runtime):
    return auth.create_first_admin(runtime, "root", PASSWORD)


@pytest.fixture
def orgs(runtime):
    with runtime.sessions.begin() as session:
        ids = add_two_organisations(session)
        ids["empty"] = db_organisations.create_organisation(session, name="empty").id
    return ids


@pytest.fixture
def people(root, orgs):
    """Who asks, by role; the services decide on the AccountView alone (None: nobody signed in)."""
    return {
        "admin": root,
        "nobody": None,
        **{role: AccountView(99, f"the-{role}", role, {orgs["north"]: None}) for role in ("manager", "facilitator")},
    }


CALLS = {
    "scope_choices": lambda rt, actor: names.scope_choices(rt, actor),
    "account_listing": lambda rt, actor: names.account_listing(rt, actor),
    "audit_lines": lambda rt, actor: names.audit_lines(rt, actor),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize(
    "who, allowed", [("admin", True), ("manager", False), ("facilitator", False), ("nobody", False)]
)
def test_only_admins_may_read_the_accounts_page_data(runtime, people, call, who, allowed):
    if allowed:
        assert CALLS[call](runtime, people[who])
    else:
        with pytest.raises(NotAuthorised):
            CALLS[call](runtime, people[who])


def test_scope_choices_name_every_organisation_and_its_teams(runtime, root, orgs):
    assert names.scope_choices(runtime, root) == [
        OrganisationChoice(orgs["empty"], "empty", ()),
        OrganisationChoice(orgs["north"], "north", ((orgs["north.a"], "a"), (orgs["north.b"], "b"))),
        OrganisationChoice(orgs["south"], "south", ((orgs["south.a"], "a"), (orgs["south.b"], "b"))),
    ]


def test_scope_choices_without_organisations(runtime, root):
    assert names.scope_choices(runtime, root) == []


@pytest.mark.parametrize(
    "scope, expected",
    [
        ({}, ()),
        ({"north": None}, (ScopeName("north", None),)),
        ({"south": ["south.b", "south.a"], "north": None}, (ScopeName("north", None), ScopeName("south", ("a", "b")))),
    ],
)
def test_account_listing_names_the_scope(runtime, root, orgs, scope, expected):
    role = "admin" if not scope else "manager"
    stored = {orgs[org]: None if teams is None else [orgs[t] for t in teams] for org, teams in scope.items()}
    made = management.create_account(runtime, root, role=role, username="mia", password=PASSWORD, scope=stored)
    listing = {item.row.account.username: item for item in names.account_listing(runtime, root)}
    assert list(listing) == ["mia", "root"]
    assert listing["mia"].scope == expected
    assert listing["mia"].row == next(r for r in management.list_accounts(runtime, root) if r.account.id == made.id)


def test_audit_lines_name_the_actor_and_the_scope(runtime, root, orgs):
    mia = management.create_account(
        runtime, root, role="manager", username="mia", password=PASSWORD, scope={orgs["north"]: None}
    )
    management.change_scope(runtime, root, mia.id, {orgs["south"]: [orgs["south.a"]]})
    lines = names.audit_lines(runtime, root)
    assert [(line.actor, line.action, line.scope) for line in lines] == [
        ("root", "scope_changed", (ScopeName("south", ("a",)),)),
        ("root", "account_created", (ScopeName("north", None),)),
        (None, "first_admin_created", None),
    ]
    assert lines[0].detail["username"] == "mia"


def test_audit_lines_keep_ids_that_no_longer_exist_and_odd_details(runtime, root):
    with runtime.sessions.begin() as session:
        db_accounts.add_audit(
            session, actor_id=None, action="sso_account_created", detail={"username": "x@y.nl", "organisations": [77]}
        )
        db_accounts.add_audit(session, actor_id=root.id, action="something_else", detail={"scope": "not a mapping"})
        db_accounts.add_audit(session, actor_id=root.id, action="odd", detail={"scope": {"north": None}})
    lines = names.audit_lines(runtime, root, limit=3)
    assert [(line.action, line.scope) for line in lines] == [
        ("odd", None),
        ("something_else", None),
        ("sso_account_created", (ScopeName("#77", None),)),
    ]


def test_audit_lines_limit(runtime, root, orgs):
    for name in ("mia", "max", "moos"):
        management.create_account(
            runtime, root, role="manager", username=name, password=PASSWORD, scope={orgs["north"]: None}
        )
    assert [line.detail["username"] for line in names.audit_lines(runtime, root, limit=2)] == ["moos", "max"]
