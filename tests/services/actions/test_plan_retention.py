"""The action plan under retention (db/retention.py, each backend): an action done or dropped before the cut-off
goes with its notes, teams and follow-ups; an open action stays however old; an action whose follow-up round is
still kept stays with it; a follow-up round goes by the rounds' rule, and its action then says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.action_models import ActionFollowUp, ActionItem, ActionNote, ActionTeam, FollowUpTeam
from db.org_models import SurveyRound
from db.workshops import actions
from services.actions import follow_up, plan, promotion
from services.admin import data_protection
from services.workshop import hosting
from tests.services.actions.conftest import NOW
from tests.support.rows import count_rows
from tests.support.workshops import new_workshop

PURGED_AT = NOW + timedelta(days=400)  # with "365d": everything finished before NOW + 35 days is old
PERIOD = "365d"

# name: (status changes as (days after NOW, status), follow-up round (opens, closes) days after NOW or None,
#        whether the action is kept)
CASES = {
    "planned long ago": ((), None, True),
    "doing long ago": (((1, "doing"),), None, True),
    "done long ago": (((1, "done"),), None, False),
    "dropped long ago": (((2, "dropped"),), None, False),
    "done within the period": (((100, "done"),), None, True),
    "done, then reopened": (((1, "done"), (2, "doing")), None, True),
    "done, its follow-up round still kept": (((1, "done"),), (50, 60), True),
    "done, its follow-up round old too": (((1, "done"),), (10, 20), False),
}


@pytest.fixture
def plan_by_case(runtime, root, north, mia):
    """One action per case, each about team a, with a note and a follow-up (scheduled, or started as a round)."""
    ids = {}
    for name, (changes, started_round, _kept) in CASES.items():
        action = plan.create_action(
            runtime,
            mia,
            north["org"],
            target="theme:client_autonomy",
            kind="act",
            description=name,
            team_ids=[north["a"]],
            now=NOW,
        )
        plan.add_note(runtime, mia, action.id, text=f"about {name}", now=NOW)
        opens, closes = started_round or (30, 44)
        planned = follow_up.schedule_follow_up(
            runtime,
            mia,
            action.id,
            opens_on=(NOW + timedelta(days=opens)).date(),
            closes_on=(NOW + timedelta(days=closes)).date(),
            now=NOW,
        )
        if started_round:
            follow_up.start_follow_up(runtime, root, planned.id, name=f"Follow-up {name}", now=NOW)
        for version, (days, status) in enumerate(changes, start=1):
            plan.change_status(
                runtime, mia, action.id, seen_version=version, status=status, now=NOW + timedelta(days=days)
            )
        ids[name] = action.id
    return ids


def kept_actions(runtime) -> set[str]:
    with runtime.sessions.begin() as session:
        return set(session.scalars(select(ActionItem.description)))


def test_finished_actions_go_with_everything_of_theirs_and_open_ones_stay(runtime, plan_by_case):
    done = data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT)
    assert kept_actions(runtime) == {name for name, (_c, _r, kept) in CASES.items() if kept}
    gone = sum(1 for _c, _r, kept in CASES.values() if not kept)
    assert (done.counts["plan_actions"], done.counts["plan_notes"], done.counts["plan_follow_ups"]) == (gone,) * 3
    kept_ids = {plan_by_case[name] for name in kept_actions(runtime)}
    with runtime.sessions.begin() as session:  # nothing left behind that belonged to a deleted action
        for model in (ActionNote, ActionTeam, ActionFollowUp):
            assert set(session.scalars(select(model.action_id))) == kept_ids, model.__name__
        follow_up_ids = set(session.scalars(select(ActionFollowUp.id)))
        assert set(session.scalars(select(FollowUpTeam.follow_up_id))) == follow_up_ids
        rounds = set(session.scalars(select(SurveyRound.name)))
    assert "Follow-up done, its follow-up round still kept" in rounds
    assert "Follow-up done, its follow-up round old too" not in rounds


def test_a_dry_run_counts_the_same_and_a_second_purge_finds_nothing_more(runtime, plan_by_case):
    planned = data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT, dry_run=True)
    assert count_rows(runtime, ActionItem) == len(CASES)
    assert data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT).counts == planned.counts
    again = data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT)
    assert (again.counts["plan_actions"], again.counts["plan_notes"], again.counts["plan_follow_ups"]) == (0, 0, 0)


def test_an_open_action_keeps_its_started_follow_up_when_the_round_goes(runtime, root, north, mia):
    action = plan.create_action(
        runtime, mia, north["org"], target="theme:client_autonomy", kind="act", description="Still on", now=NOW
    )
    planned = follow_up.schedule_follow_up(
        runtime,
        mia,
        action.id,
        opens_on=(NOW + timedelta(days=10)).date(),
        closes_on=(NOW + timedelta(days=20)).date(),
        now=NOW,
    )
    follow_up.start_follow_up(runtime, root, planned.id, name="Short check", now=NOW)
    done = data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT)
    assert done.counts["survey_rounds"] == 2  # Spring and the follow-up: nothing refers to them any more
    [row] = follow_up.list_follow_ups(runtime, mia, action.id)
    assert (row.status, row.round_id, row.round_name) == ("started", None, None)


def test_a_promoted_action_stays_when_its_workshop_is_purged(runtime, north, mia, fay):
    workshop = new_workshop(runtime, fay, title="Open evening", now=NOW)
    hosting.add_action(runtime, fay, workshop.id, kind="act", theme=None, text="Try it for a month", now=NOW)
    with runtime.sessions.begin() as session:
        [agreed] = actions(session, workshop.id)
    made = promotion.promote_workshop_action(runtime, fay, agreed.id, organisation_id=north["org"], now=NOW)
    assert made.origin_workshop_id == workshop.id

    done = data_protection.purge(runtime, older_than=PERIOD, now=PURGED_AT)
    assert (done.counts["workshop_sessions"], done.counts["workshop_actions"], done.counts["plan_actions"]) == (1, 1, 0)
    [kept] = plan.list_actions(runtime, mia, north["org"])
    assert (kept.id, kept.description) == (made.id, "Try it for a month")
    assert (kept.origin_workshop_action_id, kept.origin_workshop_id, kept.origin_title) == (None, None, None)
