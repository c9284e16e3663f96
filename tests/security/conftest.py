"""Fixtures of the security tests: a fresh migrated SQLite database per test, its runtime, the real
app.py through AppTest, and people (an admin, a manager, facilitators) signed in through the services."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_pages import navigation, paths, staff, state_keys
from services.accounts import auth, management
from services.admin import organisations
from services.runtime import build_runtime

PASSWORD = "correct horse battery"
FREE_ATTEMPTS = 3


@pytest.fixture
def settings_env(migrated_database, monkeypatch):
    """Few free attempts, so the slow-down is reached in a few tries; the app reads the same settings."""
    for name in ("VM_LOGIN_FREE_ATTEMPTS", "VM_LOGIN_SHARED_FREE_ATTEMPTS", "VM_RESUME_FREE_ATTEMPTS"):
        monkeypatch.setenv(name, str(FREE_ATTEMPTS))
    monkeypatch.setenv("VM_PUBLIC_URL", "https://valuematch.example.org")
    return migrated_database


@pytest.fixture
def runtime(settings_env):
    rt = build_runtime()
    yield rt
    rt.engine.dispose()


@pytest.fixture
def app(runtime, repo_root):
    """open_page(page, query=..., state=..., token=...): the real app at a page, after one first run."""
    st.cache_resource.clear()

    def open_page(
        page: str | None = None, *, query: dict | None = None, state: dict | None = None, token: str | None = None
    ) -> AppTest:
        at = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        for key, value in (state or {}).items():
            at.session_state[key] = value
        if token:
            at.session_state[state_keys.AUTH_TOKEN] = token
        at.run()
        if page:
            at.switch_page(page if page.startswith("app_pages/") else paths.BY_NAME[page]).run()
        return at

    yield open_page
    st.cache_resource.clear()


@pytest.fixture
def people(runtime):
    """anna (admin), organisation North, maya (manager of North), fien (facilitator of North) and
    gert (facilitator of the organisation South): {name: (AccountView, token)} and the org ids."""
    anna = auth.create_first_admin(runtime, "anna", PASSWORD)
    north = organisations.create_organisation(runtime, anna, name="North").id
    south = organisations.create_organisation(runtime, anna, name="South Secret").id
    for name, role, org in (("maya", "manager", north), ("fien", "facilitator", north), ("gert", "facilitator", south)):
        management.create_account(runtime, anna, role=role, username=name, password=PASSWORD, scope={org: None})
    signed = {name: auth.login(runtime, name, PASSWORD, f"client-{name}") for name in ("anna", "maya", "fien", "gert")}
    found = {name: (s.account, s.token) for name, s in signed.items()}
    found["north"], found["south"] = north, south
    return found


WORKSHOP_PAGE = paths.WORKSHOP
