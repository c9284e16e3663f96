"""Accounts (admins only): every account, a new account, changes to one account, the audit log.

Every action runs in its button's callback, before the rerun draws the page: one service call
(authorised there, for the account signed in at that moment) whose outcome becomes the notice at
the top. Typed passwords are wiped from the session before the call, whatever its outcome.
"""

from collections.abc import Callable, Mapping

import streamlit as st

from app_pages import paths, shell, staff
from app_pages.admin import form_actions
from app_pages.admin.account_words import (
    ROLES,
    account_label,
    action_label,
    detail_text,
    refusal,
    role_name,
    scope_text,
)
from app_pages.shell import plain, t
from services.accounts import auth, management, names, passwords
from services.accounts.management import AccountRow
from services.accounts.names import OrganisationChoice, ScopeName
from services.errors import InvalidInput, NotAuthorised, NotFound, Unavailable
from services.formatting import format_datetime

runtime = shell.runtime_or_stop()
language = shell.current_language()
account = staff.require_account(runtime, "admin_accounts", "view")
st.title(t("nav.admin_accounts"))
staff.show_notice()

NEW = "acct-new"
NEW_ROLE, NEW_USERNAME = "acct-new-role", "acct-new-username"
NEW_PASSWORD, NEW_REPEAT = "acct-new-password", "acct-new-password-repeat"
RESET_PASSWORD, RESET_REPEAT = "acct-reset-password", "acct-reset-password-repeat"


def when_or_never(moment) -> str:
    """A stored moment in a UTC column (the headers say so), or "never"."""
    return format_datetime(moment, language) if moment is not None else t("accounts.never")


# --- actions (button callbacks) -----------------------------------------------------------------


def perform(call: Callable, explain: Callable[[InvalidInput], tuple[str, dict]]) -> bool:
    """Run one service call as the account signed in now; False (and the reason as notice) if refused."""
    try:
        call(staff.signed_in_account(runtime))
    except NotAuthorised:
        staff.notify("error", "staff.no_access")
    except NotFound:
        staff.notify("error", "accounts.not_found")
    except InvalidInput as exc:
        key, values = explain(exc)
        staff.notify("error", key, **values)
    except Unavailable:
        staff.notify("error", "error.unavailable")
    else:
        return True
    return False


def take_passwords(key: str, repeat_key: str) -> tuple[str, str]:
    typed = st.session_state.get(key, ""), st.session_state.get(repeat_key, "")
    st.session_state[key] = st.session_state[repeat_key] = ""
    return typed


def scope_from_state(prefix: str) -> dict[int, list[int] | None]:
    """The scope chosen in scope_inputs(prefix): None = the whole organisation."""
    scope: dict[int, list[int] | None] = {}
    for org_id in st.session_state.get(f"{prefix}-orgs") or []:
        limited = st.session_state.get(f"{prefix}-limit-{org_id}", False)
        scope[org_id] = list(st.session_state.get(f"{prefix}-teams-{org_id}") or []) if limited else None
    return scope


def create_account() -> None:
    with form_actions.one_at_a_time():
        _create_account()


def _create_account() -> None:
    role, username = st.session_state.get(NEW_ROLE) or "manager", st.session_state.get(NEW_USERNAME, "")
    password, repeated = take_passwords(NEW_PASSWORD, NEW_REPEAT)
    # The second click of a double click still carries the name and passwords (the emptied form has not
    # reached the browser yet): it would only be told that the name is taken.
    if form_actions.second_click(NEW, (NEW_ROLE, NEW_USERNAME)):
        return
    if password != repeated:
        staff.notify("error", "staff.passwords_differ")
        return
    seen, outcome = form_actions.fingerprint(NEW, (NEW_ROLE, NEW_USERNAME)), form_actions.last_outcome()
    scope = {} if role == "admin" else scope_from_state(NEW)
    role_label = role_name(role)  # before the work: after it, the outcome is kept first (form_actions.done)
    if perform(
        lambda actor: management.create_account(
            runtime, actor, role=role, username=username, password=password, scope=scope
        ),
        lambda exc: refusal(exc, password=password, username=username, role=role, scope=scope),
    ):
        form_actions.done(
            outcome,
            seen,
            ("accounts.created", {"username": plain(auth.normalise_username(username)), "role": role_label}),
            {NEW_USERNAME: "", f"{NEW}-orgs": []},
        )


