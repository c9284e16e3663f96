"""Workshop pages through AppTest on the real app and SQLite: the facilitator's list, form and screen,
and the participant's join page."""

from __future__ import annotations

import pytest

from app_pages import navigation, paths, staff, state_keys
from db import organisations as db_organisations
from services.accounts import auth, management
from services.errors import Unavailable
from services.respond import questionnaire, workshop_join
from services.workshop import hosting

PASSWORD = "correct horse battery"
ADDRESS = "https://valuematch.example.org"


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.fixture
def fien(runtime, monkeypatch):
    """A signed-in facilitator: (account, session token)."""
    monkeypatch.setenv("VM_PUBLIC_URL", ADDRESS)
    admin = auth.create_first_admin(runtime, "anna", PASSWORD)
    with runtime.sessions.begin() as session:
        organisation_id = db_organisations.create_organisation(session, name="Zorg Noord").id
    management.create_account(
        runtime, admin, role="facilitator", username="fien", password=PASSWORD, scope={organisation_id: None}
    )
    signed_in = auth.login(runtime, "fien", PASSWORD, "test")
    return signed_in.account, signed_in.token


@pytest.fixture
def as_fien(app, fien):
    def open_page(query=None):
        at = app(None, state={state_keys.AUTH_TOKEN: fien[1]}, query=query)
        return at.switch_page(paths.WORKSHOP).run()

    return open_page


def a_workshop(runtime, account, **overrides):
    fields = dict(title="Team West", intervention="Online CBT", form_id=None, language="en", min_group_size=5)
    return hosting.create_workshop(runtime, account, **(fields | overrides))


def answered(runtime, info, count, start=0):
    for n in range(start, start + count):
        joined = workshop_join.join(runtime, info.code, f"page-test-device-{n:04d}", f"c{n}")
        draft = questionnaire.load_draft(runtime, joined.draft_token)
        questionnaire.save_answers(
            runtime, token=joined.draft_token, step=0, answers={i: 2 + n % 3 for i in draft.instrument.required_ids}
        )
        questionnaire.submit(runtime, token=joined.draft_token)


def test_a_facilitator_creates_a_session_and_sees_its_code(as_fien, runtime, fien, texts):
    at = as_fien()
    no_exceptions(at)
    assert at.title[0].value == "Workshops"
    assert "No sessions yet." in texts(at)
    at.text_input(key="ws-title").set_value("Team West, June")
    at.text_input(key="ws-intervention").set_value("Online CBT module")
    at.button[0]  # the form's submit button is drawn
    at = at.button(key="FormSubmitter:ws-new-Create session").click().run()
    no_exceptions(at)
    sessions = hosting.list_workshops(runtime, fien[0])
    assert [s.title for s in sessions] == ["Team West, June"]
    assert at.query_params["session"] == [str(sessions[0].id)] or at.query_params["session"] == str(sessions[0].id)
    page = texts(at)
    assert sessions[0].code in page and f"{ADDRESS}/?join={sessions[0].code}" in page
    assert "Results are hidden." in page
    assert hosting.qr_png(f"{ADDRESS}/?join={sessions[0].code}").startswith(b"\x89PNG")


def test_a_session_tied_to_a_round_below_the_organisations_k_is_refused_saying_why(as_fien, runtime, fien, texts):
    from datetime import UTC, datetime, timedelta

    from db import interventions as db_interventions

    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        [organisation] = db_organisations.list_organisations(session)
        db_organisations.update_min_group_size(session, organisation_id=organisation.id, min_group_size=6)
        team = db_organisations.create_team(session, organisation_id=organisation.id, name="West")
        intervention = db_interventions.add_intervention(session, name="Online CBT", organisation_id=organisation.id)
        survey_round, _ = db_organisations.create_round(
            session,
            organisation_id=organisation.id,
            intervention_id=intervention.id,
            name="Spring",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            instrument_hash=runtime.form("workshop").content_hash,
            team_ids=[team.id],
        )  # the form offered first
    at = as_fien()
    at.text_input(key="ws-title").set_value("Team West")
    at.text_input(key="ws-intervention").set_value("Online CBT")
    at.selectbox(key="ws-tie").set_value((team.id, survey_round.id))
    at.number_input(key="ws-k").set_value(5)
    at = at.button(key="FormSubmitter:ws-new-Create session").click().run()
    no_exceptions(at)
    assert "Choose at least 6, the organisation's smallest group" in texts(at)
    assert hosting.list_workshops(runtime, fien[0]) == []
    at.number_input(key="ws-k").set_value(6)
    at = at.button(key="FormSubmitter:ws-new-Create session").click().run()
    no_exceptions(at)
    assert [s.k for s in hosting.list_workshops(runtime, fien[0])] == [6]


def test_a_session_without_title_is_refused_with_a_message(as_fien, runtime, fien, texts):
    at = as_fien()
    at.text_input(key="ws-intervention").set_value("Online CBT module")
    at = at.button(key="FormSubmitter:ws-new-Create session").click().run()
    no_exceptions(at)
    assert "Give the session a title." in texts(at)
    assert hosting.list_workshops(runtime, fien[0]) == []


