"""The plan page after a purge took a started follow-up's round (db/retention.py): the follow-up says its round
was deleted under the retention period, in the reader's language, instead of naming an empty round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app_pages import paths, state_keys
from db.org_models import SurveyRound
from services.accounts import auth, management
from services.actions import follow_up, plan
from services.admin import data_protection, organisations
from services.i18n import t

PASSWORD = "correct horse battery"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_follow_up_whose_round_was_purged_says_so(app, runtime, language):
    now = datetime.now(UTC)
    anna = auth.create_first_admin(runtime, "anna", PASSWORD)
    org = organisations.create_organisation(runtime, anna, name="North")
    organisations.create_team(runtime, anna, org.id, name="A")
    organisations.add_intervention(runtime, anna, org.id, name="Online CBT")
    management.create_account(runtime, anna, role="manager", username="mia", password=PASSWORD, scope={org.id: None})
    signed = auth.login(runtime, "mia", PASSWORD, "client-mia")
    action = plan.create_action(
        runtime, signed.account, org.id, target="theme:client_autonomy", kind="act", description="Ask clients first"
    )
    planned = follow_up.schedule_follow_up(
        runtime,
        signed.account,
        action.id,
        opens_on=now.date() + timedelta(days=1),
        closes_on=now.date() + timedelta(days=8),
    )
    started = follow_up.start_follow_up(runtime, anna, planned.id, name="Short check")
    with runtime.sessions.begin() as session:  # the round closed long ago (as time would make it)
        survey_round = session.get(SurveyRound, started.created.round.id)
        survey_round.opens_at, survey_round.closes_at = now - timedelta(days=800), now - timedelta(days=790)
    assert data_protection.purge(runtime, older_than="2y").counts["survey_rounds"] == 1

    at = app(None, state={state_keys.AUTH_TOKEN: signed.token}, query={"lang": language})
    at = at.switch_page(paths.ACTION_PLAN).run()
    assert [e.value for e in at.exception] == []
    shown = "\n".join(str(m.value) for m in at.markdown)
    assert t("actions.follow_up_state_started_gone", language) in shown
    assert t("actions.follow_up_state_started", language, round="") not in shown
