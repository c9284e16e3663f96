"""What each score of several parts rests on, for counting its partial answerers
(assessment/anonymity/figures.py): a theme or compassion element on its statements, the alignment index on
the themes it combines."""

from __future__ import annotations

from dataclasses import dataclass

from questions.model import Instrument

ALIGNMENT = "alignment_index"


@dataclass(frozen=True)
class FigureParts:
    """`items_of`: score key -> the statements it averages (only scores of several statements);
    `alignment_of`: the theme scores (keys) the alignment index combines."""

    items_of: dict[str, frozenset[str]]
    alignment_of: frozenset[str]


def figure_parts(instrument: Instrument) -> FigureParts:
    items_of: dict[str, frozenset[str]] = {}
    for domain in instrument.domains:
        items_of[f"domain:{domain.id}"] = frozenset(item.id for item in instrument.items_in(domain.id))
    for number in instrument.elements:
        items_of[f"element:{number}"] = frozenset(item.id for item in instrument.lens_items(number))
    alignment_of = frozenset(
        f"domain:{domain.id}" for side in ("match", "mismatch") for domain in instrument.domains_on(side)
    )
    return FigureParts({key: items for key, items in items_of.items() if len(items) > 1}, alignment_of)
