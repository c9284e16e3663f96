"""Scoring many rows fast (`manage.py score`): the instrument's scoring rules laid out once as row positions,
then applied to each row with whole-number arithmetic.

The numbers are those of assessment.score_answers, exactly: every score is a ratio of whole numbers (a
mean of answers on the scale, taken to 0..100; side means and the index combine those), so it is computed
as numerator and denominator and turned into a float once, by one correctly rounded division, as float()
does for the core's fractions. A theme or element has a handful of items, so its few answer patterns are
each worked out once and remembered. tests/services/data_tools/test_scoring_plan.py checks that plan and core agree
on every score of many random rows. Item ids are never named here: the plan is read from the bank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import Enum
from fractions import Fraction
from operator import itemgetter
from typing import Final

from assessment import score_answers
from assessment.scoring import alignment_band
from questions import NOT_APPLICABLE, Instrument

Row = Sequence  # answers (int, NOT_APPLICABLE or None) by position; see ScoringPlan
Ratio = tuple[int, int]
MAX_REMEMBERED_ITEMS = 3  # themes and elements up to this size remember their answer patterns (7**3 at most)


class _Unseen(Enum):
    """Not worked out yet (an enum member, so that type checkers narrow ``is _UNSEEN``)."""

    UNSEEN = 0


_UNSEEN: Final = _Unseen.UNSEEN
Mean = tuple[Ratio | None, float | None]  # a mean on 0..100 as (numerator, denominator) and as a float


class ScoringPlan:
    """One instrument's scoring, ready for many rows: `score(row)` gives the values of `keys`.

    A row holds the answers in the order of `order` (default: the instrument's question ids), followed by
    one None when `order` lacks any of the instrument's questions (they count as unanswered).
    """

    def __init__(self, instrument: Instrument, order: Sequence[str] | None = None):
        self.instrument = instrument
        self.order = tuple(order if order is not None else instrument.question_ids)
        scale = instrument.scale
        self._low, self._span, self._mirror = scale.min, scale.max - scale.min, scale.min + scale.max
        at = {q: i for i, q in enumerate(self.order)}
        absent = len(self.order)  # the trailing None

        def group(items, flip) -> tuple:
            positions = [at.get(i.id, absent) for i in items]
            getter = (
                itemgetter(*positions)
                if len(positions) > 1
                else (lambda row, p=positions[0]: (row[p],))
                if positions
                else (lambda row: ())
            )
            remember: dict[tuple, Mean] | None = {} if len(positions) <= MAX_REMEMBERED_ITEMS else None
            return getter, tuple(flip(i) for i in items), remember

        self.keys: list[str] = list(score_answers(instrument, {}).flat())
        sides = ("match", "mismatch")
        self._domains = [
            (group(instrument.items_in(d.id), lambda i: i.reverse), sides.index(d.side) if d.side in sides else None)
            for d in instrument.domains
        ]
        self._themes_per_side = [sum(1 for _g, s in self._domains if s == n) for n in range(len(sides))]
        # Agreeing with a mismatch theme detracts from compassion: its items are mirrored once more.
        self._elements = [
            group(instrument.lens_items(number), lambda i: i.reverse != (i.side == "mismatch"))
            for number in instrument.elements
        ]
        self._pairs = [(at.get(p.importance.id, absent), at.get(p.support.id, absent)) for p in instrument.value_pairs]
        required = [at.get(q, absent) for q in instrument.required_ids]
        self._required = itemgetter(*required) if len(required) > 1 else lambda row: tuple(row[p] for p in required)
        self._bands: dict[Ratio, str | None] = {}
        expected = len(self._domains) + 3 + len(self._elements) + 3 * len(self._pairs)
        if len(self.keys) != expected:  # the core's report changed shape: this plan must follow it
            raise RuntimeError(f"the scoring plan makes {expected} scores, the scoring core {len(self.keys)}")

    def score(self, row: Row) -> tuple[list[float | None], str | None, int, int]:
        """The scores (in `keys` order), the alignment band, and how many scored items were answered on
        the scale and how many 'not applicable'."""
        values: list[float | None] = []
        on_side: tuple[list[Ratio], list[Ratio]] = ([], [])
        for (getter, flips, remember), side in self._domains:
            ratio, value = self._group(row, getter, flips, remember)
            values.append(value)
            if ratio is not None and side is not None:
                on_side[side].append(ratio)
        match, mismatch = (self._side_mean(r, n) for r, n in zip(on_side, self._themes_per_side))
        values += [
            None if match is None else match[0] / match[1],
            None if mismatch is None else mismatch[0] / mismatch[1],
        ]
        band = None
        if match is not None and mismatch is not None:
            index = (match[0] * mismatch[1] - mismatch[0] * match[1], match[1] * mismatch[1])
            values.append(index[0] / index[1])
            band = self._band(index)
        else:
            values.append(None)
        for getter, flips, remember in self._elements:
            values.append(self._group(row, getter, flips, remember)[1])
        for importance_at, support_at in self._pairs:
            importance, support = row[importance_at], row[support_at]
            values += [
                self._to_100(importance - self._low) if type(importance) is int else None,
                self._to_100(support - self._low) if type(support) is int else None,
                self._to_100(support - importance) if type(importance) is int and type(support) is int else None,
            ]
        required = self._required(row)
        not_applicable = required.count(NOT_APPLICABLE)
        return values, band, len(required) - required.count(None) - not_applicable, not_applicable

    def _group(self, row: Row, getter, flips: tuple[bool, ...], remember: dict[tuple, Mean] | None) -> Mean:
        answers = getter(row)
        if remember is None:
            return self._mean_to_100(answers, flips)
        known = remember.get(answers, _UNSEEN)
        if known is _UNSEEN:
            known = remember[answers] = self._mean_to_100(answers, flips)
        return known

    def _mean_to_100(self, answers: tuple, flips: tuple[bool, ...]) -> tuple[Ratio | None, float | None]:
        """The mean of the keyed answers on 0..100, as (numerator, denominator) and as a float; None when
        fewer than half of the items were answered on the scale."""
        keyed = [self._mirror - a if flip else a for a, flip in zip(answers, flips) if type(a) is int]
        if not flips or len(keyed) < math.ceil(len(flips) / 2):
            return None, None
        ratio = 100 * (sum(keyed) - len(keyed) * self._low), len(keyed) * self._span
        return ratio, ratio[0] / ratio[1]

    def _to_100(self, steps: int) -> float:
        """Steps up the scale as 0..100 (a gap: the difference of two answers)."""
        return 100 * steps / self._span

    @staticmethod
    def _side_mean(scores: list[Ratio], themes: int) -> Ratio | None:
        if not themes or len(scores) < math.ceil(themes / 2):
            return None
        common = math.lcm(*(d for _n, d in scores))
        return sum(n * (common // d) for n, d in scores), common * len(scores)

    def _band(self, index: Ratio) -> str | None:
        # The core's own rule, on the exact index; few distinct indexes occur, so each is decided once.
        band = self._bands.get(index, _UNSEEN)
        if band is _UNSEEN:
            band = self._bands[index] = alignment_band(self.instrument, Fraction(*index))
        return band
