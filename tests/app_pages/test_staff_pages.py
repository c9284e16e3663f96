"""Staff pages (menu, sign in and out, single sign-on, the sign-in guard) through AppTest on the real app and SQLite."""

import re
from datetime import timedelta

import pytest
import streamlit as st
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from app_pages import paths, staff, state_keys
from db import organisations as db_organisations
from db.account_models import Account, SignIn
from db.models import utcnow
from services.accounts import auth, client_address, management
from services.errors import LoginFailed
from tests.app_pages.staff_helpers import PASSWORD, admin, count, menu, no_exceptions, shown, sign_in

# --- navigation -------------------------------------------------------------------------------


def test_fresh_database_offers_set_up_and_no_sign_in(app, menu):
    at = app()
    no_exceptions(at)
    assert shown(menu, "") == [
        "Start",
        "Assessment",
        "My results",
        "My history",
        "Join a workshop",
        "About the instrument",
    ]
    assert shown(menu) == ["Set up"]


def test_once_an_admin_exists_the_staff_section_offers_sign_in(app, menu, admin):
    app()
    assert shown(menu) == ["Sign in"]


def test_staff_entries_in_dutch(app, menu, admin):
    app(query={"lang": "nl"})
    assert shown(menu) == ["Inloggen"]


# --- sign in and out --------------------------------------------------------------------------


@pytest.mark.parametrize("username, password", [("anna", "not the password"), ("nobody", PASSWORD)])
def test_wrong_credentials_get_one_message_and_nothing_is_kept(app, admin, texts, username, password):
    at = app("login")
    sign_in(at, username, password)
    no_exceptions(at)
    assert "The username or password is not right." in texts(at)
    assert state_keys.AUTH_TOKEN not in at.session_state
    assert at.text_input(key=staff.PASSWORD_KEY).value == ""


def test_right_password_signs_in_and_opens_the_dashboard(app, menu, runtime, admin, texts):
    at = app("login")
    sign_in(at, "Anna", PASSWORD)
    no_exceptions(at)
    assert at.title[0].value == "Dashboard"
    assert auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN]) == admin
    assert shown(menu) == [
        "Dashboard",
        "Workshops",
        "Action plan",
        "Organisations and teams",
        "Survey rounds",
        "Accounts",
        "Account",
    ]
    at.switch_page(paths.ACCOUNT).run()
    assert "Signed in as **anna** (admin)." in texts(at)


def cookie_scripts(at) -> list[str]:
    return [element.proto.body for element in at.get("html") if "document.cookie" in element.proto.body]


def test_the_sign_in_cookie_is_written_by_the_page_the_sign_in_opens(app, admin):
    """Signing in switches page, which cuts the sign-in's own run short: the page it opens writes the
    cookie (a new tab or a reload stays signed in), again in each run until one runs to its end."""
    at = app("login")
    sign_in(at, "anna", PASSWORD)
    token = at.session_state[state_keys.AUTH_TOKEN]
    [script] = cookie_scripts(at)
    assert f"vm_staff={token};" in script and "max-age=28800" in script
    at.switch_page(paths.ACCOUNT).run()  # a page that runs to its end (the empty dashboard stops early)
    assert len(cookie_scripts(at)) == 1
    at.run()
    assert cookie_scripts(at) == []


@pytest.mark.parametrize(
    "address, secure", [("https://valuematch.example.org/login", True), ("http://localhost:8501/login", False)]
)
def test_the_sign_in_cookie_has_the_flags_a_script_can_set(app, admin, address, secure):
    """SameSite=Strict always, Secure over https, the session's lifetime; not HttpOnly, which a script
    cannot set (docs/SECURITY.md, "The staff cookie")."""
    at = app("login")
    at.context["url"] = address
    sign_in(at, "anna", PASSWORD)
    [script] = cookie_scripts(at)
    assert "SameSite=Strict" in script and "max-age=28800" in script and "path=/" in script
    assert ("; Secure" in script) is secure


def test_facilitator_signs_in_to_the_workshops_page(app, menu, runtime, admin, texts):
    with runtime.sessions.begin() as session:
        organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
    management.create_account(
        runtime, admin, role="facilitator", username="fien", password=PASSWORD, scope={organisation_id: None}
    )
    at = app("login")
    sign_in(at, "fien", PASSWORD)
    no_exceptions(at)
    assert at.title[0].value == "Workshops" and "Start a new session" in texts(at)
    assert shown(menu) == ["Workshops", "Account"]


def test_sign_out_ends_the_session_everywhere(app, menu, runtime, admin, texts):
    at = app("login")
    sign_in(at, "anna", PASSWORD)
    token = at.session_state[state_keys.AUTH_TOKEN]
    # The browser is on /account now; AppTest keeps asking for the page last given to switch_page.
    at.switch_page(paths.ACCOUNT).run()
    made = (state_keys.ROUND_LINKS, state_keys.PLAN_LINKS, state_keys.WORKSHOP_FILES, state_keys.PREPARED_FILES)
    for key in made:  # links shown once and files made: never offered to the next person at this browser
        at.session_state[key] = "made by anna"
    at.button(key="staff-sign-out").click().run()
    no_exceptions(at)
    assert [key for key in made if key in at.session_state] == []
    assert state_keys.AUTH_TOKEN not in at.session_state
    assert auth.current_account(runtime, token) is None
    assert count(runtime, SignIn) == 0
    assert "You are signed out." in texts(at)
    assert shown(menu) == ["Sign in"]


THIS_BROWSER = client_address.client_key(client_address.UNKNOWN)  # AppTest's session has no address


def wrong_passwords(runtime, clients):
    for client in clients:
        with pytest.raises(LoginFailed):
            auth.login(runtime, "anna", "not the password", client)


def test_a_strangers_wrong_passwords_do_not_keep_the_owner_out(app, runtime, admin, texts):
    wrong_passwords(runtime, [f"elsewhere-{n}" for n in range(30)])  # someone guessing, from many places
    at = app("login")
    sign_in(at, "anna", PASSWORD)
    no_exceptions(at)
    assert auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN]).username == "anna"


@pytest.mark.parametrize(
    "elsewhere, here, free, message",
    [
        (0, 5, "1", r"Too many sign-in attempts that did not succeed. Please wait \d+ seconds"),  # its own misses
        (30, 1, "5", r"perhaps by someone else. Your account is not locked: wait \d+ seconds"),  # an attack
    ],
)
def test_a_browser_that_typed_wrong_passwords_is_told_why_it_waits(
    app, runtime, admin, texts, monkeypatch, elsewhere, here, free, message
):
    wrong_passwords(runtime, [f"elsewhere-{n}" for n in range(elsewhere)] + [THIS_BROWSER] * here)
    monkeypatch.setenv("VM_LOGIN_FREE_ATTEMPTS", free)
    at = app("login")
    sign_in(at, "anna", PASSWORD)  # even the right password waits
    no_exceptions(at)
    assert re.search(message, texts(at))
    assert state_keys.AUTH_TOKEN not in at.session_state


def test_expired_sign_in_counts_as_signed_out(app, menu, runtime, admin, texts):
    expired = auth.login(
        runtime, "anna", PASSWORD, "client", now=utcnow() - timedelta(hours=runtime.settings.session_hours, minutes=1)
    )
    at = app("account", state={state_keys.AUTH_TOKEN: expired.token})
    no_exceptions(at)
    assert state_keys.AUTH_TOKEN not in at.session_state
    assert shown(menu) == ["Sign in"]
    assert "Your sign-in has ended. Please sign in again." in texts(at)
    assert "Signed in as" not in texts(at)


def test_account_page_asks_to_sign_in_and_then_shows_itself(app, admin, texts):
    at = app("account")
    no_exceptions(at)
    assert "Please sign in to open this page." in texts(at)
    sign_in(at, "anna", PASSWORD)
    no_exceptions(at)
    assert "Signed in as **anna** (admin)." in texts(at)


def test_login_page_in_dutch(app, admin, texts):
    at = app("login", query={"lang": "nl"})
    assert at.title[0].value == "Inloggen"
    sign_in(at, "anna", "not the password")
    assert "De gebruikersnaam of het wachtwoord klopt niet." in texts(at)


