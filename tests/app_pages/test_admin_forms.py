"""The admin forms in the browser's terms: empty on screen after a success, one creation per double click,
"Change a round" on the round chosen, and no setting for comments (ValueMatch asks for none).

What the browser shows after a run is not AppTest's value: the browser keeps what was typed unless the
run set the widget's value from the session (the proto's set_value). `on_screen` reads it that way.
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app_pages import state_keys
from db.account_models import Account
from db.models import Intervention
from db.org_models import Organisation, SurveyRound, Team
from services.accounts import auth
from services.admin import organisations, rounds

PASSWORD = "correct horse battery"
TYPED = object()  # what the browser shows when the run did not set the value: the text as typed


def on_screen(widget):
    """The value the browser shows after this run."""
    if not widget.proto.set_value:
        return TYPED
    if widget.proto.DESCRIPTOR.name == "NumberInput":
        return widget.proto.value if widget.proto.HasField("value") else None
    return widget.proto.value


def count(runtime, model):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin_token(runtime, monkeypatch):
    monkeypatch.setenv("VM_PUBLIC_URL", "https://valuematch.example.org")
    auth.create_first_admin(runtime, "anna", PASSWORD)
    return auth.login(runtime, "anna", PASSWORD, "client").token


@pytest.fixture
def as_admin(app, admin_token):
    return lambda page: app(page, state={state_keys.AUTH_TOKEN: admin_token})


@pytest.fixture
def north(runtime, admin_token):
    """Organisation North with Team A and Team B and an intervention."""
    anna = auth.current_account(runtime, admin_token)
    org = organisations.create_organisation(runtime, anna, name="North")
    for name in ("Team A", "Team B"):
        organisations.create_team(runtime, anna, org.id, name=name, size=12)
    organisations.add_intervention(runtime, anna, org.id, name="Online CBT")
    return org.id


def type_into(at, **typed):
    for key, value in typed.items():
        (at.text_input(key=key) if isinstance(value, str) else at.number_input(key=key)).set_value(value)


def no_trouble(at):
    assert [e.value for e in at.exception] == []
    # Streamlit's own warning when a widget's value is set twice (by its default and by the session)
    assert [w.value for w in at.warning if "Session State" in w.value] == []


# Each form: page, what is typed, its submit button, what is stored, and what the form shows after a success.
FORMS = {
    "organisation": (
        "admin_organisations",
        {"org-new-name": "Zorg Zuid", "org-new-k": 7},
        "org-new-submit",
        Organisation,
        {"org-new-name": "", "org-new-k": 5},
    ),
    "team": (
        "admin_organisations",
        {"org-team-name": "Team C", "org-team-size": 9},
        "org-team-submit",
        Team,
        {"org-team-name": "", "org-team-size": None},
    ),
    "intervention": (
        "admin_organisations",
        {"org-intervention-name": "Video calls"},
        "org-intervention-submit",
        Intervention,
        {"org-intervention-name": ""},
    ),
    "round": ("admin_rounds", {"round-new-name": "Spring"}, "round-new-submit", SurveyRound, {"round-new-name": ""}),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_is_empty_on_screen_after_a_success(as_admin, runtime, north, form):
    page, typed, button, model, emptied = FORMS[form]
    at = as_admin(page)
    before = count(runtime, model)
    type_into(at, **typed)
    at.button(key=button).click().run()
    no_trouble(at)
    assert count(runtime, model) == before + 1
    assert {key: on_screen(widget(at, key)) for key in emptied} == emptied


def widget(at, key):
    for kind in ("text_input", "number_input"):
        found = [w for w in at.get(kind) if w.key == key]
        if found:
            return found[0]
    raise LookupError(key)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("window, creations", [("10", 1), ("0", 1)])
def test_a_double_click_creates_once(as_admin, runtime, north, monkeypatch, texts, form, window, creations):
    """The second click arrives with what was typed (the emptied form has not reached the browser yet).
    Within the double-click window it is the first click's: its success is said again. Outside it, it is
    a new submission, refused as a duplicate: either way one row."""
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", window)
    page, typed, button, model, _emptied = FORMS[form]
    at = as_admin(page)
    before = count(runtime, model)
    type_into(at, **typed)
    at.button(key=button).click().run()
    success = [s.value for s in at.success]
    assert len(success) == 1
    type_into(at, **typed)
    at.button(key=button).click().run()
    no_trouble(at)
    assert count(runtime, model) == before + creations
    if window == "10":
        assert [s.value for s in at.success] == success and list(at.error) == []
    else:
        assert "already" in " ".join(e.value for e in at.error)


def test_a_refused_form_keeps_what_was_typed_and_says_why_under_it(as_admin, runtime, north, texts):
    at = as_admin("admin_organisations")
    type_into(at, **{"org-team-name": "Team A"})
    at.button(key="org-team-submit").click().run()
    no_trouble(at)
    assert "This organisation already has a team called Team A." in texts(at)
    assert on_screen(at.text_input(key="org-team-name")) is TYPED
    assert count(runtime, Team) == 2


def test_a_double_click_on_create_account_makes_one_and_says_so(app, runtime, admin_token, monkeypatch, texts):
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", "10")
    at = app("admin_accounts", state={state_keys.AUTH_TOKEN: admin_token})
    for _click in range(2):  # the second click still carries the name and the passwords
        at.radio(key="acct-new-role").set_value("admin")
        for key, value in (
            ("acct-new-username", "bram"),
            ("acct-new-password", PASSWORD),
            ("acct-new-password-repeat", PASSWORD),
        ):
            at.text_input(key=key).input(value)
        at.button(key="acct-new-submit").click().run()
        no_trouble(at)
        assert "The admin account **bram** was created." in texts(at)
        assert "already" not in texts(at)
    assert count(runtime, Account) == 2


# --- "Change a round" -----------------------------------------------------------------------------


@pytest.fixture
def two_rounds(runtime, north, admin_token):
    """Spring invites Team A, Autumn Team B (Autumn is the newer)."""
    anna = auth.current_account(runtime, admin_token)
    today = datetime.now(UTC).date()
    opens_at, closes_at = rounds.round_period(today, today + timedelta(days=7))
    teams = {team.name: team.id for team in organisations.list_teams(runtime, anna, north)}
    intervention = organisations.list_interventions(runtime, anna, north)[0].id
    return {
        name: rounds.create_round(
            runtime,
            anna,
            north,
            intervention_id=intervention,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            team_ids=[teams[team]],
        ).round.id
        for name, team in (("Spring", "Team A"), ("Autumn", "Team B"))
    }


def change_section(at, round_id):
    renew = at.selectbox(key=f"round-renew-team-{round_id}")
    confirm = at.checkbox(key=f"round-close-confirm-{round_id}")
    return list(renew.options), confirm.label, confirm.value


def test_change_a_round_follows_the_round_chosen(as_admin, runtime, north, admin_token, two_rounds, texts):
    at = as_admin("admin_rounds")
    no_trouble(at)
    assert at.selectbox(key="round-pick").value == two_rounds["Autumn"]  # the newest first
    assert change_section(at, two_rounds["Autumn"]) == (
        ["Team B"],
        "Yes, close Autumn now: the links stop working",
        False,
    )
    at.checkbox(key=f"round-close-confirm-{two_rounds['Autumn']}").check().run()
    at.selectbox(key="round-pick").set_value(two_rounds["Spring"]).run()
    no_trouble(at)
    assert change_section(at, two_rounds["Spring"]) == (
        ["Team A"],
        "Yes, close Spring now: the links stop working",
        False,
    )  # Autumn's tick stays with Autumn
    at.button(key="round-close-submit").click().run()
    assert "Tick the box first" in texts(at)
    anna = auth.current_account(runtime, admin_token)
    assert [r.status for r in rounds.list_rounds(runtime, anna, north)] == ["open", "open"]


def test_a_new_round_is_the_one_change_a_round_shows_next(as_admin, runtime, north, admin_token, two_rounds, texts):
    at = as_admin("admin_rounds")
    at.selectbox(key="round-pick").set_value(two_rounds["Spring"]).run()
    type_into(at, **{"round-new-name": "Winter"})
    at.button(key="round-new-submit").click().run()
    no_trouble(at)
    assert "The survey round **Winter** was created." in texts(at)
    anna = auth.current_account(runtime, admin_token)
    [winter] = [r for r in rounds.list_rounds(runtime, anna, north) if r.name == "Winter"]
    pick = at.selectbox(key="round-pick")
    assert pick.value == winter.id and pick.proto.set_value  # on screen too
    assert change_section(at, winter.id)[1] == "Yes, close Winter now: the links stop working"


def test_the_organisation_page_offers_no_minimum_for_comments(as_admin, runtime, north, texts):
    at = as_admin("admin_organisations")
    no_trouble(at)
    assert "comment" not in texts(at).lower()
    assert all("comment" not in str(column).lower() for frame in at.dataframe for column in frame.value.columns)
    assert all("comment" not in (w.label or "").lower() for w in at.number_input)
    with runtime.sessions.begin() as session:  # the stored column stays as it is
        assert session.scalar(select(Organisation.comment_min_group_size)) == 10
