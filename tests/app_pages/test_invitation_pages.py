"""Answering through a team's invitation link, through AppTest on the real app and SQLite: a further
person on one browser is asked first, and answers that do not count for the team say why."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app_pages import paths, state_keys
from db import interventions as db_interventions
from db import organisations as db_organisations
from db.account_models import AuditLog
from db.models import Draft, Response
from services.respond import counting_rules, questionnaire


def no_exceptions(at):
    assert [e.value for e in at.exception] == []


@pytest.fixture
def link(runtime):
    """Team Noord of GGZ Oost, invited to an open round: ids and the link's token."""
    now = datetime.now(UTC)
    with runtime.sessions.begin() as session:
        org = db_organisations.create_organisation(session, name="GGZ Oost")
        team = db_organisations.create_team(session, organisation_id=org.id, name="Team Noord")
        intervention = db_interventions.add_intervention(session, name="Beeldbellen", organisation_id=org.id)
        survey_round, tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=intervention.id,
            name="Voorjaar",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=9),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
    return {"token": tokens[team.id], "team": team.id, "round": survey_round.id}


def open_link(app, link, lang="en"):
    at = app(query={"invite": link["token"], "lang": lang})
    return at.switch_page(paths.QUESTIONNAIRE).run()


def the_link_again(at):
    """The same browser tab opens the link again (the person before is done or walked away)."""
    del at.session_state[state_keys.DRAFT]
    at.query_params.pop("draft", None)
    return at.switch_page(paths.QUESTIONNAIRE).run()


def drafts(runtime) -> list[Draft]:
    with runtime.sessions.begin() as session:
        return list(session.scalars(select(Draft).order_by(Draft.id)))


def links_cookie(at) -> list[str]:
    return [h.proto.body for h in at.get("html") if "document.cookie = 'vm_links=" in h.proto.body]


def test_a_further_person_on_one_browser_is_asked_first(app, runtime, link, texts):
    at = open_link(app, link)
    no_exceptions(at)
    assert "different person" not in texts(at)  # the browser's first answer: no question
    at.button(key="setup-begin").click().run()
    marker = counting_rules.device_marker(at.session_state[state_keys.DEVICE], link["round"], link["team"])
    assert any(f"vm_links={marker};" in script for script in links_cookie(at))  # kept for a reload too
    at = the_link_again(at)
    no_exceptions(at)
    assert "Is this a different person from the one who answered on this device before?" in texts(at)
    assert not any(b.key == "setup-begin" for b in at.button)

    at.button(key="device-same-person").click().run()  # the same person: nothing new starts
    no_exceptions(at)
    assert "no need to answer again" in texts(at) and at.text_input(key="device-resume-code")
    assert not any(b.key == "setup-begin" for b in at.button) and len(drafts(runtime)) == 1

    at.button(key="device-someone-else").click().run()  # a colleague on the shared computer
    at.button(key="setup-begin").click().run()
    no_exceptions(at)
    assert [d.team_id for d in drafts(runtime)] == [link["team"], link["team"]]
    with runtime.sessions.begin() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditLog).where(AuditLog.action == counting_rules.REPEAT_DEVICE)
            )
            == 1
        )
    assert "Is this a different person" in texts(the_link_again(at))  # whoever comes next is asked again


def test_the_question_is_in_dutch_too(app, link, texts):
    at = open_link(app, link, lang="nl")
    at.button(key="setup-begin").click().run()
    at = the_link_again(at)
    no_exceptions(at)
    assert "Ben jij iemand anders dan degene die eerder op dit apparaat antwoordde?" in texts(at)


def test_beyond_the_browsers_limit_the_answers_are_said_not_to_count(app, runtime, link, texts, monkeypatch):
    monkeypatch.setenv("VM_LINK_DEVICE_LIMIT", "2")
    at = open_link(app, link)
    at.button(key="setup-begin").click().run()
    for _ in range(2):
        at = the_link_again(at)
        at.button(key="device-someone-else").click().run()
        at.button(key="setup-begin").click().run()
    no_exceptions(at)
    assert "already been used for 2 answers through this team's link" in texts(at)
    assert [d.team_id for d in drafts(runtime)] == [link["team"], link["team"], None]


def test_an_answer_over_the_teams_headcount_says_so_on_the_results_page(app, runtime, link, texts):
    with runtime.sessions.begin() as session:
        db_organisations.set_team_size(session, team_id=link["team"], size=1)
    answers = {item: 3 for item in runtime.instrument.required_ids}
    earlier = questionnaire.start_assessment(
        runtime, language="en", intervention="", role=None, invite_token=link["token"]
    )
    questionnaire.save_answers(runtime, token=earlier.draft_token, answers=answers, step=0)
    questionnaire.submit(runtime, token=earlier.draft_token)  # the team's one place is taken
    at = open_link(app, link)
    at.button(key="setup-begin").click().run()
    token = at.session_state[state_keys.DRAFT]
    questionnaire.save_answers(runtime, token=token, answers=answers, step=len(runtime.instrument.steps) - 1)
    at = app("assessment", query={"draft": token})
    at.button(key="submit-assessment").click().run()
    no_exceptions(at)
    assert "Your value match" in texts(at)
    assert "as many answers as your team has people" in texts(at)
    with runtime.sessions.begin() as session:
        assert session.scalar(select(func.count()).select_from(Response).where(Response.team_id.is_not(None))) == 1
