"""Exact values for decisions and one rounding for display: the same number on screen, in tables, PDF, CSV and History.

Scores are computed on fractions (scoring.py), so an index of exactly +25 is 25, not 24.999999999999993.
A float that arrives from elsewhere (a stored score, a mean over people) is first read at a fixed precision
of nine decimals, which removes binary noise without changing any number a person could see.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

NOISE_PLACES = Decimal("1e-9")


def exact(value: Fraction | float) -> Fraction:
    """The value as a fraction; a float is taken at nine decimals (62.49999999999999 is 62.5)."""
    if isinstance(value, (Fraction, int)):
        return Fraction(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(Decimal(value).quantize(NOISE_PLACES))


def display_round(value: Fraction | float) -> int:
    """The whole number shown for a value: halves go away from zero (62.5 -> 63, -62.5 -> -63)."""
    number = exact(value)
    whole = math.floor(abs(number) + Fraction(1, 2))
    return whole if number >= 0 else -whole


def signed_text(value: Fraction | float) -> str:
    """A signed whole number with a true minus sign: "+12", "−12", "0" (the sign convention everywhere)."""
    number = display_round(value)
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "0"
