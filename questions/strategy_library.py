"""Implementation strategies per theme and compassion element (questions/strategies/*.yaml): a versioned file
next to the question banks, read and validated like a bank, every problem at once, each naming the file, the
entry and the field. Pure Python, like the rest of this package.

File format:

    id: valuematch-strategies        # [a-z0-9_-]+
    version: "1.0"                   # quoted text
    bank: valuematch                 # the question bank whose theme ids `themes` uses
    languages: [en, nl]
    sources:                         # what a strategy may rest on
      - {id: eric2015, short: "...", citation: "...", relied_on: "..."}
    strategies:
      - id: clients_choose_how       # [a-z0-9_]+, unique
        themes: [client_autonomy]    # domain ids of the bank, and/or
        elements: [1]                # compassion elements 1..5; at least one of the two
        our_design: false            # true: our own strategy built on a finding; false: a source lists it
        sources: [lotringen2025]     # at least one source id
        text: {en: ..., nl: ...}     # the suggestion, one sentence
        basis: {en: ..., nl: ...}    # how the sources ground it
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .checker import ID_PATTERN, INSTRUMENT_ID_PATTERN, Checker
from .errors import QuestionBankError
from .model import ELEMENTS, Instrument, Text
from .yaml_file import parse_yaml, read_text

STRATEGIES_DIR = Path(__file__).parent / "strategies"
TOP_KEYS = {"id", "version", "bank", "languages", "sources", "strategies"}
SOURCE_KEYS = {"id", "short", "citation", "relied_on"}
STRATEGY_KEYS = {"id", "themes", "elements", "our_design", "sources", "text", "basis"}
STRATEGY_OPTIONAL = {"themes", "elements"}
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9_]+$")


class StrategyFileError(QuestionBankError):
    """A strategies file is missing or invalid; `problems` lists every problem found."""


@dataclass(frozen=True)
class Source:
    id: str
    short: str  # "van Lotringen et al. (2025)": how a suggestion names it
    citation: str
    relied_on: str


@dataclass(frozen=True)
class Strategy:
    id: str
    themes: tuple[str, ...]
    elements: tuple[int, ...]
    our_design: bool
    sources: tuple[str, ...]
    text: Text
    basis: Text


@dataclass(frozen=True)
class StrategyLibrary:
    id: str
    version: str
    bank: str
    languages: tuple[str, ...]
    sources: Mapping[str, Source]
    strategies: tuple[Strategy, ...]
    source_file: str = ""

    def for_theme(self, theme: str) -> tuple[Strategy, ...]:
        return tuple(s for s in self.strategies if theme in s.themes)

    def for_element(self, element: int) -> tuple[Strategy, ...]:
        return tuple(s for s in self.strategies if element in s.elements)


def load_strategies(path: str | Path) -> StrategyLibrary:
    """Read and validate one strategies file; StrategyFileError lists every problem."""
    text, source = read_text(path, StrategyFileError)
    return parse_strategies(text, source)


def parse_strategies(text: str, source: str = "<text>") -> StrategyLibrary:
    raw = parse_yaml(text, source, StrategyFileError)
    problems = check_strategies(raw, source)
    if problems:
        raise StrategyFileError(source, problems)
    return _build(raw, source)


def newest_strategies(directory: str | Path = STRATEGIES_DIR, *, bank: str | None = None) -> StrategyLibrary:
    """The newest version of the strategies files in a folder (for one bank id, when given); every file is
    validated and all problems are reported together."""
    directory = Path(directory)
    problems: list[str] = []
    found: list[StrategyLibrary] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            found.append(load_strategies(path))
        except StrategyFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise StrategyFileError(str(directory), problems)
    found = [library for library in found if bank is None or library.bank == bank]
    if not found:
        raise StrategyFileError(str(directory), [f"{directory}: no strategies file (*.yaml) found"])
    return max(found, key=lambda library: _version_key(library.version))


def check_strategies(raw: Any, source: str) -> list[str]:
    """Every problem in a parsed strategies file; an empty list means valid."""
    if not isinstance(raw, dict):
        return [f"{source}: top level: must be a mapping (the file is empty or not YAML)"]
    languages = raw.get("languages")
    if not (isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages)):
        c = Checker(source, ["en"])
        c.add("top level", "languages", "must be a non-empty list of language codes such as [en, nl]")
    else:
        c = Checker(source, languages)
    c.keys(raw, TOP_KEYS, "top level")
    for key, pattern in (("id", INSTRUMENT_ID_PATTERN), ("bank", INSTRUMENT_ID_PATTERN)):
        if not (isinstance(raw.get(key), str) and pattern.match(raw[key])):
            c.add("top level", key, "must be lower-case letters, digits, '-' or '_'")
    if not isinstance(raw.get("version"), str) or not raw.get("version", "").strip():
        c.add("top level", "version", 'must be a quoted text such as "1.0"')
    sources = _check_sources(c, raw.get("sources"))
    _check_strategy_list(c, raw.get("strategies"), sources)
    return c.problems


def check_against_bank(library: StrategyLibrary, instrument: Instrument) -> list[str]:
    """Problems of a valid library with this bank: the bank's id, theme ids it does not have, and a compassion
    theme named as a theme (name its element instead)."""
    source = library.source_file or library.id
    problems = []
    if library.bank != instrument.id:
        problems.append(f"{source}: top level, field 'bank': is '{library.bank}', the bank is '{instrument.id}'")
    sides = {domain.id: domain.side for domain in instrument.domains}
    for strategy in library.strategies:
        for theme in strategy.themes:
            if theme not in sides:
                problems.append(
                    f"{source}: strategy '{strategy.id}', field 'themes': "
                    f"'{theme}' is not a theme of {instrument.label}"
                )
            elif sides[theme] == "compassion":
                problems.append(
                    f"{source}: strategy '{strategy.id}', field 'themes': "
                    f"'{theme}' is a compassion element: list it under 'elements'"
                )
    return problems


def _check_sources(c: Checker, value: Any) -> set[str]:
    if not isinstance(value, list) or not value:
        c.add("top level", "sources", "must be a non-empty list")
        return set()
    seen: set[str] = set()
    for index, raw_entry in enumerate(value, 1):
        entry = c.mapping(raw_entry, f"source #{index}", None)
        where = f"source '{entry.get('id', f'#{index}')}'"
        c.keys(entry, SOURCE_KEYS, where)
        source_id = entry.get("id")
        if not (isinstance(source_id, str) and SOURCE_ID_PATTERN.match(source_id)):
            c.add(where, "id", "must be lower-case letters, digits and underscores")
        elif source_id in seen:
            c.add(where, "id", f"duplicate id '{source_id}'")
        else:
            seen.add(source_id)
        for key in ("short", "citation", "relied_on"):
            if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
                c.add(where, key, "must be a non-empty text")
    return seen


def _check_strategy_list(c: Checker, value: Any, sources: set[str]) -> None:
    if not isinstance(value, list) or not value:
        c.add("top level", "strategies", "must be a non-empty list")
        return
    seen: set[str] = set()
    for index, raw_entry in enumerate(value, 1):
        entry = c.mapping(raw_entry, f"strategy #{index}", None)
        where = f"strategy '{entry.get('id', f'#{index}')}'"
        c.keys(entry, STRATEGY_KEYS, where, STRATEGY_OPTIONAL)
        c.identifier(entry, where, seen)
        themes, elements = entry.get("themes", []), entry.get("elements", [])
        themes_ok = isinstance(themes, list) and all(isinstance(x, str) and ID_PATTERN.match(x) for x in themes)
        elements_ok = isinstance(elements, list) and all(type(x) is int and x in ELEMENTS for x in elements)
        if not themes_ok:
            c.add(where, "themes", "must be a list of theme ids")
        if not elements_ok:
            c.add(where, "elements", "must be a list of compassion element numbers 1 to 5")
        if themes_ok and elements_ok and not themes and not elements:
            c.add(where, "themes", "a strategy needs at least one theme or element")
        if "our_design" in entry and not isinstance(entry["our_design"], bool):
            c.add(where, "our_design", "must be true or false")
        named = entry.get("sources")
        if not (isinstance(named, list) and named and all(isinstance(x, str) for x in named)):
            c.add(where, "sources", "must be a non-empty list of source ids")
        else:
            for source_id in named:
                if source_id not in sources:
                    c.add(where, "sources", f"unknown source '{source_id}'")
        c.text(entry, "text", where)
        c.text(entry, "basis", where)


def _text(value: dict) -> MappingProxyType:
    return MappingProxyType({str(k): str(v) for k, v in value.items()})


def _build(raw: dict, source: str) -> StrategyLibrary:
    sources = {s["id"]: Source(s["id"], s["short"], s["citation"], s["relied_on"]) for s in raw["sources"]}
    strategies = tuple(
        Strategy(
            s["id"],
            tuple(s.get("themes", [])),
            tuple(s.get("elements", [])),
            s["our_design"],
            tuple(s["sources"]),
            _text(s["text"]),
            _text(s["basis"]),
        )
        for s in raw["strategies"]
    )
    return StrategyLibrary(
        raw["id"], raw["version"], raw["bank"], tuple(raw["languages"]), MappingProxyType(sources), strategies, source
    )


def _version_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", version))
