"""Follow-up rounds of an action on a real database (each backend): scheduling with its defaults and refusals,
the admin's list of those due, starting one (a survey round on the short form with invitation links, once),
cancelling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.account_models import AuditLog
from db.action_models import ActionFollowUp
from db.org_models import SurveyRound
from services.actions import follow_up, plan
from services.actions.rules import PlanRefused
from services.admin import rounds
from services.admin.organisations import Refused
from services.errors import NotAuthorised
from services.respond import questionnaire
from tests.services.actions.conftest import NOW, TODAY
from tests.support.rows import count_rows


def an_action(runtime, actor, north, now=NOW, **changes):
    fields = {
        "target": "theme:technology_push",
        "kind": "act",
        "description": "Protected learning time",
        "now": now,
    } | changes
    return plan.create_action(runtime, actor, north["org"], **fields)


def audit(runtime, action):
    with runtime.sessions.begin() as session:
        return [row.detail for row in session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id)]


def test_scheduling_takes_the_organisations_teams_the_latest_intervention_and_the_short_form(runtime, north, mia):
    action = an_action(runtime, mia, north)
    planned = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=30), now=NOW)
    assert (planned.opens_on, planned.closes_on) == (TODAY + timedelta(days=30), TODAY + timedelta(days=43))
    assert (planned.team_ids, planned.teams) == ((north["a"], north["b"]), ("a", "b"))
    assert (planned.intervention_id, planned.form_id, planned.status, planned.due) == (
        north["cbt"],
        "workshop",
        "scheduled",
        False,
    )
    assert audit(runtime, "plan_follow_up_scheduled") == [
        {
            "organisation_id": north["org"],
            "action_id": action.id,
            "follow_up_id": planned.id,
            "opens_on": (TODAY + timedelta(days=30)).isoformat(),
            "closes_on": (TODAY + timedelta(days=43)).isoformat(),
            "team_ids": [north["a"], north["b"]],
            "form": "workshop",
        }
    ]
    assert [f.id for f in follow_up.list_follow_ups(runtime, mia, action.id, today=TODAY)] == [planned.id]


def test_a_theme_the_short_form_does_not_ask_about_gets_the_full_questionnaire(runtime, north, mia):
    action = an_action(runtime, mia, north, target="theme:helping_people")
    planned = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=3), now=NOW)
    assert planned.form_id is None


def test_a_team_action_follows_up_with_its_own_teams_only(runtime, north, tess):
    action = an_action(runtime, tess, north, team_ids=[north["a"]])
    planned = follow_up.schedule_follow_up(runtime, tess, action.id, opens_on=TODAY + timedelta(days=3), now=NOW)
    assert planned.team_ids == (north["a"],)
    with pytest.raises(NotAuthorised):
        follow_up.schedule_follow_up(
            runtime, tess, action.id, opens_on=TODAY + timedelta(days=4), team_ids=[north["a"], north["b"]], now=NOW
        )


@pytest.mark.parametrize(
    "opens, closes, reason",
    [
        (TODAY, None, "follow_up_not_in_future"),
        (TODAY - timedelta(days=10), None, "follow_up_not_in_future"),
        (TODAY + timedelta(days=10), TODAY + timedelta(days=9), "follow_up_closes_before_opens"),
        (TODAY + timedelta(days=10), TODAY + timedelta(days=200), "follow_up_too_long"),
        (None, None, "follow_up_date_missing"),
    ],
)
def test_dates_that_cannot_work_are_refused(runtime, north, mia, opens, closes, reason):
    action = an_action(runtime, mia, north)
    with pytest.raises(PlanRefused) as refused:
        follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=opens, closes_on=closes, now=NOW)
    assert refused.value.reason == reason
    assert count_rows(runtime, ActionFollowUp) == 0


def test_other_refusals(runtime, root, north, mia):
    action = an_action(runtime, mia, north)
    follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=5), now=NOW)
    with pytest.raises(PlanRefused, match="follow_up_exists"):  # the same day again (a double click)
        follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=5), now=NOW)
    with pytest.raises(PlanRefused, match="team_unknown"):
        follow_up.schedule_follow_up(
            runtime, mia, action.id, opens_on=TODAY + timedelta(days=6), team_ids=[10_000], now=NOW
        )
    plan.change_status(runtime, mia, action.id, seen_version=1, status="dropped", now=NOW)
    with pytest.raises(PlanRefused, match="follow_up_dropped_action"):
        follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=7), now=NOW)
    with pytest.raises(NotAuthorised):  # managers schedule; starting a round is an admin's
        follow_up.due_follow_ups(runtime, mia, today=TODAY)


def test_without_any_round_an_intervention_must_be_named(runtime, root, north, mia):
    from services.admin import organisations

    south = organisations.create_organisation(runtime, root, name="South")
    organisations.create_team(runtime, root, south.id, name="c")
    app = organisations.add_intervention(runtime, root, south.id, name="Mood app")
    organisations.add_intervention(runtime, root, south.id, name="Video calls")  # two: which one is not clear
    action = plan.create_action(
        runtime, root, south.id, target="element:3", kind="act", description="Keep personal contact", now=NOW
    )
    with pytest.raises(PlanRefused, match="follow_up_needs_intervention"):
        follow_up.schedule_follow_up(runtime, root, action.id, opens_on=TODAY + timedelta(days=5), now=NOW)
    with pytest.raises(PlanRefused, match="intervention_unknown"):  # another organisation's
        follow_up.schedule_follow_up(
            runtime, root, action.id, opens_on=TODAY + timedelta(days=5), intervention_id=north["cbt"], now=NOW
        )
    planned = follow_up.schedule_follow_up(
        runtime, root, action.id, opens_on=TODAY + timedelta(days=5), intervention_id=app.id, now=NOW
    )
    assert planned.intervention == "Mood app"


def test_the_admin_sees_what_is_due_and_starts_it_once(runtime, root, north, mia):
    action = an_action(runtime, mia, north)
    soon = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=10), now=NOW)
    later = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=40), now=NOW)
    assert [f.id for f in follow_up.due_follow_ups(runtime, root, today=TODAY)] == [soon.id]
    assert [f.id for f in follow_up.due_follow_ups(runtime, root, today=TODAY + timedelta(days=30))] == [
        soon.id,
        later.id,
    ]
    started = follow_up.start_follow_up(runtime, root, soon.id, name="Follow-up: learning time", now=NOW)
    made = started.created.round
    assert (made.name, made.status, [t.id for t in made.teams]) == (
        "Follow-up: learning time",
        "upcoming",
        [north["a"], north["b"]],
    )
    assert (made.opens_at.date(), made.closes_at.date()) == (TODAY + timedelta(days=10), TODAY + timedelta(days=24))
    assert sorted(i.team_id for i in started.created.invitations) == [north["a"], north["b"]]
    assert (started.follow_up.status, started.follow_up.round_id, started.follow_up.round_name) == (
        "started",
        made.id,
        "Follow-up: learning time",
    )
    with runtime.sessions.begin() as session:
        assert session.get(SurveyRound, made.id).instrument_hash == runtime.form("workshop").content_hash
    assert audit(runtime, "round_created")[-1]["origin"] == {"action_id": action.id, "follow_up_id": soon.id}
    assert [f.id for f in follow_up.due_follow_ups(runtime, root, today=TODAY + timedelta(days=30))] == [later.id]
    with pytest.raises(PlanRefused, match="follow_up_not_scheduled"):
        follow_up.start_follow_up(runtime, root, soon.id, name="Again", now=NOW)
    with pytest.raises(NotAuthorised):
        follow_up.start_follow_up(runtime, mia, later.id, name="By a manager", now=NOW)
    with pytest.raises(Refused, match="already a round"):
        follow_up.start_follow_up(runtime, root, later.id, name="follow-up: LEARNING time", now=NOW)
    assert count_rows(runtime, SurveyRound) == 2  # Spring and the one follow-up


def test_a_late_start_moves_the_round_on_and_the_links_lead_to_the_short_form(runtime, root, north, mia):
    now = datetime.now(UTC)
    action = an_action(runtime, mia, north, now=now)
    planned = follow_up.schedule_follow_up(
        runtime,
        mia,
        action.id,
        opens_on=now.date() + timedelta(days=1),
        closes_on=now.date() + timedelta(days=7),
        now=now,
    )
    started = follow_up.start_follow_up(runtime, root, planned.id, name="Follow-up", now=now + timedelta(days=3))
    assert (started.created.round.opens_at.date(), started.created.round.closes_at.date()) == (
        now.date() + timedelta(days=3),
        now.date() + timedelta(days=10),
    )  # seven days, as planned
    assert started.follow_up.due is False
    token = started.created.invitations[0].token
    url = rounds.invitation_url("https://vm.example.org", token)
    assert url == f"https://vm.example.org/?invite={token}"
    with runtime.sessions.begin() as session:  # the round opens in three days: answer as if it were then
        session.get(SurveyRound, started.created.round.id).opens_at = now - timedelta(hours=1)
    draft = questionnaire.start_assessment(runtime, language="en", intervention="", role=None, invite_token=token)
    assert questionnaire.load_draft(runtime, draft.draft_token).instrument.form_id == "workshop"


def test_cancelling(runtime, root, north, mia):
    action = an_action(runtime, mia, north)
    planned = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=3), now=NOW)
    cancelled = follow_up.cancel_follow_up(runtime, mia, planned.id, now=NOW)
    assert cancelled.status == "cancelled" and follow_up.due_follow_ups(runtime, root, today=TODAY) == []
    with pytest.raises(PlanRefused, match="follow_up_not_scheduled"):
        follow_up.cancel_follow_up(runtime, mia, planned.id, now=NOW)
    with pytest.raises(PlanRefused, match="follow_up_not_scheduled"):
        follow_up.start_follow_up(runtime, root, planned.id, name="Cancelled", now=NOW)
    assert len(audit(runtime, "plan_follow_up_cancelled")) == 1