def change_scope(row: AccountRow) -> None:
    scope = scope_from_state(f"acct-edit-{row.account.id}")
    if perform(
        lambda actor: management.change_scope(runtime, actor, row.account.id, scope),
        lambda exc: refusal(exc, role=row.account.role, scope=scope),
    ):
        staff.notify("success", "accounts.scope_changed", username=plain(row.account.username))


def set_active(row: AccountRow, active: bool) -> None:
    change = management.reactivate_account if active else management.deactivate_account
    if perform(lambda actor: change(runtime, actor, row.account.id), lambda exc: ("accounts.last_admin", {})):
        staff.notify(
            "success",
            "accounts.reactivated" if active else "accounts.deactivated",
            username=plain(row.account.username),
        )


def reset_password(row: AccountRow) -> None:
    password, repeated = take_passwords(RESET_PASSWORD, RESET_REPEAT)
    if password != repeated:
        staff.notify("error", "staff.passwords_differ")
        return
    if perform(
        lambda actor: management.reset_password(runtime, actor, row.account.id, password),
        lambda exc: refusal(exc, password=password),
    ):
        staff.notify("success", "accounts.password_reset", username=plain(row.account.username))


# --- the page's parts ---------------------------------------------------------------------------


def accounts_table(listing: list[names.AccountListing]) -> None:
    st.dataframe(
        [
            {
                t("accounts.col_username"): item.row.account.username,
                t("accounts.col_role"): role_name(item.row.account.role),
                t("accounts.col_sees"): scope_text(item.scope),
                t("accounts.col_status"): t("accounts.active" if item.row.active else "accounts.inactive"),
                t("accounts.col_sign_in"): t("accounts.by_password" if item.row.has_password else "accounts.by_sso"),
                t("accounts.col_created"): when_or_never(item.row.created_at),
                t("accounts.col_last_sign_in"): when_or_never(item.row.last_login_at),
            }
            for item in listing
        ],
        hide_index=True,
        width="stretch",
    )


def scope_inputs(prefix: str, choices: list[OrganisationChoice], current: Mapping) -> None:
    """Organisations, and for each chosen one optionally only some of its teams."""
    if not choices:
        st.info(t("accounts.no_organisations"))
        st.page_link(
            paths.ADMIN_ORGANISATIONS,
            label=t("nav.admin_organisations"),
            icon=":material/domain:",
            query_params={"lang": language},
        )
        return
    by_id = {choice.id: choice for choice in choices}
    chosen = st.multiselect(
        t("accounts.organisations"),
        options=list(by_id),
        format_func=lambda o: by_id[o].name,
        default=[o for o in current if o in by_id] or None,
        key=f"{prefix}-orgs",
        placeholder=t("accounts.organisations_placeholder"),
    )
    for org_id in chosen:
        name, teams = plain(by_id[org_id].name), dict(by_id[org_id].teams)
        if st.checkbox(
            t("accounts.limit_teams", organisation=name),
            value=current.get(org_id) is not None,
            key=f"{prefix}-limit-{org_id}",
            disabled=not teams,
            help=t("accounts.limit_teams_help"),
        ):
            st.multiselect(
                t("accounts.teams_of", organisation=name),
                options=list(teams),
                format_func=teams.__getitem__,
                default=sorted(t_id for t_id in current.get(org_id) or () if t_id in teams) or None,
                key=f"{prefix}-teams-{org_id}",
                placeholder=t("accounts.teams_placeholder"),
            )


