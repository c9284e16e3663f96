"""The admin's accounts page through AppTest on the real app and real SQLite."""

import pytest
from sqlalchemy import func, select

from app_pages import staff, state_keys
from db.account_models import Account
from services.accounts import auth, management
from services.errors import LoginFailed, Unavailable
from tests.support.organisations import add_two_organisations

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"
PAGE = "admin_accounts"


@pytest.fixture
def admin(runtime):
    return auth.create_first_admin(runtime, "anna", PASSWORD)


@pytest.fixture
def orgs(runtime):
    with runtime.sessions.begin() as session:
        return add_two_organisations(session)


@pytest.fixture
def mia(runtime, admin, orgs):
    """A manager of the whole of north."""
    return management.create_account(
        runtime, admin, role="manager", username="mia", password=PASSWORD, scope={orgs["north"]: None}
    )


@pytest.fixture
def open_as(app, runtime):
    """The accounts page, signed in as `username`."""

    def opened(username: str, *, language: str = "en"):
        token = auth.login(runtime, username, PASSWORD, "client").token
        return app(PAGE, query={"lang": language}, state={state_keys.AUTH_TOKEN: token})

    return opened


def no_exceptions(at):
    assert [e.value for e in at.exception] == []
    assert [w.value for w in at.warning] == []  # also Streamlit's own, e.g. a widget state set twice


def fill(at, **values):
    for key, value in values.items():
        at.text_input(key=key).input(value)
    return at


def table(at, index=0) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


def scopes(runtime, admin) -> dict[str, object]:
    return {row.account.username: row.account.scope for row in management.list_accounts(runtime, admin)}


def count_accounts(runtime) -> int:
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(Account))


_TYPED_PASSWORDS: dict[int, tuple[str, str]] = {}


def new_account(at, *, role="manager", username="mia", password=PASSWORD, repeated=None, organisations=()):
    """Fill the new-account fields; the passwords are typed by create(), as they sit in a form that keeps
    them only until it is submitted."""
    at.radio(key="acct-new-role").set_value(role)
    fill(at, **{"acct-new-username": username})
    if role != "admin":
        at.multiselect(key="acct-new-orgs").set_value(list(organisations))
    _TYPED_PASSWORDS[id(at)] = (password, password if repeated is None else repeated)
    return at.run()


def create(at):
    password, repeated = _TYPED_PASSWORDS.pop(id(at))
    fill(at, **{"acct-new-password": password, "acct-new-password-repeat": repeated})
    return at.button(key="acct-new-submit").click().run()


def choose_account(at, runtime, admin, username):
    [row] = [r for r in management.list_accounts(runtime, admin) if r.account.username == username]
    at.selectbox(key="acct-edit-account").set_value(row.account.id).run()
    return row.account.id


# --- the list -----------------------------------------------------------------------------------


def test_admin_sees_every_account_with_what_it_may_see(open_as, runtime, admin, orgs):
    management.create_account(
        runtime,
        admin,
        role="manager",
        username="mia",
        password=PASSWORD,
        scope={orgs["north"]: None, orgs["south"]: [orgs["south.b"]]},
    )
    at = open_as("anna")
    no_exceptions(at)
    assert at.title[0].value == "Accounts"
    rows = {row["Username"]: row for row in table(at)}
    assert rows["anna"] | {"Created (UTC)": None} == {
        "Username": "anna",
        "Role": "admin",
        "May see": "every organisation",
        "Status": "active",
        "Signs in with": "password",
        "Created (UTC)": None,
        "Last sign-in (UTC)": rows["anna"]["Last sign-in (UTC)"],
    }
    assert rows["mia"]["May see"] == "north; south (only teams: b)"
    assert rows["mia"]["Last sign-in (UTC)"] == "never"


# --- creating -----------------------------------------------------------------------------------


def test_admin_creates_a_manager_limited_to_teams_and_a_facilitator(open_as, runtime, admin, orgs, texts):
    at = open_as("anna")
    new_account(at, username="Mia", organisations=[orgs["north"]])
    at.checkbox(key=f"acct-new-limit-{orgs['north']}").check().run()
    at.multiselect(key=f"acct-new-teams-{orgs['north']}").set_value([orgs["north.a"]]).run()
    create(at)
    no_exceptions(at)
    assert "The manager account **mia** was created." in texts(at)
    assert at.text_input(key="acct-new-password").value == ""
    assert at.text_input(key="acct-new-username").value == ""
    assert at.multiselect(key="acct-new-orgs").value == []

    new_account(at, role="facilitator", username="fien", organisations=[orgs["north"], orgs["south"]])
    create(at)
    no_exceptions(at)
    assert "The facilitator account **fien** was created." in texts(at)
    assert scopes(runtime, admin) == {
        "anna": {},
        "mia": {orgs["north"]: frozenset({orgs["north.a"]})},
        "fien": {orgs["north"]: None, orgs["south"]: None},
    }
    assert {row["Username"]: row["May see"] for row in table(at)}["mia"] == "north (only teams: a)"
    assert auth.login(runtime, "fien", PASSWORD, "client").account.role == "facilitator"


