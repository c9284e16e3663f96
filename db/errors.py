"""Exceptions raised by the persistence package."""

from __future__ import annotations


class DatabaseError(Exception):
    """Base class for every error the db package raises on purpose."""


class DatabasePathError(DatabaseError):
    """The SQLite database file cannot be created or written."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Cannot write the database file '{path}': {reason}. "
            "Set DATABASE_URL to a writable location."
        )


class DraftNotFound(DatabaseError):
    """No draft exists for the given token."""

    def __init__(self, token: str) -> None:
        # The token is a secret kept in the URL, so it stays out of the message (and logs).
        self.token = token
        super().__init__("No draft found for this token.")
