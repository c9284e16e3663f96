"""Exceptions raised by the persistence package."""

from __future__ import annotations


class DatabaseError(Exception):
    """Base class for every error the db package raises on purpose."""


class DatabasePathError(DatabaseError):
    """The SQLite database file cannot be created or written."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"Cannot write the database file '{path}': {reason}. Set DATABASE_URL to a writable location.")


class DraftNotFound(DatabaseError):
    """No draft exists for the given token."""

    def __init__(self, token: str) -> None:
        # The token is a secret kept in the URL, so it stays out of the message (and logs).
        self.token = token
        super().__init__("No draft found for this token.")


class RecordNotFound(DatabaseError):
    """No row of the given kind (organisation, team, round, invitation, ...) has this id."""

    def __init__(self, kind: str, record_id: int) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"No {kind} with id {record_id}.")


class DuplicateName(DatabaseError):
    """The name is already taken where it must be unique (e.g. a team within its organisation)."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"There is already a {kind} named '{name}'.")


class InvalidRecord(DatabaseError, ValueError):
    """Values the database refuses to store, e.g. a round closing before it opens."""


class GroupSizeTooSmall(InvalidRecord):
    """A minimum group size below the floor (3), or a comment minimum below the group minimum."""
