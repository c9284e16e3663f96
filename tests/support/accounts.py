"""Staff accounts for tests that act as someone without signing in."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from db import accounts as db_accounts
from services.accounts import auth
from services.accounts.auth import AccountView


def staff_account(
    runtime, username: str, role: str, scope: Mapping[int, Collection[int] | None] | None = None
) -> AccountView:
    """An active account with its scope stored (organisation id -> None, or some of its team ids), made
    without a password: hashing one is slow and beside the point where nobody signs in."""
    with runtime.sessions.begin() as session:
        account = db_accounts.add_account(session, username=username, password_hash=None, role=role)
        db_accounts.set_scope(session, account_id=account.id, scope=scope or {})
        return auth.account_view(session, account)
