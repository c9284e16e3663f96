"""The parts of the dashboard, each built from views already decided: the view types (themes, groups
with their decisions, means, heatmap rows, item distributions, trends, participation, agreement,
reliability, where to start) and the functions that build them from the tallies' sums.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from assessment.anonymity import ALL, EMPTY, NOT_OFFERED, WITHHELD, Decision, Selector
from assessment.scoring import HIGH_FROM, LOW_UPTO
from db.org_models import SurveyRound, Team
from db.tallies import ALIGNMENT_KEY
from questions.model import Instrument, localise
from services.dashboard.data import DashboardContext
from services.dashboard.stats import (
    ALIGNMENT_BOUNDS,
    Agreement,
    Distribution,
    Estimate,
    Moments,
    Reliability,
    domain_alpha,
    group_agreement,
    mean_interval,
    t_critical_95,
)

LOW_PARTICIPATION_BELOW = 0.5  # share of a team's headcount (per round invited) that answered
WHERE_TO_START_MAX = 3

# Reasons for "where to start"; pages translate them.
MISALIGNED = "misaligned"  # a match theme in the low band, or a mismatch theme in the high band
LEAST_ALIGNED = "least aligned"  # among the themes furthest toward misalignment, though not in that band
SPLIT_VIEW = "split view"  # within-group agreement r_wg(J) below 0.7
ITEMS_DIFFER = "the theme's items differ between instrument versions"


@dataclass(frozen=True)
class Theme:
    """A domain of the instrument(s), named in the view's language."""

    id: str
    side: str
    name: str
    element: int | None = None

    @property
    def key(self) -> str:
        return f"domain:{self.id}"


@dataclass(frozen=True)
class Group:
    """A view the dashboard offers, named for people, with its anonymity decision."""

    selector: Selector
    label: str
    decision: Decision

    @property
    def shown(self) -> bool:
        return self.decision.shown

    @property
    def n(self) -> int | None:
        """The number of responses: given when shown (0 when empty), None when withheld."""
        return self.decision.n


@dataclass(frozen=True)
class ThemeMean:
    """A theme's mean score (0..100) with its 95% interval, and how far the group agrees on it.

    `estimate` is None when no response of the group has this score (not enough answers).
    """

    theme: Theme
    estimate: Estimate | None
    agreement: Agreement | None


@dataclass(frozen=True)
class TeamThemes:
    """A heatmap row: one team's match and mismatch theme means (empty unless the team is shown)."""

    team_id: int
    team_name: str
    group: Group
    means: tuple[ThemeMean, ...]
    alignment: Estimate | None


@dataclass(frozen=True)
class ItemDistribution:
    """How an item was answered (raw answers, before reverse keying; `reverse` says when it is).
    `withheld`: answered, but by fewer people than the anonymity rule needs for this view (empty then)."""

    item_id: str
    text: str
    theme_id: str
    side: str
    reverse: bool
    distribution: Distribution
    withheld: bool = False


@dataclass(frozen=True)
class ElementMean:
    """A compassion element's mean (0..100, high = the intervention supports it)."""

    element: int
    name: str
    estimate: Estimate | None


@dataclass(frozen=True)
class TrendPoint:
    """One round of the trend, decided on its own."""

    round_id: int
    round_name: str
    opens_at: datetime
    group: Group
    alignment: Estimate | None
    means: tuple[ThemeMean, ...]
    intervention_id: int = 0
    intervention: str = ""  # a trend line joins rounds of one intervention only


@dataclass(frozen=True)
class Participation:
    """A team's responses against its headcount over the rounds it was invited to."""

    team_id: int
    team_name: str
    group: Group
    size: int | None
    invited_rounds: int
    rate: float | None  # 0..1 (above 1 when the headcount is out of date); None if unknown or by role

    @property
    def low(self) -> bool:
        return self.rate is not None and self.rate < LOW_PARTICIPATION_BELOW


@dataclass(frozen=True)
class ThemeAgreement:
    theme: Theme
    agreement: Agreement | None  # None: no item of the theme has two answers

    @property
    def split(self) -> bool:
        """True when the team's mean hides different views ("this team's view is split")."""
        return self.agreement is not None and self.agreement.split


@dataclass(frozen=True)
class TeamAgreement:
    """Within-team agreement r_wg(J) per theme (empty unless the team is shown)."""

    team_id: int
    team_name: str
    group: Group
    themes: tuple[ThemeAgreement, ...]


@dataclass(frozen=True)
class DomainReliability:
    theme: Theme
    reliability: Reliability


