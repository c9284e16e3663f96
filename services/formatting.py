"""How numbers and side names are shown, the same on screen and in the PDF report."""
from __future__ import annotations

import math

from questions.model import Instrument, localise

from .i18n import t


def round_half_up(value: float) -> int:
    """Rounds .5 away from zero, so 62.5 shows as 63 (Python's round() would give 62)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def format_score(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A 0..100 score as a whole number, or the localised text for a missing score."""
    return str(round_half_up(value)) if value is not None else t(missing, language)


def format_signed(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A signed whole number with a true minus sign ("+12", "−12", "0"), or the missing text."""
    if value is None:
        return t(missing, language)
    number = round_half_up(value)
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "0"


def side_name(instrument: Instrument, side: str, language: str) -> str:
    """The display name of a side (match, mismatch, value, compassion) from the question bank."""
    return localise(instrument.sides[side], language)