def test_login_form_hides_the_password(app, admin):
    at = app("login")
    assert at.text_input(key=staff.PASSWORD_KEY).proto.type == TextInputProto.PASSWORD
    assert [b.key for b in at.button] == ["staff-login-submit"]  # no single sign-on unless configured


# --- single sign-on, with AppTest's fake st.user (no provider) -------------------------------

AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-only",
    "client_id": "test",
    "client_secret": "test",
    "server_metadata_url": "https://provider.invalid/.well-known/openid-configuration",
}


@pytest.fixture
def sso_login_page(app, monkeypatch):
    """The login page with [auth] secrets, Authlib taken as present and an allow-list for mia."""
    monkeypatch.setenv("VM_SSO_ALLOW", '[{"email": "mia@zorg-noord.nl", "role": "admin"}]')
    monkeypatch.setattr(staff, "_authlib_installed", lambda: True)

    def open_as(user: dict) -> AppTest:
        at = app()
        at.secrets["auth"] = AUTH_SECRETS
        at.user = user
        return at.switch_page(paths.LOGIN).run()

    return open_as


def test_sso_button_when_configured(sso_login_page):
    at = sso_login_page({"is_logged_in": False})
    no_exceptions(at)
    assert at.button(key="staff-sso-login").label == "Sign in with your organisation account"


def test_sso_identity_on_the_allow_list_signs_in(sso_login_page, runtime, texts):
    at = sso_login_page({"is_logged_in": True, "email": "Mia@zorg-noord.nl", "email_verified": True})
    at.button(key="staff-sso-continue").click().run()
    no_exceptions(at)
    assert at.title[0].value == "Dashboard"
    at.switch_page(paths.ACCOUNT).run()
    # escaped for Markdown, and no mail link (an invisible word joiner before "@": app_pages/shell.py plain)
    assert "Signed in as **mia\u2060@zorg\\-noord\\.nl** (admin)." in texts(at)
    assert auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN]).username == "mia@zorg-noord.nl"


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "eve@elsewhere.org", "email_verified": True},
        {"is_logged_in": True, "email": "mia@zorg-noord.nl", "email_verified": False},
    ],
)
def test_sso_identity_not_admitted_gets_a_message(sso_login_page, runtime, texts, user):
    at = sso_login_page(user)
    at.button(key="staff-sso-continue").click().run()
    no_exceptions(at)
    assert "has no access to ValueMatch" in texts(at)
    assert state_keys.AUTH_TOKEN not in at.session_state
    assert count(runtime, Account) == 0


# --- require_account on a page that needs a right ---------------------------------------------


def guarded_page():
    """A page guarded like the dashboard and admin pages will be."""
    import streamlit as st

    from app_pages import shell, staff

    runtime = shell.runtime_or_stop()
    shell.current_language()
    account = staff.require_account(runtime, "admin_accounts", "view")
    st.markdown(f"reached as {account.username}")


@pytest.fixture
def facilitator(runtime, admin):
    with runtime.sessions.begin() as session:
        organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
    management.create_account(
        runtime, admin, role="facilitator", username="fenna", password=PASSWORD, scope={organisation_id: None}
    )
    return auth.login(runtime, "fenna", PASSWORD, "client")


@pytest.mark.parametrize(
    "who, expected", [("anna", "reached as anna"), ("fenna", "You do not have access to this page.")]
)
def test_require_account_checks_the_right(isolated_database, runtime, facilitator, texts, who, expected):
    st.cache_resource.clear()
    token = facilitator.token if who == "fenna" else auth.login(runtime, "anna", PASSWORD, "client").token
    at = AppTest.from_function(guarded_page, default_timeout=60)
    at.session_state[state_keys.AUTH_TOKEN] = token
    at.run()
    no_exceptions(at)
    assert expected in texts(at)
    assert ("reached" in texts(at)) == (who == "anna")


def test_require_account_without_sign_in_shows_the_form_and_stops(isolated_database, texts):
    st.cache_resource.clear()
    at = AppTest.from_function(guarded_page, default_timeout=60).run()
    no_exceptions(at)
    assert "Please sign in to open this page." in texts(at)
    assert "reached" not in texts(at)
    assert at.text_input(key=staff.PASSWORD_KEY).proto.type == TextInputProto.PASSWORD
