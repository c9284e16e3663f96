"""The set-up token: only someone who can read the server's output creates the first admin.

While no active admin exists, each app server prints a token to its standard output (its log) when it
serves its first page, and again once that token has expired while set-up is still open;
`manage.py setup-token` prints one on demand. The set-up page asks for it (auth.create_first_admin).
Tokens are kept in the shared database as sha256 hashes, so a token printed by one server works on
every other; each expires after VM_SETUP_TOKEN_MINUTES, and creating the first admin deletes them all.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from db import accounts as db_accounts
from db.models import utcnow
from services.errors import ServiceError
from services.formatting import CLI_LANGUAGE, format_datetime
from services.runtime import Runtime

# 20 characters of 32 (no 0/O or 1/I to confuse): 100 random bits, typed or pasted in groups of 4.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
GROUPS, GROUP_LENGTH = 5, 4
MAX_TOKEN_LENGTH = 64


class SetupTokenRefused(ServiceError):
    """The set-up token is missing, mistyped, already used or expired."""

    def __init__(self) -> None:
        super().__init__(
            "the set-up token is not valid (mistyped, used or expired); "
            "get a new one with: python manage.py setup-token"
        )


@dataclass(frozen=True)
class IssuedToken:
    token: str = field(repr=False)
    expires_at: datetime


def normalise(text: str) -> str:
    """The token as compared: capitals, without spaces or dashes (however it was typed or pasted)."""
    text = unicodedata.normalize("NFKC", text or "")[:MAX_TOKEN_LENGTH]
    return "".join(ch for ch in text.upper() if ch not in " -\t\r\n")


def token_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8", "surrogatepass")).hexdigest()


def issue(rt: Runtime, *, now: datetime | None = None) -> IssuedToken | None:
    """A new set-up token, valid for VM_SETUP_TOKEN_MINUTES; None once an active admin exists."""
    now = now or utcnow()
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    token = "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))
    expires_at = now + timedelta(minutes=rt.settings.setup_token_minutes)
    with rt.sessions.begin() as session:
        if db_accounts.count_active_admins(session):
            return None
        db_accounts.add_setup_token(session, token_hash=token_hash(token), created_at=now, expires_at=expires_at)
    return IssuedToken(token, expires_at)


def use(session: Session, token: str, *, now: datetime) -> None:
    """Inside the transaction that creates the first admin: SetupTokenRefused unless `token` is valid;
    then every set-up token is deleted, so none works twice."""
    if not normalise(token) or not db_accounts.valid_setup_token(session, token_hash=token_hash(token), now=now):
        raise SetupTokenRefused()
    db_accounts.delete_setup_tokens(session)


def announcement(issued: IssuedToken) -> str:
    """What a server prints: the token, where it is used, until when."""
    rule, until = "=" * 72, format_datetime(issued.expires_at, CLI_LANGUAGE, say_utc=True)
    return (
        f"{rule}\nValueMatch has no admin account yet. To create it, open the 'Set up' page and enter\n"
        f"this one-time set-up token:\n\n    {issued.token}\n\n"
        f"It works once, on any ValueMatch server using this database, until "
        f"{until}.\nA new one: python manage.py setup-token\n{rule}\n"
    )


class Announcer:
    """Prints a set-up token while set-up is open: once per process, and again after the printed one
    expired. Between those it does not touch the database, and after set-up never again."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write
        self._lock = threading.Lock()
        self._valid_until: datetime | None = None
        self._closed = False

    def announce(self, rt: Runtime, *, now: datetime | None = None) -> IssuedToken | None:
        """Print a new token when one is needed; returns it (None when nothing was printed)."""
        now = now or utcnow()
        with self._lock:
            if self._closed or (self._valid_until is not None and now < self._valid_until):
                return None
            issued = issue(rt, now=now)
            if issued is None:
                self._closed = True
                return None
            self._valid_until = issued.expires_at
            self._write(announcement(issued))
            return issued
