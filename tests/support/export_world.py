"""The world the dashboard export tests share (CSV, XLSX, PDF): North and South (tests/support/dashboard_data.py),
an organisation whose names a spreadsheet would run, and accounts of every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random

from db import Organisation, Team
from db.accounts import add_account
from services.accounts.auth import AccountView
from services.runtime import build_runtime
from services.settings import Settings
from tests.support.dashboard_data import Org, Shared, make_round, random_answers, respond

WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
ODD_NAMES = ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx")


@dataclass
class World:
    runtime: object
    north: Org
    south: Org
    odd: Org
    admin: AccountView
    manager: AccountView  # of North, every team
    mid_manager: AccountView  # of North, team Mid only
    south_manager: AccountView
    facilitator: AccountView


def build_world(database_url: str) -> World:
    runtime = build_runtime(Settings(database_url=database_url))
    shared = Shared(runtime)
    north, south = shared.world["north"], shared.world["south"]
    instrument = runtime.instrument
    with runtime.sessions.begin() as session:
        ids = {
            name: add_account(session, username=name, password_hash=None, role=role).id
            for name, role in (
                ("root", "admin"),
                ("mia", "manager"),
                ("tim", "manager"),
                ("sam", "manager"),
                ("fay", "facilitator"),
            )
        }
        # Names the repository would strip or refuse, stored as an import could store them.
        organisation = Organisation(name=ODD_NAMES[0], min_group_size=3, comment_min_group_size=10)
        session.add(organisation)
        session.flush()
        odd = Org(organisation.id)
        for name in ODD_NAMES:
            team = Team(organisation_id=organisation.id, name=name, size=10)
            session.add(team)
            session.flush()
            odd.teams[name] = team.id
        make_round(session, odd, "Round one", instrument=instrument)
        rng = Random(3)
        for name in ODD_NAMES:
            for _ in range(3):
                respond(session, instrument, odd, name, "Round one", random_answers(instrument, rng))
    return World(
        runtime,
        north,
        south,
        odd,
        admin=AccountView(ids["root"], "root", "admin", {}),
        manager=AccountView(ids["mia"], "mia", "manager", {north.id: None}),
        mid_manager=AccountView(ids["tim"], "tim", "manager", {north.id: frozenset({north.teams["Mid"]})}),
        south_manager=AccountView(ids["sam"], "sam", "manager", {south.id: None}),
        facilitator=AccountView(ids["fay"], "fay", "facilitator", {north.id: None}),
    )
