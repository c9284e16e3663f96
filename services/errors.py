"""Errors the pages turn into plain messages (one small family for the service layer)."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a page shows to the user."""


class StartupError(ServiceError):
    """The app cannot start: invalid question bank, unusable database or settings."""


class NotFound(ServiceError):
    """A code, link or record that does not exist (or is not yours)."""


class TooManyAttempts(ServiceError):
    def __init__(self, wait_seconds: int):
        self.wait_seconds = wait_seconds
        super().__init__(f"too many attempts; try again in {wait_seconds} s")


class Unavailable(ServiceError):
    """The database could not be reached or stayed busy; nothing was half stored and trying again is safe.

    Raised for every service call by services.db_errors; pages show t("error.try_again").
    """

    def __init__(self) -> None:
        super().__init__("try_again")


class IncompleteAnswers(ServiceError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"{len(missing)} question(s) not answered")


class InvalidInput(ServiceError):
    """Input that does not fit (unknown item, value off the scale, text too long ...)."""


class NotAuthorised(ServiceError):
    """The signed-in account may not do this here (or is not signed in)."""


class LoginFailed(ServiceError):
    """Unknown username or wrong password: one message for both, so names cannot be probed."""

    def __init__(self) -> None:
        super().__init__("Username or password is not right")


class WeakPassword(InvalidInput):
    """A new password that is too short (or otherwise refused); the message says why."""


class AdminExists(ServiceError):
    """The first admin was already created; further accounts are made by an admin."""