@dataclass(frozen=True)
class StartingPoint:
    """A theme to start the conversation with, why, and the question to start it with."""

    theme: Theme
    estimate: Estimate
    misalignment: float  # 0..100: 100 - mean for a match theme, the mean for a mismatch one
    agreement: Agreement | None
    reasons: tuple[str, ...]  # MISALIGNED or LEAST_ALIGNED, and/or SPLIT_VIEW
    question: str


# --- building the parts -----------------------------------------------------------------------


def group_for(ctx: DashboardContext, selector: Selector) -> Group:
    """The view `selector` names, labelled, with its decision (an undecided view is never shown)."""
    decision = ctx.decisions.get(selector)
    if decision is None:
        # Not an offered view: a team, round or role without any response (known to be empty), or
        # something the rule never decided on, which fails closed.
        decision = Decision(EMPTY, n=0) if ctx.population.n(selector) == 0 else Decision(WITHHELD, NOT_OFFERED)
    return Group(selector, _label(ctx, selector), decision)


def _label(ctx: DashboardContext, selector: Selector) -> str:
    team_names: dict[Hashable, str] = {t.id: t.name for t in ctx.teams}
    team = "all teams" if selector.team is ALL else team_names.get(selector.team, str(selector.team))
    if selector.rounds is ALL:
        rounds = "all rounds"
    else:
        names = {r.id: r.name for r in ctx.rounds}
        intervention = next(
            (name for name, members in ctx.round_groups.items() if members == selector.rounds and len(members) > 1),
            None,
        )
        if intervention is not None:
            rounds = ctx.intervention_names[int(intervention.split(":", 1)[1])]
        else:
            rounds = ", ".join(names.get(r, str(r)) for r in sorted(selector.rounds))
    if selector.role is ALL:
        role = "all roles"
    elif selector.role is None:
        role = "role not given"
    else:
        role = _role_name(ctx, selector.role)
    return f"{team} · {rounds} · {role}"


def _role_name(ctx: DashboardContext, role: Hashable) -> str:
    for instrument in [ctx.rt.instrument, *ctx.rt.banks.values()]:
        for known in instrument.roles:
            if known.id == role:
                return localise(known.name, ctx.language)
    return str(role)


def common_themes_and_items(instruments: Sequence[Instrument], language: str) -> tuple[tuple[Theme, ...], tuple]:
    """The domains (same id and side) and items (same id and domain) of every version, in the newest's
    order and words."""
    newest = instruments[-1]
    themes = tuple(
        Theme(d.id, d.side, localise(d.name, language), d.element)
        for d in newest.domains
        if all(any(o.id == d.id and o.side == d.side for o in i.domains) for i in instruments)
    )
    theme_ids = {t.id for t in themes}
    items = tuple(
        item
        for item in newest.items
        if item.domain in theme_ids
        and all(item.id in {o.id for o in i.items if o.domain == item.domain} for i in instruments)
    )
    return themes, items


def group_alignment(themes: Sequence[Theme], scores: Mapping[str, Moments]) -> Estimate | None:
    """The group's alignment index: the match themes' average minus the clash themes' average, each theme
    averaged over those with a score for it; its spread and interval are those of people's own indexes.

    For a group in which everyone has every theme score this is the average of their own indexes. Unlike
    that average it adds nothing to the theme averages shown beside it, so the two together never tell the
    theme scores of the few who lack one (assessment/anonymity/figures.py). None without the people's
    indexes (withheld, or nobody has one) or with fewer than half the themes of a side."""
    own = mean_interval(scores.get(ALIGNMENT_KEY, Moments()), ALIGNMENT_BOUNDS)
    if own is None:
        return None
    sides = []
    for side in ("match", "mismatch"):
        on_side = [theme for theme in themes if theme.side == side]
        means = [
            scores[theme.key].total / scores[theme.key].n
            for theme in on_side
            if theme.key in scores and scores[theme.key].n
        ]
        if not on_side or 2 * len(means) < len(on_side):
            return None
        sides.append(sum(means) / len(means))
    mean = sides[0] - sides[1]
    if own.sd is None:
        return Estimate(own.n, mean, None, None, None)
    half = t_critical_95(own.n - 1) * own.sd / math.sqrt(own.n)
    lowest, highest = ALIGNMENT_BOUNDS
    return Estimate(own.n, mean, own.sd, max(lowest, mean - half), min(highest, mean + half))


