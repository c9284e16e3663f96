"""Team invitation links: attribution only through an open link, never from the plain start page."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from db import interventions as db_interventions
from db import organisations as db_organisations
from db.models import Response
from services.errors import InvalidInput, NotFound
from services.respond import invitations, questionnaire

NOW = datetime.now(UTC)


@pytest.fixture
def invite(runtime):
    """An organisation with one team invited to an open round and one to a closed round."""
    with runtime.sessions.begin() as session:
        org = db_organisations.create_organisation(session, name="GGZ Oost", min_group_size=6)
        team = db_organisations.create_team(session, organisation_id=org.id, name="Team Noord")
        intervention = db_interventions.add_intervention(session, name="Online CBT module", organisation_id=org.id)
        _, open_tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=intervention.id,
            name="Spring",
            opens_at=NOW - timedelta(days=1),
            closes_at=NOW + timedelta(days=10),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
        _, closed_tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=intervention.id,
            name="Last year",
            opens_at=NOW - timedelta(days=400),
            closes_at=NOW - timedelta(days=300),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[team.id],
        )
    return {"open": open_tokens[team.id], "closed": closed_tokens[team.id], "team_id": team.id}


def submitted_response(runtime, **start_args):
    started = questionnaire.start_assessment(runtime, language="en", role=None, **start_args)
    answers = {item_id: 3 for item_id in runtime.instrument.required_ids}
    questionnaire.save_answers(runtime, token=started.draft_token, answers=answers, step=0)
    response_id = questionnaire.submit(runtime, token=started.draft_token)
    with runtime.sessions.begin() as session:
        return session.get(Response, response_id)


def test_invitation_tells_who_invites_and_the_group_size(runtime, invite):
    found = invitations.check_invitation(runtime, invite["open"])
    assert (found.organisation, found.team, found.intervention, found.min_group_size) == (
        "GGZ Oost",
        "Team Noord",
        "Online CBT module",
        6,
    )
    assert found.is_open
    assert not invitations.check_invitation(runtime, invite["closed"]).is_open


@pytest.mark.parametrize("token", ["", "x" * 65, "not-a-token", "' OR 1=1 --"])
def test_wrong_invitation_is_not_found(runtime, invite, token):
    with pytest.raises(NotFound):
        invitations.check_invitation(runtime, token)


def test_response_through_an_open_link_counts_for_the_team(runtime, invite):
    response = submitted_response(runtime, intervention="ignored: the round names it", invite_token=invite["open"])
    assert response.team_id == invite["team_id"] and response.round_id is not None
    assert response.intervention == "Online CBT module"
    assert questionnaire.result(runtime, response.id).counted_for_team


def test_plain_start_page_response_never_counts(runtime, invite):
    response = submitted_response(runtime, intervention="Online CBT module")
    assert (response.organisation_id, response.team_id, response.round_id) == (None, None, None)


def test_closed_round_cannot_be_joined(runtime, invite):
    with pytest.raises(InvalidInput, match="invite_not_open"):
        questionnaire.start_assessment(
            runtime, language="en", intervention="x", role=None, invite_token=invite["closed"]
        )


def test_round_closing_before_submit_keeps_the_answers_personal(runtime, invite):
    started = questionnaire.start_assessment(
        runtime, language="en", intervention="x", role=None, invite_token=invite["open"]
    )
    questionnaire.save_answers(
        runtime, token=started.draft_token, answers={i: 4 for i in runtime.instrument.required_ids}, step=0
    )
    with runtime.sessions.begin() as session:
        from db.org_models import SurveyRound

        for survey_round in session.scalars(select(SurveyRound)):
            survey_round.closes_at = NOW - timedelta(minutes=1)
    response_id = questionnaire.submit(runtime, token=started.draft_token)
    view = questionnaire.result(runtime, response_id)
    assert not view.counted_for_team
