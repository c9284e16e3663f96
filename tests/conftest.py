"""Shared fixtures for the whole test suite (kept minimal and app-agnostic)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


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
def migrated_database(tmp_path: Path, migrated_database_template: Path,
                      monkeypatch: pytest.MonkeyPatch) -> str:
    """Like isolated_database, but the file already holds the empty, migrated schema: a copy of one
    template, so that tests about pages and services do not each run every migration again (the
    migrations themselves are tested in tests/db/test_migrations.py)."""
    target = tmp_path / "vm.db"
    shutil.copyfile(migrated_database_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url
