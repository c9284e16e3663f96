"""User-interface strings in every supported language.

Strings live in `services/strings/<part>.<lang>.yaml`; all parts of a language are merged, and a key
may be defined in one part only. Item texts are not here: they belong to the question bank.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

STRINGS_DIR = Path(__file__).parent / "strings"
LANGUAGES = ("en", "nl")
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


class MissingString(KeyError):
    """A UI string key that no strings file defines."""


@lru_cache(maxsize=None)
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
    return text.format(**values) if values else text
