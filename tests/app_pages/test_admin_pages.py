"""Admin pages for organisations and survey rounds, through AppTest on the real app and real SQLite."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app_pages import staff, state_keys
from db.account_models import AuditLog
from db.org_models import Organisation, SurveyRound, Team
from services.accounts import auth, management
from services.admin import organisations, rounds
from services.errors import NotFound
from services.respond import invitations, questionnaire

PASSWORD = "correct horse battery"
ADDRESS = "https://valuematch.example.org"


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


def count(runtime, model):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def tokens_shown(at):
    return [code.value.split("?invite=", 1)[1] for code in at.code if "?invite=" in code.value]


@pytest.fixture
def admin_token(runtime, monkeypatch):
    """A signed-in admin's session token; the app knows its public address."""
    monkeypatch.setenv("VM_PUBLIC_URL", ADDRESS + "/")
    auth.create_first_admin(runtime, "anna", PASSWORD)
    return auth.login(runtime, "anna", PASSWORD, "client").token


@pytest.fixture
def as_admin(app, admin_token):
    def open_page(page, **options):
        return app(page, state={state_keys.AUTH_TOKEN: admin_token}, **options)

    return open_page


@pytest.fixture
def north(runtime, admin_token):
    """Organisation North with team A and an intervention, made through the service."""
    anna = auth.current_account(runtime, admin_token)
    org = organisations.create_organisation(runtime, anna, name="North")
    organisations.create_team(runtime, anna, org.id, name="Team A", size=12)
    organisations.add_intervention(runtime, anna, org.id, name="Online CBT")
    return org.id


def submit(at, button, **typed):
    for key, value in typed.items():
        widget = at.text_input(key=key) if isinstance(value, str) else at.number_input(key=key)
        widget.set_value(value)
    return at.button(key=button).click().run()


def test_admin_adds_an_organisation_with_a_team_and_an_intervention(as_admin, runtime, texts):
    at = as_admin("admin_organisations")
    no_exceptions(at)
    assert at.title[0].value == "Organisations and teams"
    assert "There are no organisations yet." in texts(at)
    assert at.number_input(key="org-new-k").value == 5  # from the setting
    submit(at, "org-new-submit", **{"org-new-name": "Zorg Noord"})
    no_exceptions(at)
    assert "The organisation **Zorg Noord** was added." in texts(at)
    assert at.text_input(key="org-new-name").value == ""  # ready for the next one
    submit(at, "org-team-submit", **{"org-team-name": "Team A", "org-team-size": 12})
    assert "The team **Team A** was added to Zorg Noord." in texts(at)
    submit(at, "org-intervention-submit", **{"org-intervention-name": "Online CBT"})
    no_exceptions(at)
    assert "**Online CBT** was added to the list of interventions." in texts(at)
    assert "- Online CBT" in texts(at)
    organisation_rows, teams = (frame.value for frame in at.dataframe)
    assert organisation_rows.values.tolist() == [["Zorg Noord", 5, 1]]
    assert "comment" not in " ".join(organisation_rows.columns).lower()  # ValueMatch asks for no comments
    assert teams.values.tolist() == [["Team A", 12]]
    assert [
        entry.action
        for entry in management.audit_log(
            runtime, auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN])
        )
    ][:3] == ["intervention_added", "team_created", "organisation_created"]


def test_admin_changes_k_and_a_headcount(as_admin, runtime, north, texts):
    at = as_admin("admin_organisations")
    submit(at, "org-k-submit", **{f"org-k-value-{north}": 8})
    no_exceptions(at)
    assert "**North** now shows results only of groups of at least 8 people." in texts(at)
    submit(at, "org-size-submit", **{"org-size-value": 15})
    assert "The headcount of **Team A** is now 15." in texts(at)
    at.button(key="org-size-submit").click().run()  # left empty: the headcount goes
    assert "The headcount of **Team A** was removed." in texts(at)
    anna = auth.current_account(runtime, at.session_state[state_keys.AUTH_TOKEN])
    assert organisations.list_organisations(runtime, anna)[0].min_group_size == 8
    assert organisations.list_teams(runtime, anna, north)[0].size is None


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"org-new-name": "  "}, "Please fill in a name."),
        ({"org-new-name": "Zorg Noord", "org-new-k": 2}, "The smallest group size must be at least 3"),
    ],
)
def test_bad_organisation_input_is_explained_and_nothing_is_stored(as_admin, runtime, texts, typed, message):
    at = as_admin("admin_organisations")
    submit(at, "org-new-submit", **typed)
    no_exceptions(at)
    assert message in texts(at)
    assert count(runtime, Organisation) == 0
    assert count(runtime, AuditLog) == 1  # only the first admin's creation
    assert at.text_input(key="org-new-name").value == typed["org-new-name"]  # kept, to correct it