def test_the_screen_stays_blank_below_k_and_shows_the_picture_at_k(as_fien, runtime, fien, texts):
    info = a_workshop(runtime, fien[0])
    hosting.set_results_visible(runtime, fien[0], info.id, True)
    answered(runtime, info, 4)
    at = as_fien({"session": str(info.id)})
    no_exceptions(at)
    assert "The group's picture appears once at least 5 people have answered" in texts(at)
    assert "Where to start the conversation" not in texts(at)
    answered(runtime, info, 1, start=4)
    at = as_fien({"session": str(info.id)})
    no_exceptions(at)
    assert "Where to start the conversation" in texts(at)
    assert len(at.get("plotly_chart")) >= 3


@pytest.mark.parametrize(
    "window, undone",
    [
        ("0", True),  # clicks far apart (the double-click guard off): each one counts
        ("10", False),  # the second click within the window is a double click's: ignored
    ],
)
def test_controls_steer_the_session(as_fien, runtime, fien, monkeypatch, window, undone):
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", window)
    info = a_workshop(runtime, fien[0])
    at = as_fien({"session": str(info.id)})
    at = at.button(key="ws-results-show").click().run()
    no_exceptions(at)
    assert hosting.workshop_info(runtime, fien[0], info.id).results_visible
    # each state has its own button, in the same place
    assert [b.key for b in at.button if b.key.startswith("ws-results-")] == ["ws-results-hide"]
    at = at.button(key="ws-results-hide").click().run()
    assert hosting.workshop_info(runtime, fien[0], info.id).results_visible is not undone
    at = at.button(key="ws-lock").click().run()
    assert hosting.workshop_info(runtime, fien[0], info.id).status == "locked"
    assert [b.key for b in at.button if b.key in ("ws-lock", "ws-unlock")] == ["ws-unlock"]
    at = at.button(key="ws-unlock").click().run()
    assert hosting.workshop_info(runtime, fien[0], info.id).status == ("open" if undone else "locked")
    at = at.button(key="ws-round-2").click().run()
    assert hosting.workshop_info(runtime, fien[0], info.id).current_round == 2
    at = at.button(key="ws-close-yes").click().run()
    no_exceptions(at)
    assert hosting.workshop_info(runtime, fien[0], info.id).status == "closed"


def test_a_control_clicked_while_the_database_is_away_says_try_again(as_fien, runtime, fien, texts, monkeypatch):
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", "10")  # the retry below is well within the window
    info = a_workshop(runtime, fien[0])
    monkeypatch.setattr(hosting, "set_results_visible", away)  # the page hands it to the button
    at = as_fien({"session": str(info.id)})
    at = at.button(key="ws-results-show").click().run()
    no_exceptions(at)
    assert "cannot reach its database just now" in texts(at)
    monkeypatch.undo()
    assert not hosting.workshop_info(runtime, fien[0], info.id).results_visible
    at.run()  # the page draws its button anew (its callback was handed the stand-in above)
    at = at.button(key="ws-results-show").click().run()  # tried again at once: not taken for a double click
    assert hosting.workshop_info(runtime, fien[0], info.id).results_visible


def away(*_args, **_kwargs):
    raise Unavailable()


def test_an_action_is_noted_and_shown(as_fien, runtime, fien, texts):
    info = a_workshop(runtime, fien[0])
    at = as_fien({"session": str(info.id)})
    at.text_area(key="ws-action-text").set_value("Ask the board for a pilot <b>now</b>")
    at = at.button(key="FormSubmitter:ws-action-Add action").click().run()
    no_exceptions(at)
    assert "Ask the board for a pilot" in texts(at)
    assert "<b>" not in texts(at).replace("\\<b\\>", "")


@pytest.mark.parametrize("session_param", ["999", "abc", "-1", "1" * 40])
def test_an_unknown_or_foreign_session_shows_nothing(as_fien, runtime, fien, texts, session_param):
    at = as_fien({"session": session_param})
    no_exceptions(at)
    assert "There is no session here that you can open." in texts(at)


def test_the_screen_asks_to_sign_in_without_an_account(app, runtime, fien, texts):
    info = a_workshop(runtime, fien[0])
    at = app(None, query={"session": str(info.id)})
    at.switch_page(paths.WORKSHOP).run()
    no_exceptions(at)
    assert "Please sign in to open this page." in texts(at)
    assert info.code not in texts(at)


# --- the participant -----------------------------------------------------------------------------


def test_a_participant_joins_by_link_and_starts_answering(app, runtime, fien, texts):
    info = a_workshop(runtime, fien[0])
    at = app(None, query={"join": info.code.lower()})
    no_exceptions(at)
    assert "You joined **Team West**" in texts(at).replace("\\", "")
    at = at.button(key="join-start").click().run()
    no_exceptions(at)
    assert at.session_state[state_keys.DRAFT]
    assert hosting.workshop_info(runtime, fien[0], info.id).joined == 1


@pytest.mark.parametrize("code", ["ZZZZZZ", "x", "<script>alert(1)</script>"])
def test_a_wrong_code_says_so_without_hinting_at_sessions(app, runtime, fien, texts, code):
    a_workshop(runtime, fien[0])
    at = app(None, query={"join": code})
    at.switch_page(paths.JOIN).run()
    no_exceptions(at)
    assert "This code does not open a workshop that is running now." in texts(at)
    assert at.text_input(key="join-code")


def test_the_join_page_without_code_asks_for_it(app, texts):
    at = app(None)
    at.switch_page(paths.JOIN).run()
    no_exceptions(at)
    assert "Type the code shown on the workshop's screen." in texts(at)
