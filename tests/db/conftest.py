"""Fixtures for the db tests, each on SQLite and (when VM_TEST_POSTGRES_URL is set) PostgreSQL.

scripts/test.sh starts a throwaway PostgreSQL server and sets VM_TEST_POSTGRES_URL; see
tests/conftest.py for the databases the tests get on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import (
    add_intervention,
    add_response,
    create_organisation,
    create_team,
    make_engine,
    make_session_factory,
)
from db.models import Response
from tests.support.postgres import (
    BACKENDS,
    MIGRATED_DATABASE_FIXTURES,
    throwaway_database,
)

ANSWERS = {"ca1": 4, "ca2": "na", "tn1": 2, "imp_helping_people": 5, "sup_helping_people": 3}
SCORES = {
    "domain:client_autonomy": (75.0, "ok"),
    "domain:financial_benefit": (None, "not_enough"),
    "alignment_index": (12.5, "ok"),
    "element:1": (50.0, "ok"),
    "gap:helping_people": (-50.0, "ok"),
}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no tables): a SQLite file in tmp_path, or a new PostgreSQL one."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'valuematch.db'}"
    else:
        with throwaway_database() as url:
            yield url


@pytest.fixture
def fresh_db(backend: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """An engine on an empty database at the newest revision, made without running the migrations
    (see MIGRATED_DATABASE_FIXTURES); test_migrations.py has its own."""
    engine = make_engine(request.getfixturevalue(MIGRATED_DATABASE_FIXTURES[backend]))
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
