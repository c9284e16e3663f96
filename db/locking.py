"""The row lock of transactions that read, then write (docs/ARCHITECTURE.md, "Transactions that read, then write")."""

from __future__ import annotations

from sqlalchemy import Select


def locked(query: Select) -> Select:
    """`query`, locking the rows it reads until the transaction ends and reading them afresh (a row this
    transaction loaded before the lock may be stale). FOR NO KEY UPDATE: rows that refer to a locked row
    (audit lines, sessions, entries) can still be inserted meanwhile. SQLite has no row locks and needs
    none: BEGIN IMMEDIATE (db/engine.py) lets one writer in at a time."""
    return query.with_for_update(key_share=True).execution_options(populate_existing=True)
