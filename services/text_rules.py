"""What a name or text typed by people may hold, and how a refused value is quoted back safely.

Refused: control characters (C0 and C1), lone surrogates (they cannot be stored as UTF-8),
Unicode noncharacters, the bidirectional embeddings, overrides and isolates (they make a name
read differently from what it is), and runs of more than MAX_COMBINING_RUN combining marks
(stacked accents that spill over the lines around them). Letters of every script, emoji and
the ordinary format characters (zero-width joiner, left-to-right mark) are accepted.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_COMBINING_RUN = 8
QUOTE_LIMIT = 80


def has_odd_characters(text: str) -> bool:
    """True when `text` holds a character a name or text may not hold (see the module docstring)."""
    run = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or ch in BIDI_CONTROLS or _noncharacter(ord(ch)):
            return True
        run = run + 1 if category in ("Mn", "Me") else 0
        if run > MAX_COMBINING_RUN:
            return True
    return False


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` for a message: unprintable characters written as escapes, cut after `limit` characters.

    A file's cell echoed raw into a terminal could carry escape sequences (or megabytes).
    """
    shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[:limit])
    return shown + ("…" if len(text) > limit else "")


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE
