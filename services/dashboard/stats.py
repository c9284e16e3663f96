"""The dashboard's statistics, from sums and counts only: no database, no individual responses.

Every input is what the tallies hold for a group of responses: a score's (n, total, total_sq), or an
item's answer counts {value: count} with value 0 for "not applicable / don't know". Everything here is
a function of such sums, which is what the anonymity rule's linear argument covers (medians, quantiles,
minima and maxima are not, and are deliberately absent).

- mean with a 95% interval (Student's t; table for small df, Cornish-Fisher expansion beyond);
- sample variances (n - 1 denominator) of a score or of an item;
- within-group agreement r_wg (one item) and r_wg(J) (a J-item scale), James, Demaree & Wolf (1984),
  against the uniform ("no agreement at all") null distribution sigma^2_EU = (A^2 - 1) / 12;
- Cronbach's alpha of a domain from its item variances and the variance of the domain scores, only from
  MIN_N_FOR_ALPHA responses (framework.md);
- answer distributions per item (percentages of the scale points) and the not-applicable rate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NOT_APPLICABLE_VALUE = 0  # the tallies' value for "not applicable / don't know" (db/tallies.py)
MIN_N_FOR_ALPHA = 30  # reliability only for groups of 30 or more (framework.md)
AGREEMENT_SPLIT_BELOW = 0.7  # r_wg below this: the group's mean hides different views

# Reasons an estimate is missing; pages translate these codes into their own words.
TOO_FEW_FOR_ALPHA = "fewer than 30 responses"
TOO_FEW_ITEMS = "fewer than two items"
NO_SCORE_VARIANCE = "no variance in the domain scores"
NOT_ENOUGH_ANSWERS = "not enough answers"
# A note on an r_wg that was clipped to 0.
MORE_SPREAD_THAN_UNIFORM = "observed variance exceeds that of uniformly random answers; set to 0"

# Two-sided 95% critical values of Student's t for df = 1..30 (t_{0.975, df}).
_T_975 = (
    12.7062,
    4.30265,
    3.18245,
    2.77645,
    2.57058,
    2.44691,
    2.36462,
    2.30600,
    2.26216,
    2.22814,
    2.20099,
    2.17881,
    2.16037,
    2.14479,
    2.13145,
    2.11991,
    2.10982,
    2.10092,
    2.09302,
    2.08596,
    2.07961,
    2.07387,
    2.06866,
    2.06390,
    2.05954,
    2.05553,
    2.05183,
    2.04841,
    2.04523,
    2.04227,
)
_Z_975 = 1.959963984540054


def t_critical_95(df: int) -> float:
    """t_{0.975, df}: the multiplier of the standard error for a two-sided 95% interval.

    Exact table values up to df = 30; beyond, the Cornish-Fisher expansion of t around the normal
    quantile, which is within 1e-5 of the exact value from df = 31 on.
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, not {df}")
    if df <= len(_T_975):
        return _T_975[df - 1]
    z = _Z_975
    return (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
        + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * df**4)
    )


