"""Single sign-on: map a verified e-mail from Streamlit's OIDC login (st.user) to an account.

Who may come in, and as what, is the allow-list VM_SSO_ALLOW (settings.SsoRule); see docs/SSO.md.
The page reads st.user and passes the plain values here, so the mapping is tested without a provider.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from db import accounts as db_accounts
from db.models import utcnow
from services.accounts.auth import (
    USERNAME_PATTERN,
    AccountView,
    SignInToken,
    account_view,
    open_sign_in,
)
from services.errors import InvalidInput
from services.runtime import Runtime
from services.settings import SsoRule


def matching_rule(rules: tuple[SsoRule, ...], email: str) -> SsoRule | None:
    """The rule admitting this (lower-case) address: an e-mail rule before any domain rule."""
    for rule in rules:
        if rule.email is not None and rule.email == email:
            return rule
    domain = email.rpartition("@")[2]
    for rule in rules:
        if rule.domain is not None and rule.domain == domain:
            return rule
    return None


def account_for_sso_identity(rt: Runtime, email: str | None, email_verified: object) -> AccountView | None:
    """The account for a signed-in identity, created on first sight; None when it may not come in.

    Only an address the provider marked verified (email_verified is True) and that the allow-list
    admits is accepted. An existing account whose username is the address is used as it stands
    (its role and scope are managed on the accounts page; a deactivated one stays out). A new
    account gets the rule's role and organisations and no password.
    """
    if email_verified is not True or not email:
        return None
    address = email.strip().casefold()
    if address.count("@") != 1 or not USERNAME_PATTERN.fullmatch(address):
        return None
    rule = matching_rule(rt.settings.sso_allow, address)
    if rule is None:
        return None
    with rt.sessions.begin() as session:
        db_accounts.lock_accounts(session)  # two tabs signing in at once make one account
        account = db_accounts.find_account(session, username=address)
        if account is None:
            account = db_accounts.add_account(session, username=address, password_hash=None, role=rule.role)
            try:
                with session.begin_nested():
                    db_accounts.set_scope(
                        session, account_id=account.id, scope={org: None for org in rule.organisations}
                    )
            except IntegrityError:
                raise InvalidInput("VM_SSO_ALLOW names an organisation id that does not exist") from None
            db_accounts.add_audit(
                session,
                actor_id=None,
                action="sso_account_created",
                detail={
                    "account_id": account.id,
                    "username": address,
                    "role": rule.role,
                    "organisations": list(rule.organisations),
                },
            )
        elif not account.active:
            return None
        return account_view(session, account)


def login_with_sso(
    rt: Runtime, email: str | None, email_verified: object, *, now: datetime | None = None
) -> SignInToken | None:
    """Open a session for a signed-in identity (see account_for_sso_identity); None when refused."""
    view = account_for_sso_identity(rt, email, email_verified)
    if view is None:
        return None
    with rt.sessions.begin() as session:
        account = db_accounts.get_account(session, account_id=view.id, for_update=True)  # as auth.login
        if account is None or not account.active:
            return None
        return open_sign_in(rt, session, account, now=now or utcnow())
