"""Every refresh re-checks the account (issue 14): a screen left open stops showing data within one
refresh once its account is signed out elsewhere, expired or deactivated, also where only a fragment
refreshes by itself (the workshop big screen) and the page script itself does not run."""

from __future__ import annotations

from datetime import timedelta
from random import Random

import pytest
from sqlalchemy import delete, update
from streamlit.testing.v1 import local_script_runner

from app_pages import navigation, paths, staff, state_keys
from db.account_models import Account, SignIn
from db.models import utcnow
from db.organisations import create_organisation
from services.accounts import auth, management
from services.workshop import hosting
from tests.app_pages.test_workshop_pages import a_workshop, answered
from tests.support.dashboard_data import (
    make_org,
    make_round,
    random_answers,
    respond,
)

PASSWORD = "correct horse battery"


def refresh_fragments(at, monkeypatch):
    """One auto-refresh, as st.fragment(run_every=...) makes it in a browser: only the page's fragments
    run (AppTest has no call for it, so the run request carries their ids, as the browser's does)."""
    fragment_ids = list(at._fragment_storage._fragments)
    assert fragment_ids, "the page has no fragment to refresh"
    real = local_script_runner.RerunData

    def auto_refresh(**request):
        return real(**request, fragment_id_queue=list(fragment_ids), is_auto_rerun=True)

    monkeypatch.setattr(local_script_runner, "RerunData", auto_refresh)
    try:
        return at.run()
    finally:
        monkeypatch.setattr(local_script_runner, "RerunData", real)


def deactivate(runtime, account_id):
    with runtime.sessions.begin() as session:
        session.get(Account, account_id).active = False


def sign_out_elsewhere(runtime, account_id):
    """The same account signs out in another tab (or an admin ends its sessions)."""
    with runtime.sessions.begin() as session:
        session.execute(delete(SignIn).where(SignIn.account_id == account_id))


def expire(runtime, account_id):
    with runtime.sessions.begin() as session:
        session.execute(
            update(SignIn).where(SignIn.account_id == account_id).values(expires_at=utcnow() - timedelta(minutes=1))
        )


@pytest.fixture
def big_screen(app, runtime):
    """A facilitator's big screen showing a group picture: (AppTest, account, session)."""
    admin = auth.create_first_admin(runtime, "anna", PASSWORD)
    with runtime.sessions.begin() as session:
        organisation_id = create_organisation(session, name="Zorg Noord").id
    management.create_account(
        runtime, admin, role="facilitator", username="fien", password=PASSWORD, scope={organisation_id: None}
    )
    fien = auth.login(runtime, "fien", PASSWORD, "test")
    info = a_workshop(runtime, fien.account)
    hosting.set_results_visible(runtime, fien.account, info.id, True)
    answered(runtime, info, 5)
    at = app(None, state={state_keys.AUTH_TOKEN: fien.token}, query={"session": str(info.id)})
    at = at.switch_page(paths.WORKSHOP).run()
    return at, fien.account, info


def shows_data(at) -> bool:
    return bool(at.metric) or bool(at.get("plotly_chart"))


@pytest.mark.parametrize("change", [deactivate, sign_out_elsewhere, expire])
def test_the_big_screens_auto_refresh_stops_showing_the_group(big_screen, runtime, texts, monkeypatch, change):
    at, account, _info = big_screen
    at = refresh_fragments(at, monkeypatch)
    assert shows_data(at) and "Where to start the conversation" in texts(at)  # refreshing as it should
    assert not at.title  # only the fragment ran: the session's title above it was not drawn again
    change(runtime, account.id)
    at = refresh_fragments(at, monkeypatch)
    assert [e.value for e in at.exception] == []
    assert not shows_data(at) and "Where to start the conversation" not in texts(at)
    assert "Your sign-in has ended. Please sign in again." in texts(at)
    assert "Please sign in to open this page." in texts(at)


def test_a_control_clicked_on_a_screen_left_open_changes_nothing(big_screen, runtime, texts):
    at, account, info = big_screen
    deactivate(runtime, account.id)
    at = at.button(key="ws-results-hide").click().run()
    assert [e.value for e in at.exception] == []
    assert hosting.workshop_info(runtime, account, info.id).results_visible
    assert "Please sign in to open this page." in texts(at)


def test_the_dashboard_stops_showing_data_at_its_next_run(app, runtime, texts):
    admin = auth.create_first_admin(runtime, "anna", PASSWORD)
    rng = Random(3)
    with runtime.sessions.begin() as session:
        north = make_org(session, "North", {"Alpha": 10})
        make_round(session, north, "R1", instrument=runtime.instrument)
        for _ in range(6):
            respond(session, runtime.instrument, north, "Alpha", "R1", random_answers(runtime.instrument, rng))
    maya = management.create_account(
        runtime, admin, role="manager", username="maya", password=PASSWORD, scope={north.id: None}
    )
    at = app("dashboard", state={state_keys.AUTH_TOKEN: auth.login(runtime, "maya", PASSWORD, "test").token})
    assert shows_data(at) or at.dataframe
    deactivate(runtime, maya.id)
    at.run()
    assert [e.value for e in at.exception] == []
    assert not shows_data(at) and not at.dataframe and "North" not in texts(at)
    assert "Please sign in to open this page." in texts(at)