def theme_means_of(
    themes: Sequence[Theme],
    items: Sequence,
    scores: Mapping[str, Moments],
    answers: Mapping[str, Mapping[int, int]],
    instrument: Instrument,
) -> tuple[ThemeMean, ...]:
    """Each theme's mean score with its interval, and the agreement on its items."""
    options = len(instrument.scale.points)
    out = []
    for theme in themes:
        item_counts = [answers.get(i.id, {}) for i in items if i.domain == theme.id]
        out.append(
            ThemeMean(theme, mean_interval(scores.get(theme.key, Moments())), group_agreement(item_counts, options))
        )
    return tuple(out)


def domain_reliability(
    themes: Sequence[Theme],
    items: Sequence,
    instruments: Sequence[Instrument],
    scores: Mapping[str, Moments],
    answers: Mapping[str, Mapping[int, int]],
    newest: Instrument,
) -> tuple[DomainReliability, ...]:
    """Cronbach's alpha per theme; not computed when the theme's items differ between versions."""
    out = []
    for theme in themes:
        theme_items = [i for i in items if i.domain == theme.id]
        domain_scores = scores.get(theme.key, Moments())
        versions = {frozenset(i.id for i in instrument.items_in(theme.id)) for instrument in instruments}
        if len(versions) > 1:
            result = Reliability(domain_scores.n, len(theme_items), None, ITEMS_DIFFER)
        else:
            result = domain_alpha(
                [answers.get(i.id, {}) for i in theme_items],
                domain_scores,
                scale_min=newest.scale.min,
                scale_max=newest.scale.max,
            )
        out.append(DomainReliability(theme, result))
    return tuple(out)


def team_participation(
    ctx: DashboardContext, team: Team, group: Group, rounds: Sequence[SurveyRound], *, by_role: bool
) -> Participation:
    """The team's responses against its headcount over the `rounds` it was invited to."""
    invited = sum(1 for r in rounds if team.id in ctx.invited.get(r.id, set()))
    rate = None
    # n is known only when the team is shown, or empty (nobody answered: 0 is no secret). The headcount
    # is of the whole team, so a rate within one role would mean nothing.
    if group.n is not None and team.size and invited and not by_role:
        rate = group.n / (team.size * invited)
    return Participation(team.id, team.name, group, team.size, invited, rate)


def rounds_for_trend(ctx: DashboardContext) -> list[SurveyRound]:
    """The rounds a trend runs over: the chosen intervention's (or the chosen round's), else all."""
    intervention_id = ctx.filters.intervention_id
    if intervention_id is None and ctx.filters.round_id is not None:
        intervention_id = next(
            r.intervention_id for r in [*ctx.rounds, *ctx.open_rounds] if r.id == ctx.filters.round_id
        )
    return [r for r in ctx.rounds if intervention_id is None or r.intervention_id == intervention_id]


def _misalignment(mean: ThemeMean) -> float:
    assert mean.estimate is not None
    return mean.estimate.mean if mean.theme.side == "mismatch" else 100 - mean.estimate.mean


def where_to_start(theme_means: Sequence[ThemeMean], newest: Instrument, language: str) -> tuple[StartingPoint, ...]:
    """The two themes furthest toward misalignment, and the theme with the widest disagreement
    (lowest r_wg(J) below 0.7) if another; failing that a third misaligned one."""
    ranked = sorted(
        (m for m in theme_means if m.estimate is not None and m.theme.side in ("match", "mismatch")),
        key=lambda m: (-_misalignment(m), m.theme.id),
    )
    chosen = ranked[:2]
    split = sorted(
        (
            m
            for m in theme_means
            if m.estimate is not None and m.agreement is not None and m.agreement.split and m not in chosen
        ),
        key=lambda m: (m.agreement.value if m.agreement else 0, m.theme.id),
    )
    if split:
        chosen.append(split[0])
    elif len(ranked) > 2 and _is_misaligned(ranked[2]):
        chosen.append(ranked[2])
    out = []
    for mean in chosen[:WHERE_TO_START_MAX]:
        assert mean.estimate is not None
        reasons = []
        if mean.theme.side in ("match", "mismatch"):
            reasons.append(MISALIGNED if _is_misaligned(mean) else LEAST_ALIGNED)
        if mean.agreement is not None and mean.agreement.split:
            reasons.append(SPLIT_VIEW)
        misalignment = _misalignment(mean) if mean.theme.side in ("match", "mismatch") else (100 - mean.estimate.mean)
        question = localise(newest.domain(mean.theme.id).interpretation.question, language)
        out.append(StartingPoint(mean.theme, mean.estimate, misalignment, mean.agreement, tuple(reasons), question))
    return tuple(out)


def _is_misaligned(mean: ThemeMean) -> bool:
    assert mean.estimate is not None
    if mean.theme.side == "mismatch":
        return mean.estimate.mean >= HIGH_FROM
    return mean.estimate.mean <= LOW_UPTO
