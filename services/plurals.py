"""Counts as a language writes them, and which plural form a count takes (Babel's CLDR rules). Imports
nothing of the app, so both the strings (services/i18n.py) and the formatting of numbers can use it."""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.numbers import format_decimal


@cache
def babel_locale(language: str) -> Locale:
    """The language's Babel locale, parsed once ("en", "nl")."""
    return Locale.parse(language)


def plural_category(count: int | float, language: str) -> str:
    """The language's plural category of `count` by the CLDR rules (Babel): "one" or "other" in
    English and Dutch (other languages also have "few", "many", ...)."""
    return babel_locale(language).plural_form(abs(count))


def format_count(count: int | float, language: str) -> str:
    """A whole number as the language writes it: 1,250 in English, 1.250 in Dutch."""
    return format_decimal(count, locale=babel_locale(language))
