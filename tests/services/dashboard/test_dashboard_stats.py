"""The dashboard's statistics from sums and counts, against hand-worked numbers and direct computation
from raw responses (numpy), table-driven."""

from __future__ import annotations

import math
from collections import Counter
from random import Random

import numpy as np
import pytest

from services.dashboard.stats import (
    ALIGNMENT_BOUNDS,
    MIN_N_FOR_ALPHA,
    MORE_SPREAD_THAN_UNIFORM,
    NO_SCORE_VARIANCE,
    NOT_ENOUGH_ANSWERS,
    SCORE_BOUNDS,
    TOO_FEW_FOR_ALPHA,
    TOO_FEW_ITEMS,
    Moments,
    cronbach_alpha,
    domain_alpha,
    group_agreement,
    likert_distribution,
    mean_interval,
    na_rate,
    rwg,
    rwg_j,
    t_critical_95,
    uniform_variance,
)


def moments(values) -> Moments:
    return Moments(len(values), float(sum(values)), float(sum(v * v for v in values)))


def counts(values) -> dict[int, int]:
    return dict(Counter(values))


# --- t and the mean's interval --------------------------------------------------------------------


def _t_cdf(t: float, df: int, steps: int = 4000) -> float:
    """P(T <= t) by Simpson's rule over Student's density (independent of the module's table)."""
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def density(x):
        return c * (1 + x * x / df) ** (-(df + 1) / 2)

    h = t / steps
    inner = sum((4 if i % 2 else 2) * density(i * h) for i in range(1, steps))
    return 0.5 + (density(0) + density(t) + inner) * h / 3


@pytest.mark.parametrize(
    "df, expected",
    [
        (1, 12.706),
        (2, 4.303),
        (4, 2.776),
        (5, 2.571),
        (9, 2.262),
        (29, 2.045),
        (30, 2.042),
        (40, 2.021),
        (60, 2.000),
        (120, 1.980),
    ],
)
def test_t_critical_values_match_printed_tables(df, expected):
    assert t_critical_95(df) == pytest.approx(expected, abs=6e-4)


@pytest.mark.parametrize("df", [1, 2, 3, 7, 15, 30, 31, 33, 50, 200, 5000])
def test_t_critical_values_leave_two_and_a_half_percent_in_the_tail(df):
    assert _t_cdf(t_critical_95(df), df) == pytest.approx(0.975, abs=2e-6)


def test_t_needs_a_degree_of_freedom():
    with pytest.raises(ValueError):
        t_critical_95(0)


def test_mean_interval_hand_worked():
    # 1..5: mean 3, s^2 = 10/4 = 2.5, se = sqrt(2.5/5) = 0.70711, t_4 = 2.77645 -> half 1.96324
    estimate = mean_interval(moments([1, 2, 3, 4, 5]))
    assert (estimate.n, estimate.mean) == (5, 3.0)
    assert estimate.sd == pytest.approx(math.sqrt(2.5))
    assert (estimate.low, estimate.high) == (pytest.approx(1.03676, abs=1e-5), pytest.approx(4.96324, abs=1e-5))


@pytest.mark.parametrize(
    "values",
    [
        [50.0, 75.0, 62.5, 100.0, 25.0, 50.0],
        [0.0, 100.0] * 20,
        [33.3, 41.7, 58.3, 66.7, 75.0, 91.7, 8.3],
        list(np.random.default_rng(3).uniform(0, 100, 500)),
    ],
)
def test_mean_interval_equals_direct_computation(values):
    data = np.array(values)
    n, mean, sd = len(data), data.mean(), data.std(ddof=1)
    half = t_critical_95(n - 1) * sd / math.sqrt(n)
    estimate = mean_interval(moments(values))
    assert estimate.mean == pytest.approx(mean)
    assert estimate.sd == pytest.approx(sd)
    assert (estimate.low, estimate.high) == (pytest.approx(mean - half), pytest.approx(mean + half))


@pytest.mark.parametrize(
    "values, expected",
    [
        ([], None),
        ([62.5], (1, 62.5, None, None, None)),
        ([40.0, 40.0, 40.0], (3, 40.0, 0.0, 40.0, 40.0)),  # no spread: a zero-width interval, never negative
    ],
)
def test_mean_interval_edges(values, expected):
    estimate = mean_interval(moments(values))
    got = None if estimate is None else (estimate.n, estimate.mean, estimate.sd, estimate.low, estimate.high)
    assert got == expected


