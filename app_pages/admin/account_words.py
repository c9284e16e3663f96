"""How the accounts page (app_pages/admin/accounts.py) words roles, scopes, audit lines and refusals."""

from collections.abc import Callable, Mapping

from app_pages import staff
from app_pages.shell import t
from services.accounts import auth, management, names
from services.accounts.management import AccountRow
from services.accounts.names import ScopeName
from services.errors import InvalidInput, WeakPassword

ROLES = ("manager", "facilitator", "admin")


def role_name(role: object) -> str:
    return t(f"staff.role_{role}") if role in ROLES else str(role)


def scope_text(scope: tuple[ScopeName, ...], shown: Callable[[str], str] = str) -> str:
    """What an account may see, in words, each name passed through `shown` (plain for markdown).

    An empty scope is an admin's: every organisation.
    """
    if not scope:
        return t("accounts.scope_everything")
    return "; ".join(
        shown(name.organisation)
        if name.teams is None
        else t(
            "accounts.scope_teams",
            organisation=shown(name.organisation),
            teams=", ".join(shown(team) for team in name.teams),
        )
        for name in scope
    )


# Numbers in the counting rules' audit lines (services/respond/counting_rules.py), each with its own words.
LABELLED_DETAILS = ("headcount", "person_on_device", "device_limit", "identical_answers", "within_minutes")


def account_label(row: AccountRow) -> str:
    return f"{row.account.username} ({role_name(row.account.role)})"


def action_label(action: str) -> str:
    return t(f"accounts.action_{action}") if action in names.AUDIT_ACTIONS else action


def detail_text(line: names.AuditLine) -> str:
    """The audit detail as short "what: value" parts; ids are left out, scopes, teams and rounds named."""
    parts = [t(f"accounts.detail_{what}", name=name) for what, name in line.places]
    named = {key for key, what in names.NAMED_IDS if what in dict(line.places)}
    for key, value in line.detail.items():
        if key in ("account_id", "device") or key in named:  # a browser's marker means nothing to a reader
            continue
        if key in LABELLED_DETAILS:
            parts.append(t(f"accounts.detail_{key}", value=value))
        elif key == "username":
            parts.append(t("accounts.detail_account", username=value))
        elif key == "role":
            parts.append(t("accounts.detail_role", role=role_name(value)))
        elif key in ("scope", "organisations") and line.scope is not None:
            parts.append(t("accounts.detail_sees", sees=scope_text(line.scope)))
        else:
            parts.append(f"{key}: {value}")
    return " · ".join(parts)


def refusal(
    exc: InvalidInput, *, password: str = "", username: str | None = None, role: str = "", scope: Mapping | None = None
) -> tuple[str, dict]:
    """The message key for a refused create / change: asks the service's own checks which rule failed."""
    if isinstance(exc, WeakPassword):
        return staff.weak_password_message(password)
    if isinstance(exc, management.UsernameTaken):
        return "accounts.username_taken", {}
    if username is not None:
        try:
            auth.normalise_username(username)
        except InvalidInput:
            return "staff.username_rejected", {}
    if scope is not None:
        try:
            management.check_scope(role, scope)
        except InvalidInput:
            return ("accounts.need_team" if scope else "accounts.need_organisation"), {}
    return "accounts.scope_gone", {}
