"""Alembic migrations: they build exactly the models' schema, and re-running them is harmless."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from db import Base, make_engine, upgrade_to_head
from db.engine import MIGRATIONS_DIR


def _head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config).get_current_head()


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _schema(engine: Engine) -> dict[str, object]:
    inspector = inspect(engine)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(i["name"] for i in inspector.get_indexes(table)),
            sorted(u["name"] for u in inspector.get_unique_constraints(table)),
        )
        for table in inspector.get_table_names()
    }


def test_upgrade_creates_every_model_table(fresh_db: Engine) -> None:
    tables = set(inspect(fresh_db).get_table_names())
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert _current_revision(fresh_db) == _head()


def test_migrated_schema_matches_models(fresh_db: Engine) -> None:
    with fresh_db.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_again_is_a_no_op(fresh_db: Engine) -> None:
    before = _schema(fresh_db)
    upgrade_to_head(fresh_db)
    upgrade_to_head(fresh_db)
    assert _schema(fresh_db) == before
    assert _current_revision(fresh_db) == _head()


def test_upgrade_from_a_second_engine_is_a_no_op(fresh_db: Engine) -> None:
    second = make_engine(fresh_db.url.render_as_string(hide_password=False))
    upgrade_to_head(second)
    second.dispose()
    assert _current_revision(fresh_db) == _head()


def test_downgrade_to_base_then_upgrade_again(fresh_db: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with fresh_db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(fresh_db).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(fresh_db)
    assert set(inspect(fresh_db).get_table_names()) == set(Base.metadata.tables) | {
        "alembic_version"
    }


@pytest.mark.parametrize(
    ("table", "unique_name"),
    [
        ("respondent", "uq_respondent_code_hash"),
        ("intervention", "uq_intervention_name"),
        ("draft", "uq_draft_token"),
        ("response", "uq_response_submission_token"),
    ],
)
def test_unique_constraints_have_convention_names(
    fresh_db: Engine, table: str, unique_name: str
) -> None:
    names = {u["name"] for u in inspect(fresh_db).get_unique_constraints(table)}
    assert unique_name in names


@pytest.mark.parametrize(
    ("table", "index_name", "columns"),
    [
        ("response", "ix_response_created_at", ["created_at"]),
        ("response_score", "ix_response_score_key", ["key"]),
        (
            "lookup_failure",
            "ix_lookup_failure_scope_client_key_created_at",
            ["scope", "client_key", "created_at"],
        ),
    ],
)
def test_query_indexes_exist(fresh_db: Engine, table: str, index_name: str, columns) -> None:
    indexes = {i["name"]: i["column_names"] for i in inspect(fresh_db).get_indexes(table)}
    assert indexes[index_name] == columns
