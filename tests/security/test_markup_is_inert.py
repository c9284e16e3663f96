"""Script, HTML and markup payloads (corpus/markup.yaml) typed into every free-text field are shown
as typed on every page that shows them: escaped in Markdown, plain in tables, escaped in chart labels,
never in raw HTML. Each page is drawn by the real app (AppTest) from records stored by the services."""

from __future__ import annotations

import pytest

from app_pages import navigation, paths, state_keys
from app_pages.shell import plain
from services.accounts import management
from services.admin import organisations
from services.respond import questionnaire, workshop_join
from services.workshop import hosting
from tests.security.inert import assert_inert, surfaces
from tests.security.payloads import markup
from tests.security.world import closed_round_with_answers, named_world

PAYLOADS = markup()
# Pages that draw charts cost about a second a run: they take every fifth payload, one of each kind
# (tag, link, entity, formatting, Streamlit directive); the cheaper pages take them all.
SAMPLE = PAYLOADS[::5]


@pytest.fixture
def world(runtime, people):
    return named_world(runtime, people["anna"][0], people["north"], PAYLOADS)


@pytest.fixture
def payload_orgs(runtime, people):
    """One organisation named by each payload, all in the manager maya's scope: {payload: id}."""
    anna = people["anna"][0]
    ids = {p: organisations.create_organisation(runtime, anna, name=p).id for p in PAYLOADS}
    management.change_scope(runtime, anna, people["maya"][0].id, {people["north"]: None} | dict.fromkeys(ids.values()))
    return ids


def test_team_and_intervention_names_typed_on_the_organisations_page(app, people, monkeypatch):
    monkeypatch.setenv("VM_DOUBLE_CLICK_SECONDS", "0")  # the same name again at once is refused, not a double click
    at = app("admin_organisations", token=people["anna"][1])
    at.session_state["org-choose"] = people["north"]
    for payload in PAYLOADS:
        at.text_input(key="org-team-name").set_value(payload)
        at = at.button(key="org-team-submit").click().run()  # success notice names the team
        assert_inert(at, PAYLOADS, shown=[payload])
        at.text_input(key="org-team-name").set_value(payload)
        at = at.button(key="org-team-submit").click().run()  # refusal names it again
        assert_inert(at, PAYLOADS, shown=[payload])
        assert at.error, payload
        at.text_input(key="org-intervention-name").set_value(payload)
        at = at.button(key="org-intervention-submit").click().run()
        assert_inert(at, PAYLOADS, shown=[payload])
    assert_inert(at, PAYLOADS, shown=PAYLOADS)  # the list of interventions, the table


def test_organisation_names_on_the_admin_and_accounts_pages(app, people, payload_orgs):
    at = app("admin_organisations", token=people["anna"][1])
    for payload, org_id in payload_orgs.items():
        at.session_state["org-choose"] = org_id
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])
    at = app("admin_accounts", token=people["anna"][1])
    at.selectbox(key="acct-edit-account").set_value(people["maya"][0].id).run()
    assert_inert(at, PAYLOADS, shown=PAYLOADS)  # "sees ..." and a checkbox per organisation


def test_round_names_on_the_rounds_page(app, runtime, people, world):
    at = app("admin_rounds", token=people["anna"][1])
    at.session_state["round-org"] = people["north"]
    for payload, round_id in world.rounds.items():
        at.session_state["round-pick"] = round_id
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])


def test_an_invitation_names_organisation_team_round_and_intervention(app, runtime, people, payload_orgs):
    org = next(iter(payload_orgs.values()))
    world = named_world(runtime, people["anna"][0], org, PAYLOADS)
    at = app("start")
    for payload, token in world.invites.items():
        at.query_params["invite"] = token
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload, PAYLOADS[0]])  # team, round, intervention; organisation
    at.switch_page(paths.QUESTIONNAIRE).run()
    assert_inert(at, PAYLOADS, shown=[PAYLOADS[-1]])


def test_the_dashboard_shows_payload_names_inert(app, runtime, people, world, payload_orgs):
    closed_round_with_answers(runtime, world)
    at = app("dashboard", token=people["maya"][1], query={"org": str(people["north"])})
    found = surfaces(at)
    assert found.figures, "the heatmap with every team is drawn"
    assert_inert(at, PAYLOADS, shown=PAYLOADS)  # open rounds: each round and team
    for payload in SAMPLE:
        at.session_state["dash-org"] = payload_orgs[payload]
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])


def test_a_typed_intervention_on_the_assessment_results_and_history_pages(app, runtime):
    drafts, owned = {}, []
    for payload in PAYLOADS:
        started = questionnaire.start_assessment(runtime, language="en", intervention=payload, role=None)
        answers = {item_id: 3 for item_id in runtime.instrument.required_ids}
        questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
        drafts[payload] = started.draft_token
        owned.append(questionnaire.submit(runtime, token=started.draft_token))
    fresh = {
        p: questionnaire.start_assessment(runtime, language="en", intervention=p, role=None).draft_token
        for p in PAYLOADS
    }
    at = app("assessment")
    for payload, token in fresh.items():
        at.query_params["draft"] = token
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])
    at = app("results", state={state_keys.OWNED_RESULTS: list(owned)})
    for payload, response_id in zip(PAYLOADS, owned):
        if payload not in SAMPLE:
            continue
        at.session_state[state_keys.RESULT_ID] = response_id
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])
    at.switch_page(paths.HISTORY).run()
    assert_inert(at, PAYLOADS)
    labels = [button.label for button in at.button]
    for payload in PAYLOADS:
        assert any(plain(payload[:40]) in label for label in labels), payload


def test_workshop_titles_interventions_and_actions(app, runtime, people):
    fien = people["fien"][0]
    sessions = {
        p: hosting.create_workshop(
            runtime, fien, title=p, intervention=p, form_id=None, language="en", min_group_size=5
        )
        for p in PAYLOADS
    }
    first = next(iter(sessions.values()))
    for payload in PAYLOADS:
        hosting.add_action(runtime, fien, first.id, kind="act", theme=None, text=payload)
    at = app(None, token=people["fien"][1])
    at.switch_page(paths.WORKSHOP).run()
    assert_inert(at, PAYLOADS, shown=PAYLOADS)  # the list of sessions
    for payload, info in sessions.items():
        at.query_params["session"] = str(info.id)
        at.run()
        assert_inert(at, PAYLOADS, shown=PAYLOADS if info.id == first.id else [payload])
    at = app("join")
    for payload, info in sessions.items():
        at.query_params["join"] = info.code
        at.run()
        assert_inert(at, PAYLOADS, shown=[payload])
    assert workshop_join.state(runtime, first.code, at.session_state[state_keys.DEVICE]).code == first.code
