"""Two people acting on one action at once, on each backend: one change is held inside its transaction while
the other runs (tests/support/overlap.py). No change may be lost without the other person hearing of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db import actions as db_actions
from db.account_models import AuditLog
from db.org_models import SurveyRound
from services.actions import follow_up, plan
from services.actions.rules import PlanRefused
from tests.services.actions.conftest import NOW, TODAY
from tests.support.overlap import hold_first_call, in_background
from tests.support.rows import count_rows


def test_two_managers_editing_one_action_lose_nothing(runtime, north, mia, max_, monkeypatch):
    action = plan.create_action(
        runtime,
        mia,
        north["org"],
        target="theme:client_autonomy",
        kind="act",
        description="Ask clients how they want to use it",
        now=NOW,
    )
    # Mia's change is written but not committed when Max saves his, made from the same version.
    first_is_held, other_done = hold_first_call(monkeypatch, db_actions, "update_action")
    mia_saves = in_background(
        lambda: plan.update_action(
            runtime,
            mia,
            action.id,
            seen_version=1,
            description=action.description,
            owner="Mia",
            due_on=TODAY + timedelta(days=10),
            status="doing",
            now=NOW,
        )
    )
    assert first_is_held.wait(timeout=30)
    with pytest.raises(plan.ChangedMeanwhile) as conflict:
        plan.update_action(
            runtime,
            max_,
            action.id,
            seen_version=1,
            description="Max's wording",
            owner="Max",
            due_on=None,
            status="planned",
            now=NOW,
        )
    other_done.set()
    saved = mia_saves()
    assert (conflict.value.current.owner, conflict.value.current.version) == ("Mia", 2)  # what Max is shown
    stored, _notes = plan.get_action(runtime, mia, action.id)
    assert (
        (stored.owner, stored.description, stored.status, stored.version)
        == ("Mia", action.description, "doing", 2)
        == (saved.owner, saved.description, saved.status, saved.version)
    )
    assert count_rows(runtime, AuditLog, AuditLog.action == "plan_action_updated") == 1


def test_two_admins_starting_one_follow_up_make_one_round(runtime, root, north, mia, monkeypatch):
    from tests.support.accounts import staff_account

    other_admin = staff_account(runtime, "ruth", "admin")
    action = plan.create_action(
        runtime,
        mia,
        north["org"],
        target="theme:technology_push",
        kind="act",
        description="Protected learning time",
        now=NOW,
    )
    planned = follow_up.schedule_follow_up(runtime, mia, action.id, opens_on=TODAY + timedelta(days=7), now=NOW)
    # The first start has made its round (not committed) when the second starts, under another name.
    first_is_held, other_done = hold_first_call(monkeypatch, follow_up, "add_round")
    first = in_background(lambda: follow_up.start_follow_up(runtime, root, planned.id, name="Follow-up A", now=NOW))
    assert first_is_held.wait(timeout=30)
    with pytest.raises(PlanRefused, match="follow_up_not_scheduled"):
        follow_up.start_follow_up(runtime, other_admin, planned.id, name="Follow-up B", now=NOW)
    other_done.set()
    assert first().created.round.name == "Follow-up A"
    assert count_rows(runtime, SurveyRound, SurveyRound.name.like("Follow-up%")) == 1
