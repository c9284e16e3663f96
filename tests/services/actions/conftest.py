"""The action plan tests' set-up: organisation North (teams a and b, the intervention Online CBT, a closed round
on the current bank), an admin, managers of all of North and of team a only, and a facilitator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db import organisations as db_organisations
from services.admin import organisations
from tests.support.accounts import staff_account

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # the plan tests' clock
TODAY = NOW.date()


@pytest.fixture
def root(runtime):
    return staff_account(runtime, "root", "admin")


@pytest.fixture
def north(runtime, root):
    """Ids by name: org, teams a and b, cbt (the intervention), spring (a round that closed before NOW)."""
    org = organisations.create_organisation(runtime, root, name="North")
    a = organisations.create_team(runtime, root, org.id, name="a")
    b = organisations.create_team(runtime, root, org.id, name="b")
    cbt = organisations.add_intervention(runtime, root, org.id, name="Online CBT")
    with runtime.sessions.begin() as session:
        spring, _tokens = db_organisations.create_round(
            session,
            organisation_id=org.id,
            intervention_id=cbt.id,
            name="Spring",
            opens_at=NOW - timedelta(days=60),
            closes_at=NOW - timedelta(days=30),
            instrument_hash=runtime.instrument.content_hash,
            team_ids=[a.id, b.id],
        )
    return {"org": org.id, "a": a.id, "b": b.id, "cbt": cbt.id, "spring": spring.id}


@pytest.fixture
def mia(runtime, north):
    """A manager of the whole of North."""
    return staff_account(runtime, "mia", "manager", {north["org"]: None})


@pytest.fixture
def max_(runtime, north):
    """A second manager of the whole of North."""
    return staff_account(runtime, "max", "manager", {north["org"]: None})


@pytest.fixture
def tess(runtime, north):
    """A manager of team a of North only."""
    return staff_account(runtime, "tess", "manager", {north["org"]: [north["a"]]})


@pytest.fixture
def fay(runtime, north):
    """A facilitator of North."""
    return staff_account(runtime, "fay", "facilitator", {north["org"]: None})
