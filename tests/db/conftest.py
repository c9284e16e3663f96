"""Fixtures for the db tests: a migrated file SQLite database per test (and PostgreSQL on demand).

Set VM_TEST_POSTGRES_URL to a throwaway PostgreSQL database to run the backend-parametrised
tests there too; its public schema is wiped before each test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from db import (
    add_intervention,
    add_response,
    create_organisation,
    create_team,
    make_engine,
    make_session_factory,
    upgrade_to_head,
)
from db.models import Response

POSTGRES_URL = os.environ.get("VM_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])

ANSWERS = {"ca1": 4, "ca2": "na", "tn1": 2, "imp_helping_people": 5, "sup_helping_people": 3}
SCORES = {
    "domain:client_autonomy": (75.0, "ok"),
    "domain:financial_benefit": (None, "not_enough"),
    "alignment_index": (12.5, "ok"),
    "element:1": (50.0, "ok"),
    "gap:helping_people": (-50.0, "ok"),
}


def _wipe_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """URL of an empty database: a SQLite file in tmp_path, or the wiped test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'valuematch.db'}"
    assert POSTGRES_URL is not None
    _wipe_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def fresh_db(db_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(fresh_db: Engine) -> sessionmaker[Session]:
    return make_session_factory(fresh_db)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """An open session; tests own the transaction like the services do (`session.begin()`)."""
    with session_factory() as session:
        yield session


@pytest.fixture
def sample_answers() -> dict[str, int | str]:
    return dict(ANSWERS)


@pytest.fixture
def sample_scores() -> dict[str, tuple[float | None, str]]:
    return dict(SCORES)


Submit = Callable[..., tuple[Response, bool]]


@pytest.fixture
def submit() -> Submit:
    """add_response with sensible defaults; pass only what the test is about."""

    def _submit(session: Session, **overrides: Any) -> tuple[Response, bool]:
        fields: dict[str, Any] = {
            "submission_token": "sub-1",
            "respondent_id": None,
            "instrument_id": "valuematch",
            "instrument_version": "1.0",
            "instrument_hash": "f" * 64,
            "language": "en",
            "intervention": "Online CBT module",
            "role": "psychologist",
            "answers": ANSWERS,
            "scores": SCORES,
        }
        fields.update(overrides)
        return add_response(session, **fields)

    return _submit


# --- shared by test_organisations.py and test_rounds_and_invitations.py -------------------


@pytest.fixture
def org(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """An organisation with teams A and B and its own intervention; ids in a dict.

    test_tallies.py overrides this with its own `org` (teams, rounds and attribution ids).
    """
    with session_factory.begin() as session:
        organisation = create_organisation(session, name="Zorggroep Noord")
        team_a = create_team(session, organisation_id=organisation.id, name="A", size=12)
        team_b = create_team(session, organisation_id=organisation.id, name="B")
        app = add_intervention(session, name="Mood app", organisation_id=organisation.id)
        return {"id": organisation.id, "a": team_a.id, "b": team_b.id, "intervention": app.id}
