"""Scoring: the same steps for every instrument (validate, reverse-key, aggregate). Pure functions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from questions.model import NOT_APPLICABLE, Instrument, Item

from .display import exact
from .errors import AnswerError

Answer = int | str | None
Answers = Mapping[str, Answer]

HIGH_FROM = 62.5  # mean >= 3.5 on a 1..5 scale
LOW_UPTO = 37.5  # mean <= 2.5


@dataclass(frozen=True)
class DomainScore:
    domain: str
    side: str
    score: float | None  # 0..100, None when not enough answers
    n_items: int
    answered: int
    not_applicable: int
    band: str | None  # "high" | "middle" | "low"

    @property
    def status(self) -> str:
        return "ok" if self.score is not None else "not_enough"


@dataclass(frozen=True)
class ElementScore:
    element: int
    score: float | None  # 0..100, high = the intervention supports this element
    n_items: int
    answered: int
    band: str | None

    @property
    def status(self) -> str:
        return "ok" if self.score is not None else "not_enough"


@dataclass(frozen=True)
class ValueGap:
    domain: str
    importance: float | None  # 0..100
    support: float | None  # 0..100
    gap: float | None  # support - importance; negative = less support than it matters to you


@dataclass(frozen=True)
class ScoreReport:
    instrument_hash: str
    domains: tuple[DomainScore, ...]
    match_score: float | None
    mismatch_score: float | None
    alignment_index: float | None  # -100..+100
    alignment_band: str | None  # "aligned" | "mixed" | "misaligned"
    elements: tuple[ElementScore, ...]
    gaps: tuple[ValueGap, ...]
    answered: int
    not_applicable: int

    def domain(self, domain_id: str) -> DomainScore:
        return next(d for d in self.domains if d.domain == domain_id)

    def flat(self) -> dict[str, tuple[float | None, str]]:
        """Every score as key -> (value, status), the shape stored with a response."""

        def entry(value: float | None) -> tuple[float | None, str]:
            return (value, "ok" if value is not None else "not_enough")

        out = {f"domain:{d.domain}": entry(d.score) for d in self.domains}
        out["match"] = entry(self.match_score)
        out["mismatch"] = entry(self.mismatch_score)
        out["alignment_index"] = entry(self.alignment_index)
        out.update({f"element:{e.element}": entry(e.score) for e in self.elements})
        for g in self.gaps:
            out[f"importance:{g.domain}"] = entry(g.importance)
            out[f"support:{g.domain}"] = entry(g.support)
            out[f"gap:{g.domain}"] = entry(g.gap)
        return out


def check_answers(instrument: Instrument, answers: Answers) -> dict[str, int | str]:
    """The answers given (None dropped), or AnswerError naming each unknown id and bad value."""
    known = set(instrument.question_ids)
    points = set(instrument.scale.points)
    clean: dict[str, int | str] = {}
    problems: list[str] = []
    for question_id, value in answers.items():
        if question_id not in known:
            problems.append(f"unknown item '{question_id}'")
        elif value is None:
            continue
        elif value == NOT_APPLICABLE or (type(value) is int and value in points):
            clean[question_id] = value
        else:
            problems.append(
                f"item '{question_id}': {value!r} is not on the scale "
                f"{instrument.scale.min}..{instrument.scale.max} or '{NOT_APPLICABLE}'"
            )
    if problems:
        raise AnswerError(problems)
    return clean


def missing_answers(instrument: Instrument, answers: Answers) -> list[str]:
    """Scored items without an answer (not applicable counts as an answer), in questionnaire order."""
    required = set(instrument.required_ids)
    return [q for q in instrument.question_ids if q in required and answers.get(q) is None]


def keyed(instrument: Instrument, item: Item, value: int) -> int:
    """The value pointing the domain's way: reverse-keyed items are mirrored."""
    return instrument.scale.min + instrument.scale.max - value if item.reverse else value


def to_100(instrument: Instrument, mean: Fraction | int | float) -> Fraction:
    """A mean on the answer scale as 0..100, exactly (a fraction, no float noise)."""
    scale = instrument.scale
    return (exact(mean) - scale.min) / (scale.max - scale.min) * 100