def test_duplicate_team_name_is_explained_in_dutch(as_admin, runtime, north, texts):
    at = as_admin("admin_organisations", query={"lang": "nl"})
    assert at.title[0].value == "Organisaties en teams"
    submit(at, "org-team-submit", **{"org-team-name": "Team A"})
    no_exceptions(at)
    assert "Deze organisatie heeft al een team met de naam Team A." in texts(at)
    assert count(runtime, Team) == 1


def test_admin_starts_a_round_and_sees_each_link_once(as_admin, runtime, north, texts, monkeypatch):
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", "0")  # the same round again below is no double click
    at = as_admin("admin_rounds")
    no_exceptions(at)
    assert "This organisation has no survey rounds yet." in texts(at)
    submit(at, "round-new-submit", **{"round-new-name": "Spring"})
    no_exceptions(at)
    assert "The survey round **Spring** was created." in texts(at)
    assert "They are not stored" in texts(at)
    assert all(code.value.startswith(ADDRESS + "/?invite=") for code in at.code)
    [token] = tokens_shown(at)
    found = invitations.check_invitation(runtime, token)
    assert (found.organisation, found.team, found.round_name, found.is_open) == ("North", "Team A", "Spring", True)
    assert at.get("download_button")[0].proto.label == "Download the links (CSV)"
    round_rows = at.dataframe[0].value
    assert round_rows[["Round", "Intervention", "Status", "Teams"]].values.tolist() == [
        ["Spring", "Online CBT", "open", "Team A"]
    ]
    at.button(key="round-links-hide").click().run()
    assert tokens_shown(at) == []  # gone for good
    # The same round again (a second click whose first message was lost): explained, not made twice.
    submit(at, "round-new-submit", **{"round-new-name": "Spring"})
    no_exceptions(at)
    assert "This organisation already has a survey round called Spring." in texts(at)
    assert count(runtime, SurveyRound) == 1 and tokens_shown(at) == []


def test_a_new_link_replaces_the_old_one_and_a_round_closes_on_confirmation(
    as_admin, runtime, north, admin_token, texts
):
    anna = auth.current_account(runtime, admin_token)
    today = datetime.now(UTC).date()
    opens_at, closes_at = rounds.round_period(today, today + timedelta(days=7))
    created = rounds.create_round(
        runtime,
        anna,
        north,
        intervention_id=organisations.list_interventions(runtime, anna, north)[0].id,
        name="Spring",
        opens_at=opens_at,
        closes_at=closes_at,
        team_ids=[team.id for team in organisations.list_teams(runtime, anna, north)],
    )
    old_token = created.invitations[0].token
    at = as_admin("admin_rounds")
    assert tokens_shown(at) == []  # links made elsewhere are never shown
    at.button(key="round-renew-submit").click().run()
    no_exceptions(at)
    assert "There is a new link for **Team A**. The old link no longer works." in texts(at)
    [new_token] = tokens_shown(at)
    with pytest.raises(NotFound):
        invitations.check_invitation(runtime, old_token)
    at.button(key="round-close-submit").click().run()
    assert "Tick the box first" in texts(at)
    assert invitations.check_invitation(runtime, new_token).is_open
    at.checkbox(key=f"round-close-confirm-{created.round.id}").check()
    at.button(key="round-close-submit").click().run()
    no_exceptions(at)
    assert "The survey round **Spring** is closed." in texts(at)
    assert not invitations.check_invitation(runtime, new_token).is_open
    assert at.dataframe[0].value["Status"].tolist() == ["closed"]


def test_a_round_that_ends_before_it_starts_is_refused(as_admin, runtime, north, texts):
    at = as_admin("admin_rounds")
    today = datetime.now(UTC).date()
    at.text_input(key="round-new-name").input("Spring")
    at.date_input(key="round-new-opens").set_value(today + timedelta(days=10))
    at.date_input(key="round-new-closes").set_value(today + timedelta(days=2))
    at.button(key="round-new-submit").click().run()
    no_exceptions(at)
    assert "The last day cannot be before the first day." in texts(at)
    assert count(runtime, SurveyRound) == 0
    assert tokens_shown(at) == []


