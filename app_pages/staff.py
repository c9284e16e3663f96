"""What the staff pages share: who is signed in, the sign-in form, single sign-on and signing out.

The browser session keeps only the session token (state_keys.AUTH_TOKEN), and a cookie keeps it across a reload
or a second tab (and whichever app server answers); every run checks it again with
services.accounts.auth.current_account, so an expired, ended or deactivated sign-in counts as signed out
at once. Failed tries are counted in the database by the service, never here.
"""

from __future__ import annotations

import importlib.util
import sys

import streamlit as st

from app_pages import shell, state_keys
from app_pages.shell import plain, t
from services.accounts import auth, authorisation, passwords, setup_tokens, sso
from services.accounts.auth import AccountView, SignInToken
from services.admin import organisations, rounds
from services.errors import (
    InvalidInput,
    LoginFailed,
    NotAuthorised,
    NotFound,
    TooManyAttempts,
    Unavailable,
)
from services.runtime import Runtime

COOKIE = "vm_staff"
USERNAME_KEY = "staff-login-username"
PASSWORD_KEY = "staff-login-password"


def signed_in_account(runtime: Runtime) -> AccountView | None:
    """The account of this browser session, checked against the database on every run.

    A token the service no longer accepts (expired, signed out elsewhere, account deactivated)
    is dropped, and the next staff page says the sign-in has ended.
    """
    token = st.session_state.get(state_keys.AUTH_TOKEN) or _cookie_token()
    if not token:
        return None
    account = auth.current_account(runtime, token)
    if account is None:
        st.session_state.pop(state_keys.AUTH_TOKEN, None)
        st.session_state[state_keys.STAFF_COOKIE_DROPPED] = token
        st.session_state[state_keys.STAFF_COOKIE_WRITE] = ""
        notify("info", "staff.session_ended")
    else:
        st.session_state[state_keys.AUTH_TOKEN] = token
    return account


def _cookie_token() -> str | None:
    value = st.context.cookies.get(COOKIE)
    if not isinstance(value, str) or not value or len(value) > 128:
        return None
    return None if value == st.session_state.get(state_keys.STAFF_COOKIE_DROPPED) else value


def write_cookie(runtime: Runtime) -> None:
    """Store or clear the sign-in cookie asked for by the last sign-in or sign-out (script, not header:
    Streamlit has no response to set a header on). Drawn again in every run until one runs to its end
    (cookie_written): a run that switch_page cuts short may never reach the browser, and a sign-in
    always switches page."""
    token = st.session_state.get(state_keys.STAFF_COOKIE_WRITE)
    if token is None:
        return
    secure = "; Secure" if (st.context.url or "").startswith("https:") else ""
    age = runtime.settings.session_hours * 3600 if token else 0
    st.html(
        f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={age}; SameSite=Strict{secure}';</script>",
        unsafe_allow_javascript=True,
    )


@st.cache_resource(show_spinner=False)
def _setup_announcer(database_url: str) -> setup_tokens.Announcer:
    return setup_tokens.Announcer(_to_server_output)


def _to_server_output(text: str) -> None:
    # The server's own output (journal, container log): only the person running it reads it.
    sys.stdout.write(text)
    sys.stdout.flush()


def announce_setup_token(runtime: Runtime) -> None:
    """While no admin exists, print a set-up token to the server's output: on this process's first run,
    and again once the printed one has expired (services.accounts.setup_tokens.Announcer)."""
    _setup_announcer(runtime.settings.database_url).announce(runtime)


def cookie_written() -> None:
    """The run that drew the cookie's script ran to its end: the browser has it."""
    st.session_state.pop(state_keys.STAFF_COOKIE_WRITE, None)


def require_account(runtime: Runtime, page: str | None = None, action: str = "view") -> AccountView:
    """The signed-in account, allowed to `action` on `page` (services.accounts.authorisation names).

    Not signed in: the sign-in form is shown and the page stops (after signing in the same page
    opens). Signed in without the right: a plain "no access" message and the page stops.
    `page=None` asks only for a signed-in account (the account page).
    """
    account = signed_in_account(runtime)
    if account is None:
        show_notice()
        st.info(t("staff.login_required"))
        login_form(runtime)
        st.stop()
    if page is not None:
        try:
            authorisation.authorise(account, page, action)
        except NotAuthorised:
            st.error(t("staff.no_access"))
            st.stop()
    return account


def recheck_account(runtime: Runtime, page: str, action: str = "view") -> AccountView:
    """For a fragment that refreshes by itself (st.fragment(run_every=...)), which does not run the
    page's require_account again: the account checked anew. Signed out, expired, deactivated or no
    longer allowed, the whole page runs again instead, and that shows the sign-in form or "no access"."""
    account = signed_in_account(runtime)
    if account is None or not authorisation.can(account, page, action):
        st.rerun(scope="app")
    return account


# --- messages that survive the rerun after a button -----------------------------------------


def notify(kind: str, key: str, **values: object) -> None:
    """Keep a message (kind: success, info, warning or error) for the next show_notice()."""
    st.session_state[state_keys.STAFF_NOTICE] = (kind, key, values)


def show_notice() -> None:
    """Show the kept message once, in the language chosen now."""
    notice = st.session_state.pop(state_keys.STAFF_NOTICE, None)
    if notice:
        kind, key, values = notice
        getattr(st, kind)(t(key, **values))


# --- password sign-in -----------------------------------------------------------------------


def login_form(runtime: Runtime) -> None:
    """Username and password; the check runs in the button's callback (see _sign_in)."""
    with st.form("staff-login", enter_to_submit=True):
        st.text_input(t("staff.username"), key=USERNAME_KEY, max_chars=100, autocomplete="username")
        st.text_input(
            t("staff.password"), key=PASSWORD_KEY, type="password", max_chars=1024, autocomplete="current-password"
        )
        st.form_submit_button(
            t("staff.login_button"), type="primary", key="staff-login-submit", on_click=_sign_in, args=(runtime,)
        )


def _sign_in(runtime: Runtime) -> None:
    # A callback runs before the script, so the navigation of this very run already knows who is
    # signed in, and the typed password can be wiped from the session (a widget's value cannot
    # be changed once the widget was drawn in a run).
    username = st.session_state.get(USERNAME_KEY, "")
    password = st.session_state.get(PASSWORD_KEY, "")
    st.session_state[PASSWORD_KEY] = ""
    try:
        signed_in = auth.login(runtime, username, password, shell.client_key())
    except LoginFailed:
        notify("error", "staff.login_failed")
        return
    except auth.UsernameSlowedDown as exc:
        notify("warning", "staff.login_wait_username", seconds=exc.wait_seconds)
        return
    except TooManyAttempts as exc:
        notify("error", "staff.login_wait", seconds=exc.wait_seconds)
        return
    except Unavailable:
        notify("error", "error.unavailable")
        return
    keep_sign_in(signed_in)


def keep_sign_in(signed_in: SignInToken) -> None:
    """Remember a new sign-in in this browser session (only its token)."""
    st.session_state[state_keys.AUTH_TOKEN] = signed_in.token
    st.session_state[state_keys.STAFF_COOKIE_WRITE] = signed_in.token
    st.session_state.pop(state_keys.STAFF_NOTICE, None)


def sign_out(runtime: Runtime) -> None:
    """End the session in the database and forget it here; also Streamlit's identity, if any.

    st.logout() removes Streamlit's identity cookie, which would otherwise let the next visit
    continue as the same organisation account for 30 days without asking the provider.
    """
    token = st.session_state.pop(state_keys.AUTH_TOKEN, None)
    auth.logout(runtime, token)
    st.session_state[state_keys.STAFF_COOKIE_DROPPED] = token
    st.session_state[state_keys.STAFF_COOKIE_WRITE] = ""
    # Typed sign-in fields, and what this account made to be shown once or handed out: the next person at this
    # browser must not be offered its invitation links or files.
    made = (state_keys.ROUND_LINKS, state_keys.PLAN_LINKS, state_keys.WORKSHOP_FILES, state_keys.PREPARED_FILES)
    for key in (USERNAME_KEY, PASSWORD_KEY, *made):
        st.session_state.pop(key, None)
    notify("success", "staff.signed_out")
    if sso_available(runtime) and st.user.is_logged_in:
        st.logout()


# --- single sign-on (Streamlit's OIDC login) ------------------------------------------------


def sso_available(runtime: Runtime) -> bool:
    """Single sign-on is offered when Streamlit's [auth] secrets, Authlib and an allow-list exist."""
    if not runtime.settings.sso_allow or not hasattr(st, "user"):
        return False
    if not _authlib_installed():
        return False
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file, or one that cannot be read (StreamlitSecretNotFoundError)
        return False


