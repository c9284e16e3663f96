"""Shared fixtures for the whole test suite (kept minimal and app-agnostic)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.support.postgres import (
    create_database,
    drop_database,
    empty_database,
    schema_fingerprint,
    throwaway_database,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def quick_password_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id at its smallest cost (about 180 ms less per hash or check on these machines): tests sign
    in and create accounts often, and the hashing cost is not what they test. Tests marked
    `production_hashing` (tests/services/accounts/test_auth.py) keep the production parameters and check them."""
    if request.node.get_closest_marker("production_hashing"):
        return
    from argon2 import PasswordHasher

    from services.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Absolute path of the repository root (the folder holding app.py)."""
    return REPO_ROOT


@pytest.fixture
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh, empty SQLite database for this test only.

    Sets DATABASE_URL to ``sqlite:///<tmp>/vm.db`` for the duration of the test
    and returns that URL. The file does not exist yet; whatever reads
    DATABASE_URL creates it.
    """
    url = f"sqlite:///{tmp_path / 'vm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture(scope="session")
def migrated_database_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite file at the newest schema revision, made once per test session."""
    from db import make_engine, upgrade_to_head

    path = tmp_path_factory.mktemp("template") / "vm.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    # Closing the last connection writes the WAL into the main file: that one file is the database.
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the template database is not in one file"
    return path


@pytest.fixture
def sqlite_migrated_database(tmp_path: Path, migrated_database_template: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Like isolated_database, but the file already holds the empty, migrated schema: a copy of one
    template, so that tests about pages and services do not each run every migration again (the
    migrations themselves are tested in tests/db/test_migrations.py)."""
    target = tmp_path / "vm.db"
    shutil.copyfile(migrated_database_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


@pytest.fixture
def migrated_database(sqlite_migrated_database: str) -> str:
    """The migrated database of page tests: SQLite. tests/services and tests/db run on each backend
    instead (see tests/services/conftest.py and tests/db/conftest.py)."""
    return sqlite_migrated_database


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """Name of a PostgreSQL database at the newest revision, made once per test session; the tests'
    PostgreSQL databases are copies of it (needs VM_TEST_POSTGRES_URL)."""
    from db import make_engine, upgrade_to_head

    url = create_database()
    try:
        engine = make_engine(url)
        upgrade_to_head(engine)
        engine.dispose()  # a template with a connection open cannot be copied
        yield make_url(url).database or ""
    finally:
        drop_database(url)


@pytest.fixture(scope="session")
def postgres_shared_database(postgres_template: str) -> Iterator[str]:
    """URL of one PostgreSQL database at the newest revision, shared by the session's tests
    through postgresql_emptied_database."""
    with throwaway_database(template=postgres_template) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_shared_schema(postgres_shared_database: str) -> tuple[str, ...]:
    return schema_fingerprint(postgres_shared_database)


@pytest.fixture
def postgresql_emptied_database(
    postgres_shared_database: str, postgres_shared_schema: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The session's shared migrated PostgreSQL database, emptied for this test (every row deleted,
    every sequence restarted): the cheap database of the service and db tests, which neither
    change the schema nor keep connections open past their fixtures. Tests that do get
    postgresql_migrated_database; one that changes the shared schema fails here, by name, instead
    of a later test on the same worker."""
    empty_database(postgres_shared_database)
    monkeypatch.setenv("DATABASE_URL", postgres_shared_database)
    yield postgres_shared_database
    left = schema_fingerprint(postgres_shared_database)
    if left != postgres_shared_schema:
        changed = sorted(set(left) ^ set(postgres_shared_schema))
        pytest.fail(
            f"this test changed the shared PostgreSQL database's schema ({', '.join(changed)}); "
            "use postgresql_migrated_database (a copy of its own)",
            pytrace=False,
        )


@pytest.fixture
def postgresql_migrated_database(postgres_template: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database of this test only, copied from the migrated template; dropped after."""
    with throwaway_database(template=postgres_template) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


# Tests that start servers, browsers or many processes share the machine badly: with several pytest
# workers (scripts/test.sh runs two) they run one after another on one worker, beside the rest. A test
# with a group of its own (xdist_group marker) keeps it: it runs beside them.
SERIAL_FOLDERS = ("browser", "reliability")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests_folder = Path(__file__).resolve().parent
    for item in items:
        relative = Path(str(item.path)).resolve().relative_to(tests_folder)
        if relative.parts[0] in SERIAL_FOLDERS and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group("serial"))
