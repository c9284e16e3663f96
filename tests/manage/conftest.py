"""Fixtures of the admin CLI tests, run in-process through manage.main() against a temporary SQLite
DATABASE_URL. Plain helpers and constants: manage_helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def database(isolated_database: str) -> str:
    """Every test gets its own empty SQLite file as DATABASE_URL."""
    return isolated_database
