"""Who may do what, where: one table of (role, page, action), then the account's organisation scope.

Every check runs on the server with the AccountView from auth.current_account; an organisation or
team id that arrived in a URL or a widget is only a question asked here, never an answer.
"""

from __future__ import annotations

from services.accounts.auth import AccountView
from services.errors import NotAuthorised

ROLES = ("admin", "manager", "facilitator")
PAGES = (
    "setup",
    "admin_organisations",
    "admin_accounts",
    "admin_rounds",
    "dashboard",
    "workshop_facilitator",
    "action_plan",
)
ACTIONS = ("view", "create", "edit", "export")

# The set-up page belongs to no role: it opens, without an account, only while
# auth.needs_first_admin() is true, and create_first_admin refuses once an admin exists.
_Y, _N = True, False
_TABLE: dict[tuple[str, str], tuple[bool, bool, bool, bool]] = {
    #  role          page                        view create edit export
    ("admin", "setup"): (_N, _N, _N, _N),
    ("admin", "admin_organisations"): (_Y, _Y, _Y, _Y),
    ("admin", "admin_accounts"): (_Y, _Y, _Y, _Y),
    ("admin", "admin_rounds"): (_Y, _Y, _Y, _Y),
    ("admin", "dashboard"): (_Y, _N, _N, _Y),
    ("admin", "workshop_facilitator"): (_Y, _Y, _Y, _Y),
    ("admin", "action_plan"): (_Y, _Y, _Y, _Y),
    ("manager", "setup"): (_N, _N, _N, _N),
    ("manager", "admin_organisations"): (_N, _N, _N, _N),
    ("manager", "admin_accounts"): (_N, _N, _N, _N),
    ("manager", "admin_rounds"): (_N, _N, _N, _N),
    ("manager", "dashboard"): (_Y, _N, _N, _Y),
    ("manager", "workshop_facilitator"): (_Y, _N, _N, _N),
    ("manager", "action_plan"): (_Y, _Y, _Y, _Y),
    ("facilitator", "setup"): (_N, _N, _N, _N),
    ("facilitator", "admin_organisations"): (_N, _N, _N, _N),
    ("facilitator", "admin_accounts"): (_N, _N, _N, _N),
    ("facilitator", "admin_rounds"): (_N, _N, _N, _N),
    ("facilitator", "dashboard"): (_N, _N, _N, _N),
    ("facilitator", "workshop_facilitator"): (_Y, _Y, _Y, _Y),
    # Facilitators add their workshops' agreed actions to a plan (create) but do not see the plan itself.
    ("facilitator", "action_plan"): (_N, _Y, _N, _N),
}

ALLOWED: dict[tuple[str, str, str], bool] = {
    (role, page, action): allowed
    for (role, page), row in _TABLE.items()
    for action, allowed in zip(ACTIONS, row, strict=True)
}


def authorise(
    account: AccountView | None, page: str, action: str, organisation_id: int | None = None, team_id: int | None = None
) -> None:
    """Return quietly when `account` may do `action` on `page` for this organisation and team.

    Raises NotAuthorised otherwise (also when nobody is signed in). Admins may act on every
    organisation; anyone else only inside their scope. `team_id=None` with an organisation asks
    for the organisation as a whole, which an account limited to some of its teams may not see:
    use visible_teams() and ask per team. Queries must still filter on both ids, because a team
    id is only checked against the scope, not against the organisation it belongs to.
    ValueError for a page or action name that does not exist (a programming error).
    """
    if page not in PAGES or action not in ACTIONS:
        raise ValueError(f"unknown page or action: {page!r}, {action!r}")
    if account is None:
        raise NotAuthorised("sign in first")
    if not ALLOWED.get((account.role, page, action), False):
        raise NotAuthorised(f"a {account.role} may not {action} on {page}")
    if account.role == "admin":
        return
    if organisation_id is None:
        if team_id is not None:
            raise NotAuthorised("a team is only reachable through its organisation")
        return
    if organisation_id not in account.scope:
        raise NotAuthorised("this organisation is outside your account's scope")
    teams = account.scope[organisation_id]
    if teams is not None and team_id not in teams:
        raise NotAuthorised("this team is outside your account's scope")


def can(
    account: AccountView | None, page: str, action: str, organisation_id: int | None = None, team_id: int | None = None
) -> bool:
    """authorise() as a yes/no, for showing or hiding a page or a button."""
    try:
        authorise(account, page, action, organisation_id, team_id)
    except NotAuthorised:
        return False
    return True


def visible_organisations(account: AccountView | None) -> frozenset[int] | None:
    """Organisation ids the account may see: None means every organisation (admins only)."""
    if account is None:
        return frozenset()
    if account.role == "admin":
        return None
    return account.organisation_ids


def visible_teams(account: AccountView | None, organisation_id: int) -> frozenset[int] | None:
    """Team ids of one organisation the account may see: None = every team, empty = none."""
    if account is None:
        return frozenset()
    if account.role == "admin":
        return None
    if organisation_id not in account.scope:
        return frozenset()
    return account.scope[organisation_id]


def filter_organisations(account: AccountView | None, organisation_ids: list[int]) -> list[int]:
    """The given organisation ids the account may see, in the same order."""
    visible = visible_organisations(account)
    return [o for o in organisation_ids if visible is None or o in visible]
