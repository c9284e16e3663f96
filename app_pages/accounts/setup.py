"""Set up: the first admin account, chosen on the very first start (there is no default password).

Open only while services.accounts.auth.needs_first_admin() is true; afterwards it shows a message and the
way to sign in. It asks for the one-time set-up token the server printed (services/accounts/setup_tokens.py),
so reaching the page is not enough. create_first_admin checks the token and that no admin exists
inside its transaction, so it can never make a second admin, even when two people submit at once.
"""

import streamlit as st

from app_pages import paths, shell, staff
from app_pages.shell import plain, t
from services.accounts import auth, passwords, setup_tokens
from services.errors import (
    AdminExists,
    InvalidInput,
    LoginFailed,
    TooManyAttempts,
    Unavailable,
    WeakPassword,
)

runtime = shell.runtime_or_stop()
language = shell.current_language()

USERNAME_KEY, PASSWORD_KEY, REPEAT_KEY = "setup-username", "setup-password", "setup-password-repeat"
TOKEN_KEY = "setup-token"


def create_admin_and_sign_in() -> None:
    """The button's callback: create the admin, then sign in with the same credentials."""
    username = st.session_state.get(USERNAME_KEY, "")
    password = st.session_state.get(PASSWORD_KEY, "")
    repeated = st.session_state.get(REPEAT_KEY, "")
    token = st.session_state.get(TOKEN_KEY, "")
    st.session_state[PASSWORD_KEY] = st.session_state[REPEAT_KEY] = ""
    if password != repeated:
        staff.notify("error", "staff.passwords_differ")
        return
    try:
        admin = auth.create_first_admin(runtime, username, password, setup_token=token)
    except WeakPassword:
        key, values = staff.weak_password_message(password)
        staff.notify("error", key, **values)
        return
    except InvalidInput:
        staff.notify("error", "staff.username_rejected")
        return
    except setup_tokens.SetupTokenRefused:
        staff.notify("error", "staff.setup_token_refused")
        return
    except AdminExists:
        staff.notify("info", "staff.setup_closed")
        return
    except Unavailable:
        staff.notify("error", "error.unavailable")
        return
    try:
        staff.keep_sign_in(auth.login(runtime, username, password, shell.client_key()))
    except (LoginFailed, TooManyAttempts, Unavailable):  # e.g. this address failed to sign in many times just now
        staff.notify("success", "staff.setup_done_sign_in", username=plain(admin.username))
        return
    staff.notify("success", "staff.setup_done", username=plain(admin.username))


st.title(t("staff.setup_title"))

if not auth.needs_first_admin(runtime):
    staff.show_notice()
    account = staff.signed_in_account(runtime)
    if account is not None:
        st.page_link(
            paths.ADMIN_ORGANISATIONS,
            label=t("admin.setup_next"),
            icon=":material/domain:",
            query_params={"lang": language},
        )
    else:
        st.info(t("staff.setup_closed"))
        st.page_link(paths.LOGIN, label=t("staff.go_sign_in"), icon=":material/login:", query_params={"lang": language})
    st.stop()

st.markdown(t("staff.setup_lead"))
staff.show_notice()
with st.form("staff-setup", enter_to_submit=False):
    st.text_input(
        t("staff.setup_token"),
        key=TOKEN_KEY,
        max_chars=setup_tokens.MAX_TOKEN_LENGTH,
        autocomplete="off",
        placeholder="XXXX-XXXX-XXXX-XXXX-XXXX",
    )
    st.caption(t("staff.setup_token_help"))
    st.text_input(
        t("staff.username"), key=USERNAME_KEY, max_chars=100, autocomplete="username", help=t("staff.username_help")
    )
    st.text_input(
        t("staff.password"),
        key=PASSWORD_KEY,
        type="password",
        max_chars=passwords.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    st.text_input(
        t("staff.password_repeat"),
        key=REPEAT_KEY,
        type="password",
        max_chars=passwords.MAX_PASSWORD_LENGTH,
        autocomplete="new-password",
    )
    st.caption(t("staff.password_help", min=passwords.MIN_PASSWORD_LENGTH))
    st.form_submit_button(
        t("staff.setup_button"), type="primary", key="setup-submit", on_click=create_admin_and_sign_in
    )