def test_without_a_known_address_the_links_say_what_to_put_in_front(
    app, runtime, north, admin_token, monkeypatch, texts
):
    monkeypatch.delenv("VM_PUBLIC_URL")
    at = app("admin_rounds", state={state_keys.AUTH_TOKEN: admin_token})
    submit(at, "round-new-submit", **{"round-new-name": "Spring"})
    no_exceptions(at)
    assert "The address of ValueMatch is not known here." in texts(at)
    assert at.code[0].value.startswith("<address of ValueMatch>/?invite=")


def test_rounds_page_without_organisations_points_to_the_organisations_page(as_admin, texts):
    at = as_admin("admin_rounds")
    no_exceptions(at)
    assert "There are no organisations yet." in texts(at)
    assert [link.label for link in at.get("page_link")] == ["Go to organisations and teams"]


@pytest.mark.parametrize("page", ["admin_organisations", "admin_rounds"])
@pytest.mark.parametrize("role", ["manager", "facilitator"])
def test_other_roles_get_no_access(app, runtime, north, admin_token, texts, page, role):
    anna = auth.current_account(runtime, admin_token)
    management.create_account(runtime, anna, role=role, username="mia", password=PASSWORD, scope={north: None})
    at = app(page, state={state_keys.AUTH_TOKEN: auth.login(runtime, "mia", PASSWORD, "client").token})
    no_exceptions(at)
    assert "You do not have access to this page." in texts(at)
    assert "North" not in texts(at)
    assert [w.key for w in at.text_input] == [] and len(at.dataframe) == 0


# --- what the links brought in that did not count ---------------------------------------------------


@pytest.fixture
def over_headcount(runtime, north, admin_token):
    """Round Spring for Team A, whose headcount is then set to 1; two people answer through the link."""
    anna = auth.current_account(runtime, admin_token)
    today = datetime.now(UTC).date()
    opens_at, closes_at = rounds.round_period(today, today + timedelta(days=7))
    [team] = organisations.list_teams(runtime, anna, north)
    created = rounds.create_round(
        runtime,
        anna,
        north,
        intervention_id=organisations.list_interventions(runtime, anna, north)[0].id,
        name="Spring",
        opens_at=opens_at,
        closes_at=closes_at,
        team_ids=[team.id],
    )
    organisations.set_team_size(runtime, anna, team.id, 1)
    for value in (2, 4):
        started = questionnaire.start_assessment(
            runtime, language="en", intervention="", role=None, invite_token=created.invitations[0].token
        )
        questionnaire.save_answers(
            runtime,
            token=started.draft_token,
            step=0,
            answers={item: value for item in runtime.instrument.required_ids},
        )
        questionnaire.submit(runtime, token=started.draft_token)


def test_the_rounds_page_says_how_many_answers_over_a_headcount_were_not_counted(
    as_admin, runtime, north, over_headcount, texts
):
    at = as_admin("admin_rounds")
    no_exceptions(at)
    assert "Answers not counted, or that look like misuse of a link" in texts(at)
    assert "**Team A**: responses not counted because the team's headcount was reached: 1." in texts(at)


def test_a_round_with_nothing_left_out_says_so(as_admin, runtime, north, admin_token, texts):
    anna = auth.current_account(runtime, admin_token)
    today = datetime.now(UTC).date()
    opens_at, closes_at = rounds.round_period(today, today + timedelta(days=7))
    rounds.create_round(
        runtime,
        anna,
        north,
        intervention_id=organisations.list_interventions(runtime, anna, north)[0].id,
        name="Spring",
        opens_at=opens_at,
        closes_at=closes_at,
        team_ids=[team.id for team in organisations.list_teams(runtime, anna, north)],
    )
    at = as_admin("admin_rounds")
    no_exceptions(at)
    assert "Nothing to report: every answer through this round's links counted" in texts(at)


def test_the_audit_log_names_the_team_and_round_of_an_answer_not_counted(as_admin, runtime, north, over_headcount):
    at = as_admin("admin_accounts")
    no_exceptions(at)
    [log] = [frame.value for frame in at.dataframe if "What" in frame.value.columns]
    [line] = log[log["What"] == "A response over a team's headcount was not counted"].to_dict("records")
    assert line["Who"] == "the system"
    assert line["Details"] == "organisation: North · team: Team A · round: Spring · headcount: 1"
