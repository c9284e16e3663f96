"""Reading what a test stored, through its runtime."""

from __future__ import annotations

from sqlalchemy import func, select


def count_rows(runtime, model, *where) -> int:
    """How many rows of `model` (matching the `where` clauses) the database holds."""
    with runtime.sessions.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))
