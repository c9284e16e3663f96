"""How numbers and side names are shown, the same on screen and in the PDF report."""
from __future__ import annotations

from assessment.display import display_round, signed_text
from questions.model import Instrument, localise
from services.i18n import t
from services.plurals import format_count, plural_category

__all__ = ["format_count", "format_score", "format_signed", "plural_category", "round_half_up", "side_name"]


def round_half_up(value: float) -> int:
    """Rounds .5 away from zero, so 62.5 shows as 63: the one display rounding (assessment.display_round)."""
    return display_round(value)


def format_score(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A 0..100 score as a whole number, or the localised text for a missing score."""
    return str(round_half_up(value)) if value is not None else t(missing, language)


def format_signed(value: float | None, language: str, missing: str = "report.not_enough") -> str:
    """A signed whole number with a true minus sign ("+12", "−12", "0"), or the missing text."""
    if value is None:
        return t(missing, language)
    return signed_text(value)


def side_name(instrument: Instrument, side: str, language: str) -> str:
    """The display name of a side (match, mismatch, value, compassion) from the question bank."""
    return localise(instrument.sides[side], language)