def test_an_admin_account_needs_no_organisations(open_as, runtime, admin, orgs, texts):
    at = open_as("anna")
    new_account(at, role="admin", username="bram")
    assert not any(w.key == "acct-new-orgs" for w in at.multiselect)
    create(at)
    no_exceptions(at)
    assert "The admin account **bram** was created." in texts(at)
    assert scopes(runtime, admin)["bram"] == {}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password": "short pass"}, "The password is too short: use at least 12 characters."),
        ({"repeated": PASSWORD + "!"}, "The two passwords are not the same."),
        ({"username": "mia.de.vries", "password": "Mia.de.Vries"}, "The password may not be the same as the username."),
        ({"username": "m i a"}, "This username cannot be used."),
        ({"organisations": []}, "Choose at least one organisation this account may see."),
    ],
)
def test_a_refused_account_is_not_stored_and_says_why(open_as, runtime, admin, orgs, texts, changes, message):
    at = open_as("anna")
    new_account(at, **({"organisations": [orgs["north"]]} | changes))
    create(at)
    no_exceptions(at)
    assert message in texts(at)
    assert count_accounts(runtime) == 1
    assert at.text_input(key="acct-new-password").value == ""  # typed again, never kept
    assert at.text_input(key="acct-new-password-repeat").value == ""
    assert at.text_input(key="acct-new-username").value == changes.get("username", "mia")


def test_limiting_to_teams_without_a_team_is_refused(open_as, runtime, admin, orgs, texts):
    at = open_as("anna")
    new_account(at, organisations=[orgs["south"]])
    at.checkbox(key=f"acct-new-limit-{orgs['south']}").check().run()
    create(at)
    no_exceptions(at)
    assert "choose at least one team" in texts(at)
    assert count_accounts(runtime) == 1


def test_a_taken_username_is_refused(open_as, runtime, mia, orgs, texts):
    at = open_as("anna")
    new_account(at, username="MIA", organisations=[orgs["south"]])
    create(at)
    no_exceptions(at)
    assert "This username is already taken." in texts(at)
    assert count_accounts(runtime) == 2


# --- changing -----------------------------------------------------------------------------------


def test_admin_changes_what_an_account_may_see(open_as, runtime, admin, mia, orgs, texts):
    at = open_as("anna")
    mia_id = choose_account(at, runtime, admin, "mia")
    assert at.multiselect(key=f"acct-edit-{mia_id}-orgs").value == [orgs["north"]]  # the current scope
    at.multiselect(key=f"acct-edit-{mia_id}-orgs").set_value([orgs["south"]]).run()
    at.checkbox(key=f"acct-edit-{mia_id}-limit-{orgs['south']}").check().run()
    at.multiselect(key=f"acct-edit-{mia_id}-teams-{orgs['south']}").set_value([orgs["south.a"], orgs["south.b"]]).run()
    at.button(key="acct-edit-scope-submit").click().run()
    no_exceptions(at)
    assert "What **mia** may see was saved." in texts(at)
    assert scopes(runtime, admin)["mia"] == {orgs["south"]: frozenset({orgs["south.a"], orgs["south.b"]})}
    assert "south (only teams: a, b)" in texts(at)


def test_deactivate_then_reactivate(open_as, runtime, admin, mia, texts):
    at = open_as("anna")
    choose_account(at, runtime, admin, "mia")
    at.button(key="acct-deactivate").click().run()
    no_exceptions(at)
    assert "The account **mia** is deactivated." in texts(at)
    assert {row["Username"]: row["Status"] for row in table(at)}["mia"] == "deactivated"
    with pytest.raises(LoginFailed):
        auth.login(runtime, "mia", PASSWORD, "client")
    at.button(key="acct-reactivate").click().run()
    no_exceptions(at)
    assert "The account **mia** is active again." in texts(at)
    assert auth.login(runtime, "mia", PASSWORD, "client").account.id == mia.id


def test_a_click_while_the_database_is_away_says_try_again(open_as, runtime, admin, mia, texts, monkeypatch):
    at = open_as("anna")
    choose_account(at, runtime, admin, "mia")

    def away(*_args, **_kwargs):
        raise Unavailable()

    monkeypatch.setattr(management, "deactivate_account", away)
    at.button(key="acct-deactivate").click().run()
    no_exceptions(at)
    assert "cannot reach its database just now" in texts(at)
    monkeypatch.undo()
    assert auth.login(runtime, "mia", PASSWORD, "client").account.id == mia.id  # still active


