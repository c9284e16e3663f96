"""The fast scorer of `manage.py score` (services/data_tools/scoring_plan.py) gives exactly the numbers, band and counts
of the scoring core, for the installed bank, its short forms and the test bank."""

from __future__ import annotations

import random

import pytest

from assessment import score_answers
from questions import (
    BANKS_DIR,
    NOT_APPLICABLE,
    derive_forms,
    load_banks,
    load_instrument,
)
from services.data_tools.scoring_plan import ScoringPlan
from services.runtime import newest
from services.settings import Settings
from tests.manage.manage_helpers import GOLDEN, MINI_BANK

BANK = newest(load_banks(BANKS_DIR), Settings().instrument)
INSTRUMENTS = [BANK, *derive_forms(BANK), load_instrument(MINI_BANK)]
# Many rows at the edges of the at-least-half rule, and the extremes where reverse keying shows.
CHOICES = (1, 2, 3, 4, 5, 1, 5, NOT_APPLICABLE, None, None)


def same_as_the_core(instrument, row: list) -> None:
    report = score_answers(instrument, dict(zip(instrument.question_ids, row)))
    values, band, answered, not_applicable = ScoringPlan(instrument).score(row)
    assert dict(zip(ScoringPlan(instrument).keys, values)) == {k: v for k, (v, _s) in report.flat().items()}
    assert (band, answered, not_applicable) == (report.alignment_band, report.answered, report.not_applicable)


@pytest.mark.parametrize("instrument", INSTRUMENTS, ids=lambda i: i.label)
def test_random_rows_score_exactly_as_the_core_scores_them(instrument):
    plan, rng = ScoringPlan(instrument), random.Random(14)
    for _ in range(600):
        row = [rng.choice(CHOICES) for _ in instrument.question_ids]
        report = score_answers(instrument, dict(zip(instrument.question_ids, row)))
        values, band, answered, not_applicable = plan.score(row)
        assert values == [v for v, _status in report.flat().values()], row
        assert (band, answered, not_applicable) == (report.alignment_band, report.answered, report.not_applicable)
    assert plan.keys == list(report.flat())


@pytest.mark.parametrize("fill", [None, NOT_APPLICABLE, 1, 5], ids=["empty", "all na", "all 1", "all 5"])
def test_uniform_rows_score_as_the_core_scores_them(fill):
    for instrument in INSTRUMENTS:
        same_as_the_core(instrument, [fill] * len(instrument.question_ids))


def test_the_hand_worked_row():
    mini = load_instrument(MINI_BANK)
    answers = {q: NOT_APPLICABLE if v == "na" else v for q, v in GOLDEN["answers"].items()}
    values, band, _answered, _na = ScoringPlan(mini).score([answers.get(q) for q in mini.question_ids])
    assert dict(zip(ScoringPlan(mini).keys, values)) == pytest.approx(GOLDEN["expected"])
    assert band == GOLDEN["bands"]["alignment"]
