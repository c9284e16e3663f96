"""Resume codes: 80 random bits, written in groups that are easy to copy; only their hash is stored."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
GROUPS, GROUP_SIZE = 4, 4  # 16 symbols x 5 bits = 80 bits
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_resume_code() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE))
    return "-".join(symbols[i : i + GROUP_SIZE] for i in range(0, len(symbols), GROUP_SIZE))


def normalise(code: str) -> str | None:
    """The canonical form of a typed code (case, spaces, dashes and look-alikes forgiven), or None."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch not in " -\t\n").translate(_LOOK_ALIKES)
    if len(cleaned) != GROUPS * GROUP_SIZE or any(ch not in ALPHABET for ch in cleaned):
        return None
    return "-".join(cleaned[i : i + GROUP_SIZE] for i in range(0, len(cleaned), GROUP_SIZE))


def code_hash(code: str) -> str:
    """What the database keeps: the sha256 of the canonical code (never the code itself)."""
    canonical = normalise(code)
    if canonical is None:
        raise ValueError("not a resume code")
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()
