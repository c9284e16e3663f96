"""Data access for failed lookups (guessed resume and workshop join codes), which services/throttle.py
counts to slow down guessing: keyword-only functions that take a Session and never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from db.engine import changed_rows
from db.models import LookupFailure, utcnow


def record_lookup_failure(session: Session, *, scope: str, client_key: str, at: datetime | None = None) -> None:
    """Remember one failed lookup by `client_key` in `scope` (now, unless `at` is given)."""
    session.add(LookupFailure(scope=scope, client_key=client_key, created_at=at or utcnow()))


def lock_failures_of(session: Session, *, scope: str, client_key: str) -> None:
    """Make tries of one key in one scope count their failures one after another until the
    transaction ends: otherwise tries sent at the same moment all see the count before any of them.
    PostgreSQL takes an advisory lock; SQLite's BEGIN IMMEDIATE already lets one writer in at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"{scope}/{client_key}"}
        )


def recent_failures(session: Session, *, scope: str, client_key: str, since: datetime) -> list[datetime]:
    """Times of the failures of `client_key` in `scope` at or after `since`, oldest first."""
    query = (
        select(LookupFailure.created_at)
        .where(
            LookupFailure.scope == scope,
            LookupFailure.client_key == client_key,
            LookupFailure.created_at >= since,
        )
        .order_by(LookupFailure.created_at)
    )
    return list(session.scalars(query))


def delete_lookup_failures_before(session: Session, *, before: datetime) -> int:
    """Forget failures older than `before`; returns how many were deleted."""
    result = session.execute(delete(LookupFailure).where(LookupFailure.created_at < before))
    return changed_rows(result)
