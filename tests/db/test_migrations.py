"""Alembic migrations: they build exactly the models' schema, re-running them is harmless, and upgrading
a database filled at any earlier revision keeps every row as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError

from db import Base, make_engine, upgrade_to_head
from db.engine import MIGRATIONS_DIR
from tests.support.revision_rows import AT, fill, rows_at, snapshot, tables_at


@pytest.fixture
def own_db(backend: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database of this test only, for the tests that downgrade it (fresh_db may be
    shared with other tests, emptied in between)."""
    engine = make_engine(request.getfixturevalue(f"{backend}_migrated_database"))
    yield engine
    engine.dispose()


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


def test_downgrade_to_base_then_upgrade_again(own_db: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with own_db.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(own_db).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(own_db)
    assert set(inspect(own_db).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


@pytest.mark.parametrize(
    ("table", "unique_name"),
    [
        ("respondent", "uq_respondent_code_hash"),
        ("intervention", "uq_intervention_organisation_id_name"),
        ("draft", "uq_draft_token"),
        ("response", "uq_response_submission_token"),
        ("organisation", "uq_organisation_name"),
        ("team", "uq_team_organisation_id_name"),
        ("round_team", "uq_round_team_token_hash"),
        ("round_team", "uq_round_team_round_id_team_id"),
    ],
)
def test_unique_constraints_have_convention_names(fresh_db: Engine, table: str, unique_name: str) -> None:
    names = {u["name"] for u in inspect(fresh_db).get_unique_constraints(table)}
    assert unique_name in names


@pytest.mark.parametrize(
    ("table", "index_name", "columns"),
    [
        ("response", "ix_response_created_at", ["created_at"]),
        ("response", "ix_response_organisation_id", ["organisation_id"]),
        ("response", "ix_response_team_id", ["team_id"]),
        ("response", "ix_response_round_id", ["round_id"]),
        ("intervention", "uq_intervention_name_open", ["name"]),
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


# --- existing data survives every upgrade -----------------------------------------------


def _earlier_revisions() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return [script.revision for script in ScriptDirectory.from_config(config).walk_revisions()][:0:-1]


EARLIER_REVISIONS = _earlier_revisions()


def test_every_earlier_revision_is_tested() -> None:
    assert EARLIER_REVISIONS == ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010"]


def _config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _migrate(engine: Engine, step, revision: str) -> None:
    """command.upgrade/downgrade the way upgrade_to_head migrates (SQLite foreign keys off:
    rebuilding a table must not fire ON DELETE CASCADE)."""
    with engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or it is a no-op
        try:
            with connection.begin():
                step(_config(connection), revision)
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def _rows(engine: Engine, revision: str) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return snapshot(connection, revision)


def _filled_at(db_url: str, revision: str) -> Engine:
    """An engine on a database migrated to `revision` and holding rows_at(revision)."""
    engine = make_engine(db_url)
    _migrate(engine, command.upgrade, revision)
    with engine.begin() as connection:
        fill(connection, revision)
    return engine


@pytest.mark.parametrize("start", EARLIER_REVISIONS)
def test_upgrade_from_every_earlier_revision_keeps_every_row(db_url: str, start: str) -> None:
    engine = _filled_at(db_url, start)
    before = _rows(engine, start)
    assert {name: len(rows) for name, rows in before.items()} == {
        name: len(rows) for name, rows in rows_at(start).items()
    }

    upgrade_to_head(engine)  # the production path
    assert _current_revision(engine) == _head()
    after = _rows(engine, start)
    if "0002" <= start < "0004":
        # 0004 adds the alignment index bins of the attributed responses stored before it.
        added = sorted(set(after["score_tally"]) - set(before["score_tally"]))
        assert sorted(row[4] for row in added) == [
            "alignment_bin:-25",
            "alignment_bin:0",
            "alignment_bin:0",
            "alignment_bin:25",
        ]
        after["score_tally"] = [row for row in after["score_tally"] if row not in added]
    assert after == before
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()


def test_upgrade_from_0001_leaves_the_old_rows_unattributed(db_url: str) -> None:
    engine = _filled_at(db_url, "0001")
    _migrate(engine, command.upgrade, "0002")
    with engine.connect() as connection:
        for table in ("response", "draft"):
            attribution = sa.text(
                f"SELECT count(*) FROM {table} WHERE organisation_id IS NOT NULL "
                "OR team_id IS NOT NULL OR round_id IS NOT NULL"
            )
            assert connection.scalar(attribution) == 0
        assert connection.scalar(sa.text("SELECT count(*) FROM response_tally")) == 0
    # The open list's names are still unique, now through the partial index.
    intervention = tables_at("0001")["intervention"]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(sa.insert(intervention), [{"id": 3, "name": "Mood app", "active": True, "created_at": AT}])
    engine.dispose()


def test_downgrade_from_0002_keeps_the_0001_rows(db_url: str) -> None:
    engine = _filled_at(db_url, "0001")
    before = _rows(engine, "0001")
    _migrate(engine, command.upgrade, "0002")
    _migrate(engine, command.downgrade, "0001")
    assert _current_revision(engine) == "0001"
    assert _rows(engine, "0001") == before
    assert "organisation_id" not in {c["name"] for c in inspect(engine).get_columns("response")}
    engine.dispose()


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("response_tally", ["organisation_id", "team_id", "round_id", "role"]),
        ("score_tally", ["organisation_id", "team_id", "round_id", "role", "key"]),
        ("answer_tally", ["organisation_id", "team_id", "round_id", "role", "item_id", "value"]),
    ],
)
def test_tally_keys_lead_with_the_organisation(fresh_db: Engine, table: str, key) -> None:
    """The dashboard reads one organisation's tallies: its rows must be one range of the key."""
    assert inspect(fresh_db).get_pk_constraint(table)["constrained_columns"] == key


def test_0004_backfills_the_alignment_bins_of_responses_stored_before_it(own_db: Engine, submit) -> None:
    """Responses tallied before 0004 have no bin rows; upgrading adds exactly what a rebuild gives."""
    from db import make_session_factory, rebuild_tallies
    from tests.support.tallies import organisation_with_rounds, tally_snapshot

    sessions = make_session_factory(own_db)
    with sessions.begin() as session:
        org = organisation_with_rounds(session, "Zorg Noord")
        for number, (team, round_key, index) in enumerate(
            [("a", "round1", -80.0), ("a", "round1", 30.0), ("b", "round1", 100.0), ("a", "round2", None)]
        ):
            submit(
                session,
                submission_token=f"t{number}",
                organisation_id=org["id"],
                team_id=org[team],
                round_id=org[round_key],
                scores={"alignment_index": (index, "ok" if index is not None else "not_enough")},
            )
    _migrate(own_db, command.downgrade, "0003")
    with sessions() as session:
        keys = {cell.key for cell in tally_snapshot(session, org["id"])[1]}
    assert keys == {"alignment_index"}  # as a database before 0004 holds them

    upgrade_to_head(own_db)
    with sessions() as session:
        upgraded = tally_snapshot(session, org["id"])
    with sessions.begin() as session:
        rebuild_tallies(session, organisation_id=org["id"])
    with sessions() as session:
        assert tally_snapshot(session, org["id"]) == upgraded
    assert {cell.key: cell.n for cell in upgraded[1] if cell.key.startswith("alignment_bin:")} == {
        "alignment_bin:-100": 1,
        "alignment_bin:25": 1,
        "alignment_bin:75": 1,
    }