def _authlib_installed() -> bool:
    # st.login() needs Authlib (streamlit[auth]); without it the button would end in a traceback.
    return importlib.util.find_spec("authlib") is not None


def sso_section(runtime: Runtime) -> None:
    """The organisation-account button, or "continue as" once the provider knows who this is.

    Mapping an identity to an account is services.accounts.sso.login_with_sso, tested with a fake identity
    in tests/services/accounts/test_sso.py; this part only passes st.user's plain values, and
    tests/app_pages/test_staff_pages.py drives it with AppTest's fake st.user. The redirect to a
    real provider (st.login) is Streamlit's and is not tested here. The mapping waits for a click
    (it may create the account and always opens a session), also because Streamlit's identity
    cookie outlives a ValueMatch sign-in: an expired sign-in must not silently start a new one.
    """
    st.subheader(t("staff.sso_heading"))
    if not st.user.is_logged_in:
        if st.button(t("staff.sso_button"), key="staff-sso-login", icon=":material/badge:"):
            st.login()
        return
    email = str(st.user.get("email") or "")
    st.button(
        t("staff.sso_continue", email=plain(email)),
        key="staff-sso-continue",
        type="primary",
        on_click=_sign_in_with_sso,
        args=(runtime,),
    )
    if st.button(t("staff.sso_other"), key="staff-sso-other"):
        st.logout()


def _sign_in_with_sso(runtime: Runtime) -> None:
    email = st.user.get("email")  # a claim of the provider's: only a str is an address
    try:
        signed_in = sso.login_with_sso(
            runtime, email if isinstance(email, str) else None, st.user.get("email_verified")
        )
    except InvalidInput:  # the allow-list names an organisation that does not exist
        notify("error", "staff.sso_misconfigured")
        return
    except Unavailable:
        notify("error", "error.unavailable")
        return
    if signed_in is None:
        notify("error", "staff.sso_refused", email=plain(str(email or "")))
        return
    keep_sign_in(signed_in)


# --- what the admin pages share ---------------------------------------------------------------


def refused(exc: Exception) -> None:
    """The reason an admin action was refused, in plain words."""
    if isinstance(exc, organisations.Refused):
        values = {k: plain(v) if isinstance(v, str) else v for k, v in exc.values.items()}
        st.error(t(f"admin.error.{exc.reason}", **values))
    elif isinstance(exc, NotFound):
        st.error(t("admin.error.not_found"))
    else:
        st.error(t("staff.no_access"))


def invitation_links(
    runtime: Runtime, round_name: str, invitations: list, *, once_key: str, state_key: str, key: str
) -> None:
    """The links of a round just made, each shown once, with a CSV of them; gone when hidden (the
    session-state entry `state_key` holds them until then)."""
    address = shell.app_address(runtime)
    with st.container(border=True):
        st.subheader(t("admin.links_heading", round=plain(round_name)))
        st.warning(t(once_key))
        if address is None:
            st.info(t("admin.links_address_unknown"))
        links = [
            (team, rounds.invitation_url(address or t("admin.links_placeholder_base"), token))
            for team, token in invitations
        ]
        for team, link in links:
            st.markdown(f"**{plain(team)}**")
            st.code(link, language=None)
        st.download_button(
            t("admin.links_download"),
            key=f"{key}-csv",
            on_click="ignore",
            data=rounds.invitation_csv(links, header=(t("admin.col_team"), t("admin.col_link"))),
            file_name="invitation-links.csv",
            mime="text/csv",
            icon=":material/download:",
        )
        if st.button(t("admin.links_hide"), key=f"{key}-hide"):
            del st.session_state[state_key]
            st.rerun()


def done(message_key: str, *typed_keys: str, **values: object) -> None:
    """Forget what was typed, keep the success message for the next run, and show the page anew."""
    for key in typed_keys:
        st.session_state.pop(key, None)
    notify("success", message_key, **values)
    st.rerun()


def weak_password_message(password: str) -> tuple[str, dict]:
    """The message key for a refused password: the limits come from services.accounts.passwords, the wording from here."""
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        return "staff.password_too_short", {"min": passwords.MIN_PASSWORD_LENGTH}
    if len(password) > passwords.MAX_PASSWORD_LENGTH:
        return "staff.password_too_long", {"max": passwords.MAX_PASSWORD_LENGTH}
    return "staff.password_is_username", {}
