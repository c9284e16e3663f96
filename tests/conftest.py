"""Shared fixtures for the whole test suite (kept minimal and app-agnostic)."""

from __future__ import annotations

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
