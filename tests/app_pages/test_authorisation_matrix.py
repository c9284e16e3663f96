"""The role x page x action policy, tried on the real pages: who sees each staff page, who gets
"no access", and who is asked to sign in. The expectation comes from services.accounts.authorisation.ALLOWED,
so the pages and the policy table cannot drift apart."""

from __future__ import annotations

import pytest

from app_pages import navigation, paths, staff, state_keys
from db import organisations as db_organisations
from services.accounts import auth, management
from services.accounts.authorisation import ALLOWED

PASSWORD = "correct horse battery"
PAGES = {  # page file -> policy page name (None: any signed-in account)
    paths.DASHBOARD: "dashboard",
    paths.ADMIN_ORGANISATIONS: "admin_organisations",
    paths.ADMIN_ROUNDS: "admin_rounds",
    paths.ADMIN_ACCOUNTS: "admin_accounts",
    paths.WORKSHOP: "workshop_facilitator",
    paths.ACTION_PLAN: "action_plan",
    paths.ACCOUNT: None,
}
NO_ACCESS = "You do not have access to this page."
SIGN_IN_FIRST = "Please sign in to open this page."


@pytest.fixture
def tokens(runtime):
    """A signed-in session token per role (manager and facilitator of one organisation)."""
    admin = auth.create_first_admin(runtime, "anna", PASSWORD)
    with runtime.sessions.begin() as session:
        organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
    for role, name in (("manager", "mia"), ("facilitator", "fien")):
        management.create_account(
            runtime, admin, role=role, username=name, password=PASSWORD, scope={organisation_id: None}
        )
    return {
        role: auth.login(runtime, name, PASSWORD, f"test-{role}").token
        for role, name in (("admin", "anna"), ("manager", "mia"), ("facilitator", "fien"))
    }


def _messages(at) -> list[str]:
    return [e.value for e in at.error] + [i.value for i in at.info]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["admin", "manager", "facilitator", None])
def test_page_opens_only_for_roles_the_policy_allows(app, tokens, page, role):
    state = {state_keys.AUTH_TOKEN: tokens[role]} if role else {}
    at = app(None, state=state)
    at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    messages = _messages(at)
    if role is None:
        assert SIGN_IN_FIRST in messages
        assert [w.key for w in at.text_input][:2] == [staff.USERNAME_KEY, staff.PASSWORD_KEY]
        return
    policy_page = PAGES[page]
    allowed = policy_page is None or ALLOWED[(role, policy_page, "view")]
    if allowed:
        assert NO_ACCESS not in messages and SIGN_IN_FIRST not in messages
    else:
        assert NO_ACCESS in messages
        # nothing of the page below the guard: only the message (and the page frame)
        assert len(at.dataframe) == 0 and len(at.button) == 0 and len(at.text_input) == 0