@pytest.mark.parametrize(
    "values, bounds, expected_low, expected_high",
    [
        ([100.0, 100.0, 100.0, 100.0, 80.0], SCORE_BOUNDS, None, 100.0),  # the t-interval reaches 107
        ([0.0, 0.0, 0.0, 0.0, 20.0], SCORE_BOUNDS, 0.0, None),  # ... and -7
        ([-100.0] * 4 + [-60.0], ALIGNMENT_BOUNDS, -100.0, None),  # the alignment index runs -100..+100
        ([50.0, 55.0, 60.0], SCORE_BOUNDS, None, None),  # well inside: untouched
    ],
)
def test_mean_interval_is_cut_at_the_scale(values, bounds, expected_low, expected_high):
    estimate = mean_interval(moments(values), bounds)
    data = np.array(values)
    half = t_critical_95(len(data) - 1) * data.std(ddof=1) / math.sqrt(len(data))
    assert estimate.low == (expected_low if expected_low is not None else pytest.approx(data.mean() - half))
    assert estimate.high == (expected_high if expected_high is not None else pytest.approx(data.mean() + half))
    assert bounds[0] <= estimate.low <= estimate.mean <= estimate.high <= bounds[1]


def test_moments_add_and_leave_not_applicable_out():
    assert moments([1, 2]) + moments([3]) == moments([1, 2, 3])
    assert Moments.of_counts({0: 7, 2: 1, 4: 1}) == moments([2, 4])
    assert Moments.of_counts({0: 3}).variance is None and Moments().mean is None


# --- agreement ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers, expected, clipped",
    [
        ([3, 3, 4, 4], 5 / 6, False),  # s^2 = 1/3, 1 - (1/3)/2
        ([4, 4, 4, 4, 4], 1.0, False),
        ([2, 4, 2, 4], 1 - (4 / 3) / 2, False),  # s^2 = 4/3
        ([1, 5, 1, 5], 0.0, True),  # s^2 = 16/3 > 2
        ([1, 2, 3, 4, 5], 0.0, True),  # sample s^2 = 2.5 > 2
    ],
)
def test_rwg_single_item(answers, expected, clipped):
    variance = Moments.of_counts(counts(answers)).variance
    agreement = rwg(variance, 5)
    assert agreement.value == pytest.approx(expected)
    assert agreement.raw == pytest.approx(1 - np.var(answers, ddof=1) / 2)
    assert (agreement.note == MORE_SPREAD_THAN_UNIFORM) is clipped


def test_uniform_variance():
    assert uniform_variance(5) == 2.0 and uniform_variance(7) == 4.0
    with pytest.raises(ValueError):
        uniform_variance(1)


@pytest.mark.parametrize(
    "variances, expected, clipped",
    [
        ([0.5, 0.5, 0.5], 0.9, False),  # m/s = 0.25: 3*0.75 / (3*0.75 + 0.25)
        ([0.0, 0.0], 1.0, False),
        ([1.0, 0.0], 2 * 0.75 / (2 * 0.75 + 0.25), False),
        ([2.0, 2.0], 0.0, False),  # as spread as random answering
        ([3.0, 3.0], 0.0, True),  # more spread than random: the formula leaves [0, 1]
        ([1.9, 2.3], 0.0, True),  # m/s = 1.05: the raw value is far below 0
    ],
)
def test_rwg_j(variances, expected, clipped):
    agreement = rwg_j(variances, 5)
    assert agreement.value == pytest.approx(expected)
    assert agreement.n_items == len(variances)
    assert (agreement.note == MORE_SPREAD_THAN_UNIFORM) is clipped
    assert 0.0 <= agreement.value <= 1.0
    assert agreement.split is (agreement.value < 0.7)
    assert rwg_j([], 5) is None


def _jdw(matrix: np.ndarray, options: int = 5) -> float:
    """r_wg(J) written out from James, Demaree & Wolf (1984), on raw responses."""
    j = matrix.shape[1]
    ratio = matrix.var(axis=0, ddof=1).mean() / ((options**2 - 1) / 12)
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


@pytest.mark.parametrize("seed, spread", [(1, (0, 0, 0, 1)), (2, (-1, 0, 1)), (3, (0, 0, 0, 0, 0, 1))])
def test_group_agreement_from_answer_counts_equals_raw_computation(seed, spread):
    rng = Random(seed)
    matrix = np.array([[min(5, max(1, 4 + rng.choice(spread))) for _ in range(3)] for _ in range(12)])
    item_counts = [counts(matrix[:, i].tolist()) for i in range(3)]
    assert group_agreement(item_counts, 5).value == pytest.approx(min(1.0, max(0.0, _jdw(matrix))))


def test_group_agreement_leaves_out_items_without_two_answers():
    assert group_agreement([{0: 4, 3: 1}, {3: 2, 4: 2}], 5).n_items == 1
    assert group_agreement([{0: 4}, {}], 5) is None


