"""Shared helpers of the staff page tests (sign-in, set-up): the menu spy, the first admin, filling in, signing in."""

import pytest
import streamlit as st
from sqlalchemy import func, select

from app_pages import staff
from services.accounts import auth, setup_tokens

PASSWORD = "correct horse battery"


@pytest.fixture
def menu(monkeypatch):
    """What the last run passed to st.navigation, public and staff: {"" or "Staff": [(title, visibility), ...]}.

    A spy around the real st.navigation (it still runs): AppTest does not expose the menu.
    """
    seen: dict[str, list[tuple[str, str]]] = {}
    real_navigation = st.navigation

    public = {"", "assessment", "results", "history", "join", "about"}

    def recording(pages, **options):
        seen.clear()
        for p in pages:  # one list (navigation.pages): the public pages, then the staff pages
            seen.setdefault("" if p.url_path in public else "Staff", []).append((p.title, p.visibility))
        return real_navigation(pages, **options)

    monkeypatch.setattr(st, "navigation", recording)
    return seen


def shown(menu, section="Staff"):
    return [title for title, visibility in menu[section] if visibility == "visible"]


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.fixture
def admin(runtime):
    return auth.create_first_admin(runtime, "anna", PASSWORD)


def setup_token(runtime) -> str:
    """A set-up token as a server prints it while no admin exists (services.accounts.setup_tokens)."""
    return setup_tokens.issue(runtime).token


def fill(at, **values):
    for key, value in values.items():
        at.text_input(key=key).input(value)
    return at


def sign_in(at, username, password):
    fill(at, **{staff.USERNAME_KEY: username, staff.PASSWORD_KEY: password})
    return at.button(key="staff-login-submit").click().run()


def count(runtime, model, *where):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))