def exact_mean(values: Sequence[Fraction | int]) -> Fraction:
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def band_of(score: Fraction | float | None) -> str | None:
    """Decided on the exact value: 62.5 is high, also when it arrives as 62.49999999999999."""
    if score is None:
        return None
    score = exact(score)
    return "high" if score >= exact(HIGH_FROM) else "low" if score <= exact(LOW_UPTO) else "middle"


def alignment_band(instrument: Instrument, index: Fraction | float | None) -> str | None:
    """Decided on the exact index: +25 is aligned, −25 misaligned (never float noise either side)."""
    if index is None:
        return None
    bands = instrument.alignment_bands
    index = exact(index)
    return (
        "aligned"
        if index >= exact(bands.aligned_min)
        else "misaligned"
        if index <= exact(bands.misaligned_max)
        else "mixed"
    )


def enough(answered: int, n_items: int) -> bool:
    """The at-least-half-answered rule."""
    return n_items > 0 and answered >= math.ceil(n_items / 2)


def score_answers(instrument: Instrument, answers: Answers) -> ScoreReport:
    """Score one respondent's answers against the instrument they answered."""
    given = check_answers(instrument, answers)
    exact_domains = [_domain_score(instrument, d.id, d.side, given) for d in instrument.domains]
    domains = tuple(d for d, _ in exact_domains)
    match = _side_mean(exact_domains, "match")
    mismatch = _side_mean(exact_domains, "mismatch")
    index = match - mismatch if match is not None and mismatch is not None else None
    return ScoreReport(
        instrument_hash=instrument.content_hash,
        domains=domains,
        match_score=_as_float(match),
        mismatch_score=_as_float(mismatch),
        alignment_index=_as_float(index),
        alignment_band=alignment_band(instrument, index),
        elements=_element_scores(instrument, given),
        gaps=_value_gaps(instrument, given),
        answered=sum(1 for q in instrument.required_ids if isinstance(given.get(q), int)),
        not_applicable=sum(1 for q in instrument.required_ids if given.get(q) == NOT_APPLICABLE),
    )


def _domain_score(
    instrument: Instrument, domain_id: str, side: str, given: dict
) -> tuple[DomainScore, Fraction | None]:
    """The theme's score, and its exact value for the side means."""
    items = instrument.items_in(domain_id)
    values = [keyed(instrument, i, given[i.id]) for i in items if isinstance(given.get(i.id), int)]
    na = sum(1 for i in items if given.get(i.id) == NOT_APPLICABLE)
    score = to_100(instrument, exact_mean(values)) if enough(len(values), len(items)) else None
    return DomainScore(domain_id, side, _as_float(score), len(items), len(values), na, band_of(score)), score


def _side_mean(domains: list[tuple[DomainScore, Fraction | None]], side: str) -> Fraction | None:
    on_side = [(d, score) for d, score in domains if d.side == side]
    scored = [score for _, score in on_side if score is not None]
    return exact_mean(scored) if enough(len(scored), len(on_side)) else None


def _element_scores(instrument: Instrument, given: dict) -> tuple[ElementScore, ...]:
    scale = instrument.scale
    out = []
    for number in instrument.elements:
        items = instrument.lens_items(number)
        values = []
        for item in items:
            if isinstance(given.get(item.id), int):
                value = keyed(instrument, item, given[item.id])
                # agreeing with a mismatch theme detracts from compassion
                values.append(scale.min + scale.max - value if item.side == "mismatch" else value)
        score = to_100(instrument, exact_mean(values)) if enough(len(values), len(items)) else None
        out.append(ElementScore(number, _as_float(score), len(items), len(values), band_of(score)))
    return tuple(out)


def _value_gaps(instrument: Instrument, given: dict) -> tuple[ValueGap, ...]:
    out = []
    for pair in instrument.value_pairs:
        imp, sup = given.get(pair.importance.id), given.get(pair.support.id)
        importance = to_100(instrument, imp) if isinstance(imp, int) else None
        support = to_100(instrument, sup) if isinstance(sup, int) else None
        gap = support - importance if importance is not None and support is not None else None
        out.append(ValueGap(pair.domain, _as_float(importance), _as_float(support), _as_float(gap)))
    return tuple(out)
