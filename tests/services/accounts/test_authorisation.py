"""The authorisation matrix (every role x page x action) and the organisation/team scope."""

from __future__ import annotations

import itertools

import pytest

from services.accounts.auth import AccountView
from services.accounts.authorisation import (
    ACTIONS,
    ALLOWED,
    PAGES,
    ROLES,
    authorise,
    can,
    filter_organisations,
    visible_organisations,
    visible_teams,
)
from services.errors import NotAuthorised, ServiceError

# The policy as the product describes it, written out independently of the module's table:
# (role, page) -> the actions allowed; everything not listed is refused.
EXPECTED = {
    ("admin", "admin_organisations"): {"view", "create", "edit", "export"},
    ("admin", "admin_accounts"): {"view", "create", "edit", "export"},
    ("admin", "admin_rounds"): {"view", "create", "edit", "export"},
    ("admin", "dashboard"): {"view", "export"},
    ("admin", "workshop_facilitator"): {"view", "create", "edit", "export"},
    ("manager", "dashboard"): {"view", "export"},
    ("manager", "workshop_facilitator"): {"view"},
    ("facilitator", "workshop_facilitator"): {"view", "create", "edit", "export"},
    ("admin", "action_plan"): {"view", "create", "edit", "export"},
    ("manager", "action_plan"): {"view", "create", "edit", "export"},
    ("facilitator", "action_plan"): {"create"},  # adding a workshop's agreed action to a plan
}

NORTH, SOUTH, ELSEWHERE = 1, 2, 3
SOUTH_A, SOUTH_B, SOUTH_C, NORTH_A = 21, 22, 23, 11
ACCOUNTS = {
    "admin": AccountView(1, "root", "admin", {}),
    # manager/facilitator: the whole of North, and teams A and B of South
    "manager": AccountView(2, "mia", "manager", {NORTH: None, SOUTH: frozenset({SOUTH_A, SOUTH_B})}),
    "facilitator": AccountView(3, "fay", "facilitator", {NORTH: None, SOUTH: frozenset({SOUTH_A, SOUTH_B})}),
}
MATRIX = list(itertools.product(ROLES, PAGES, ACTIONS))


def test_the_table_covers_every_role_page_and_action_once():
    assert set(ALLOWED) == set(MATRIX)
    assert len(ALLOWED) == len(ROLES) * len(PAGES) * len(ACTIONS) == 84


@pytest.mark.parametrize("role, page, action", MATRIX, ids=["-".join(c) for c in MATRIX])
def test_matrix(role, page, action):
    allowed = action in EXPECTED.get((role, page), set())
    assert ALLOWED[(role, page, action)] is allowed
    account = ACCOUNTS[role]
    if allowed:
        authorise(account, page, action)
        authorise(account, page, action, organisation_id=NORTH)
        authorise(account, page, action, organisation_id=SOUTH, team_id=SOUTH_A)
    else:
        with pytest.raises(NotAuthorised):
            authorise(account, page, action)
        with pytest.raises(NotAuthorised):
            authorise(account, page, action, organisation_id=NORTH)  # in scope, still not allowed
    assert can(account, page, action) is allowed


def test_facilitators_stay_off_the_dashboard_and_admin_pages():
    fay = ACCOUNTS["facilitator"]
    for page in ("dashboard", "admin_organisations", "admin_accounts", "admin_rounds", "setup"):
        assert not any(can(fay, page, action) for action in ACTIONS), page


def test_nobody_holds_the_setup_page():
    assert not any(ALLOWED[(role, "setup", action)] for role in ROLES for action in ACTIONS)


SCOPE_CASES = [  # (organisation, team, allowed for the manager)
    (NORTH, None, True),  # the whole organisation is in scope
    (NORTH, NORTH_A, True),  # and so is each of its teams
    (SOUTH, SOUTH_A, True),
    (SOUTH, SOUTH_B, True),
    (SOUTH, SOUTH_C, False),  # a team of South outside the limited scope
    (SOUTH, None, False),  # South as a whole would include team C
    (ELSEWHERE, None, False),  # another organisation, e.g. an id typed into the URL
    (ELSEWHERE, SOUTH_A, False),  # an own team id does not open a foreign organisation
    (None, SOUTH_A, False),  # a team without its organisation
    (None, None, True),  # the page itself
]


@pytest.mark.parametrize("organisation_id, team_id, allowed", SCOPE_CASES)
@pytest.mark.parametrize("role, page", [("manager", "dashboard"), ("facilitator", "workshop_facilitator")])
def test_scope(role, page, organisation_id, team_id, allowed):
    account = ACCOUNTS[role]
    for action in EXPECTED[(role, page)]:
        if allowed:
            authorise(account, page, action, organisation_id=organisation_id, team_id=team_id)
        else:
            with pytest.raises(NotAuthorised):
                authorise(account, page, action, organisation_id=organisation_id, team_id=team_id)


@pytest.mark.parametrize("organisation_id, team_id", [(o, t) for o, t, _ in SCOPE_CASES])
def test_admins_reach_every_organisation_and_team(organisation_id, team_id):
    authorise(ACCOUNTS["admin"], "dashboard", "export", organisation_id=organisation_id, team_id=team_id)


def test_an_account_without_organisations_sees_none():
    nobody = AccountView(9, "new", "manager", {})
    with pytest.raises(NotAuthorised):
        authorise(nobody, "dashboard", "view", organisation_id=NORTH)
    assert visible_organisations(nobody) == frozenset()


@pytest.mark.parametrize("page, action", [("dashboard", "view"), ("admin_accounts", "create")])
def test_signed_out_is_not_authorised(page, action):
    with pytest.raises(NotAuthorised, match="sign in"):
        authorise(None, page, action)


@pytest.mark.parametrize("page, action", [("dashbord", "view"), ("dashboard", "delete")])
def test_unknown_names_are_programming_errors(page, action):
    with pytest.raises(ValueError):
        authorise(ACCOUNTS["admin"], page, action)


def test_an_unknown_role_is_refused():
    with pytest.raises(NotAuthorised):
        authorise(AccountView(9, "x", "owner", {}), "dashboard", "view")


def test_not_authorised_is_a_service_error():
    assert issubclass(NotAuthorised, ServiceError)


def test_visible_organisations_and_teams():
    mia = ACCOUNTS["manager"]
    assert visible_organisations(ACCOUNTS["admin"]) is None
    assert visible_organisations(mia) == {NORTH, SOUTH}
    assert visible_organisations(None) == frozenset()
    assert visible_teams(mia, NORTH) is None
    assert visible_teams(mia, SOUTH) == {SOUTH_A, SOUTH_B}
    assert visible_teams(mia, ELSEWHERE) == frozenset()
    assert visible_teams(ACCOUNTS["admin"], ELSEWHERE) is None
    assert filter_organisations(mia, [ELSEWHERE, SOUTH, NORTH]) == [SOUTH, NORTH]
    assert filter_organisations(ACCOUNTS["admin"], [ELSEWHERE, NORTH]) == [ELSEWHERE, NORTH]
    assert filter_organisations(None, [NORTH]) == []
