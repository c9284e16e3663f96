"""User-interface strings in every supported language.

Strings live in `services/strings/<part>.<lang>.yaml`; all parts of a language are merged, and a key
may be defined in one part only. A counted word is written `{count:# statement|# statements}`: the form
is chosen by the language's plural rule (CLDR, through Babel), never as "statement(s)". Item texts are
not here: they belong to the question bank.
"""

from __future__ import annotations

import numbers
import string
from functools import cache
from pathlib import Path

import yaml

from services.plurals import format_count, plural_category

STRINGS_DIR = Path(__file__).parent / "strings"
LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


class MissingString(KeyError):
    """A UI string key that no strings file defines."""


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every UI string of a language, merged from its part files."""
    merged: dict[str, str] = {}
    for path in sorted(STRINGS_DIR.glob(f"*.{language}.yaml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in part.items():
            if key in merged:
                raise ValueError(f"{path}: key '{key}' is defined in two strings files")
            merged[key] = str(value)
    return merged


def normalise_language(value: str | None) -> str:
    """A supported language code, English when unknown or missing."""
    value = (value or "").strip().lower()
    return value if value in LANGUAGES else "en"


def t(key: str, language: str, **values: object) -> str:
    """The string `key` in `language`, with `{placeholders}` filled in."""
    table = catalogue(normalise_language(language))
    if key not in table:
        table = catalogue("en")
        if key not in table:
            raise MissingString(key)
    text = table[key]
    if not values:
        return text
    # The plain str.format is several times quicker; a counted word's spec always holds a "|".
    return _Texts(language).format(text, **values) if "|" in text else text.format(**values)


class _Texts(string.Formatter):
    """str.format, plus counted words: `{seconds:# second|# seconds}` gives "1 second" or "5 seconds" by
    the language's plural rule, `#` being the number as the language writes it (services/plurals.py)."""

    def __init__(self, language: str) -> None:
        self.language = normalise_language(language)

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" not in format_spec or isinstance(value, bool) or not isinstance(value, numbers.Real):
            return super().format_field(value, format_spec)
        value = int(value) if isinstance(value, numbers.Integral) else float(value)  # numpy's too
        one, other = format_spec.split("|", 1)
        form = one if plural_category(value, self.language) == "one" else other
        return form.replace("#", format_count(value, self.language))
