"""Suggestions, not prescriptions: implementation strategies to start from, for a theme with a mismatch and a
weak compassion element, read from the strategies file next to the question banks (questions/strategies/,
validated by questions/strategy_library.py). Each names its sources and says when it is our own design.

Which themes get suggestions is our design, like the bands (there are no norms): a match theme below the
middle of the scale, a mismatch theme above it, a compassion element below it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from questions.model import localise
from questions.strategy_library import StrategyLibrary, newest_strategies
from services.actions.rules import Target
from services.runtime import Runtime

__all__ = [
    "MIDPOINT",
    "Suggestion",
    "TargetSuggestions",
    "for_target",
    "library",
    "needs_attention",
    "suggested_targets",
    "suggestions",
]

MIDPOINT = 50.0  # the middle of the 0..100 scale


@dataclass(frozen=True)
class Suggestion:
    id: str
    text: str
    basis: str  # how the sources ground it, in the page's language
    sources: tuple[str, ...]  # short names, e.g. "ERIC (Powell et al., 2015)"
    citations: tuple[str, ...]  # the full references, same order
    our_design: bool


@dataclass(frozen=True)
class TargetSuggestions:
    target: Target
    suggestions: tuple[Suggestion, ...]


@cache
def _library(bank: str) -> StrategyLibrary:
    return newest_strategies(bank=bank)


def library(rt: Runtime) -> StrategyLibrary:
    """The newest strategies file for the current question bank (read once per process)."""
    return _library(rt.instrument.id)


def for_target(rt: Runtime, target: Target, language: str) -> tuple[Suggestion, ...]:
    """The strategies for a theme (a compassion theme: its element's), an element, or none for "as a whole"."""
    strategies = library(rt)
    if target.theme is not None:
        domain = next((d for d in rt.instrument.domains if d.id == target.theme), None)
        if domain is not None and domain.side == "compassion" and domain.element is not None:
            found = strategies.for_element(domain.element)
        else:
            found = strategies.for_theme(target.theme)
    elif target.element is not None:
        found = strategies.for_element(target.element)
    else:
        found = ()
    return tuple(
        Suggestion(
            s.id,
            localise(s.text, language),
            localise(s.basis, language),
            tuple(strategies.sources[i].short for i in s.sources),
            tuple(strategies.sources[i].citation for i in s.sources),
            s.our_design,
        )
        for s in found
    )


def needs_attention(side: str, score: float | None) -> bool:
    """A theme or element whose 0..100 score leans the wrong way: a match theme or compassion element below the
    middle, a mismatch theme above it. No score (too few answers): no."""
    if score is None:
        return False
    if side in ("match", "compassion", "element"):
        return score < MIDPOINT
    if side == "mismatch":
        return score > MIDPOINT
    return False


def suggested_targets(
    rt: Runtime, *, theme_scores: Mapping[str, float | None], element_scores: Mapping[int, float | None]
) -> tuple[Target, ...]:
    """The match and mismatch themes (in the bank's order) and compassion elements (1..5) that need attention."""
    themes = tuple(
        Target(theme=d.id)
        for d in rt.instrument.domains
        if d.side in ("match", "mismatch") and needs_attention(d.side, theme_scores.get(d.id))
    )
    elements = tuple(
        Target(element=number)
        for number in sorted(rt.instrument.elements)
        if needs_attention("element", element_scores.get(number))
    )
    return themes + elements


def suggestions(
    rt: Runtime, *, theme_scores: Mapping[str, float | None], element_scores: Mapping[int, float | None], language: str
) -> tuple[TargetSuggestions, ...]:
    """For the dashboard: each theme and element that needs attention, with its strategies."""
    return tuple(
        TargetSuggestions(target, for_target(rt, target, language))
        for target in suggested_targets(rt, theme_scores=theme_scores, element_scores=element_scores)
    )