@dataclass(frozen=True)
class Moments:
    """n values summed (total) and summed squared (total_sq): what a tally holds for one score."""

    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0

    def __add__(self, other: Moments) -> Moments:
        return Moments(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @classmethod
    def of_counts(cls, counts: Mapping[int, int]) -> Moments:
        """The moments of an item's answers {value: count}; "not applicable" (0) is left out."""
        n = total = total_sq = 0
        for value, count in counts.items():
            if value != NOT_APPLICABLE_VALUE:
                n += count
                total += value * count
                total_sq += value * value * count
        return cls(n, float(total), float(total_sq))

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """Sample variance (n - 1 denominator); None below two values."""
        if self.n < 2:
            return None
        # Rounding can take a zero variance a hair below 0.
        return max(0.0, (self.total_sq - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Estimate:
    """A mean with its standard deviation and 95% interval; low/high are None for a single value."""

    n: int
    mean: float
    sd: float | None
    low: float | None
    high: float | None


SCORE_BOUNDS = (0.0, 100.0)
ALIGNMENT_BOUNDS = (-100.0, 100.0)


def mean_interval(moments: Moments, bounds: tuple[float, float] = SCORE_BOUNDS) -> Estimate | None:
    """Mean and 95% t-interval of the values summed in `moments`; None when there are none.

    The interval is cut at the scale's `bounds`: with few, spread answers the t-interval reaches past
    them, and a mean can never lie outside the scale.
    """
    if moments.n == 0:
        return None
    mean = moments.total / moments.n
    variance = moments.variance
    if variance is None:
        return Estimate(moments.n, mean, None, None, None)
    sd = math.sqrt(variance)
    half = t_critical_95(moments.n - 1) * sd / math.sqrt(moments.n)
    lowest, highest = bounds
    return Estimate(moments.n, mean, sd, max(lowest, mean - half), min(highest, mean + half))


def uniform_variance(options: int) -> float:
    """sigma^2_EU = (A^2 - 1) / 12: the variance of answers spread evenly over A options."""
    if options < 2:
        raise ValueError(f"a scale needs at least two options, not {options}")
    return (options * options - 1) / 12


@dataclass(frozen=True)
class Agreement:
    """Within-group agreement, 0 (none beyond random answering) .. 1 (everyone gave the same answer).

    `raw` is the formula's value before clipping to [0, 1]; `note` says when it was clipped.
    """

    value: float
    raw: float
    n_items: int
    note: str | None = None

    @property
    def split(self) -> bool:
        """True when the mean hides different views (r_wg below AGREEMENT_SPLIT_BELOW)."""
        return self.value < AGREEMENT_SPLIT_BELOW


def rwg(variance: float, options: int) -> Agreement:
    """r_wg of one item: 1 - s^2 / sigma^2_EU, clipped to [0, 1]."""
    raw = 1 - variance / uniform_variance(options)
    return _clipped(raw, 1)


def rwg_j(item_variances: Sequence[float], options: int) -> Agreement | None:
    """r_wg(J) of a J-item scale (James, Demaree & Wolf 1984), None without items.

    r_wg(J) = J(1 - m/s_EU) / (J(1 - m/s_EU) + m/s_EU), with m the mean of the item variances. When m
    exceeds the uniform variance the formula leaves [0, 1]; such a group shows no agreement: 0, noted.
    """
    j = len(item_variances)
    if j == 0:
        return None
    ratio = (sum(item_variances) / j) / uniform_variance(options)
    if ratio > 1:
        # The formula's value here is meaningless (it even jumps past 1 near ratio = J / (J - 1)).
        raw = j * (1 - ratio) / (j * (1 - ratio) + ratio) if j * (1 - ratio) + ratio else -math.inf
        return Agreement(0.0, raw, j, MORE_SPREAD_THAN_UNIFORM)
    return _clipped(j * (1 - ratio) / (j * (1 - ratio) + ratio), j)


def _clipped(raw: float, n_items: int) -> Agreement:
    if raw < 0:
        return Agreement(0.0, raw, n_items, MORE_SPREAD_THAN_UNIFORM)
    return Agreement(min(raw, 1.0), raw, n_items)


def group_agreement(item_counts: Iterable[Mapping[int, int]], options: int) -> Agreement | None:
    """r_wg(J) of a domain from its items' answer counts; items with fewer than 2 answers are left out.

    None when no item has two answers. Reverse-keyed items need no mirroring: mirroring leaves a
    variance unchanged.
    """
    variances = [v for v in (Moments.of_counts(c).variance for c in item_counts) if v is not None]
    return rwg_j(variances, options)


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of a domain with its n; alpha None with a reason when it is not reported."""

    n: int
    n_items: int
    alpha: float | None
    reason: str | None = None


def cronbach_alpha(
    item_variances: Sequence[float], total_variance: float, n: int, *, min_n: int = MIN_N_FOR_ALPHA
) -> Reliability:
    """alpha = J/(J-1) * (1 - sum(item variances) / variance of the item sum), only from `min_n`.

    `total_variance` is the variance of the respondents' item sums. Alpha can be negative (items that
    do not hang together); it is reported as it is.
    """
    j = len(item_variances)
    if n < min_n:
        return Reliability(n, j, None, TOO_FEW_FOR_ALPHA)
    if j < 2:
        return Reliability(n, j, None, TOO_FEW_ITEMS)
    if total_variance <= 0:
        return Reliability(n, j, None, NO_SCORE_VARIANCE)
    return Reliability(n, j, j / (j - 1) * (1 - sum(item_variances) / total_variance))


def domain_alpha(
    item_counts: Sequence[Mapping[int, int]],
    domain_scores: Moments,
    *,
    scale_min: int,
    scale_max: int,
    min_n: int = MIN_N_FOR_ALPHA,
) -> Reliability:
    """Cronbach's alpha of a domain from its items' answer counts and the tally of its 0..100 scores.

    A domain score is the mean of the answered (keyed) items on 0..100, so the item sum of a respondent
    is J * (min + score/100 * (max - min)), and var(sum) = J^2 * ((max - min)/100)^2 * var(score).
    Exact when every respondent answered every item of the domain; with "not applicable" answers the
    score is the mean of fewer items and alpha an approximation. n is the number of domain scores.
    """
    j = len(item_counts)
    variances = [Moments.of_counts(c).variance for c in item_counts]
    score_variance = domain_scores.variance
    if domain_scores.n < min_n:
        return Reliability(domain_scores.n, j, None, TOO_FEW_FOR_ALPHA)
    if score_variance is None or any(v is None for v in variances):
        return Reliability(domain_scores.n, j, None, NOT_ENOUGH_ANSWERS)
    total_variance = j * j * ((scale_max - scale_min) / 100) ** 2 * score_variance
    return cronbach_alpha([v for v in variances if v is not None], total_variance, domain_scores.n, min_n=min_n)


@dataclass(frozen=True)
class Distribution:
    """How an item was answered: percentages of the scale points among those who gave one, and the
    share of "not applicable" among everyone who answered the item at all."""

    answered: int  # gave a scale point
    not_applicable: int
    percentages: Mapping[int, float]  # point -> % of `answered` (every point present; empty if none)
    na_rate: float | None  # % of answered + not_applicable; None when nobody answered

    @property
    def n(self) -> int:
        return self.answered + self.not_applicable


def na_rate(counts: Mapping[int, int]) -> float | None:
    """Percentage of "not applicable" among all answers to an item; None without answers."""
    everyone = sum(counts.values())
    return 100 * counts.get(NOT_APPLICABLE_VALUE, 0) / everyone if everyone else None


def likert_distribution(counts: Mapping[int, int], points: Sequence[int]) -> Distribution:
    """The answer distribution of an item over the scale `points` (values off the scale are refused)."""
    strangers = sorted(set(counts) - set(points) - {NOT_APPLICABLE_VALUE})
    if strangers:
        raise ValueError(f"answer values {strangers} are not on the scale {list(points)}")
    answered = sum(counts.get(p, 0) for p in points)
    not_applicable = counts.get(NOT_APPLICABLE_VALUE, 0)
    percentages = {p: 100 * counts.get(p, 0) / answered for p in points} if answered else {}
    return Distribution(answered, not_applicable, percentages, na_rate(counts))