def test_the_last_admin_cannot_be_deactivated(open_as, runtime, admin, texts):
    at = open_as("anna")
    choose_account(at, runtime, admin, "anna")
    at.button(key="acct-deactivate").click().run()
    no_exceptions(at)
    assert "This is the last active admin account, so it cannot be deactivated." in texts(at)
    assert auth.needs_first_admin(runtime) is False
    assert state_keys.AUTH_TOKEN in at.session_state


def test_reset_password_then_the_new_one_signs_in(open_as, runtime, admin, mia, texts):
    at = open_as("anna")
    choose_account(at, runtime, admin, "mia")
    fill(at, **{"acct-reset-password": NEW_PASSWORD, "acct-reset-password-repeat": NEW_PASSWORD + "x"})
    at.button(key="acct-reset-submit").click().run()
    assert "The two passwords are not the same." in texts(at)
    fill(at, **{"acct-reset-password": NEW_PASSWORD, "acct-reset-password-repeat": NEW_PASSWORD})
    at.button(key="acct-reset-submit").click().run()
    no_exceptions(at)
    assert "**mia** has a new password and was signed out everywhere." in texts(at)
    assert at.text_input(key="acct-reset-password").value == ""
    assert at.text_input(key="acct-reset-password-repeat").value == ""
    assert auth.login(runtime, "mia", NEW_PASSWORD, "client").account.id == mia.id
    with pytest.raises(LoginFailed):
        auth.login(runtime, "mia", PASSWORD, "client")


def test_reset_to_a_weak_password_is_refused(open_as, runtime, admin, mia, texts):
    at = open_as("anna")
    choose_account(at, runtime, admin, "mia")
    fill(at, **{"acct-reset-password": "mia", "acct-reset-password-repeat": "mia"})
    at.button(key="acct-reset-submit").click().run()
    no_exceptions(at)
    assert "The password is too short" in texts(at)
    assert auth.login(runtime, "mia", PASSWORD, "client").account.id == mia.id


# --- audit log and access -------------------------------------------------------------------------


def test_audit_log_shows_the_entries_in_plain_words(open_as, runtime, admin, mia, orgs):
    management.change_scope(runtime, admin, mia.id, {orgs["south"]: [orgs["south.b"]]})
    management.deactivate_account(runtime, admin, mia.id)
    at = open_as("anna")
    no_exceptions(at)
    log = table(at, 1)
    assert [(row["Who"], row["What"]) for row in log] == [
        ("anna", "Account deactivated"),
        ("anna", "What an account may see changed"),
        ("anna", "Account created"),
        ("the system", "First admin created"),
    ]
    assert log[1]["Details"] == "account: mia · may see: south (only teams: b)"
    assert log[2]["Details"] == "account: mia · role: manager · may see: north"


def test_page_in_dutch(open_as, mia):
    at = open_as("anna", language="nl")
    no_exceptions(at)
    assert [tab.label for tab in at.tabs] == ["Alle accounts", "Nieuw account", "Account wijzigen", "Logboek"]
    assert {row["Gebruikersnaam"]: row["Mag zien"] for row in table(at)} == {"anna": "elke organisatie", "mia": "north"}


@pytest.mark.parametrize("role", ["manager", "facilitator"])
def test_others_get_no_access_and_none_of_the_data(open_as, runtime, admin, orgs, texts, role):
    management.create_account(
        runtime, admin, role=role, username="other", password=PASSWORD, scope={orgs["north"]: None}
    )
    at = open_as("other")
    no_exceptions(at)
    assert "You do not have access to this page." in texts(at)
    assert len(at.dataframe) == 0 and len(at.tabs) == 0
    assert [w.key for w in at.text_input] == [] and [b.key for b in at.button] == []
    assert "anna" not in texts(at)


def test_every_audited_action_has_a_plain_label():
    """Each action name a service writes to the audit log is labelled on the page (EN and NL)."""
    import re
    from pathlib import Path

    from services import i18n
    from services.accounts.names import AUDIT_ACTIONS as KNOWN_ACTIONS

    written = set()
    for path in (Path(__file__).parents[2] / "services").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'action="([a-z_]+)"', source))
        written |= set(re.findall(r'record_change\(\s*session,\s*actor,\s*"([a-z_]+)"', source))
    assert written and written <= set(KNOWN_ACTIONS)
    for action in KNOWN_ACTIONS:
        for language in ("en", "nl"):
            assert i18n.t(f"accounts.action_{action}", language)
