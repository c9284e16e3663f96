"""The set-up page (the first admin, with the printed set-up token) through AppTest on the real app and real SQLite."""

import re

import pytest

from app_pages import state_keys
from db.account_models import Account
from services.accounts import auth
from services.errors import Unavailable
from tests.app_pages.staff_helpers import PASSWORD, admin, count, fill, menu, no_exceptions, setup_token, shown

# --- set-up -----------------------------------------------------------------------------------


def test_first_admin_is_created_and_signed_in(app, menu, runtime, texts):
    at = app("setup")
    fill(
        at,
        **{
            "setup-token": setup_token(runtime),
            "setup-username": "Anna",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert "the admin account **anna** was created and you are signed in" in texts(at)
    assert auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN]).role == "admin"
    assert shown(menu) == [
        "Dashboard",
        "Workshops",
        "Action plan",
        "Organisations and teams",
        "Survey rounds",
        "Accounts",
        "Account",
    ]
    assert [w.key for w in at.text_input] == []  # the form is gone for good
    assert [link.label for link in at.get("page_link")] == ["Next: add your organisation"]


def test_set_up_while_the_database_is_away_says_try_again(app, runtime, texts, monkeypatch):
    at = app("setup")

    def away(*_args, **_kwargs):
        raise Unavailable()

    monkeypatch.setattr(auth, "create_first_admin", away)
    fill(
        at,
        **{
            "setup-token": setup_token(runtime),
            "setup-username": "Anna",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert "cannot reach its database just now" in texts(at)
    assert count(runtime, Account) == 0
    assert state_keys.AUTH_TOKEN not in at.session_state


@pytest.mark.parametrize(
    "username, password, repeated, message",
    [
        ("anna", "short pass", "short pass", "The password is too short: use at least 12 characters."),
        ("anna", PASSWORD, PASSWORD + "!", "The two passwords are not the same."),
        ("anna.de.vries", "Anna.de.Vries", "Anna.de.Vries", "The password may not be the same as the username."),
    ],
)
def test_set_up_refuses_a_weak_or_mistyped_password(app, runtime, texts, username, password, repeated, message):
    at = app("setup")
    fill(
        at,
        **{
            "setup-token": setup_token(runtime),
            "setup-username": username,
            "setup-password": password,
            "setup-password-repeat": repeated,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert message in texts(at)
    assert count(runtime, Account) == 0
    assert state_keys.AUTH_TOKEN not in at.session_state
    assert at.text_input(key="setup-password").value == ""  # typed again, not kept in the session
    assert at.text_input(key="setup-username").value == username


def test_set_up_refuses_a_bad_username(app, runtime, texts):
    at = app("setup", query={"lang": "nl"})
    fill(
        at,
        **{
            "setup-token": setup_token(runtime),
            "setup-username": "a b",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert "Deze gebruikersnaam kan niet worden gebruikt" in texts(at)
    assert count(runtime, Account) == 0


@pytest.mark.parametrize(
    "typed, language, message",
    [
        ("", "en", "The set-up token is not right"),
        ("AAAA-BBBB-CCCC-DDDD-EEEE", "en", "The set-up token is not right"),
        ("AAAA-BBBB-CCCC-DDDD-EEEE", "nl", "De installatiecode klopt niet"),
    ],
)
def test_set_up_refuses_without_the_printed_token(app, runtime, texts, typed, language, message):
    """Reaching the set-up page is not enough: the first visitor does not become admin."""
    at = app("setup", query={"lang": language})
    fill(
        at,
        **{
            "setup-token": typed,
            "setup-username": "mallory",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert message in texts(at) and "setup-token" in [w.key for w in at.text_input]
    assert count(runtime, Account) == 0
    assert state_keys.AUTH_TOKEN not in at.session_state


def test_the_token_the_app_prints_sets_it_up(app, runtime, texts, capsys):
    at = app("setup")
    printed = capsys.readouterr().out
    token = re.search(r"\b[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}\b", printed).group(0)
    app("setup")  # a second page: nothing new printed
    assert token not in capsys.readouterr().out
    fill(
        at,
        **{
            "setup-token": token,
            "setup-username": "anna",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    assert "the admin account **anna** was created and you are signed in" in texts(at)


def test_set_up_page_cannot_make_a_second_admin(app, runtime, admin, texts):
    at = app("setup")
    no_exceptions(at)
    assert "already set up" in texts(at)
    assert [w.key for w in at.text_input] == []  # no form, only the way to sign in
    assert [link.label for link in at.get("page_link")] == ["Go to sign in"]


def test_set_up_form_left_open_while_someone_else_finished_set_up(app, runtime, texts):
    at = app("setup")
    token = setup_token(runtime)
    auth.create_first_admin(runtime, "bram", PASSWORD)  # in another browser, meanwhile
    fill(
        at,
        **{
            "setup-token": token,
            "setup-username": "anna",
            "setup-password": PASSWORD,
            "setup-password-repeat": PASSWORD,
        },
    )
    at.button(key="setup-submit").click().run()
    no_exceptions(at)
    assert "already set up" in texts(at)
    assert count(runtime, Account) == 1
    assert state_keys.AUTH_TOKEN not in at.session_state
