"""Password rules and Argon2id hashing (argon2-cffi with its RFC 9106 defaults)."""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.errors import WeakPassword

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # long enough for any passphrase, short enough to hash quickly

_hasher = PasswordHasher()  # argon2id, time_cost 3, memory 64 MiB, parallelism 4


def check_strength(password: str, *, username: str = "") -> None:
    """Refuse a password that is too short, too long, or the username; WeakPassword says why."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")
    if username and password.strip().casefold() == username.strip().casefold():
        raise WeakPassword("the password may not be the username")


def hash_password(password: str) -> str:
    """The Argon2id hash (PHC string, "$argon2id$...") of a password."""
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> tuple[bool, str | None]:
    """Check a password: (matches, new hash when the stored one used older parameters).

    Without a stored hash (an account that signs in by single sign-on only) a dummy hash is
    checked instead, so the answer takes as long as for a real account.
    """
    if password_hash is None:
        _verify_quietly(_dummy_hash(), password)
        return False, None
    if not _verify_quietly(password_hash, password):
        return False, None
    return True, (hash_password(password) if _hasher.check_needs_rehash(password_hash) else None)


def spend_verification_time(password: str) -> None:
    """Check a password against a dummy hash: an unknown username costs as much as a known one."""
    _verify_quietly(_dummy_hash(), password)


def _verify_quietly(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Made on first use, from a random password nobody knows; same parameters as real hashes.
    return _hasher.hash(secrets.token_urlsafe(32))
