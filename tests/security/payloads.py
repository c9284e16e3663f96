"""The attack corpus (tests/security/corpus/*.yaml) as pytest parameters, one per payload, by label."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "corpus"


@cache
def load(name: str):
    return yaml.safe_load((CORPUS / f"{name}.yaml").read_text(encoding="utf-8"))


def texts(name: str, part: str | None = None) -> list[tuple[str, str]]:
    """(label, text) of every payload of a corpus file (or of one part of it)."""
    entries = load(name) if part is None else load(name)[part]
    return [(entry["label"], build(entry)) for entry in entries]


def params(name: str, part: str | None = None) -> list:
    """The payloads as pytest.param(text, id=label)."""
    return [pytest.param(text, id=label) for label, text in texts(name, part)]


def build(entry: dict, limit: int | None = None) -> str:
    """A payload's text: `text` as written, or `unit` repeated to `length` (or to `limit + over`)."""
    if "text" in entry:
        return entry["text"]
    if "length" in entry:
        length = entry["length"]
    else:
        assert limit is not None, f"{entry['label']}: needs the field's limit"
        length = limit + entry["over"]
    prefix = entry.get("prefix", "")
    body = (entry["unit"] * (length // len(entry["unit"]) + 1))[:length]
    return prefix + body


def oversize(limit: int) -> list:
    """The oversize payloads for a field with this limit, as pytest.param(text, id=label)."""
    return [pytest.param(build(entry, limit), id=entry["label"]) for entry in load("oversize")]


def markup() -> list[str]:
    return [text for _label, text in texts("markup")]


def normalised(text: str) -> str:
    """A name as the services store it: runs of whitespace made one space, trimmed."""
    return " ".join(text.split())
