"""A workshop's agreed action added to an organisation's plan (each backend): once, keeping its origin, into the
workshop's organisation or a chosen one, and only by the workshop's facilitator or an admin."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db import organisations as db_organisations
from db.account_models import AuditLog
from db.action_models import ActionItem
from services.actions import plan, promotion
from services.actions.rules import PlanRefused, Target
from services.errors import NotAuthorised, NotFound
from services.workshop import hosting
from tests.services.actions.conftest import NOW
from tests.support.accounts import staff_account
from tests.support.rows import count_rows


def audit(runtime, action):
    with runtime.sessions.begin() as session:
        return [row.detail for row in session.query(AuditLog).filter_by(action=action).order_by(AuditLog.id)]


def tied_workshop(runtime, root, fay, north):
    with runtime.sessions.begin() as session:
        open_round, _ = db_organisations.create_round(
            session,
            organisation_id=north["org"],
            intervention_id=north["cbt"],
            name="Autumn",
            opens_at=NOW - timedelta(days=1),
            closes_at=NOW + timedelta(days=20),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[north["a"]],
        )
    return hosting.create_workshop(
        runtime,
        fay,
        title="Team a, March",
        intervention="Online CBT",
        form_id=None,
        language="en",
        min_group_size=5,
        tie=(north["a"], open_round.id),
        now=NOW,
    )


def agreed(runtime, account, workshop_id, **fields):
    values = {"kind": "influence", "theme": "financial_benefit", "text": "Ask the board what savings are expected"}
    hosting.add_action(runtime, account, workshop_id, **(values | fields), now=NOW)
    with runtime.sessions.begin() as session:
        from db.workshops import actions

        return actions(session, workshop_id)[-1].id


def test_a_facilitator_promotes_an_agreed_action_once_keeping_its_origin(runtime, root, north, mia, fay):
    session = tied_workshop(runtime, root, fay, north)
    workshop_action = agreed(runtime, fay, session.id)
    made = promotion.promote_workshop_action(runtime, fay, workshop_action, now=NOW)
    assert (made.organisation_id, made.team_ids, made.kind, made.target, made.description) == (
        north["org"],
        (north["a"],),
        "influence",
        Target(theme="financial_benefit"),
        "Ask the board what savings are expected",
    )
    assert (made.origin_workshop_action_id, made.origin_workshop_id, made.origin_title) == (
        workshop_action,
        session.id,
        "Team a, March",
    )
    again = promotion.promote_workshop_action(runtime, fay, workshop_action, now=NOW)  # a double click
    assert again.id == made.id and count_rows(runtime, ActionItem) == 1
    assert len(audit(runtime, "plan_action_promoted")) == 1
    assert promotion.promoted_in_workshop(runtime, fay, session.id) == {workshop_action: made.id}
    assert [r.id for r in plan.list_actions(runtime, mia, north["org"])] == [made.id]


def test_an_untied_session_promotes_into_a_chosen_organisation(runtime, root, north, fay):
    session = hosting.create_workshop(
        runtime,
        fay,
        title="Open evening",
        intervention="Online CBT",
        form_id=None,
        language="en",
        min_group_size=5,
        now=NOW,
    )
    workshop_action = agreed(
        runtime, fay, session.id, theme="recognising_suffering", kind="act", text="Ask how clients are really doing"
    )
    with pytest.raises(PlanRefused, match="promote_needs_organisation"):
        promotion.promote_workshop_action(runtime, fay, workshop_action, now=NOW)
    assert promotion.promotion_organisations(runtime, fay) == [(north["org"], "North")]
    made = promotion.promote_workshop_action(runtime, fay, workshop_action, organisation_id=north["org"], now=NOW)
    assert (made.organisation_id, made.team_ids, made.target) == (north["org"], (), Target(element=1))


def test_only_the_workshops_facilitator_or_an_admin_promotes(runtime, root, north, mia, fay):
    session = tied_workshop(runtime, root, fay, north)
    workshop_action = agreed(runtime, fay, session.id)
    with pytest.raises(NotAuthorised):
        promotion.promote_workshop_action(runtime, mia, workshop_action, now=NOW)  # managers: no workshop edit
    other = staff_account(runtime, "finn", "facilitator", {north["org"]: None})
    with pytest.raises(NotFound):
        promotion.promote_workshop_action(runtime, other, workshop_action, now=NOW)  # not finn's session
    with pytest.raises(NotFound):
        promotion.promote_workshop_action(runtime, fay, 10_000, now=NOW)
    assert promotion.promote_workshop_action(runtime, root, workshop_action, now=NOW).origin_workshop_id == session.id