# --- reliability ----------------------------------------------------------------------------------


def _alpha(matrix: np.ndarray) -> float:
    j = matrix.shape[1]
    return j / (j - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([[1, 1, 1], [2, 2, 2], [3, 3, 3]], 1.0),  # item variances 1; sums 3,6,9: s^2 = 9
        ([[1, 2], [2, 1], [3, 3]], 2 / 3),  # 2 * (1 - 2/3)
        ([[1, 4], [4, 1], [3, 3], [2, 2]], -8.0),  # pulling apart: 2 * (1 - (10/3) / (2/3))
    ],
)
def test_cronbach_alpha_hand_worked(rows, expected):
    matrix = np.array(rows, dtype=float)
    result = cronbach_alpha(list(matrix.var(axis=0, ddof=1)), matrix.sum(axis=1).var(ddof=1), len(rows), min_n=3)
    assert result.alpha == pytest.approx(expected) == pytest.approx(_alpha(matrix))


@pytest.mark.parametrize(
    "variances, total, n, reason",
    [
        ([1.0, 1.0], 3.0, MIN_N_FOR_ALPHA - 1, TOO_FEW_FOR_ALPHA),
        ([1.0], 1.0, 100, TOO_FEW_ITEMS),
        ([1.0, 1.0], 0.0, 100, NO_SCORE_VARIANCE),
    ],
)
def test_cronbach_alpha_not_reported(variances, total, n, reason):
    result = cronbach_alpha(variances, total, n)
    assert (result.alpha, result.reason, result.n) == (None, reason, n)


def _domain_case(n: int, seed: int, reverse: tuple[bool, ...]):
    """Raw answers of n respondents to a domain's items, and what the tallies would hold for them."""
    rng = np.random.default_rng(seed)
    trait = rng.integers(1, 6, n)
    raw = np.clip(trait[:, None] + rng.integers(-1, 2, (n, len(reverse))), 1, 5)
    keyed = np.where(np.array(reverse)[None, :], 6 - raw, raw)
    scores = (keyed.mean(axis=1) - 1) / 4 * 100
    item_counts = [counts(raw[:, i].tolist()) for i in range(len(reverse))]
    return keyed, item_counts, moments(scores.tolist())


@pytest.mark.parametrize(
    "n, seed, reverse",
    [
        (30, 1, (False, False, False)),
        (31, 2, (False, True, False)),
        (45, 3, (False, False)),
        (400, 4, (True, False, False, True)),
    ],
)
def test_domain_alpha_from_tallies_equals_alpha_from_raw_answers(n, seed, reverse):
    # Raw answers are tallied before reverse keying; the scores are keyed. Both give the same alpha.
    keyed, item_counts, scores = _domain_case(n, seed, reverse)
    result = domain_alpha(item_counts, scores, scale_min=1, scale_max=5)
    assert (result.n, result.n_items, result.reason) == (n, len(reverse), None)
    assert result.alpha == pytest.approx(_alpha(keyed.astype(float)))


def test_domain_alpha_only_from_30():
    _keyed, item_counts, scores = _domain_case(29, 5, (False, False, False))
    result = domain_alpha(item_counts, scores, scale_min=1, scale_max=5)
    assert (result.alpha, result.reason, result.n) == (None, TOO_FEW_FOR_ALPHA, 29)


def test_domain_alpha_needs_every_item_answered_twice():
    result = domain_alpha([{3: 40}, {0: 39, 2: 1}], moments([50.0] * 20 + [25.0] * 20), scale_min=1, scale_max=5)
    assert (result.alpha, result.reason) == (None, NOT_ENOUGH_ANSWERS)


# --- distributions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item_counts, answered, percentages, rate",
    [
        ({1: 1, 2: 1, 4: 2, 0: 1}, 4, {1: 25.0, 2: 25.0, 3: 0.0, 4: 50.0, 5: 0.0}, 20.0),
        ({5: 3}, 3, {1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 100.0}, 0.0),
        ({0: 2}, 0, {}, 100.0),
        ({}, 0, {}, None),
    ],
)
def test_likert_distribution(item_counts, answered, percentages, rate):
    distribution = likert_distribution(item_counts, (1, 2, 3, 4, 5))
    assert (distribution.answered, distribution.percentages, distribution.na_rate) == (answered, percentages, rate)
    assert distribution.n == sum(item_counts.values())
    assert na_rate(item_counts) == rate


def test_likert_distribution_refuses_values_off_the_scale():
    with pytest.raises(ValueError):
        likert_distribution({6: 1}, (1, 2, 3, 4, 5))