def password_inputs(key: str, repeat_key: str) -> None:
    st.text_input(
        t("staff.password"),
        key=key,
        type="password",
        max_chars=passwords.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    st.text_input(
        t("staff.password_repeat"),
        key=repeat_key,
        type="password",
        max_chars=passwords.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    st.caption(t("staff.password_help", min=passwords.MIN_PASSWORD_LENGTH))


def new_account_form(choices: list[OrganisationChoice]) -> None:
    # No st.form: the organisations chosen decide which team choices appear.
    role = st.radio(
        t("accounts.role"),
        options=ROLES,
        format_func=lambda r: role_name(r).capitalize(),
        captions=[t(f"accounts.role_{r}_help") for r in ROLES],
        key=NEW_ROLE,
    )
    st.text_input(
        t("staff.username"), key=NEW_USERNAME, max_chars=100, autocomplete="off", help=t("staff.username_help")
    )
    if role != "admin":
        scope_inputs(NEW, choices, {})
    # The passwords in a form: outside one, leaving a password box by Tab reaches its show-password
    # eye first and Streamlit never receives the typed text.
    with st.form("acct-new-password-form", border=False, enter_to_submit=False):
        password_inputs(NEW_PASSWORD, NEW_REPEAT)
        st.form_submit_button(
            t("accounts.create_button"), type="primary", key="acct-new-submit", on_click=create_account
        )


def edit_account(row: AccountRow, scope: tuple[ScopeName, ...], choices: list[OrganisationChoice]) -> None:
    st.markdown(
        t(
            "accounts.edit_status",
            username=plain(row.account.username),
            role=role_name(row.account.role),
            status=t("accounts.active" if row.active else "accounts.inactive"),
            sees=scope_text(scope, plain),
        )
    )
    if row.account.role != "admin":
        with st.container(border=True):
            st.markdown(f"**{t('accounts.scope_heading')}**")
            scope_inputs(f"acct-edit-{row.account.id}", choices, row.account.scope)
            if choices:
                st.button(t("accounts.scope_button"), key="acct-edit-scope-submit", on_click=change_scope, args=(row,))
    with st.container(border=True):
        st.markdown(f"**{t('accounts.reset_heading')}**")
        st.caption(t("accounts.reset_help"))
        with st.form(f"acct-reset-form-{row.account.id}", border=False, enter_to_submit=False):
            password_inputs(RESET_PASSWORD, RESET_REPEAT)
            st.form_submit_button(
                t("accounts.reset_button"), key="acct-reset-submit", on_click=reset_password, args=(row,)
            )
    with st.container(border=True):
        if row.active:
            st.markdown(f"**{t('accounts.deactivate_heading')}**")
            st.caption(t("accounts.deactivate_help"))
            st.button(t("accounts.deactivate_button"), key="acct-deactivate", on_click=set_active, args=(row, False))
        else:
            st.markdown(f"**{t('accounts.reactivate_heading')}**")
            st.button(t("accounts.reactivate_button"), key="acct-reactivate", on_click=set_active, args=(row, True))


def audit_table(lines: list[names.AuditLine]) -> None:
    st.caption(t("accounts.audit_lead"))
    st.dataframe(
        [
            {
                t("accounts.col_when"): when_or_never(line.at),
                t("accounts.col_who"): line.actor or t("accounts.audit_system"),
                t("accounts.col_what"): action_label(line.action),
                t("accounts.col_details"): detail_text(line),
            }
            for line in lines
        ],
        hide_index=True,
        width="stretch",
    )


listing = names.account_listing(runtime, account)
choices = names.scope_choices(runtime, account)
# Keyed, so a message shown after an action does not send the admin back to the first tab.
overview, new, change, audit = st.tabs(
    [t("accounts.tab_all"), t("accounts.tab_new"), t("accounts.tab_change"), t("accounts.tab_audit")],
    key="acct-tabs",
    on_change="rerun",
)
with overview:
    accounts_table(listing)
with new:
    new_account_form(choices)
with change:
    by_id = {item.row.account.id: item for item in listing}
    chosen = st.selectbox(
        t("accounts.edit_choose"),
        options=list(by_id),
        index=None,
        key="acct-edit-account",
        format_func=lambda i: account_label(by_id[i].row),
        placeholder=t("accounts.edit_placeholder"),
    )
    if chosen is not None:
        edit_account(by_id[chosen].row, by_id[chosen].scope, choices)
with audit:
    audit_table(names.audit_lines(runtime, account, limit=100))
