"""How numbers and side names are shown, the same on screen and in the PDF report."""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

from assessment.display import display_round, signed_text
from questions.model import Instrument, localise

from .i18n import t


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


@lru_cache(maxsize=None)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def plural_category(count: int, language: str) -> str:
    """The language's plural category of `count` by the CLDR rules (Babel): "one" or "other" in
    English and Dutch (other languages also have "few", "many", ...)."""
    return _locale(language).plural_form(abs(count))


def format_count(count: int, language: str) -> str:
    """A whole number as the language writes it: 1,250 in English, 1.250 in Dutch."""
    return format_decimal(count, locale=_locale(language))
