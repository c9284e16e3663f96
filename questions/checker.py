"""The problem collector of the question file checks (bank, forms, strategies) and the id rules they share."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import Any

from .model import ELEMENTS

MIN_ITEMS_PER_DOMAIN = 2
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
INSTRUMENT_ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")


class Checker:
    """Collects problems as 'where, field: what'."""

    def __init__(self, source: str, languages: list[str]):
        self.source = source
        self.languages = languages
        self.problems: list[str] = []

    def add(self, where: str, field: str | None, message: str) -> None:
        place = f"{where}, field '{field}'" if field else where
        self.problems.append(f"{self.source}: {place}: {message}")

    def mapping(self, value: Any, where: str, field: str | None) -> dict:
        if not isinstance(value, dict):
            self.add(where, field, "must be a mapping of keys to values")
            return {}
        return value

    def keys(self, data: dict, allowed: AbstractSet[str], where: str, optional: AbstractSet[str] = frozenset()) -> None:
        for key in data:
            if key not in allowed:
                self.add(where, str(key), f"unknown key (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(allowed - set(data) - set(optional)):
            self.add(where, key, "is missing")

    def text(self, data: dict, key: str, where: str) -> None:
        if key not in data:
            return  # reported by keys()
        value = data[key]
        if not isinstance(value, dict):
            self.add(where, key, f"must give a text per language ({', '.join(self.languages)})")
            return
        for lang in self.languages:
            if not isinstance(value.get(lang), str) or not value.get(lang, "").strip():
                self.add(where, key, f"missing translation '{lang}'")
        for lang in value:
            if lang not in self.languages:
                self.add(where, key, f"language '{lang}' is not in languages")

    def identifier(self, data: dict, where: str, seen: set[str]) -> str | None:
        value = data.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.add(where, "id", "must be lower-case letters, digits and underscores")
            return None
        if value in seen:
            self.add(where, "id", f"duplicate id '{value}'")
        seen.add(value)
        return value

    def element(self, data: dict, where: str) -> None:
        if "element" in data and data["element"] not in ELEMENTS:
            self.add(where, "element", "must be a compassion element number 1 to 5")
