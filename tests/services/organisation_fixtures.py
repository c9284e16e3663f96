"""Shared set-up of the organisation and survey-round service tests: an admin, organisation North
with two teams and an intervention, and a round made with a few changes from a default."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db import accounts as db_accounts
from services.accounts import auth
from services.admin import organisations, rounds

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def root(runtime):
    """An admin, made without a password (hashing one is slow and beside the point here)."""
    return staff_account(runtime, "root", "admin")


def staff_account(runtime, username, role, scope=None):
    with runtime.sessions.begin() as session:
        account = db_accounts.add_account(session, username=username, password_hash=None, role=role)
        db_accounts.set_scope(session, account_id=account.id, scope=scope or {})
        return auth.account_view(session, account)


@pytest.fixture
def north(runtime, root):
    """Organisation north with teams a (12 people) and b, and one intervention: ids by name."""
    org = organisations.create_organisation(runtime, root, name="North")
    a = organisations.create_team(runtime, root, org.id, name="a", size=12)
    b = organisations.create_team(runtime, root, org.id, name="b")
    cbt = organisations.add_intervention(runtime, root, org.id, name="Online CBT")
    return {"org": org.id, "a": a.id, "b": b.id, "cbt": cbt.id}


def new_round(runtime, actor, ids, *, team_ids=None, days=(0, 20), now=T0, **changes):
    opens_at, closes_at = rounds.round_period(T0.date() + timedelta(days=days[0]),
                                                     T0.date() + timedelta(days=days[1]))
    fields = {"intervention_id": ids["cbt"], "name": "Spring", "opens_at": opens_at, "closes_at": closes_at,
              "team_ids": [ids["a"], ids["b"]] if team_ids is None else team_ids, "now": now} | changes
    return rounds.create_round(runtime, actor, ids["org"], **fields)


def count(runtime, model):
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model))
