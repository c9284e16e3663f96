"""Issue 18, the professional's side: in History the organisation's actions on the themes they scored low, and a
line on Results pointing there; only for answers given through a team link, hostile text shown as typed."""

from datetime import UTC, datetime, timedelta

import pytest

from app_pages import paths, state_keys
from db import interventions as db_interventions
from db import organisations as db_organisations
from services import formatting
from services.actions import plan
from services.respond import questionnaire
from tests.support.accounts import staff_account

HOSTILE = "<b>Ask</b> clients **first** [here](https://evil.example) =1+1 <script>alert(1)</script>"


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.fixture
def north(runtime):
    """Organisation North with team a invited to a round open now, a manager, and two actions of the whole
    organisation on client autonomy (one hostile text, one done) and one of team a only."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        org = db_organisations.create_organisation(session, name="North")
        team = db_organisations.create_team(session, organisation_id=org.id, name="a")
        intervention = db_interventions.add_intervention(session, name="Online CBT", organisation_id=org.id)
        _round, tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=intervention.id,
            name="Now",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
    manager = staff_account(runtime, "mia", "manager", {org.id: None})
    due = now.date() + timedelta(days=40)
    plan.create_action(
        runtime,
        manager,
        org.id,
        target="theme:client_autonomy",
        kind="act",
        description=HOSTILE,
        owner="Ann Smith",
        due_on=due,
    )
    done = plan.create_action(
        runtime, manager, org.id, target="theme:client_autonomy", kind="monitor", description="Ask again in May"
    )
    plan.change_status(runtime, manager, done.id, seen_version=done.version, status="done")
    plan.create_action(
        runtime,
        manager,
        org.id,
        target="theme:client_autonomy",
        kind="act",
        description="Team a only",
        team_ids=[team.id],
    )
    return {"token": tokens[team.id], "due": due}


def respond(runtime, invite_token=None) -> int:
    """Client autonomy low (every other theme fine), through the link when given."""
    started = questionnaire.start_assessment(
        runtime, language="en", intervention="Online CBT", role=None, invite_token=invite_token, client_key="pc-1"
    )
    answers = {}
    for item in runtime.instrument.items:
        high = (item.side != "mismatch") != (item.domain == "client_autonomy")
        keyed = 5 if high else 1
        answers[item.id] = 6 - keyed if item.reverse else keyed
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
    return questionnaire.submit(runtime, token=started.draft_token)


def open_page(app, page, response_id, lang="en"):
    at = app(query={"lang": lang}, state={state_keys.OWNED_RESULTS: [response_id], state_keys.RESULT_ID: response_id})
    return at.switch_page(page).run()


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


@pytest.mark.parametrize(
    "lang,heading,statuses",
    [
        ("en", "What your organisation is doing", ("Planned · by ", "Done")),
        ("nl", "Wat je organisatie doet", ("Gepland · uiterlijk ", "Gedaan")),
    ],
)
def test_history_shows_the_organisations_actions_on_the_low_themes(app, runtime, north, lang, heading, statuses):
    at = open_page(app, paths.HISTORY, respond(runtime, north["token"]), lang)
    no_exceptions(at)
    assert heading in [s.value for s in at.subheader]
    shown = markdown(at)
    theme = "Client autonomy" if lang == "en" else "Autonomie van de cliënt"
    assert f"**{theme}** · {statuses[0]}{formatting.format_date(north['due'], lang)}" in shown
    assert f"**{theme}** · {statuses[1]}" in shown  # done: no due date
    # The organisation's text as typed, as plain text (no Markdown, which would link a bare address).
    assert [x.value for x in at.text] == [HOSTILE, "Ask again in May"]
    assert not any("Team a only" in m or "Ann Smith" in m for m in shown)


def test_nothing_about_the_organisation_for_answers_without_a_link(app, runtime, north):
    at = open_page(app, paths.HISTORY, respond(runtime))
    no_exceptions(at)
    assert "What your organisation is doing" not in [s.value for s in at.subheader]
    assert not at.text


def test_results_point_to_history_only_through_a_link(app, runtime, north):
    at = open_page(app, paths.RESULTS, respond(runtime, north["token"]))
    no_exceptions(at)
    assert [link.label for link in at.get("page_link")] == ["See them in My history"]
    assert "Your organisation has actions in its plan on themes where your answers were less positive." in markdown(at)
    alone = open_page(app, paths.RESULTS, respond(runtime))
    no_exceptions(alone)
    assert not any(link.label == "See them in My history" for link in alone.get("page_link"))
